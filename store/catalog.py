"""Catalogue and stock: products, search by name or alias, per-store inventory."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from store.errors import InvalidInput, NotFound
from store.models import Inventory, Product, Store


def get_product(session: Session, *, sku: str) -> Product | None:
    """The product with this SKU (active or not), or ``None``.

    Args:
        sku: e.g. ``P1001``; case-insensitive.
    """
    return session.get(Product, sku.strip().upper())


def list_products(
    session: Session, *, category: str | None = None, active_only: bool = True
) -> list[Product]:
    """Products ordered by SKU.

    Args:
        category: only this category, e.g. ``水果``; ``None`` for all.
        active_only: leave out products no longer sold.
    """
    query = select(Product).order_by(Product.sku)
    if category is not None:
        query = query.where(Product.category == category)
    if active_only:
        query = query.where(Product.active.is_(True))
    return list(session.scalars(query))


def search_products(
    session: Session, *, query: str, active_only: bool = True, limit: int = 20
) -> list[Product]:
    """Products whose name, alias or SKU contains ``query`` (case-insensitive substring).

    Results put exact name/alias/SKU matches first, then name matches, then alias-only
    matches, each group by SKU. ``蓝莓`` finds 云南高原蓝莓 and 门店现烤蓝莓松饼.

    Args:
        query: the words to look for, e.g. ``蓝莓``.
        active_only: leave out products no longer sold.
        limit: at most this many products.

    Raises:
        InvalidInput: the query is empty.
    """
    needle = query.strip().lower()
    if not needle:
        raise InvalidInput("请告诉我要找的商品名称", "search query is empty")
    condition = or_(
        func.lower(Product.name).contains(needle, autoescape=True),
        func.lower(Product.aliases).contains(needle, autoescape=True),
        func.lower(Product.sku) == needle,
    )
    stmt = select(Product).where(condition)
    if active_only:
        stmt = stmt.where(Product.active.is_(True))
    found = list(session.scalars(stmt))

    def rank(product: Product) -> tuple[int, str]:
        aliases = [a.strip().lower() for a in product.aliases.split(",") if a.strip()]
        if needle in (product.name.lower(), product.sku.lower(), *aliases):
            return (0, product.sku)
        if needle in product.name.lower():
            return (1, product.sku)
        return (2, product.sku)

    return sorted(found, key=rank)[:limit]


def get_stock(session: Session, *, store_id: str, sku: str) -> Inventory | None:
    """The inventory row of one SKU in one store, or ``None`` if the store never stocked it."""
    return session.get(Inventory, (store_id, sku.strip().upper()))


def list_low_stock(
    session: Session, *, store_id: str, threshold: int = 5, count_on_order: bool = False
) -> list[Inventory]:
    """Active products of a store whose stock is at or below ``threshold``, lowest first.

    Args:
        store_id: the store, e.g. ``S001``.
        threshold: units at or below which stock is low.
        count_on_order: add units already ordered from the supplier to what is on hand.
    """
    level = Inventory.on_hand + Inventory.on_order if count_on_order else Inventory.on_hand
    stmt = (
        select(Inventory)
        .join(Product, Product.sku == Inventory.sku)
        .where(Inventory.store_id == store_id, Product.active.is_(True), level <= threshold)
        .order_by(level, Inventory.sku)
    )
    return list(session.scalars(stmt))


def _stock_row(session: Session, *, store_id: str, sku: str, at: datetime) -> Inventory:
    """The locked inventory row, created empty when the store has none for this SKU yet."""
    if session.get(Store, store_id) is None:
        raise NotFound(f"未找到门店 {store_id}", f"store {store_id} not found")
    if session.get(Product, sku) is None:
        raise NotFound(f"未找到商品 {sku}", f"product {sku} not found")
    row = session.scalar(
        select(Inventory)
        .where(Inventory.store_id == store_id, Inventory.sku == sku)
        .with_for_update()
    )
    if row is None:
        row = Inventory(store_id=store_id, sku=sku, on_hand=0, on_order=0, updated_at=at)
        session.add(row)
    return row


def set_stock(
    session: Session,
    *,
    store_id: str,
    sku: str,
    on_hand: int,
    at: datetime,
    on_order: int | None = None,
) -> Inventory:
    """Set the counted stock of a SKU (盘点); flushes, does not commit.

    Args:
        store_id: the store, e.g. ``S001``.
        sku: the product, e.g. ``P1001``.
        on_hand: units counted on the shelf, 0 or more.
        at: when they were counted.
        on_order: also set the units ordered from the supplier; ``None`` leaves it.
    """
    if on_hand < 0 or (on_order is not None and on_order < 0):
        raise InvalidInput("库存数量不能为负数", "stock quantities must not be negative")
    row = _stock_row(session, store_id=store_id, sku=sku.strip().upper(), at=at)
    row.on_hand = on_hand
    if on_order is not None:
        row.on_order = on_order
    row.updated_at = at
    session.flush()
    return row


def receive_stock(
    session: Session, *, store_id: str, sku: str, qty: int, at: datetime
) -> Inventory:
    """Book a supplier delivery (到货): on hand goes up, on order goes down; flushes only.

    Args:
        store_id: the store, e.g. ``S001``.
        sku: the product, e.g. ``P1001``.
        qty: units received, at least 1.
        at: when they arrived.
    """
    if qty <= 0:
        raise InvalidInput("到货数量必须大于 0", f"received quantity must be positive, got {qty}")
    row = _stock_row(session, store_id=store_id, sku=sku.strip().upper(), at=at)
    row.on_hand = (row.on_hand or 0) + qty
    row.on_order = max((row.on_order or 0) - qty, 0)
    row.updated_at = at
    session.flush()
    return row
