"""Incremental ingestion: load, chunk and embed documents; replace what changed, drop what went.

A manifest (JSON beside the index) remembers, per source file, the hash of its bytes and of the
options that shape its chunks. An unchanged file is not read further, let alone re-embedded; a
changed one has its old chunks replaced; a file gone from an ingested folder has its chunks
deleted. A file is loaded, chunked and embedded completely before anything is written, so a bad
file is reported and skipped, never half-indexed (a previously indexed version stays as it was).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.chunking import DEFAULT_MAX_CHARS, chunk_document
from knowledge.documents import SUPPORTED_SUFFIXES, DocumentError, load_document
from knowledge.index import ChunkIndex
from knowledge.records import CHAIN_SCOPE, Chunk, Document

#: Bump when loaders or chunking change their output, so every document is re-chunked.
PIPELINE_VERSION = "1"


@dataclass
class IngestReport:
    """What one ingest run did; ``failed`` holds (path, Chinese reason) pairs."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    chunks_embedded: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when no file failed."""
        return not self.failed

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {k: getattr(self, k) for k in ("added", "updated", "unchanged", "removed", "ignored",
                                              "chunks_embedded", "seconds")} | {
            "failed": [{"path": p, "reason": r} for p, r in self.failed]}


class Manifest:
    """Per-source records of what is indexed, stored as JSON and replaced atomically."""

    def __init__(self, path: Path, location: str) -> None:
        self.path = path
        self.location = location
        data: dict[str, Any] = {}
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
        # a manifest written for another index location says nothing about this one
        self.docs: dict[str, dict[str, Any]] = data.get("docs", {}) if data.get("location") == location else {}

    def save(self) -> None:
        """Write the manifest (temp file + rename, so a crash never leaves half a file)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"version": 1, "location": self.location, "docs": self.docs},
                                  ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)


def discover(path: Path) -> tuple[list[Path], list[Path]]:
    """Supported files under ``path`` (or ``path`` itself) and the unsupported ones ignored."""
    if path.is_file():
        return [path], []
    files: list[Path] = []
    ignored: list[Path] = []
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        rel = file.relative_to(path)
        if any(part.startswith(".") for part in rel.parts) or file.name.startswith("~$"):
            continue  # hidden files and Office lock files
        (files if file.suffix.lower() in SUPPORTED_SUFFIXES else ignored).append(file)
    return files, ignored


def _fingerprint(data: bytes, scope: str, max_chars: int) -> str:
    digest = hashlib.sha256(data)
    digest.update(f"|{scope}|{max_chars}|{PIPELINE_VERSION}".encode())
    return digest.hexdigest()


@dataclass
class _Pending:
    key: str
    entry: dict[str, Any] | None
    fingerprint: str
    doc: Document
    chunks: list[Chunk]


def _embed(index: ChunkIndex, batch: list[_Pending], report: IngestReport) -> list[tuple[_Pending, np.ndarray]]:
    """Vectors for every pending document: one call for the batch (much faster than one call per
    document), falling back to one call per document to isolate a failure."""
    def checked(item: _Pending, vectors: np.ndarray) -> np.ndarray:
        if vectors.shape != (len(item.chunks), index.embedder.dim) or not np.isfinite(vectors).all():
            raise DocumentError(item.key, "向量化结果异常")
        return vectors

    try:
        vectors = np.asarray(index.embedder.embed_passages([c.index_text() for p in batch for c in p.chunks]))
        out, start = [], 0
        for item in batch:
            out.append((item, checked(item, vectors[start:start + len(item.chunks)])))
            start += len(item.chunks)
        return out
    except Exception:  # noqa: BLE001 - retry document by document below
        pass
    out = []
    for item in batch:
        try:
            out.append((item, checked(item, np.asarray(index.embedder.embed_passages(
                [c.index_text() for c in item.chunks])))))
        except Exception as exc:  # noqa: BLE001 - this document is bad, the others go on
            reason = exc.reason if isinstance(exc, DocumentError) else f"向量化失败（{exc.__class__.__name__}）"
            report.failed.append((item.key, reason))
    return out


def _write(index: ChunkIndex, manifest: Manifest, item: _Pending, vectors: np.ndarray,
           report: IngestReport) -> None:
    doc, entry = item.doc, item.entry
    if entry:
        index.delete_doc(entry["scope"], entry["doc_id"])
    index.delete_doc(doc.scope, doc.doc_id)  # leftovers of an interrupted earlier run
    try:
        index.add(item.chunks, vectors)
    except Exception as exc:  # noqa: BLE001 - undo the partial write, report, go on
        index.delete_ids(doc.scope, [c.chunk_id for c in item.chunks])
        manifest.docs.pop(item.key, None)
        report.failed.append((item.key, f"写入索引失败（{exc.__class__.__name__}）"))
        return
    manifest.docs[item.key] = {"doc_id": doc.doc_id, "title": doc.title, "scope": doc.scope,
                               "sku": doc.sku, "hash": item.fingerprint, "chunks": len(item.chunks),
                               "updated": doc.updated}
    (report.updated if entry else report.added).append(item.key)
    report.chunks_embedded += len(item.chunks)


def ingest_path(index: ChunkIndex, manifest: Manifest, path: Path, *, scope: str = CHAIN_SCOPE,
                max_chars: int = DEFAULT_MAX_CHARS, batch_chunks: int = 256) -> IngestReport:
    """Bring the index in line with a folder (or one file) of documents.

    Args:
        index: where chunks and vectors go.
        manifest: what was ingested before (updated and saved here).
        path: a folder (searched recursively) or a single file.
        scope: store scope for documents whose front matter names none ("all" = whole chain).
        max_chars: chunk size limit in characters.
        batch_chunks: how many chunks to embed in one call.
    """
    started = time.perf_counter()
    report = IngestReport()
    path = path.resolve()
    if not path.exists():
        report.failed.append((str(path), "路径不存在"))
        return report
    if not index.scopes():
        manifest.docs.clear()  # the index was wiped: nothing the manifest lists is really there
    root = path if path.is_dir() else path.parent
    files, ignored = discover(path)
    report.ignored = [str(p) for p in ignored]
    owners = {e["doc_id"]: key for key, e in manifest.docs.items()}
    present = {str(f) for f in files}
    batch: list[_Pending] = []

    def flush() -> None:
        for item, vectors in _embed(index, batch, report):
            _write(index, manifest, item, vectors, report)
        batch.clear()

    try:
        for file in files:
            key = str(file)
            entry = manifest.docs.get(key)
            try:
                fingerprint = _fingerprint(file.read_bytes(), scope, max_chars)
            except OSError as exc:
                report.failed.append((key, f"无法读取文件（{exc.strerror}）"))
                continue
            if entry and entry["hash"] == fingerprint:
                report.unchanged.append(key)
                continue
            try:
                doc = load_document(file, root=root, scope=scope)
                owner = owners.get(doc.doc_id)
                if owner and owner != key and (owner in present or Path(owner).exists()):
                    raise DocumentError(file, f"doc_id “{doc.doc_id}” 已被 {owner} 使用")
            except DocumentError as exc:
                report.failed.append((key, exc.reason))
                continue
            owners[doc.doc_id] = key
            batch.append(_Pending(key, entry, fingerprint, doc, chunk_document(doc, max_chars)))
            if sum(len(p.chunks) for p in batch) >= batch_chunks:
                flush()
        flush()
        if path.is_dir():
            for key in [k for k in manifest.docs if Path(k).is_relative_to(path) and k not in present]:
                entry = manifest.docs.pop(key)
                index.delete_doc(entry["scope"], entry["doc_id"])
                report.removed.append(key)
    finally:
        manifest.save()
    report.seconds = round(time.perf_counter() - started, 3)
    return report
