"""Load one file into a :class:`~knowledge.records.Document`, or raise :class:`DocumentError`.

Supported: Markdown and plain text (optional ``---`` front matter with ``doc_id``, ``title``,
``sku``, ``scope``, ``updated``, ``aliases``), FAQ sheets as CSV or Excel (a question and an
answer column, optional ``sku`` and ``scope`` columns), PDF (text layer, via pypdf) and Word
``.docx`` (headings become sections, via python-docx).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from pathlib import Path

from knowledge.chunking import markdown_blocks, parse_front_matter
from knowledge.records import CHAIN_SCOPE, Block, Document

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".csv", ".xlsx", ".pdf", ".docx")
_QUESTION_COLUMNS = ("question", "q", "问题", "问", "提问")
_ANSWER_COLUMNS = ("answer", "a", "答案", "答", "回答")
_SCOPE_RE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


class DocumentError(Exception):
    """A file that cannot be indexed; ``reason`` is a plain Chinese message for the user."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


def _doc_id_for(path: Path, root: Path | None) -> str:
    rel = path.relative_to(root) if root and path.is_relative_to(root) else Path(path.name)
    return re.sub(r"[^\w.-]+", "-", rel.with_suffix("").as_posix()).strip("-") or "doc"


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentError(path, "无法识别文件编码（请保存为 UTF-8）")


def _scope(value: object, default: str, path: Path) -> str:
    scope = str(value or default).strip() or CHAIN_SCOPE
    if not _SCOPE_RE.match(scope):
        raise DocumentError(path, f"门店范围 scope 不合法：{scope!r}")
    return scope


def _aliases(value: str | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else re.split(r"[,，、]", value)
    return tuple(a.strip() for a in items if a.strip())


def _text_document(path: Path, root: Path | None, scope: str, updated: str, *, markdown: bool) -> Document:
    meta, body = parse_front_matter(_read_text(path))
    if markdown:
        heading, blocks = markdown_blocks(body)
    else:
        heading, blocks = None, [Block(section="", text=body.strip())] if body.strip() else []
    sku = str(meta.get("sku") or "").strip() or None
    return Document(
        doc_id=str(meta.get("doc_id") or _doc_id_for(path, root)),
        title=str(meta.get("title") or heading or path.stem),
        source=str(path),
        blocks=tuple(blocks),
        sku=sku,
        scope=_scope(meta.get("scope"), scope, path),
        updated=str(meta.get("updated") or updated),
        aliases=_aliases(meta.get("aliases")),
    )


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    return next((lowered.index(n) for n in names if n in lowered), None)


def _cell(row: list[str], col: int | None) -> str:
    return (row[col] if col is not None and col < len(row) else "").strip()


def _faq_document(path: Path, rows: list[list[str]], root: Path | None, scope: str, updated: str) -> Document:
    if not rows:
        raise DocumentError(path, "FAQ 表格是空的")
    header = rows[0]
    q_col, a_col = _column(header, _QUESTION_COLUMNS), _column(header, _ANSWER_COLUMNS)
    if q_col is None or a_col is None:
        raise DocumentError(path, "FAQ 表格需要“问题(question)”和“答案(answer)”两列")
    sku_col, scope_col = _column(header, ("sku",)), _column(header, ("scope", "store", "门店"))
    blocks: list[Block] = []
    scopes: set[str] = set()
    for line_no, row in enumerate(rows[1:], start=2):
        question, answer = _cell(row, q_col), _cell(row, a_col)
        if not question and not answer:
            continue
        if not question or not answer:
            raise DocumentError(path, f"第 {line_no} 行缺少问题或答案")
        if scope_col is not None and _cell(row, scope_col):
            scopes.add(_cell(row, scope_col))
        blocks.append(Block(section=question, text=f"问：{question}\n答：{answer}", sku=_cell(row, sku_col) or None))
    if len(scopes) > 1:
        raise DocumentError(path, "同一个 FAQ 表格只能属于一个门店范围，请按门店拆分文件")
    stem = path.stem
    return Document(
        doc_id=_doc_id_for(path, root),
        title="常见问题" if "faq" in stem.lower() else stem,
        source=str(path),
        blocks=tuple(blocks),
        scope=_scope(next(iter(scopes), None), scope, path),
        updated=updated,
    )


def _csv_rows(path: Path) -> list[list[str]]:
    return [row for row in csv.reader(io.StringIO(_read_text(path)))]


def _xlsx_rows(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _pdf_document(path: Path, root: Path | None, scope: str, updated: str) -> Document:
    from pypdf import PdfReader

    reader = PdfReader(path)
    if reader.is_encrypted:
        raise DocumentError(path, "PDF 已加密，无法读取")
    blocks = [Block(section=f"第 {n} 页", text=(page.extract_text() or "").strip())
              for n, page in enumerate(reader.pages, start=1)]
    title = str(reader.metadata.get("/Title") or "").strip() if reader.metadata else ""
    title = title or path.stem
    return Document(doc_id=_doc_id_for(path, root), title=title, source=str(path),
                    blocks=tuple(b for b in blocks if b.text), scope=scope, updated=updated)


def _docx_document(path: Path, root: Path | None, scope: str, updated: str) -> Document:
    import docx

    word = docx.Document(str(path))
    title = (word.core_properties.title or "").strip()
    lines: list[str] = []
    for para in word.paragraphs:
        style = (para.style.name if para.style is not None else "") or ""
        text = para.text.strip()
        if not text:
            lines.append("")
        elif style == "Title" or (style in ("Heading 1", "标题 1") and not title):
            title = title or text
        elif (m := re.match(r"^(?:Heading|标题)\s*(\d)$", style)):
            lines.append(f"\n{'#' * (int(m.group(1)) + 1)} {text}\n")
        else:
            lines.append(text + "\n")
    for table in word.tables:
        lines.extend(" | ".join(cell.text.strip() for cell in row.cells) for row in table.rows)
    _, blocks = markdown_blocks("\n".join(lines))
    return Document(doc_id=_doc_id_for(path, root), title=title or path.stem, source=str(path),
                    blocks=tuple(blocks), scope=scope, updated=updated)


def load_document(path: Path, *, root: Path | None = None, scope: str = CHAIN_SCOPE) -> Document:
    """Load ``path``; its doc id defaults to its path relative to ``root`` without the suffix.

    Raises:
        DocumentError: the file is unsupported, unreadable, malformed or has no text.
    """
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(path, f"不支持的文件类型 {suffix or '(无后缀)'}")
    updated = datetime.fromtimestamp(path.stat().st_mtime).date().isoformat()
    try:
        if suffix in (".md", ".markdown", ".txt"):
            doc = _text_document(path, root, scope, updated, markdown=suffix != ".txt")
        elif suffix == ".csv":
            doc = _faq_document(path, _csv_rows(path), root, scope, updated)
        elif suffix == ".xlsx":
            doc = _faq_document(path, _xlsx_rows(path), root, scope, updated)
        elif suffix == ".pdf":
            doc = _pdf_document(path, root, scope, updated)
        else:
            doc = _docx_document(path, root, scope, updated)
    except DocumentError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure means "this file is bad"
        raise DocumentError(path, f"文件无法解析（{exc.__class__.__name__}: {exc}）") from exc
    if not any(b.text.strip() for b in doc.blocks):
        raise DocumentError(path, "没有可索引的文字")
    return doc
