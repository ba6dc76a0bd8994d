"""The outcome of one CSV import, and its rendering for the command line (Chinese first)."""

from __future__ import annotations

from pydantic import BaseModel, Field, computed_field

ENTITY_ZH = {"members": "会员", "products": "商品", "inventory": "库存", "orders": "订单"}


class RowError(BaseModel):
    """One problem found in the file.

    ``line`` is the physical line number in the file (the header is line 1, the first data row
    line 2); ``0`` means the file as a whole (encoding, empty file, no data rows) and ``1`` a
    header problem. ``column`` is the header as written in the file, or ``None``.
    """

    line: int = Field(description="line number in the file; 0 = whole file, 1 = header")
    column: str | None = Field(default=None, description="the column header as in the file")
    message_zh: str = Field(description="reason in Simplified Chinese, for the store owner")
    message_en: str = Field(description="the same reason in English, for developers")


class ImportReport(BaseModel):
    """What an import read, wrote, or refused to write.

    When ``errors`` is not empty nothing was written and the three counts are zero. With
    ``dry_run`` the counts say what *would* have been written.
    """

    entity: str
    source: str = Field(default="", description="file name that was read")
    encoding: str | None = Field(default=None, description="detected encoding, e.g. GB18030")
    delimiter: str | None = Field(default=None, description="detected delimiter")
    dry_run: bool = False
    rows_read: int = Field(default=0, description="non-blank data rows in the file")
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = Field(default_factory=list)
    warnings: list[RowError] = Field(default_factory=list, description="ignored columns etc.")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def ok(self) -> bool:
        """Whether the file passed validation (and, unless a dry run, was written)."""
        return not self.errors


_DELIMITERS = {",": "逗号", "\t": "Tab", ";": "分号"}


def _where(problem: RowError) -> tuple[str, str]:
    if problem.line == 0:
        zh, en = "文件", "file"
    elif problem.line == 1 and problem.column is None:
        zh, en = "表头（第 1 行）", "header (line 1)"
    else:
        zh, en = f"第 {problem.line} 行", f"line {problem.line}"
    if problem.column:
        zh, en = f"{zh} [{problem.column}]", f"{en} [{problem.column}]"
    return zh, en


def render_report(report: ImportReport, *, max_errors: int | None = None) -> str:
    """Render a report as plain text: each problem in Chinese, then in English beneath it.

    Args:
        report: The report returned by ``import_csv``.
        max_errors: Show at most this many errors (the rest are counted); ``None`` shows all.

    Returns:
        Multi-line text for a terminal, ending without a newline.
    """
    what = ENTITY_ZH.get(report.entity, report.entity)
    head = f"导入{what}（{report.entity}）：{report.source or '-'}"
    details = []
    if report.encoding:
        details.append(f"编码 {report.encoding}")
    if report.delimiter:
        details.append(f"分隔符 {_DELIMITERS.get(report.delimiter, repr(report.delimiter))}")
    details.append(f"数据 {report.rows_read} 行")
    lines = [f"{head}（{'，'.join(details)}）"]
    if report.dry_run:
        lines.append("试运行：只校验，不写入数据库 / dry run: validated only, nothing written")
    for warning in report.warnings:
        zh, en = _where(warning)
        lines.append(f"提示 {zh}：{warning.message_zh}")
        lines.append(f"    warning {en}: {warning.message_en}")
    if report.ok:
        verb_zh = "校验通过，将" if report.dry_run else "导入成功："
        verb_en = "validation passed, would write" if report.dry_run else "import done:"
        lines.append(f"✓ {verb_zh}新增 {report.inserted}，更新 {report.updated}，"
                     f"未变 {report.unchanged}")
        lines.append(f"  {verb_en} {report.inserted} inserted, {report.updated} updated, "
                     f"{report.unchanged} unchanged")
        return "\n".join(lines)
    bad_lines = len({e.line for e in report.errors if e.line >= 2})
    rows_zh = f"（涉及 {bad_lines} 行数据）" if bad_lines else ""
    rows_en = f" in {bad_lines} data row(s)" if bad_lines else ""
    lines.append(f"✗ 发现 {len(report.errors)} 个错误{rows_zh}，未写入任何数据；请修改文件后重新导入")
    lines.append(f"  {len(report.errors)} error(s){rows_en}; nothing was written. "
                 "Fix the file and import it again.")
    shown = report.errors if max_errors is None else report.errors[:max_errors]
    for problem in shown:
        zh, en = _where(problem)
        lines.append(f"{zh}：{problem.message_zh}")
        lines.append(f"    {en}: {problem.message_en}")
    hidden = len(report.errors) - len(shown)
    if hidden:
        lines.append(f"…… 另有 {hidden} 个错误未显示 / {hidden} more error(s) not shown")
    return "\n".join(lines)
