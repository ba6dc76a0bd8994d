"""Repurchase cycles (复购周期) per member × category and member × SKU, and who is due to rebuy.

Method
    Purchases are those of :mod:`store.analytics.lifecycle` (paid, not cancelled or refunded) in the
    last :data:`CYCLE_WINDOW_DAYS` = 365 days ending on ``as_of``. A *purchase day* is a calendar
    day with at least one such order containing the SKU (or a product of the category); several
    orders on one day count once. With at least :data:`MIN_PURCHASE_DAYS` = 3 purchase days the
    cycle is the median of the gaps between consecutive purchase days (the median ignores one odd
    gap such as a holiday trip), and the next expected purchase is the last purchase day plus the
    cycle rounded to whole days (halves up).

Due
    :func:`due_repurchases` lists SKU cycles of at least :data:`MIN_DUE_CYCLE_DAYS` = 7 days whose
    next expected day falls in ``[as_of - grace_days, as_of + within_days]``. Shorter habits (milk or
    yoghurt every 3 days) bring the member in anyway, so a reminder would be noise; the grace of
    :data:`DUE_GRACE_DAYS` = 3 days keeps a slightly late rebuy on the list, while one overdue by
    longer has probably moved elsewhere. It ignores marketing consent;
    :mod:`store.analytics.triggers` applies it.

Scope: ``store_id`` selects members by home store; their purchases count in every store.
"""

from __future__ import annotations

import itertools
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.analytics.lifecycle import day_start, is_purchase
from store.analytics.tags import short_name
from store.models import Member, Order, OrderLine, Product

CYCLE_WINDOW_DAYS = 365
MIN_PURCHASE_DAYS = 3
MIN_DUE_CYCLE_DAYS = 7
DUE_GRACE_DAYS = 3


@dataclass(frozen=True, slots=True)
class RepurchaseCycle:
    """How often one member buys one SKU (or one category), and when they should buy next."""

    member_id: str
    level: Literal["sku", "category"]
    key: str  #: the SKU, or the category name
    label: str  #: product name (without 「（新品）」) or category name, for people
    purchase_days: int  #: distinct purchase days in the window
    cycle_days: float  #: median gap between consecutive purchase days
    last_purchase_on: date
    next_expected_on: date


@dataclass(frozen=True, slots=True)
class DueRepurchase:
    """A member whose next purchase of a SKU is due around ``as_of``, with the reason in Chinese."""

    member_id: str
    member_name: str
    store_id: str  #: the member's home store
    sku: str
    product_name: str
    cycle_days: float
    purchase_days: int
    last_purchase_on: date
    next_expected_on: date
    days_until: int  #: next expected day minus as_of; negative: overdue
    reason: str  #: e.g. "约每 20 天买一次婴儿有机米粉（近一年 12 次）……"


def _cycle(
    member_id: str, level: Literal["sku", "category"], key: str, label: str, days: set[date]
) -> RepurchaseCycle | None:
    if len(days) < MIN_PURCHASE_DAYS:
        return None
    ordered = sorted(days)
    median = float(statistics.median((b - a).days for a, b in itertools.pairwise(ordered)))
    return RepurchaseCycle(
        member_id=member_id, level=level, key=key, label=label, purchase_days=len(ordered),
        cycle_days=median, last_purchase_on=ordered[-1],
        next_expected_on=ordered[-1] + timedelta(days=int(median + 0.5)),
    )


