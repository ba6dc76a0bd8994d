"""Group-buy (团购接龙) tools: list, details with the masked 接龙 list, and joining (a WRITE)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field
from sqlalchemy import select

from store import group_buys
from store.models import GroupBuy, Member, Product
from tools.context import ToolContext
from tools.errors import ToolError
from tools.registry import Access, store_tool

EVERYONE = {"owner", "clerk", "shopper"}


class GroupBuyView(BaseModel):
    """A group buy as people read it."""

    group_buy_id: str
    store_id: str
    sku: str
    product: str
    title: str
    price: Decimal
    unit: str
    cutoff_at: datetime
    pickup_start: datetime
    pickup_end: datetime
    status: str = Field(description="open | closed | fulfilled | cancelled")
    participants: int
    total_qty: int
    my_qty: int | None = Field(None, description="the shopper's own quantity, if they joined")


class GroupBuyList(BaseModel):
    """Group buys of the store."""

    items: list[GroupBuyView]


def _view(ctx: ToolContext, session, gb: GroupBuy) -> GroupBuyView:  # noqa: ANN001
    detail = group_buys.get_group_buy(session, group_buy_id=gb.id)
    people = detail.participants if detail else []
    product = session.get(Product, gb.sku)
    mine = next((p.qty for p in people if p.member_id == ctx.identity.member_id), None)
    return GroupBuyView(group_buy_id=gb.id, store_id=gb.store_id, sku=gb.sku,
                        product=product.name if product else gb.sku, title=gb.title, price=gb.price,
                        unit=product.unit if product else "份", cutoff_at=gb.cutoff_at,
                        pickup_start=gb.pickup_start, pickup_end=gb.pickup_end, status=gb.status,
                        participants=len(people), total_qty=sum(p.qty for p in people), my_qty=mine)


def _in_store(ctx: ToolContext, session, group_buy_id: str) -> GroupBuy:  # noqa: ANN001
    gb = session.get(GroupBuy, group_buy_id)
    if gb is None or not (gb.store_id == ctx.identity.store_id or ctx.identity.may_see_store(gb.store_id)):
        raise ToolError(f"本店没有找到接龙 {group_buy_id}", f"group buy {group_buy_id} not in scope")
    return gb


@store_tool(roles=EVERYONE)
def list_group_buys(ctx: ToolContext, status: str = "open") -> GroupBuyList:
    """Group buys (接龙) of the store: by default the ones open now.

    Args:
        status: open, closed, fulfilled or all.
    """
    with ctx.sessions() as s:
        stmt = select(GroupBuy).where(GroupBuy.store_id == ctx.identity.store_id)
        if status != "all":
            stmt = stmt.where(GroupBuy.status == status)
        found = list(s.scalars(stmt.order_by(GroupBuy.created_at.desc()).limit(10)))
        return GroupBuyList(items=[_view(ctx, s, gb) for gb in found])


class GroupBuyDetails(GroupBuyView):
    """A group buy with the 接龙 text (names masked)."""

    jielong: str


@store_tool(roles=EVERYONE)
def group_buy_details(ctx: ToolContext, group_buy_id: str) -> GroupBuyDetails:
    """One group buy with its 接龙 list (names masked), price, cutoff and pickup window.

    Args:
        group_buy_id: the group buy's id, e.g. GB20261210001.
    """
    with ctx.sessions() as s:
        gb = _in_store(ctx, s, group_buy_id)
        detail = group_buys.get_group_buy(s, group_buy_id=gb.id)
        people = detail.participants if detail else []
        names = dict(s.execute(select(Member.id, Member.name).where(
            Member.id.in_([p.member_id for p in people]))).all()) if people else {}
        view = _view(ctx, s, gb)
        text = group_buys.render_jielong(gb, people, names, unit=view.unit)
    return GroupBuyDetails(**view.model_dump(), jielong=text)


def _preview_join(ctx: ToolContext, group_buy_id: str, qty: int) -> str:
    if not 1 <= qty <= 20:
        raise ToolError("每人每次接龙 1–20 份", f"qty {qty} out of range")
    with ctx.sessions() as s:
        gb = _in_store(ctx, s, group_buy_id)
        if gb.status != "open" or ctx.now >= gb.cutoff_at:
            raise ToolError("这个接龙已经截单了", f"group buy {gb.id} is closed")
        product = s.get(Product, gb.sku)
        unit = product.unit if product else "份"
        total = (gb.price * qty).quantize(Decimal("0.01"))
        return (f"参加接龙「{gb.title}」：{qty} {unit} × {gb.price} 元 = {total} 元，"
                f"{gb.pickup_start:%m月%d日 %H:%M}–{gb.pickup_end:%H:%M} 到店自提")


class JoinDone(BaseModel):
    """The result of joining a 接龙."""

    group_buy_id: str
    seq: int = Field(description="place in the 接龙 list")
    qty: int
    order_id: str
    total: Decimal
    pickup_code: str | None
    created: bool = Field(description="false when an earlier entry was updated or a retry recognised")


@store_tool(roles={"shopper"}, access=Access.WRITE, preview=_preview_join)
def join_group_buy(ctx: ToolContext, group_buy_id: str, qty: Annotated[int, Field(ge=1, le=20)],
                   idempotency_key: str | None = None) -> JoinDone:
    """Join a group buy (接龙下单) with a quantity, or change one's quantity. Needs confirmation.

    Args:
        group_buy_id: the group buy's id, e.g. GB20261210001.
        qty: how many units (1–20).
    """
    with ctx.sessions() as s, s.begin():
        _in_store(ctx, s, group_buy_id)
        result = group_buys.join_group_buy(s, group_buy_id=group_buy_id, member_id=ctx.identity.member_id or "",
                                           qty=qty, at=ctx.now, idempotency_key=idempotency_key)
        return JoinDone(group_buy_id=group_buy_id, seq=result.participant.seq, qty=result.participant.qty,
                        order_id=result.order.id, total=result.order.total,
                        pickup_code=result.order.pickup_code, created=result.created)
