"""Marketing triggers (营销触发): which members to contact now, and why, in Chinese with the numbers.

Consent: every trigger returns only members with ``consent_marketing`` = True — a member who has not
agreed to marketing is never listed, whatever they did. Scope: ``store_id`` selects members by home
store (the store that owns the relationship and would send the message); ``None``: the whole chain.
Purchases are those of :mod:`store.analytics.lifecycle` (paid, not cancelled or refunded).

Triggers
    * 浏览未购 ``browsed_not_bought``: browsed a product on ≥ ``min_days`` distinct calendar days of
      the last ``window_days`` days (today included) and did not buy it in that window.
    * 加购未付款 ``abandoned_carts``: an ``add`` cart event between ``max_age`` and ``min_age`` ago,
      with no later ``remove`` of that SKU, no later ``checkout`` of it (a checkout whose order is
      still pending — unpaid — does not count) and no purchase containing it since the add.
    * 复购提醒 ``repurchase_due``: :func:`store.analytics.repurchase.due_repurchases`.
    * 积分即将过期 ``points_expiring``: :func:`store.points.members_with_expiring_points`
      (100 积分 = 1 元).
    * 沉睡唤醒 ``sleeping_to_wake``: lifecycle stage 沉睡 (last purchase 31–90 days ago), with the
      products they bought most in the last 365 days.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from store.analytics.lifecycle import STAGE_SLEEPING, day_start, is_purchase, member_rfm
from store.analytics.repurchase import due_repurchases
from store.analytics.tags import short_name
from store.models import BrowseEvent, CartEvent, Member, Order, OrderLine, Product
from store.points import members_with_expiring_points

#: Trigger key -> Chinese name, in the order :func:`all_triggers` lists them.
TRIGGERS: dict[str, str] = {
    "browsed_not_bought": "浏览未购",
    "abandoned_cart": "加购未付款",
    "repurchase_due": "复购提醒",
    "points_expiring": "积分即将过期",
    "sleeping_to_wake": "沉睡唤醒",
}
FAVOURITES_DAYS = 365
FAVOURITES_TOP = 3


@dataclass(frozen=True, slots=True)
class TriggerHit:
    """One member to contact for one trigger."""

    trigger: str  #: key of TRIGGERS
    label: str  #: Chinese name of the trigger
    member_id: str
    member_name: str
    store_id: str  #: the member's home store
    skus: tuple[str, ...]  #: products the message is about (may be empty)
    reason: str  #: Chinese, with the numbers
    numbers: Mapping[str, object] = field(default_factory=dict)  #: the numbers behind the reason


def _people(session: Session, ids: Iterable[str], store_id: str | None) -> dict[str, tuple[str, str]]:
    """Name and home store of the members in ``ids`` who consent to marketing and are in scope."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    stmt = select(Member.id, Member.name, Member.store_id).where(
        Member.id.in_(wanted), Member.consent_marketing.is_(True))
    if store_id is not None:
        stmt = stmt.where(Member.store_id == store_id)
    return {mid: (name, home) for mid, name, home in session.execute(stmt)}


def _hit(key: str, mid: str, who: tuple[str, str], skus: Iterable[str], reason: str,
         numbers: Mapping[str, object]) -> TriggerHit:
    return TriggerHit(trigger=key, label=TRIGGERS[key], member_id=mid, member_name=who[0],
                      store_id=who[1], skus=tuple(skus), reason=reason, numbers=numbers)


def _md(day: date) -> str:
    return f"{day.month}月{day.day}日"


