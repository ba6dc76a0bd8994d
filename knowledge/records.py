"""Plain records that flow through the knowledge base: loaded documents, chunks and search hits."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: The scope of a document that applies to every store of the chain.
CHAIN_SCOPE = "all"


@dataclass(frozen=True)
class Block:
    """A piece of a document under one section heading (a FAQ row is one block)."""

    section: str  #: heading path such as "储存与保质期", or the question of a FAQ row
    text: str
    sku: str | None = None  #: a FAQ row may name its own product


@dataclass(frozen=True)
class Document:
    """A loaded source document, before chunking."""

    doc_id: str
    title: str
    source: str  #: path of the file it came from
    blocks: tuple[Block, ...]
    sku: str | None = None
    scope: str = CHAIN_SCOPE  #: "all" or one store id such as "S001"
    updated: str = ""  #: ISO date or datetime
    aliases: tuple[str, ...] = ()  #: other names of the subject (product aliases)


@dataclass(frozen=True)
class Chunk:
    """One retrievable passage with everything needed to cite it."""

    chunk_id: str
    doc_id: str
    title: str
    section: str
    text: str
    source: str
    scope: str = CHAIN_SCOPE
    sku: str | None = None
    updated: str = ""
    position: int = 0
    aliases: tuple[str, ...] = ()

    def index_text(self) -> str:
        """What is embedded and keyword-indexed: the text with its title, aliases and section.

        A section such as "储存" alone does not say which product it is about; the title does.
        """
        head = self.title
        if self.aliases:
            head += f"（{'、'.join(self.aliases)}）"
        if self.section and self.section != self.title:
            head += f" · {self.section}"
        return f"{head}\n{self.text}"


@dataclass(frozen=True)
class Hit:
    """A ranked search result: a chunk, its fused score and the two scores behind it."""

    chunk: Chunk
    score: float  #: fused (reciprocal rank fusion) score; higher is better
    dense: float | None = None  #: cosine similarity of the query and the chunk, if in dense results
    keyword: float | None = None  #: BM25 score, if in keyword results
    sources: tuple[str, ...] = field(default=())  #: which retrievers found it ("dense", "bm25")

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape printed by ``kb search --json``."""
        c = self.chunk
        return {
            "doc_id": c.doc_id,
            "title": c.title,
            "section": c.section,
            "sku": c.sku,
            "score": round(self.score, 6),
            "text": c.text,
            "chunk_id": c.chunk_id,
            "scope": c.scope,
            "source": c.source,
            "updated": c.updated,
            "dense": None if self.dense is None else round(self.dense, 4),
            "bm25": None if self.keyword is None else round(self.keyword, 4),
        }


def chunk_metadata(chunk: Chunk) -> dict[str, str | int]:
    """Chunk fields as a chromadb metadata dict (no None values)."""
    data = asdict(chunk)
    data.pop("text")
    data.pop("chunk_id")
    data["sku"] = chunk.sku or ""
    data["aliases"] = "|".join(chunk.aliases)
    return data


def chunk_from_record(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    """Rebuild a :class:`Chunk` from what chromadb stored."""
    aliases = str(meta.get("aliases") or "")
    return Chunk(
        chunk_id=chunk_id,
        doc_id=str(meta["doc_id"]),
        title=str(meta.get("title", "")),
        section=str(meta.get("section", "")),
        text=text,
        source=str(meta.get("source", "")),
        scope=str(meta.get("scope", CHAIN_SCOPE)),
        sku=str(meta["sku"]) if meta.get("sku") else None,
        updated=str(meta.get("updated", "")),
        position=int(meta.get("position", 0)),
        aliases=tuple(a for a in aliases.split("|") if a),
    )
