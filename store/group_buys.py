"""Group buys (团购接龙): listing, the 接龙 text, joining and closing.

Joining creates the member's ``group_buy`` pickup order (paid, with a pickup code) through
:func:`store.orders.create_order`. A member appears once per 接龙: joining again *sets* their
quantity (it is not added to the previous one) and re-prices their order, keeping their place in
the list and their pickup code. Because the quantity is set, repeating a join is harmless; the
``idempotency_key`` of the first join is stored on the order, so a late retry of that first
request returns the current state instead of resetting the quantity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.errors import InvalidInput, NotAllowed, NotFound
from store.masking import mask_name
from store.models import GroupBuy, GroupBuyParticipant, Member, Order, Product
from store.orders import OPEN_STATUSES, apply_quote, create_order, order_lines
from store.pricing import quote_order

MIN_QTY, MAX_QTY = 1, 20
STATUSES = {"open": "进行中", "closed": "已截单", "fulfilled": "已完成", "cancelled": "已取消"}


@dataclass(frozen=True)
class GroupBuyDetail:
    """A group buy with its participants in 接龙 order."""

    group_buy: GroupBuy
    participants: list[GroupBuyParticipant]

    @property
    def total_qty(self) -> int:
        """Units ordered by all participants."""
        return sum(p.qty for p in self.participants)


@dataclass(frozen=True)
class JoinResult:
    """The outcome of joining a group buy."""

    participant: GroupBuyParticipant
    order: Order
    created: bool  #: False when an existing entry was updated or a retry was recognised


def list_group_buys(
    session: Session, *, store_id: str, status: str | None = None, as_of: datetime | None = None
) -> list[GroupBuy]:
    """A store's group buys, newest first.

    Args:
        store_id: e.g. ``S001``.
        status: open, closed, fulfilled or cancelled; ``None`` for all.
        as_of: with ``status="open"``, also require the cutoff to be after this time, so a
            group buy past its 截单 time no longer counts as open even before it is closed.
    """
    stmt = select(GroupBuy).where(GroupBuy.store_id == store_id)
    if status is not None:
        stmt = stmt.where(GroupBuy.status == status)
        if status == "open" and as_of is not None:
            stmt = stmt.where(GroupBuy.cutoff_at > as_of)
    return list(session.scalars(stmt.order_by(GroupBuy.created_at.desc(), GroupBuy.id)))


def get_group_buy(session: Session, *, group_buy_id: str) -> GroupBuyDetail | None:
    """A group buy and its participants ordered by 接龙 position, or ``None``."""
    group_buy = session.get(GroupBuy, group_buy_id)
    if group_buy is None:
        return None
    participants = session.scalars(
        select(GroupBuyParticipant)
        .where(GroupBuyParticipant.group_buy_id == group_buy_id)
        .order_by(GroupBuyParticipant.seq)
    )
    return GroupBuyDetail(group_buy, list(participants))


def render_jielong(
    group_buy: GroupBuy,
    participants: Sequence[GroupBuyParticipant],
    names: Mapping[str, str],
    *,
    unit: str = "份",
    header: bool = True,
) -> str:
    """The 接龙 text to paste into the WeChat group, names masked (``1. 张** 2盒``).

    Args:
        group_buy: the group buy.
        participants: its entries; listed by ``seq``.
        names: member id → full name; masked here. A missing name shows as ``会员``.
        unit: counting unit of the product, e.g. ``盒``.
        header: start with the title, price and cutoff lines.
    """
    lines: list[str] = []
    if header:
        lines += [
            "#接龙",
            f"{group_buy.title}  ¥{group_buy.price}/{unit}",
            f"{group_buy.cutoff_at:%m月%d日 %H:%M} 截单，"
            f"{group_buy.pickup_start:%m月%d日 %H:%M}–{group_buy.pickup_end:%H:%M} 到店凭取货码自提",
            "",
        ]
    for entry in sorted(participants, key=lambda p: p.seq):
        name = mask_name(names.get(entry.member_id)) or "会员"
        lines.append(f"{entry.seq}. {name} {entry.qty}{unit}")
    return "\n".join(lines)


def _open_group_buy(session: Session, group_buy_id: str, at: datetime) -> GroupBuy:
    """The group buy, row-locked, if it still accepts entries at ``at``."""
    group_buy = session.scalar(
        select(GroupBuy).where(GroupBuy.id == group_buy_id).with_for_update()
    )
    if group_buy is None:
        raise NotFound(f"未找到接龙 {group_buy_id}", f"group buy {group_buy_id} not found")
    if group_buy.status != "open" or at >= group_buy.cutoff_at:
        raise NotAllowed(
            f"「{group_buy.title}」已截单，不能再接龙",
            f"group buy {group_buy_id} is {group_buy.status}, cutoff {group_buy.cutoff_at}",
        )
    return group_buy


def join_group_buy(
    session: Session,
    *,
    group_buy_id: str,
    member_id: str,
    qty: int,
    at: datetime,
    idempotency_key: str | None = None,
) -> JoinResult:
    """Join a 接龙, or change one's quantity by joining again; flushes, does not commit.

    Args:
        group_buy_id: e.g. ``GB-S001-BLUEBERRY``.
        member_id: who joins.
        qty: units wanted, 1–20; a second join sets this as the new quantity.
        at: when they join; must be before the cutoff.
        idempotency_key: identifies this join across retries.

    Raises:
        NotFound: no such group buy or member.
        NotAllowed: the group buy is closed or past its cutoff, or the order was already
            picked up.
        InvalidInput: quantity out of range.
    """
    if idempotency_key is not None:
        known = session.scalar(select(Order).where(Order.idempotency_key == idempotency_key))
        if known is not None and known.group_buy_id == group_buy_id and known.member_id == member_id:
            entry = session.scalar(
                select(GroupBuyParticipant).where(GroupBuyParticipant.order_id == known.id)
            )
            if entry is not None:
                return JoinResult(entry, known, created=False)
    if not isinstance(qty, int) or not MIN_QTY <= qty <= MAX_QTY:
        raise InvalidInput(f"每人可接 {MIN_QTY}–{MAX_QTY} 份", f"qty must be 1-20, got {qty!r}")
    group_buy = _open_group_buy(session, group_buy_id, at)
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(f"未找到会员 {member_id}", f"member {member_id} not found")
    entry = session.scalar(
        select(GroupBuyParticipant).where(
            GroupBuyParticipant.group_buy_id == group_buy_id,
            GroupBuyParticipant.member_id == member_id,
        )
    )
    order = session.get(Order, entry.order_id) if entry and entry.order_id else None
    if order is not None and order.status not in OPEN_STATUSES:
        if order.status in ("picked_up", "completed"):
            raise NotAllowed("该接龙订单已取货，不能再修改数量", f"order {order.id} already picked up")
        order = None  # cancelled or refunded: the member re-joins with a fresh order
    if order is None:
        order = create_order(
            session, store_id=group_buy.store_id, member_id=member_id, channel="group_buy",
            fulfilment="pickup", lines=[(group_buy.sku, qty)], created_at=at,
            idempotency_key=idempotency_key, group_buy_id=group_buy_id,
        )
    elif order_lines(session, order_id=order.id)[0].qty != qty:
        product = session.get(Product, group_buy.sku)
        assert product is not None  # the FK guarantees it
        quote = quote_order(lines=[(product, qty)], level=member.level, channel="group_buy",
                            fulfilment="pickup", group_buy=group_buy)
        apply_quote(session, order=order, quote=quote)
    created = entry is None
    if entry is None:
        last = session.scalar(
            select(func.max(GroupBuyParticipant.seq)).where(
                GroupBuyParticipant.group_buy_id == group_buy_id
            )
        )
        entry = GroupBuyParticipant(group_buy_id=group_buy_id, member_id=member_id,
                                    seq=(last or 0) + 1, qty=qty, joined_at=at)
        session.add(entry)
    entry.qty = qty
    entry.order_id = order.id
    session.flush()
    return JoinResult(entry, order, created=created)


def close_group_buy(session: Session, *, group_buy_id: str, at: datetime) -> GroupBuy:
    """Stop taking entries (截单); idempotent. Flushes, does not commit.

    Closing before the cutoff moves the cutoff to ``at``. A closed or fulfilled group buy is
    returned unchanged; a cancelled one cannot be closed.
    """
    group_buy = session.scalar(
        select(GroupBuy).where(GroupBuy.id == group_buy_id).with_for_update()
    )
    if group_buy is None:
        raise NotFound(f"未找到接龙 {group_buy_id}", f"group buy {group_buy_id} not found")
    if group_buy.status in ("closed", "fulfilled"):
        return group_buy
    if group_buy.status != "open":
        raise NotAllowed(f"「{group_buy.title}」已取消", f"group buy {group_buy_id} is {group_buy.status}")
    group_buy.status = "closed"
    group_buy.cutoff_at = min(group_buy.cutoff_at, at)
    session.flush()
    return group_buy
