"""Row validation against a row model, and the shared cross-row and database checks."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from store.importing.cells import CellError
from store.importing.columns import RowModel
from store.importing.reading import CsvTable
from store.importing.report import RowError

M = TypeVar("M", bound=RowModel)

#: Values per ``IN (...)`` list, well under SQLite's and PostgreSQL's parameter limits.
CHUNK = 500


@dataclass
class Batch(Generic[M]):
    """The rows of a file that passed the per-row rules, with the errors of those that did not."""

    headers: dict[str, str]  # canonical column -> header as written in the file
    rows: list[tuple[int, M]] = field(default_factory=list)  # (line, row)
    errors: list[RowError] = field(default_factory=list)

    def error(self, line: int, column: str | None, zh: str, en: str) -> None:
        """Record a problem of ``line``; ``column`` is canonical and shown as the file writes it."""
        shown = self.headers.get(column, column) if column else None
        self.errors.append(RowError(line=line, column=shown, message_zh=zh, message_en=en))


def _reason(err: Any) -> tuple[str | None, str, str]:
    """Column, Chinese and English reason of one pydantic error."""
    column = str(err["loc"][0]) if err["loc"] else None
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, CellError):
        return column or cause.column, cause.zh, cause.en
    if err["type"] == "missing":
        return column, "必填，不能为空", "required value is empty"
    return column, "取值无效", str(err["msg"])


def validate_rows(table: CsvTable, model: type[M]) -> Batch[M]:
    """Validate every data row of ``table`` with ``model``, collecting all errors of all rows."""
    batch: Batch[M] = Batch(headers=table.headers, errors=list(table.errors))
    for source in table.rows:
        try:
            batch.rows.append((source.line, model.model_validate(source.cells)))
        except ValidationError as exc:
            for err in exc.errors():
                column, zh, en = _reason(err)
                batch.error(source.line, column, zh, en)
    return batch


def chunks(values: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    """``values`` (deduplicated, in order) in lists of at most ``size``."""
    unique = list(dict.fromkeys(values))
    for start in range(0, len(unique), size):
        yield unique[start:start + size]


def existing(session: Session, column: InstrumentedAttribute[Any], values: Iterable[Any]) -> set[Any]:
    """Which of ``values`` occur in ``column``."""
    found: set[Any] = set()
    for part in chunks(values):
        found.update(session.scalars(select(column).where(column.in_(part))))
    return found


def check_unique(batch: Batch[M], key: Callable[[M], Hashable | None], column: str,
                 what_zh: str, what_en: str) -> None:
    """Report every row whose ``key`` already occurred on an earlier row of the file."""
    first_seen: dict[Hashable, int] = {}
    for line, row in batch.rows:
        value = key(row)
        if value is None:
            continue
        if value in first_seen:
            batch.error(line, column, f"{what_zh}重复，与第 {first_seen[value]} 行相同",
                        f"duplicate {what_en}, same as line {first_seen[value]}")
        else:
            first_seen[value] = line


def check_exists(session: Session, batch: Batch[M], column: str,
                 target: InstrumentedAttribute[Any], what_zh: str, what_en: str,
                 hint_zh: str = "") -> None:
    """Report every row whose ``column`` value is not found in the database column ``target``."""
    values = [getattr(row, column) for _, row in batch.rows if getattr(row, column) is not None]
    found = existing(session, target, values)
    for line, row in batch.rows:
        value = getattr(row, column)
        if value is not None and value not in found:
            batch.error(line, column, f"{what_zh} {value} 不存在{hint_zh}",
                        f"unknown {what_en} {value!r}")