def browsed_not_bought(
    session: Session, *, now: datetime, min_days: int = 3, window_days: int = 7,
    store_id: str | None = None,
) -> list[TriggerHit]:
    """Members who kept looking at a product in the last days without buying it.

    Args:
        now: the current moment; the window is the last ``window_days`` calendar days up to now.
        min_days: distinct days with a view of the product needed.
        window_days: length of the window, today included.
        store_id: only members whose home store is this one.
    """
    start = day_start(now.date() - timedelta(days=window_days - 1))
    bought = exists().where(
        OrderLine.order_id == Order.id, Order.member_id == BrowseEvent.member_id,
        OrderLine.sku == BrowseEvent.sku, is_purchase(),
        Order.created_at >= start, Order.created_at <= now)
    days = func.count(func.distinct(func.date(BrowseEvent.occurred_at)))
    rows = session.execute(
        select(BrowseEvent.member_id, BrowseEvent.sku, Product.name, days)
        .join(Product, Product.sku == BrowseEvent.sku)
        .where(BrowseEvent.occurred_at >= start, BrowseEvent.occurred_at <= now, ~bought)
        .group_by(BrowseEvent.member_id, BrowseEvent.sku, Product.name).having(days >= min_days)
    ).all()
    seen: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for mid, sku, name, n in rows:
        seen[mid].append((int(n), sku, short_name(name)))
    people = _people(session, seen, store_id)
    out = []
    for mid in sorted(people):
        items = sorted(seen[mid], key=lambda x: (-x[0], x[1]))
        what = "、".join(f"{name} {n} 天" for n, _, name in items)
        out.append(_hit("browsed_not_bought", mid, people[mid], (s for _, s, _ in items),
                        f"近{window_days}天浏览{what}，一直没有下单",
                        {"window_days": window_days, "days_browsed": {s: n for n, s, _ in items}}))
    return out


