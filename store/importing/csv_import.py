"""``import_csv``: read, validate everything, then write all rows in one transaction or none."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from store.importing.checks import check_inventory, check_members, check_products
from store.importing.columns import ROW_MODELS, Entity
from store.importing.orders import check_orders, write_orders
from store.importing.reading import FileProblem, read_table
from store.importing.report import ImportReport, RowError
from store.importing.validation import Batch, validate_rows
from store.importing.writing import Counts, write_inventory, write_members, write_products

CHECKS: dict[str, Callable[[Session, Batch[Any]], None]] = {
    "members": check_members,
    "products": check_products,
    "inventory": check_inventory,
    "orders": check_orders,
}


def _writer(entity: str, now: datetime) -> Callable[[Session, Batch[Any]], Counts]:
    if entity == "inventory":
        return lambda session, batch: write_inventory(session, batch, now=now)
    writers: dict[str, Callable[[Session, Batch[Any]], Counts]] = {
        "members": write_members, "products": write_products, "orders": write_orders}
    return writers[entity]


def import_csv(factory: sessionmaker[Session], entity: Entity, path: Path, *,
               dry_run: bool = False, now: datetime | None = None) -> ImportReport:
    """Import one CSV export of ``entity`` (upsert by primary key), all or nothing.

    Every row is checked first — cell rules, duplicates within the file, references to stores,
    suppliers, products and members in the database, phone and card-code uniqueness — and every
    problem is reported with its line number. Only a file without any problem is written, in a
    single transaction; a file with any bad row writes nothing. Importing the same file again
    changes nothing.

    Args:
        factory: Session factory of the store database.
        entity: What the file holds: ``members``, ``products``, ``inventory`` or ``orders``.
        path: The CSV file (UTF-8 with or without BOM, GBK/GB18030, or UTF-16; ``,`` Tab or ``;``).
        dry_run: Validate and count what would change, then roll back instead of committing.
        now: Time stamped on inventory rows without ``updated_at``; defaults to the current time.

    Returns:
        The report; ``report.ok`` is false when anything was wrong (and then nothing was written).

    Raises:
        ValueError: ``entity`` is not one of the four importable entities.
    """
    if entity not in ROW_MODELS:
        raise ValueError(f"unknown entity {entity!r}; expected one of {sorted(ROW_MODELS)}")
    report = ImportReport(entity=entity, source=path.name, dry_run=dry_run)
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.errors.append(RowError(line=0, message_zh=f"无法读取文件：{path}",
                                      message_en=f"cannot read {path}: {exc.strerror or exc}"))
        return report
    try:
        table = read_table(data, ROW_MODELS[entity])
    except FileProblem as problem:
        report.encoding, report.delimiter = problem.encoding, problem.delimiter
        report.errors.extend(problem.errors)
        return report
    report.encoding, report.delimiter = table.encoding, table.delimiter
    report.rows_read, report.warnings = len(table.rows), table.warnings
    batch = validate_rows(table, ROW_MODELS[entity])

    with factory() as session:
        # Checks and writes share one transaction, so what was checked is what gets written.
        CHECKS[entity](session, batch)
        if batch.errors:
            session.rollback()
            report.errors = sorted(batch.errors, key=lambda e: e.line)
            return report
        try:
            counts = _writer(entity, now or datetime.now().replace(microsecond=0))(session, batch)
            session.flush()
        except IntegrityError as exc:
            # A concurrent writer (or a rule the checks missed): refuse the file as a whole.
            session.rollback()
            report.errors.append(RowError(
                line=0, message_zh="写入数据库时发生冲突（可能有人同时修改了数据），已全部撤销，未写入任何数据",
                message_en=f"database rejected the write, rolled back: {exc.orig.__class__.__name__}"))
            return report
        if dry_run:
            session.rollback()
        else:
            session.commit()
    report.inserted, report.updated, report.unchanged = counts.inserted, counts.updated, counts.unchanged
    return report
