"""Reading a CSV export: encoding and delimiter detection, header mapping, rows with line numbers."""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field

from store.importing.columns import RowModel, columns_of, header_lookup, normalize_header
from store.importing.report import RowError

DELIMITERS = (",", "\t", ";")


class FileProblem(Exception):
    """The file cannot be imported at all (encoding, not a CSV, header); nothing is validated."""

    def __init__(self, errors: list[RowError], *, encoding: str | None = None,
                 delimiter: str | None = None) -> None:
        super().__init__("; ".join(e.message_en for e in errors))
        self.errors = errors
        self.encoding = encoding
        self.delimiter = delimiter


@dataclass
class SourceRow:
    """One non-blank data row: its first physical line and its non-empty cells by column."""

    line: int
    cells: dict[str, str]


@dataclass
class CsvTable:
    """A decoded, header-checked CSV file."""

    encoding: str
    delimiter: str
    headers: dict[str, str]  # canonical column -> header as written in the file
    rows: list[SourceRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)


def _file_error(zh: str, en: str, line: int = 0) -> FileProblem:
    return FileProblem([RowError(line=line, message_zh=zh, message_en=en)])


def decode(data: bytes) -> tuple[str, str]:
    """Decode an export: UTF-8 (with or without BOM), else GB18030 (a superset of GBK/GB2312).

    UTF-16 with a BOM (Excel's "Unicode text") is also read. Spreadsheet and other binary files
    are refused with a message saying what they look like.

    Returns:
        The text and a label of the encoding found.

    Raises:
        FileProblem: The file is empty, binary, or in no supported encoding.
    """
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise _file_error("文件是空的", "the file is empty")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_error("这是 Excel 工作簿（.xlsx/.xls），不是 CSV；请在 Excel 中“另存为 CSV UTF-8”后再导入",
                          "this is an Excel workbook, not CSV; save it as CSV UTF-8 first")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise _file_error("文件声明为 UTF-16 编码但内容损坏", "broken UTF-16 file") from exc
    if b"\x00" in data:
        raise _file_error("这不是文本 CSV 文件（含二进制内容），请导出为 CSV 后再导入",
                          "not a text CSV file (binary content); export it as CSV")
    try:
        text = data.decode("utf-8-sig")
        label = "UTF-8 (BOM)" if data.startswith(b"\xef\xbb\xbf") else "UTF-8"
    except UnicodeDecodeError:
        try:
            text, label = data.decode("gb18030"), "GB18030"
        except UnicodeDecodeError as exc:
            raise _file_error(
                "无法识别文件编码（既不是 UTF-8 也不是 GBK/GB18030），请另存为“CSV UTF-8”后再导入",
                "unknown encoding (neither UTF-8 nor GBK/GB18030); save the file as CSV UTF-8",
            ) from exc
    controls = sum(1 for ch in text if ch not in "\t\r\n" and unicodedata.category(ch) == "Cc")
    if controls:
        raise _file_error(f"文件含 {controls} 个控制字符，不像文本 CSV，请检查是否选错了文件",
                          f"{controls} control characters: this does not look like a text CSV")
    return text, label


def detect_delimiter(text: str, lookup: dict[str, str]) -> str:
    """The delimiter among ``, Tab ;`` under which the header names the most known columns."""
    first_line = text.lstrip("\r\n").splitlines()[0] if text.strip() else ""

    def known(delimiter: str) -> int:
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        return sum(1 for cell in cells if normalize_header(cell) in lookup)

    return max(DELIMITERS, key=known)  # ties keep the first, i.e. the comma


def _map_header(header: list[str], model: type[RowModel],
                lookup: dict[str, str]) -> tuple[dict[int, str], dict[str, str], list[RowError]]:
    """Column index -> canonical column, canonical -> header text, and header warnings."""
    by_index: dict[int, str] = {}
    written: dict[str, str] = {}
    warnings: list[RowError] = []
    errors: list[RowError] = []
    for index, raw in enumerate(header):
        label = raw.replace("\ufeff", "").strip()
        if not label:
            continue  # unnamed (often trailing) columns are ignored
        name = lookup.get(normalize_header(label))
        if name is None:
            warnings.append(RowError(line=1, column=label, message_zh="未知列，已忽略",
                                     message_en="unknown column, ignored"))
        elif name in written:
            errors.append(RowError(
                line=1, column=label,
                message_zh=f"与“{written[name]}”是同一列（{name}），一列只能出现一次",
                message_en=f"same column ({name}) as {written[name]!r}; a column may appear once"))
        else:
            by_index[index] = name
            written[name] = label
    missing = [c for c in columns_of(model) if c.required and c.name not in written]
    if missing:
        names_zh = "、".join(f"{c.zh}（{c.name}）" for c in missing)
        errors.append(RowError(
            line=1, message_zh=f"缺少必填列：{names_zh}；请确认第 1 行是表头",
            message_en="missing required column(s): " + ", ".join(c.name for c in missing)))
    if errors:
        raise FileProblem(errors)
    return by_index, written, warnings


def read_table(data: bytes, model: type[RowModel]) -> CsvTable:
    """Decode ``data``, check its header against ``model`` and collect its data rows.

    Blank rows are skipped. A row with non-empty cells beyond the header is a row error (often an
    unquoted comma inside a value); a short row simply has empty trailing cells.

    Raises:
        FileProblem: The file cannot be decoded, has no header or data, or misses columns.
    """
    text, encoding = decode(data)
    lookup = header_lookup(model)
    delimiter = detect_delimiter(text, lookup)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
        while not any(cell.strip() for cell in header):  # leading blank lines
            header = next(reader)
        by_index, written, warnings = _map_header(header, model, lookup)
    except FileProblem as problem:
        problem.encoding, problem.delimiter = encoding, delimiter
        raise
    except (StopIteration, csv.Error) as exc:
        raise FileProblem([RowError(line=1, message_zh="无法读取表头",
                                    message_en=f"cannot read the header: {exc}")],
                          encoding=encoding, delimiter=delimiter) from exc
    table = CsvTable(encoding=encoding, delimiter=delimiter, headers=written, warnings=warnings)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise FileProblem([RowError(line=start, message_zh="CSV 格式错误，无法继续读取",
                                        message_en=f"malformed CSV: {exc}")],
                              encoding=encoding, delimiter=delimiter) from exc
        values = [c.replace("\u3000", " ").strip() for c in cells]
        if not any(values):
            continue
        overflow = [v for v in values[len(header):] if v]
        if overflow:
            table.errors.append(RowError(
                line=start,
                message_zh=f"本行有 {len(values)} 个单元格，多于表头的 {len(header)} 列"
                           "（值里的逗号需要用英文双引号括起来）",
                message_en=f"{len(values)} cells but the header has {len(header)} columns "
                           "(quote values that contain the delimiter)"))
        row = {name: values[i] for i, name in by_index.items() if i < len(values) and values[i]}
        table.rows.append(SourceRow(line=start, cells=row))
    if not table.rows:
        raise FileProblem([RowError(line=0, message_zh="文件只有表头，没有数据行",
                                    message_en="the file has a header but no data rows")],
                          encoding=encoding, delimiter=delimiter)
    return table