def _ago(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"{hours} 小时前" if hours < 24 else f"{hours // 24} 天前"


def abandoned_carts(
    session: Session, *, now: datetime, min_age: timedelta = timedelta(hours=1),
    max_age: timedelta = timedelta(days=3), store_id: str | None = None,
) -> list[TriggerHit]:
    """Members with products added to the online cart and left there unpaid.

    Args:
        now: the current moment.
        min_age: an add younger than this may still be paid: not yet a trigger.
        max_age: an add older than this is stale: no longer a trigger.
        store_id: only members whose home store is this one.
    """
    add, later = CartEvent, aliased(CartEvent)
    closed = exists().where(
        later.member_id == add.member_id, later.sku == add.sku,
        later.occurred_at > add.occurred_at, later.occurred_at <= now,
        or_(later.action == "remove", and_(later.action == "checkout", or_(
            later.order_id.is_(None),
            exists().where(Order.id == later.order_id, Order.status != "pending")))))
    bought = exists().where(
        OrderLine.order_id == Order.id, Order.member_id == add.member_id,
        OrderLine.sku == add.sku, is_purchase(),
        Order.created_at >= add.occurred_at, Order.created_at <= now)
    rows = session.execute(
        select(add.member_id, add.sku, Product.name, add.qty, add.occurred_at)
        .join(Product, Product.sku == add.sku)
        .where(add.action == "add", add.occurred_at >= now - max_age,
               add.occurred_at <= now - min_age, ~closed, ~bought)
        .order_by(add.occurred_at)
    ).all()
    latest: dict[str, dict[str, tuple[str, int, datetime]]] = defaultdict(dict)
    for mid, sku, name, qty, at in rows:  # a later add of the same SKU replaces an earlier one
        latest[mid][sku] = (short_name(name), qty, at)
    people = _people(session, latest, store_id)
    out = []
    for mid in sorted(people):
        items = sorted(latest[mid].items(), key=lambda kv: (kv[1][2], kv[0]), reverse=True)
        what = "、".join(f"{name}×{qty}（{_ago(now - at)}加购）" for _, (name, qty, at) in items)
        out.append(_hit("abandoned_cart", mid, people[mid], (s for s, _ in items),
                        f"购物车里有{what}，还没有付款",
                        {"qty": {s: q for s, (_, q, _) in items},
                         "minutes_since_add": {s: int((now - at).total_seconds() // 60)
                                               for s, (_, _, at) in items}}))
    return out


def repurchase_due(
    session: Session, *, now: datetime, within_days: int = 7, store_id: str | None = None,
) -> list[TriggerHit]:
    """Members due to rebuy something they buy regularly (see ``due_repurchases``).

    Args:
        now: the current moment (its date is ``as_of``).
        within_days: next expected purchase at most this many days ahead.
        store_id: only members whose home store is this one.
    """
    due = due_repurchases(session, as_of=now.date(), within_days=within_days, store_id=store_id)
    people = _people(session, (d.member_id for d in due), store_id)
    by_member = defaultdict(list)
    for d in due:
        by_member[d.member_id].append(d)
    return [
        _hit("repurchase_due", mid, people[mid], (d.sku for d in items),
             "；".join(d.reason for d in items),
             {"cycle_days": {d.sku: d.cycle_days for d in items},
              "days_until": {d.sku: d.days_until for d in items}})
        for mid, items in sorted(by_member.items()) if mid in people
    ]


def points_expiring(
    session: Session, *, now: datetime, within_days: int = 30, store_id: str | None = None,
    min_points: int = 1,
) -> list[TriggerHit]:
    """Members with points that expire within ``within_days`` days, soonest first.

    Args:
        now: the current moment (its date is ``as_of``).
        within_days: points expiring on ``as_of`` … ``as_of + within_days`` count.
        store_id: only members whose home store is this one.
        min_points: leave out members with fewer expiring points.
    """
    today = now.date()
    rows = members_with_expiring_points(session, as_of=today, within_days=within_days,
                                        store_id=store_id, min_points=min_points)
    people = _people(session, (mid for mid, _, _ in rows), store_id)
    return [
        _hit("points_expiring", mid, people[mid], (),
             f"{points} 积分将于 {_md(expires)} 到期（还剩 {(expires - today).days} 天），"
             f"可抵 {points / 100:g} 元",
             {"points": points, "expires_on": expires, "days_left": (expires - today).days})
        for mid, points, expires in rows if mid in people
    ]


def sleeping_to_wake(
    session: Session, *, now: datetime, store_id: str | None = None, top: int = FAVOURITES_TOP,
) -> list[TriggerHit]:
    """Members in lifecycle stage 沉睡, each with the products they used to buy most.

    Args:
        now: the current moment (its date is ``as_of``).
        store_id: only members whose home store is this one.
        top: how many favourite products to name.
    """
    today = now.date()
    sleeping = {r.member_id: r for r in member_rfm(session, as_of=today, store_id=store_id)
                if r.stage == STAGE_SLEEPING}
    people = _people(session, sleeping, store_id)
    if not people:
        return []
    favourites: dict[str | None, list[tuple[int, str, str]]] = defaultdict(list)
    for mid, sku, name, n in session.execute(
        select(Order.member_id, OrderLine.sku, Product.name, func.count(func.distinct(Order.id)))
        .join(OrderLine, OrderLine.order_id == Order.id).join(Product, Product.sku == OrderLine.sku)
        .where(Order.member_id.in_(sorted(people)), is_purchase(),
               Order.created_at >= day_start(today - timedelta(days=FAVOURITES_DAYS - 1)),
               Order.created_at < day_start(today + timedelta(days=1)))
        .group_by(Order.member_id, OrderLine.sku, Product.name)
    ):
        favourites[mid].append((int(n), sku, short_name(name)))
    out = []
    for mid in sorted(people):
        rfm, fav = sleeping[mid], sorted(favourites[mid], key=lambda x: (-x[0], x[1]))[:top]
        assert rfm.last_purchase_on is not None  # 沉睡 implies a purchase 31–90 days ago
        liked = "、".join(f"{name} {n} 次" for n, _, name in fav)
        out.append(_hit("sleeping_to_wake", mid, people[mid], (s for _, s, _ in fav),
                        f"已 {rfm.recency_days} 天未消费（上次 {_md(rfm.last_purchase_on)}），"
                        f"过去一年常买{liked}",
                        {"recency_days": rfm.recency_days, "last_purchase_on": rfm.last_purchase_on,
                         "favourite_times": {s: n for n, s, _ in fav}}))
    return out


def all_triggers(
    session: Session, *, now: datetime, store_id: str | None = None
) -> dict[str, list[TriggerHit]]:
    """Every trigger with its default settings: trigger key -> hits (every key present)."""
    return {
        "browsed_not_bought": browsed_not_bought(session, now=now, store_id=store_id),
        "abandoned_cart": abandoned_carts(session, now=now, store_id=store_id),
        "repurchase_due": repurchase_due(session, now=now, store_id=store_id),
        "points_expiring": points_expiring(session, now=now, store_id=store_id),
        "sleeping_to_wake": sleeping_to_wake(session, now=now, store_id=store_id),
    }
