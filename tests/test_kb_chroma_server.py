"""The knowledge base against a real Chroma server (HttpClient), started here on loopback."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge import KnowledgeBase
from knowledge.embedders import load_embedder
from tests.kb_helpers import CountingEmbedder


def _chroma_executable() -> str | None:
    beside = Path(sys.executable).parent / "chroma"
    return str(beside) if beside.exists() else shutil.which("chroma")


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    exe = _chroma_executable()
    if exe is None:
        pytest.skip("the `chroma` executable (from the chromadb package) is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(tmp_path / "chroma.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen([exe, "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1",
                               "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1).read()
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"chroma server exited: {(tmp_path / 'chroma.log').read_text()[-2000:]}")
                time.sleep(0.25)
        else:
            pytest.fail("chroma server did not answer within 30 s")
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_ingest_and_search_through_a_chroma_server(chroma_url: str, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "hours.md").write_text("# 营业时间\n每天 07:30–22:00 营业。\n", encoding="utf-8")
    (docs / "parking.md").write_text("---\nscope: S001\n---\n# 翠苑店停车\n门口有临时停车位。\n", encoding="utf-8")
    counting = CountingEmbedder(load_embedder())
    kb = KnowledgeBase.open(tmp_path / "kb", chroma_url=chroma_url, embedder=counting)
    assert kb.ingest(docs).ok and len(counting.passages) == 2
    assert not (tmp_path / "kb" / "chroma").exists()  # nothing embedded locally: the server holds the index

    again = KnowledgeBase.open(tmp_path / "kb", chroma_url=chroma_url, embedder=counting)  # another process
    assert len(again.ingest(docs).unchanged) == 2 and len(counting.passages) == 2
    assert again.stats().chunks_by_scope == {"S001": 1, "all": 1}
    assert again.search("几点关门", k=1)[0].chunk.doc_id == "hours"
    assert again.search("停车", store="S001", k=1)[0].chunk.doc_id == "parking"
    assert "parking" not in {h.chunk.doc_id for h in again.search("停车", store="S002", k=5)}
