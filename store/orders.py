"""Orders: lookups, pickup by code (取货码), placing orders, purchase history.

Prices follow :mod:`store.pricing`. Writes flush and never commit; callers wrap them in
``with transaction(factory) as session:`` so several writes succeed or fail together.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, Field
from sqlalchemy import case, select
from sqlalchemy.orm import Session

from store.errors import Conflict, InvalidInput, NotAllowed, NotFound
from store.models import CHANNELS, FULFILMENTS, GroupBuy, Member, Order, OrderLine, Product, Store
from store.pricing import OrderQuote, quote_order

#: Statuses in which a pickup order still waits for its customer.
OPEN_STATUSES = ("pending", "paid", "ready")
#: Statuses that count as a purchase in history.
PURCHASED_STATUSES = ("paid", "ready", "picked_up", "delivered", "completed")
MAX_LINE_QTY = 999


class PurchaseLine(BaseModel):
    """One product line a member bought, for purchase history."""

    order_id: str = Field(description="order the line belongs to")
    created_at: datetime = Field(description="when the order was placed")
    store_id: str = Field(description="store of the order")
    channel: str = Field(description="pos | mini_program | group_buy | live")
    sku: str = Field(description="product SKU")
    name: str = Field(description="product name")
    qty: int = Field(description="units bought")
    unit_price: Decimal = Field(description="shelf price per unit, yuan")
    amount: Decimal = Field(description="qty × unit price before discounts, yuan")


def get_order(session: Session, *, order_id: str, store_id: str | None = None) -> Order | None:
    """The order with this id, or ``None``; with ``store_id``, only if it belongs to that store."""
    order = session.get(Order, order_id.strip().upper())
    if order is None or (store_id is not None and order.store_id != store_id):
        return None
    return order


def order_lines(session: Session, *, order_id: str) -> list[OrderLine]:
    """The lines of an order in the order they were added."""
    stmt = select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.id)
    return list(session.scalars(stmt))


def list_member_orders(session: Session, *, member_id: str, limit: int = 20) -> list[Order]:
    """A member's orders, newest first."""
    stmt = (
        select(Order).where(Order.member_id == member_id)
        .order_by(Order.created_at.desc(), Order.id.desc()).limit(limit)
    )
    return list(session.scalars(stmt))


def list_store_orders(
    session: Session,
    *,
    store_id: str,
    since: datetime | None = None,
    until: datetime | None = None,
    status: str | None = None,
    limit: int = 500,
) -> list[Order]:
    """A store's orders, newest first.

    Args:
        store_id: e.g. ``S001``.
        since: only orders created at or after this time.
        until: only orders created before this time.
        status: only this status, e.g. ``ready``.
        limit: at most this many orders.
    """
    stmt = select(Order).where(Order.store_id == store_id)
    if since is not None:
        stmt = stmt.where(Order.created_at >= since)
    if until is not None:
        stmt = stmt.where(Order.created_at < until)
    if status is not None:
        stmt = stmt.where(Order.status == status)
    return list(session.scalars(stmt.order_by(Order.created_at.desc(), Order.id.desc()).limit(limit)))


