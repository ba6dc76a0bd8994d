"""Upserts of validated members, products and inventory rows, counting what changed.

On insert every attribute is written (absent columns take their documented default). On update
only the columns the file has are written, so a file without, say, a ``note`` column leaves notes
alone; an empty cell in a present column means the column's default (often "none").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.importing.checks import effective_code
from store.importing.columns import InventoryRow, MemberRow, ProductRow
from store.importing.validation import Batch, chunks
from store.models import Inventory, Member, Product


@dataclass
class Counts:
    """Objects inserted, updated and left unchanged by one import."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


def apply_changes(obj: Any, values: dict[str, Any]) -> bool:
    """Set the attributes of ``obj`` that differ from ``values``; whether any did."""
    changed = False
    for attribute, value in values.items():
        if getattr(obj, attribute) != value:
            setattr(obj, attribute, value)
            changed = True
    return changed


def _present(values: dict[str, Any], headers: dict[str, str], rename: dict[str, str]) -> dict[str, Any]:
    """The subset of ``values`` whose columns the file has (keys are attributes)."""
    attributes = {rename.get(column, column) for column in headers}
    return {k: v for k, v in values.items() if k in attributes}


def write_members(session: Session, batch: Batch[MemberRow]) -> Counts:
    """Insert or update members by id."""
    counts = Counts()
    ids = [row.member_id for _, row in batch.rows]
    found: dict[str, Member] = {}
    for part in chunks(ids):
        found.update((m.id, m) for m in session.scalars(select(Member).where(Member.id.in_(part))))
    code_column = "code" in batch.headers
    for _, row in batch.rows:
        values = row.model_dump(exclude={"member_id", "code"})
        values["id"] = row.member_id
        member = found.get(row.member_id)
        code = effective_code(row, code_column=code_column, is_new=member is None)
        if member is None:
            session.add(Member(**values, code=code))
            counts.inserted += 1
            continue
        update = _present(values, batch.headers, {"member_id": "id"})
        if code is not None:
            update["code"] = code
        if apply_changes(member, update):
            counts.updated += 1
        else:
            counts.unchanged += 1
    return counts


def write_products(session: Session, batch: Batch[ProductRow]) -> Counts:
    """Insert or update products by SKU."""
    counts = Counts()
    found: dict[str, Product] = {}
    for part in chunks(row.sku for _, row in batch.rows):
        found.update((p.sku, p) for p in session.scalars(select(Product).where(Product.sku.in_(part))))
    for _, row in batch.rows:
        values = row.model_dump()
        values["aliases"] = row.alias_list()
        product = found.get(row.sku)
        if product is None:
            session.add(Product(**values))
            counts.inserted += 1
        elif apply_changes(product, _present(values, batch.headers, {})):
            counts.updated += 1
        else:
            counts.unchanged += 1
    return counts


def write_inventory(session: Session, batch: Batch[InventoryRow], *, now: datetime) -> Counts:
    """Insert or update stock by (store, SKU).

    Without an ``updated_at`` value the row's time is ``now`` on insert, and on update only when
    another value changed — so re-importing the same file leaves the timestamps alone.
    """
    counts = Counts()
    found: dict[tuple[str, str], Inventory] = {}
    for part in chunks(row.store_id for _, row in batch.rows):
        for stock in session.scalars(select(Inventory).where(Inventory.store_id.in_(part))):
            found[(stock.store_id, stock.sku)] = stock
    for _, row in batch.rows:
        values = row.model_dump(exclude={"updated_at"})
        item = found.get((row.store_id, row.sku))
        if item is None:
            session.add(Inventory(**values, updated_at=row.updated_at or now))
            counts.inserted += 1
            continue
        changed = apply_changes(item, _present(values, batch.headers, {}))
        stamp = row.updated_at or (now if changed else item.updated_at)
        if apply_changes(item, {"updated_at": stamp}) or changed:
            counts.updated += 1
        else:
            counts.unchanged += 1
    return counts
