"""Order tools: a shopper's own orders, a store's orders (owners), pickup by code and 核销 (staff)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from pydantic import BaseModel, Field

from store import orders
from store.masking import mask_name
from store.models import Member, Order, Product
from store.models.sales import CHANNELS, FULFILMENTS, ORDER_STATUSES
from tools.context import ToolContext
from tools.errors import ToolError
from tools.registry import Access, store_tool
from tools.scope import target_store


class OrderLineView(BaseModel):
    """One line of an order."""

    sku: str
    name: str
    qty: int
    amount: Decimal


class OrderView(BaseModel):
    """An order as people read it."""

    order_id: str
    store_id: str
    member: str | None = Field(description="masked member name, or null for a walk-in")
    created_at: datetime
    channel: str = Field(description="POS | 小程序 | 社群接龙 | 直播")
    fulfilment: str = Field(description="自提 | 配送")
    status: str = Field(description="e.g. 待取货, 已取货")
    total: Decimal
    pickup_code: str | None
    lines: list[OrderLineView]


def _view(session, order: Order, *, show_code: bool) -> OrderView:  # noqa: ANN001
    member = session.get(Member, order.member_id) if order.member_id else None
    lines = []
    for line in orders.order_lines(session, order_id=order.id):
        product = session.get(Product, line.sku)
        lines.append(OrderLineView(sku=line.sku, name=product.name if product else line.sku,
                                   qty=line.qty, amount=line.amount))
    return OrderView(order_id=order.id, store_id=order.store_id,
                     member=mask_name(member.name) if member else None, created_at=order.created_at,
                     channel=CHANNELS.get(order.channel, order.channel),
                     fulfilment=FULFILMENTS.get(order.fulfilment, order.fulfilment),
                     status=ORDER_STATUSES.get(order.status, order.status), total=order.total,
                     pickup_code=order.pickup_code if show_code else None, lines=lines)


class OrderList(BaseModel):
    """Orders found."""

    orders: list[OrderView]


@store_tool(roles={"shopper"})
def my_orders(ctx: ToolContext, limit: int = 5) -> OrderList:
    """The shopper's own recent orders, with status and pickup codes.

    Args:
        limit: at most this many orders (1–20).
    """
    with ctx.sessions() as s:
        mine = orders.list_member_orders(s, member_id=ctx.identity.member_id or "", limit=max(1, min(limit, 20)))
        return OrderList(orders=[_view(s, o, show_code=True) for o in mine])


@store_tool(roles={"owner"})
def store_orders(ctx: ToolContext, days: int = 1, status: str | None = None,
                 store_id: str | None = None, limit: int = 20) -> OrderList:
    """Recent orders of a store the owner owns, newest first.

    Args:
        days: how many days back from now (1–31).
        status: only this status: pending, paid, ready, picked_up, delivered, completed, cancelled, refunded.
        store_id: another store the owner owns; default the current store.
        limit: at most this many orders (1–50).
    """
    store = target_store(ctx.identity, store_id)
    since = ctx.now - timedelta(days=max(1, min(days, 31)))
    with ctx.sessions() as s:
        found = orders.list_store_orders(s, store_id=store, since=since, until=ctx.now, status=status,
                                         limit=max(1, min(limit, 50)))
        return OrderList(orders=[_view(s, o, show_code=False) for o in found])


@store_tool(roles={"owner", "clerk"})
def order_by_pickup_code(ctx: ToolContext, code: str) -> OrderView:
    """Find the order a shopper shows at the counter by its 6-digit pickup code (取货码).

    Args:
        code: the 6-digit pickup code.
    """
    with ctx.sessions() as s:
        order = orders.get_order_by_pickup_code(s, store_id=ctx.identity.store_id, code=code)
        if order is None:
            raise ToolError(f"本店没有取货码为 {code} 的订单", f"no order with code {code}")
        return _view(s, order, show_code=True)


def _preview_pickup(ctx: ToolContext, code: str) -> str:
    order = order_by_pickup_code(ctx, code)
    items = "、".join(f"{line.name}×{line.qty}" for line in order.lines)
    return f"将订单 {order.order_id}（取货码 {code}，{order.member or '散客'}：{items}）标记为已取货"


class PickupDone(BaseModel):
    """The result of 核销."""

    order_id: str
    status: str
    picked_up_at: datetime | None


@store_tool(roles={"owner", "clerk"}, access=Access.WRITE, preview=_preview_pickup)
def mark_picked_up(ctx: ToolContext, code: str, idempotency_key: str | None = None) -> PickupDone:
    """Mark the order with this pickup code as collected (核销). Needs confirmation.

    Args:
        code: the 6-digit pickup code.
    """
    with ctx.sessions() as s, s.begin():
        order = orders.mark_picked_up(s, store_id=ctx.identity.store_id, at=ctx.now, code=code)
        return PickupDone(order_id=order.id, status=ORDER_STATUSES[order.status], picked_up_at=order.picked_up_at)