def get_order_by_pickup_code(session: Session, *, store_id: str, code: str) -> Order | None:
    """The store's order with this pickup code: an order still waiting wins, else the newest.

    Codes are unique among a store's waiting orders, so old picked-up orders may share one.
    """
    waiting_first = case((Order.status.in_(OPEN_STATUSES), 0), else_=1)
    stmt = (
        select(Order)
        .where(Order.store_id == store_id, Order.pickup_code == code.strip())
        .order_by(waiting_first, Order.created_at.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def mark_picked_up(
    session: Session,
    *,
    store_id: str,
    at: datetime,
    order_id: str | None = None,
    code: str | None = None,
) -> Order:
    """Mark a pickup order as collected (核销); idempotent. Flushes, does not commit.

    Give exactly one of ``order_id`` or ``code``. An order already picked up is returned
    unchanged.

    Raises:
        NotFound: no such order in this store.
        NotAllowed: not a pickup order, not paid yet, or cancelled/refunded/finished.
    """
    if (order_id is None) == (code is None):
        raise InvalidInput("请提供订单号或取货码（二选一）", "give exactly one of order_id or code")
    if order_id is not None:
        order = get_order(session, order_id=order_id, store_id=store_id)
        label = f"订单 {order_id}"
    else:
        order = get_order_by_pickup_code(session, store_id=store_id, code=code or "")
        label = f"取货码 {code}"
    if order is None:
        raise NotFound(f"本门店没有找到{label}", f"{label} not found in store {store_id}")
    if order.fulfilment != "pickup":
        raise NotAllowed(f"订单 {order.id} 是配送订单，不能到店核销", f"order {order.id} is not for pickup")
    if order.status == "picked_up":
        return order
    if order.status not in ("paid", "ready"):
        zh = {"pending": "尚未付款", "cancelled": "已取消", "refunded": "已退款"}.get(order.status, "已完成")
        raise NotAllowed(f"订单 {order.id} {zh}，不能取货", f"order {order.id} is {order.status}")
    order.status = "picked_up"
    order.picked_up_at = at
    session.flush()
    return order


def _new_pickup_code(session: Session, *, store_id: str) -> str:
    """A random 6-digit code not used by any of the store's waiting orders."""
    for _ in range(50):
        code = f"{secrets.randbelow(1_000_000):06d}"
        taken = session.scalar(
            select(Order.id).where(
                Order.store_id == store_id, Order.pickup_code == code, Order.status.in_(OPEN_STATUSES)
            ).limit(1)
        )
        if taken is None:
            return code
    raise RuntimeError(f"could not find a free pickup code in store {store_id}")


def _new_order_id(session: Session, *, store_id: str, created_at: datetime) -> str:
    """``SO`` + yyyymmdd + 3-digit store number + a 4-digit daily sequence, e.g. SO202611210010001."""
    digits = re.sub(r"\D", "", store_id)[-3:].zfill(3)
    prefix = f"SO{created_at:%Y%m%d}{digits}"
    last = session.scalar(
        select(Order.id).where(Order.id.like(prefix + "%")).order_by(Order.id.desc()).limit(1)
    )
    seq = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    return f"{prefix}{seq:04d}"


def _priced_lines(
    session: Session, lines: Sequence[tuple[str, int]]
) -> list[tuple[Product, int]]:
    """Validate ``(sku, qty)`` pairs, merge repeated SKUs and load their active products."""
    if not lines:
        raise InvalidInput("订单里还没有商品", "an order needs at least one line")
    merged: dict[str, int] = {}
    for sku, qty in lines:
        if not isinstance(qty, int) or qty <= 0 or qty > MAX_LINE_QTY:
            raise InvalidInput(f"商品 {sku} 的数量需为 1–{MAX_LINE_QTY}", f"bad qty {qty!r} for {sku}")
        key = sku.strip().upper()
        merged[key] = merged.get(key, 0) + qty
    priced = []
    for sku, qty in merged.items():
        product = session.get(Product, sku)
        if product is None or not product.active:
            raise InvalidInput(f"商品 {sku} 不存在或已下架", f"product {sku} missing or inactive")
        priced.append((product, qty))
    return priced


def apply_quote(session: Session, *, order: Order, quote: OrderQuote) -> None:
    """Replace an order's lines and amounts with a fresh quote; flushes only."""
    for line in order_lines(session, order_id=order.id):
        session.delete(line)
    session.add_all(
        OrderLine(order_id=order.id, sku=q.sku, qty=q.qty, unit_price=q.unit_price, amount=q.amount)
        for q in quote.lines
    )
    order.subtotal, order.discount = quote.subtotal, quote.discount
    order.delivery_fee, order.total = quote.delivery_fee, quote.total
    session.flush()


def create_order(
    session: Session,
    *,
    store_id: str,
    member_id: str | None,
    channel: str,
    fulfilment: str,
    lines: Sequence[tuple[str, int]],
    created_at: datetime,
    idempotency_key: str | None = None,
    group_buy_id: str | None = None,
    status: str = "paid",
) -> Order:
    """Place an order priced from the products table; flushes, does not commit.

    The same ``idempotency_key`` returns the order it created before, unchanged. Pickup orders
    get a 6-digit pickup code. Stock is not reserved here (the POS owns stock movements).

    Args:
        store_id: e.g. ``S001``.
        member_id: the buyer, or ``None`` for a walk-in.
        channel: pos, mini_program, group_buy or live.
        fulfilment: pickup or delivery.
        lines: ``(sku, qty)`` pairs; repeated SKUs are merged.
        created_at: when the order is placed.
        idempotency_key: identifies this placement across retries.
        group_buy_id: the group buy (its SKU is sold at the group-buy price).
        status: ``paid`` (default) or ``pending`` (awaiting payment).
    """
    if idempotency_key is not None:
        existing = session.scalar(select(Order).where(Order.idempotency_key == idempotency_key))
        if existing is not None:
            if existing.store_id != store_id or existing.member_id != member_id:
                raise Conflict("该请求编号已用于另一个订单", "idempotency key used by another order")
            return existing
    if channel not in CHANNELS or fulfilment not in FULFILMENTS or status not in ("paid", "pending"):
        raise InvalidInput("下单渠道、配送方式或状态不正确", f"bad channel/fulfilment/status {channel}/{fulfilment}/{status}")
    if session.get(Store, store_id) is None:
        raise NotFound(f"未找到门店 {store_id}", f"store {store_id} not found")
    member = session.get(Member, member_id) if member_id is not None else None
    if member_id is not None and member is None:
        raise NotFound(f"未找到会员 {member_id}", f"member {member_id} not found")
    group_buy = session.get(GroupBuy, group_buy_id) if group_buy_id is not None else None
    if group_buy_id is not None and (group_buy is None or group_buy.store_id != store_id):
        raise NotFound(f"本门店没有接龙 {group_buy_id}", f"group buy {group_buy_id} not in {store_id}")
    if group_buy is not None and channel != "group_buy":
        raise InvalidInput("接龙订单的渠道应为社群接龙", "an order of a group buy needs channel group_buy")
    priced = _priced_lines(session, lines)
    quote = quote_order(lines=priced, level=member.level if member else None, channel=channel,
                        fulfilment=fulfilment, group_buy=group_buy)
    order = Order(
        id=_new_order_id(session, store_id=store_id, created_at=created_at), store_id=store_id,
        member_id=member_id, channel=channel, fulfilment=fulfilment, status=status,
        created_at=created_at, subtotal=quote.subtotal, discount=quote.discount,
        delivery_fee=quote.delivery_fee, total=quote.total, group_buy_id=group_buy_id,
        idempotency_key=idempotency_key,
        pickup_code=_new_pickup_code(session, store_id=store_id) if fulfilment == "pickup" else None,
    )
    session.add(order)
    session.flush()
    apply_quote(session, order=order, quote=quote)
    return order


def recent_purchases(session: Session, *, member_id: str, limit: int = 20) -> list[PurchaseLine]:
    """A member's purchased lines, newest first (pending, cancelled and refunded left out)."""
    stmt = (
        select(Order, OrderLine, Product.name)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .join(Product, Product.sku == OrderLine.sku)
        .where(Order.member_id == member_id, Order.status.in_(PURCHASED_STATUSES))
        .order_by(Order.created_at.desc(), Order.id.desc(), OrderLine.id)
        .limit(limit)
    )
    return [
        PurchaseLine(order_id=o.id, created_at=o.created_at, store_id=o.store_id, channel=o.channel,
                     sku=line.sku, name=name, qty=line.qty, unit_price=line.unit_price,
                     amount=line.amount)
        for o, line, name in session.execute(stmt)
    ]
