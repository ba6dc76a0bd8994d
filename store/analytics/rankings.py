"""Store rankings: 今日热销榜 (best sellers with rank change) and 潜力新品榜 (rising new products).

Sales are order lines of purchases (see :mod:`store.analytics.lifecycle`: paid, not cancelled or
refunded) in one store, walk-in orders included. Periods are calendar days ending on ``as_of``.

热销榜
    Period = the last ``days`` days (1: today only; 7: this week). SKUs ranked by units sold, then
    sales, then SKU. The rank change compares with the rank in the previous period of the same
    length (all SKUs sold then, not only its top list): ``+2`` moved up two places; ``None`` and
    「新上榜」: not sold in the previous period.

潜力新品榜
    A product is new when it is flagged ``is_new``, or ``launched_on`` or its first sale in the
    store falls in the last :data:`NEW_PRODUCT_DAYS` = 60 days; it must have sold in the last 14
    days. With ``growth = (units this week - units last week) / max(units last week, 1)`` clipped to
    ``[-1, 2]`` and ``repeat share`` = members who bought it in ≥ 2 orders in the last 60 days /
    members who bought it then (0 without buyers)::

        score = 0.5 × growth / 2 + 0.5 × repeat share      (at most 1)

    Week-over-week growth says the product is catching on; repeat buyers say it is liked, not just
    tried once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from store.analytics.lifecycle import day_start, is_purchase
from store.errors import InvalidInput
from store.models import Order, OrderLine, Product

NEW_PRODUCT_DAYS = 60
GROWTH_CLIP = (-1.0, 2.0)
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class HotItem:
    """One line of the hot list."""

    rank: int
    sku: str
    name: str
    units: int
    sales: Decimal  #: yuan, line amounts
    orders: int
    prev_rank: int | None  #: rank in the previous period; None: not sold then
    rank_change: int | None  #: prev_rank - rank (positive: moved up)
    trend: str  #: 「↑2」「↓1」「持平」「新上榜」


@dataclass(frozen=True, slots=True)
class RisingProduct:
    """One line of the rising-new-products list, with its score and the reason in Chinese."""

    rank: int
    sku: str
    name: str
    units_this_week: int
    units_last_week: int
    growth: float  #: week-over-week growth, clipped to [-1, 2]
    buyers: int  #: members who bought it in the last 60 days
    repeat_buyers: int  #: of them, those with ≥ 2 orders of it
    repeat_share: float
    score: float
    reason: str  #: e.g. 「本周售出 6 袋（上周 3 袋，+100%）；近60天 3 位会员购买，2 位复购（67%）」


def _sales(
    session: Session, *, store_id: str, first: date, last: date
) -> list[tuple[str, str, int, Decimal, int]]:
    stmt = (
        select(OrderLine.sku, Product.name, func.sum(OrderLine.qty), func.sum(OrderLine.amount),
               func.count(func.distinct(Order.id)))
        .join(Order, Order.id == OrderLine.order_id).join(Product, Product.sku == OrderLine.sku)
        .where(Order.store_id == store_id, is_purchase(),
               Order.created_at >= day_start(first),
               Order.created_at < day_start(last + timedelta(days=1)))
        .group_by(OrderLine.sku, Product.name)
    )
    rows = [(sku, name, int(units), Decimal(str(sales)).quantize(_CENT), int(n))
            for sku, name, units, sales, n in session.execute(stmt)]
    return sorted(rows, key=lambda r: (-r[2], -r[3], r[0]))


def hot_list(
    session: Session, *, store_id: str, as_of: date, days: int = 1, limit: int = 10
) -> list[HotItem]:
    """Best-selling SKUs of a store over the last ``days`` days, with the change of rank.

    Args:
        store_id: the store.
        as_of: last day of the period (inclusive), usually today.
        days: period length: 1 for 今日热销榜, 7 for the week.
        limit: how many lines to return.

    Raises:
        InvalidInput: ``days`` or ``limit`` below 1.
    """
    if days < 1 or limit < 1:
        raise InvalidInput("天数和条数至少为 1", f"days and limit must be ≥ 1, got {days}, {limit}")
    first = as_of - timedelta(days=days - 1)
    now = _sales(session, store_id=store_id, first=first, last=as_of)
    before = _sales(session, store_id=store_id, first=first - timedelta(days=days),
                    last=first - timedelta(days=1))
    prev_rank = {row[0]: i for i, row in enumerate(before, start=1)}
    out = []
    for rank, (sku, name, units, sales, orders) in enumerate(now[:limit], start=1):
        prev = prev_rank.get(sku)
        change = None if prev is None else prev - rank
        trend = ("新上榜" if change is None else "持平" if change == 0
                 else f"↑{change}" if change > 0 else f"↓{-change}")
        out.append(HotItem(rank=rank, sku=sku, name=name, units=units, sales=sales,
                           orders=orders, prev_rank=prev, rank_change=change, trend=trend))
    return out


def _rising_reason(p: Product, this: int, last: int, growth: float, buyers: int,
                   repeat: int) -> str:
    versus = f"上周 {last} {p.unit}，{growth:+.0%}" if last else "上周未售"
    share = f"，{repeat} 位复购（{repeat / buyers:.0%}）" if buyers else ""
    return (f"本周售出 {this} {p.unit}（{versus}）；"
            f"近{NEW_PRODUCT_DAYS}天 {buyers} 位会员购买{share}")


def rising_new_products(
    session: Session, *, store_id: str, as_of: date, limit: int = 5
) -> list[RisingProduct]:
    """New products of a store that are catching on, best score first (see the module docstring).

    Args:
        store_id: the store.
        as_of: last day of "this week" (inclusive).
        limit: how many lines to return.
    """
    since = as_of - timedelta(days=NEW_PRODUCT_DAYS - 1)
    sold_in_store = (Order.store_id == store_id, is_purchase(),
                     Order.created_at < day_start(as_of + timedelta(days=1)))
    first_sale = (select(OrderLine.sku).join(Order, Order.id == OrderLine.order_id)
                  .where(*sold_in_store).group_by(OrderLine.sku)
                  .having(func.min(Order.created_at) >= day_start(since)))
    candidates = {p.sku: p for p in session.scalars(select(Product).where(
        Product.active.is_(True),
        or_(Product.is_new.is_(True), Product.launched_on >= since, Product.sku.in_(first_sale)),
    ))}
    this_week = Order.created_at >= day_start(as_of - timedelta(days=6))
    weekly = {sku: (int(a), int(b)) for sku, a, b in session.execute(
        select(OrderLine.sku, func.sum(case((this_week, OrderLine.qty), else_=0)),
               func.sum(case((this_week, 0), else_=OrderLine.qty)))
        .join(Order, Order.id == OrderLine.order_id)
        .where(*sold_in_store, OrderLine.sku.in_(list(candidates)),
               Order.created_at >= day_start(as_of - timedelta(days=13)))
        .group_by(OrderLine.sku))}
    buyers: dict[str, list[int]] = defaultdict(list)
    for sku, n_orders in session.execute(
        select(OrderLine.sku, func.count(func.distinct(Order.id)))
        .join(Order, Order.id == OrderLine.order_id)
        .where(*sold_in_store, Order.member_id.is_not(None), OrderLine.sku.in_(list(weekly)),
               Order.created_at >= day_start(since))
        .group_by(OrderLine.sku, Order.member_id)
    ):
        buyers[sku].append(int(n_orders))
    scored = []
    for sku, (this, last) in weekly.items():
        growth = min(max((this - last) / max(last, 1), GROWTH_CLIP[0]), GROWTH_CLIP[1])
        n_buyers, repeat = len(buyers[sku]), sum(n >= 2 for n in buyers[sku])
        share = repeat / n_buyers if n_buyers else 0.0
        score = round(0.5 * growth / GROWTH_CLIP[1] + 0.5 * share, 3)
        reason = _rising_reason(candidates[sku], this, last, growth, n_buyers, repeat)
        scored.append((score, this, sku, growth, n_buyers, repeat, share, reason))
    scored.sort(key=lambda r: (-r[0], -r[1], r[2]))
    return [
        RisingProduct(rank=i, sku=sku, name=candidates[sku].name,
                      units_this_week=this, units_last_week=weekly[sku][1], growth=growth,
                      buyers=n_buyers, repeat_buyers=repeat, repeat_share=round(share, 3),
                      score=score, reason=reason)
        for i, (score, this, sku, growth, n_buyers, repeat, share, reason)
        in enumerate(scored[:limit], start=1)
    ]
