"""Chinese-aware chunking: front matter, Markdown headings, paragraphs, then sentence ends.

A chunk never crosses a section heading. Within a section, paragraphs are packed up to
``max_chars``; a longer paragraph is cut after 。！？； (or !?;), and a sentence that is still too
long is cut after ，、 or, as a last resort, every ``max_chars`` characters.
"""

from __future__ import annotations

import re

from knowledge.records import Block, Chunk, Document

#: Characters after which a Chinese (or Western) sentence may end.
SENTENCE_ENDS = "。！？；!?;"
_SENTENCE_RE = re.compile(r"[^。！？；!?;\n]+(?:[。！？；!?;]+[”’」』）)]*|\n|$)")
_CLAUSE_RE = re.compile(r"[^，、,]+[，、,]?")
_HEADING_RE = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
DEFAULT_MAX_CHARS = 240


def parse_front_matter(text: str) -> tuple[dict[str, str | list[str]], str]:
    """Split ``---``-delimited front matter (``key: value`` lines) from a Markdown body.

    Values written as ``[a, b]`` become lists; everything else stays a string.
    """
    text = text.lstrip("\ufeff")
    if not text.startswith("---"):
        return {}, text
    lines = text.splitlines()
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        return {}, text
    meta: dict[str, str | list[str]] = {}
    for line in lines[1:end]:
        if ":" not in line or line.lstrip().startswith("#"):
            continue
        key, value = line.split(":", 1)
        value = value.strip().strip("\"'")
        if value.startswith("[") and value.endswith("]"):
            meta[key.strip()] = [v.strip().strip("\"'") for v in value[1:-1].split(",") if v.strip()]
        else:
            meta[key.strip()] = value
    return meta, "\n".join(lines[end + 1 :])


def markdown_blocks(body: str) -> tuple[str | None, list[Block]]:
    """The first ``#`` heading (the title, if any) and the blocks under each heading below it.

    A block's section is the path of headings below the title, joined by `` / ``.
    """
    title: str | None = None
    stack: list[tuple[int, str]] = []
    blocks: list[Block] = []
    buf: list[str] = []

    def flush() -> None:
        text = "\n".join(buf).strip()
        buf.clear()
        if text:
            blocks.append(Block(section=" / ".join(h for _, h in stack), text=text))

    for line in body.splitlines():
        m = _HEADING_RE.match(line)
        if not m:
            buf.append(line)
            continue
        flush()
        level, heading = len(m.group(1)), m.group(2).strip()
        if level == 1 and title is None:
            title = heading
            stack.clear()
            continue
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, heading))
    flush()
    return title, blocks


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``, each keeping its end mark (。！？；!?;) and closing quotes."""
    return [s.strip() for s in _SENTENCE_RE.findall(text) if s.strip()]


def _split_long(sentence: str, max_chars: int) -> list[str]:
    if len(sentence) <= max_chars:
        return [sentence]
    parts: list[str] = []
    for clause in _CLAUSE_RE.findall(sentence):
        while len(clause) > max_chars:
            parts.append(clause[:max_chars])
            clause = clause[max_chars:]
        if parts and len(parts[-1]) + len(clause) <= max_chars:
            parts[-1] += clause
        elif clause:
            parts.append(clause)
    return parts


def split_text(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> list[str]:
    """Pack the paragraphs of ``text`` into pieces of at most ``max_chars`` characters."""
    pieces: list[str] = []
    current = ""
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        units = [paragraph] if len(paragraph) <= max_chars else [
            part for s in split_sentences(paragraph) for part in _split_long(s, max_chars)
        ]
        for unit in units:
            joiner = "\n" if current and unit is paragraph else ""
            if current and len(current) + len(joiner) + len(unit) > max_chars:
                pieces.append(current)
                current = unit
            else:
                current = f"{current}{joiner}{unit}" if current else unit
        if current and len(paragraph) > max_chars:
            # a long paragraph ends its own piece, so the next paragraph starts cleanly
            pieces.append(current)
            current = ""
    if current:
        pieces.append(current)
    return pieces


def chunk_document(doc: Document, max_chars: int = DEFAULT_MAX_CHARS) -> list[Chunk]:
    """Cut a document into chunks that carry its id, title, section, SKU, scope and source."""
    chunks: list[Chunk] = []
    for block in doc.blocks:
        for piece in split_text(block.text, max_chars):
            chunks.append(Chunk(
                chunk_id=f"{doc.doc_id}#{len(chunks)}",
                doc_id=doc.doc_id,
                title=doc.title,
                section=block.section,
                text=piece,
                source=doc.source,
                scope=doc.scope,
                sku=block.sku or doc.sku,
                updated=doc.updated,
                position=len(chunks),
                aliases=doc.aliases,
            ))
    return chunks
