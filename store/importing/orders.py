"""Orders from one-row-per-line CSV: grouping, checks, and an exact, idempotent upsert.

Rows sharing an ``order_id`` form one order, in file order. Order-level columns
(:data:`~store.importing.columns.ORDER_COLUMNS`) must agree on every row of an order. Totals are
computed, never read: ``amount = qty × unit_price``, ``subtotal = Σ amount``,
``total = subtotal − discount + delivery_fee``. Re-importing an order replaces its lines exactly;
an order whose header and lines already match is left untouched (line ids included).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.importing.columns import ORDER_COLUMNS, OrderLineRow
from store.importing.validation import Batch, check_exists, chunks
from store.importing.writing import Counts, apply_changes
from store.models import Member, Order, OrderLine, Product, Store

CENT = Decimal("0.01")


@dataclass
class OrderDraft:
    """One order assembled from its rows: the first row carries the order-level values."""

    first_line: int
    head: OrderLineRow
    lines: list[OrderLineRow]

    def line_values(self) -> list[tuple[str, int, Decimal, Decimal]]:
        """(sku, qty, unit price, amount) of each line, in file order."""
        return [(r.sku, r.qty, r.unit_price, (r.unit_price * r.qty).quantize(CENT))
                for r in self.lines]

    def subtotal(self) -> Decimal:
        """Sum of the line amounts."""
        return sum((amount for *_, amount in self.line_values()), Decimal("0.00"))

    def total(self) -> Decimal:
        """Amount paid: subtotal less discount plus delivery fee."""
        return self.subtotal() - self.head.discount + self.head.delivery_fee


def group_orders(batch: Batch[OrderLineRow]) -> dict[str, OrderDraft]:
    """Rows grouped by ``order_id`` in order of first appearance."""
    drafts: dict[str, OrderDraft] = {}
    for line, row in batch.rows:
        draft = drafts.get(row.order_id)
        if draft is None:
            drafts[row.order_id] = OrderDraft(first_line=line, head=row, lines=[row])
        else:
            draft.lines.append(row)
    return drafts


def check_orders(session: Session, batch: Batch[OrderLineRow]) -> None:
    """Consistent order-level values, no repeated SKU in an order, known references, total >= 0."""
    first: dict[str, tuple[int, OrderLineRow]] = {}
    seen_lines: dict[tuple[str, str], int] = {}
    for line, row in batch.rows:
        key = (row.order_id, row.sku)
        if key in seen_lines:
            batch.error(line, "sku", f"订单 {row.order_id} 中商品 {row.sku} 重复，与第 "
                        f"{seen_lines[key]} 行相同（同一商品请合并为一行）",
                        f"sku {row.sku} repeated in order {row.order_id}, same as line "
                        f"{seen_lines[key]}")
        seen_lines.setdefault(key, line)
        if row.order_id not in first:
            first[row.order_id] = (line, row)
            continue
        head_line, head = first[row.order_id]
        for column in ORDER_COLUMNS:
            if getattr(row, column) != getattr(head, column):
                title = OrderLineRow.model_fields[column].title
                batch.error(line, column, f"与第 {head_line} 行（同一订单 {row.order_id}）的"
                            f"{title}不一致；订单级的列在每一行都须相同",
                            f"{column} differs from line {head_line} of the same order")
    check_exists(session, batch, "store_id", Store.id, "门店", "store_id")
    check_exists(session, batch, "member_id", Member.id, "会员", "member_id",
                 hint_zh="（请先导入会员；散客请留空）")
    check_exists(session, batch, "sku", Product.sku, "商品", "sku", hint_zh="（请先导入商品）")
    for draft in group_orders(batch).values():
        if draft.total() < 0:
            batch.error(draft.first_line, "discount",
                        f"优惠金额 {draft.head.discount} 大于商品金额 {draft.subtotal()} 加配送费",
                        f"discount {draft.head.discount} exceeds subtotal plus delivery fee")


def _order_values(draft: OrderDraft, headers: dict[str, str], *, is_new: bool) -> dict[str, Any]:
    """Order attributes to write: all on insert, the file's columns plus totals on update."""
    head = draft.head
    values: dict[str, Any] = {c: getattr(head, c) for c in ORDER_COLUMNS
                              if is_new or c in headers}
    values.update(subtotal=draft.subtotal(), total=draft.total())
    if is_new:
        values["id"] = head.order_id
    return values


def write_orders(session: Session, batch: Batch[OrderLineRow]) -> Counts:
    """Insert or update orders by id, replacing the lines of an order that changed."""
    counts = Counts()
    drafts = group_orders(batch)
    orders: dict[str, Order] = {}
    old_lines: dict[str, list[OrderLine]] = {}
    for part in chunks(drafts):
        orders.update((o.id, o) for o in session.scalars(select(Order).where(Order.id.in_(part))))
        query = select(OrderLine).where(OrderLine.order_id.in_(part)).order_by(OrderLine.id)
        for line in session.scalars(query):
            old_lines.setdefault(line.order_id, []).append(line)
    fresh: list[tuple[str, OrderDraft]] = []
    for order_id, draft in drafts.items():
        order = orders.get(order_id)
        if order is None:
            session.add(Order(**_order_values(draft, batch.headers, is_new=True)))
            fresh.append((order_id, draft))
            counts.inserted += 1
            continue
        header_changed = apply_changes(order, _order_values(draft, batch.headers, is_new=False))
        current = [(ln.sku, ln.qty, ln.unit_price, ln.amount) for ln in old_lines.get(order_id, [])]
        lines_changed = current != draft.line_values()
        if lines_changed:
            for old in old_lines.get(order_id, []):
                session.delete(old)
            fresh.append((order_id, draft))
        if header_changed or lines_changed:
            counts.updated += 1
        else:
            counts.unchanged += 1
    # Orders first: order_lines.order_id references them and the models declare no relationship.
    session.flush()
    for order_id, draft in fresh:
        for sku, qty, unit_price, amount in draft.line_values():
            session.add(OrderLine(order_id=order_id, sku=sku, qty=qty, unit_price=unit_price,
                                  amount=amount))
    return counts