def repurchase_cycles(
    session: Session,
    *,
    as_of: date,
    store_id: str | None = None,
    member_id: str | None = None,
) -> list[RepurchaseCycle]:
    """Repurchase cycles of members in scope, per SKU and per category, from one query.

    Args:
        as_of: last day of the 365-day window (inclusive).
        store_id: only members whose home store is this one; ``None`` for the whole chain.
        member_id: only this member.

    Returns:
        Cycles with at least 3 purchase days, ordered by member, level (``sku`` first), key.
    """
    # Distinct (member, SKU, day) rows: SQL does the de-duplication; date() is SQLite and PostgreSQL.
    day = func.date(Order.created_at)
    stmt = (
        select(Order.member_id, OrderLine.sku, day)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(
            Order.member_id.is_not(None), is_purchase(),
            Order.created_at >= day_start(as_of - timedelta(days=CYCLE_WINDOW_DAYS - 1)),
            Order.created_at < day_start(as_of + timedelta(days=1)),
        )
        .distinct()
    )
    if member_id is not None:
        stmt = stmt.where(Order.member_id == member_id)
    if store_id is not None:
        stmt = stmt.where(Order.member_id.in_(select(Member.id).where(Member.store_id == store_id)))
    products = {sku: (short_name(name), category) for sku, name, category in
                session.execute(select(Product.sku, Product.name, Product.category))}
    days_of: dict[object, date] = {}
    by_sku: dict[tuple[str, str], set[date]] = defaultdict(set)
    by_category: dict[tuple[str, str], set[date]] = defaultdict(set)
    for mid, sku, raw_day in session.execute(stmt):
        if raw_day not in days_of:  # SQLite gives 'YYYY-MM-DD', PostgreSQL a date
            days_of[raw_day] = raw_day if isinstance(raw_day, date) else date.fromisoformat(raw_day)
        by_sku[(mid, sku)].add(days_of[raw_day])
        by_category[(mid, products[sku][1])].add(days_of[raw_day])
    names = {sku: name for sku, (name, _) in products.items()}
    cycles = [
        _cycle(mid, "sku", sku, names[sku], days) for (mid, sku), days in by_sku.items()
    ] + [
        _cycle(mid, "category", cat, cat, days) for (mid, cat), days in by_category.items()
    ]
    return sorted((c for c in cycles if c is not None),
                  key=lambda c: (c.member_id, c.level != "sku", c.key))


def _md(day: date) -> str:
    return f"{day.month}月{day.day}日"


def _reason(c: RepurchaseCycle, days_until: int) -> str:
    when = ("就是今天" if days_until == 0
            else f"还有 {days_until} 天" if days_until > 0 else f"已超过 {-days_until} 天")
    return (
        f"约每 {c.cycle_days:g} 天买一次{c.label}（近一年 {c.purchase_days} 次），"
        f"上次购买 {_md(c.last_purchase_on)}，预计 {_md(c.next_expected_on)} 再次购买（{when}）"
    )


def due_repurchases(
    session: Session,
    *,
    as_of: date,
    within_days: int = 7,
    store_id: str | None = None,
    grace_days: int = DUE_GRACE_DAYS,
) -> list[DueRepurchase]:
    """Members whose next expected purchase of a SKU is due soon or slightly overdue.

    Args:
        as_of: the day to evaluate.
        within_days: include next expected days up to ``as_of + within_days``.
        store_id: only members whose home store is this one; ``None`` for the whole chain.
        grace_days: include next expected days from ``as_of - grace_days`` (overdue ones).

    Returns:
        One entry per member × SKU, soonest due first (most overdue first), then member, SKU.
    """
    first, last = as_of - timedelta(days=grace_days), as_of + timedelta(days=within_days)
    due = [
        c for c in repurchase_cycles(session, as_of=as_of, store_id=store_id)
        if c.level == "sku" and c.cycle_days >= MIN_DUE_CYCLE_DAYS
        and first <= c.next_expected_on <= last
    ]
    if not due:
        return []
    people = {
        mid: (name, home) for mid, name, home in session.execute(
            select(Member.id, Member.name, Member.store_id)
            .where(Member.id.in_({c.member_id for c in due}))
        )
    }
    out = [
        DueRepurchase(
            member_id=c.member_id, member_name=people[c.member_id][0],
            store_id=people[c.member_id][1], sku=c.key, product_name=c.label,
            cycle_days=c.cycle_days, purchase_days=c.purchase_days,
            last_purchase_on=c.last_purchase_on, next_expected_on=c.next_expected_on,
            days_until=(c.next_expected_on - as_of).days,
            reason=_reason(c, (c.next_expected_on - as_of).days),
        )
        for c in due
    ]
    return sorted(out, key=lambda d: (d.next_expected_on, d.member_id, d.sku))
