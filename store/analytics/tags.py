"""Behaviour tags (行为标签) derived from a member's purchases, each with Chinese evidence.

Purchases are those of :mod:`store.analytics.lifecycle` (paid, not cancelled or refunded) in the
last :data:`TAG_WINDOW_DAYS` = 180 days ending on ``as_of``. "次" is the number of orders that
contain a product. Only members with ``consent_profiling`` get tags (they agreed to be profiled).

Rules (constants below)
    * 有孩家庭: ≥ 2 purchases of baby/kids products — 婴儿有机米粉 P3006, 儿童奶酪棒 P2003 or any
      product of category 母婴.
    * 健身人群: at least 2 of 即食鸡胸肉 P4001 / 低糖希腊酸奶 P2002 / 无蔗糖燕麦片 P3001 bought ≥ 2
      times each, and ≥ 6 such purchases in all (one yoghurt lover is not a gym-goer).
    * 银发族: age ≥ 60 on ``as_of`` (from ``birth_date``) and at least one purchase in the window;
      the evidence cites the staples (粮油 such as 五常大米, 禽蛋 such as 散养土鸡蛋) they buy.
    * 价格敏感: ≥ 4 orders and ≥ 60% of them "deal" orders — a 接龙 or live-stream order (channel
      or link), points used, or a coupon used.
    * 水果爱好者: category 水果 is ≥ 30% of spend (line amounts) with ≥ 3 fruit purchases.
    * 爱喝咖啡: ≥ 2 purchases of 云南小粒咖啡豆 P3005 or category 冲饮.

Derived tags live in ``member_tags`` with ``source='derived'``; :func:`refresh_derived_tags`
replaces them and never touches a manual tag (a manual tag of the same name wins).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import Select, case, delete, func, or_, select
from sqlalchemy.orm import Session

from store.analytics.lifecycle import day_start, is_purchase
from store.models import Coupon, Member, MemberTag, Order, OrderLine, Product

TAG_WINDOW_DAYS = 180
KIDS_SKUS = ("P3006", "P2003")
KIDS_CATEGORY = "母婴"
KIDS_MIN_PURCHASES = 2
FITNESS_SKUS = ("P4001", "P2002", "P3001")
FITNESS_MIN_SKUS = 2  #: distinct fitness SKUs, each bought at least FITNESS_MIN_EACH times
FITNESS_MIN_EACH = 2
FITNESS_MIN_PURCHASES = 6
SENIOR_AGE = 60
STAPLE_CATEGORIES = ("粮油", "禽蛋")
PRICE_MIN_ORDERS = 4
PRICE_DEAL_PERCENT = 60
FRUIT_CATEGORY = "水果"
FRUIT_SPEND_PERCENT = 30
FRUIT_MIN_PURCHASES = 3
COFFEE_SKUS = ("P3005",)
COFFEE_CATEGORY = "冲饮"
COFFEE_MIN_PURCHASES = 2

_CENT = Decimal("0.01")  # SQLite sums money as floats: round back to cents
_Q = TypeVar("_Q", bound=Select)


@dataclass(frozen=True, slots=True)
class DerivedTag:
    """A tag derived from behaviour, with the evidence a person reads."""

    tag: str  #: e.g. "有孩家庭"
    evidence: str  #: e.g. "近180天购买婴儿有机米粉 9 次、儿童奶酪棒 6 次"


@dataclass(slots=True)
class _Bought:
    """One member's purchases of one SKU in the window."""

    sku: str
    name: str
    category: str
    times: int
    amount: Decimal


@dataclass(slots=True)
class _Profile:
    birth_date: date | None
    bought: list[_Bought] = field(default_factory=list)
    orders: int = 0
    deals: int = 0


def short_name(name: str) -> str:
    """A product name without its marketing suffix, e.g. ``无蔗糖燕麦片``."""
    return name.replace("（新品）", "")


def _listing(items: list[_Bought]) -> str:
    top = sorted(items, key=lambda b: (-b.times, b.sku))
    return "、".join(f"{short_name(b.name)} {b.times} 次" for b in top[:3])


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _rules(p: _Profile, as_of: date) -> list[DerivedTag]:
    window = f"近{TAG_WINDOW_DAYS}天"
    out: list[DerivedTag] = []
    kids = [b for b in p.bought if b.sku in KIDS_SKUS or b.category == KIDS_CATEGORY]
    if sum(b.times for b in kids) >= KIDS_MIN_PURCHASES:
        out.append(DerivedTag("有孩家庭", f"{window}购买{_listing(kids)}"))
    fit = [b for b in p.bought if b.sku in FITNESS_SKUS]
    steady = [b for b in fit if b.times >= FITNESS_MIN_EACH]
    if len(steady) >= FITNESS_MIN_SKUS and sum(b.times for b in fit) >= FITNESS_MIN_PURCHASES:
        out.append(DerivedTag("健身人群", f"{window}购买{_listing(fit)}"))
    if p.birth_date is not None and p.bought and _age(p.birth_date, as_of) >= SENIOR_AGE:
        staples = [b for b in p.bought if b.category in STAPLE_CATEGORIES]
        habit = f"，常购{_listing(staples)}" if staples else ""
        out.append(DerivedTag("银发族", f"{_age(p.birth_date, as_of)} 岁{habit}"))
    if p.orders >= PRICE_MIN_ORDERS and p.deals * 100 >= PRICE_DEAL_PERCENT * p.orders:
        out.append(DerivedTag("价格敏感", (
            f"{window} {p.orders} 单中 {p.deals} 单为接龙/直播价/用券/积分抵扣"
            f"（{p.deals / p.orders:.0%}）")))
    spend = sum((b.amount for b in p.bought), Decimal("0"))
    fruit = [b for b in p.bought if b.category == FRUIT_CATEGORY]
    fruit_spend = sum((b.amount for b in fruit), Decimal("0"))
    if (spend > 0 and fruit_spend * 100 >= FRUIT_SPEND_PERCENT * spend
            and sum(b.times for b in fruit) >= FRUIT_MIN_PURCHASES):
        out.append(DerivedTag("水果爱好者", (
            f"{window}水果消费 {fruit_spend:,.2f} 元，占总消费 {fruit_spend / spend:.0%}；"
            f"常买{_listing(fruit)}")))
    coffee = [b for b in p.bought if b.sku in COFFEE_SKUS or b.category == COFFEE_CATEGORY]
    if sum(b.times for b in coffee) >= COFFEE_MIN_PURCHASES:
        out.append(DerivedTag("爱喝咖啡", f"{window}购买{_listing(coffee)}"))
    return out


def _scoped(stmt: _Q, *, member_id: str | None, store_id: str | None) -> _Q:
    if member_id is not None:
        stmt = stmt.where(Member.id == member_id)
    if store_id is not None:
        stmt = stmt.where(Member.store_id == store_id)
    return stmt


def derive_tags(
    session: Session, *, as_of: date, member_id: str | None = None, store_id: str | None = None
) -> dict[str, list[DerivedTag]]:
    """Behaviour tags of the members in scope, from three aggregate queries.

    Args:
        as_of: last day of the 180-day window (inclusive).
        member_id: only this member; ``None`` for all members in scope.
        store_id: only members whose home store is this one; ``None`` for the whole chain.

    Returns:
        member id -> its derived tags, for members with at least one tag (profiling consent only).
    """
    start = day_start(as_of - timedelta(days=TAG_WINDOW_DAYS - 1))
    end = day_start(as_of + timedelta(days=1))
    bought_in_window = (Order.member_id == Member.id, is_purchase(),
                        Order.created_at >= start, Order.created_at < end)
    people = _scoped(select(Member.id, Member.birth_date)
                     .where(Member.consent_profiling.is_(True)),
                     member_id=member_id, store_id=store_id)
    profiles = {mid: _Profile(birth) for mid, birth in session.execute(people)}
    lines = _scoped(
        select(Member.id, Product.sku, Product.name, Product.category,
               func.count(func.distinct(Order.id)), func.sum(OrderLine.amount))
        .join(Order, Order.member_id == Member.id).join(OrderLine, OrderLine.order_id == Order.id)
        .join(Product, Product.sku == OrderLine.sku)
        .where(*bought_in_window, Member.consent_profiling.is_(True))
        .group_by(Member.id, Product.sku, Product.name, Product.category),
        member_id=member_id, store_id=store_id)
    for mid, sku, name, category, times, amount in session.execute(lines):
        profiles[mid].bought.append(
            _Bought(sku, name, category, int(times), Decimal(str(amount or 0)).quantize(_CENT)))
    deal = or_(
        Order.channel.in_(("group_buy", "live")), Order.group_buy_id.is_not(None),
        Order.live_stream_id.is_not(None), Order.points_used > 0,
        Order.id.in_(select(Coupon.used_order_id).where(Coupon.used_order_id.is_not(None))),
    )
    orders = _scoped(
        select(Member.id, func.count(Order.id), func.sum(case((deal, 1), else_=0)))
        .join(Order, Order.member_id == Member.id)
        .where(*bought_in_window, Member.consent_profiling.is_(True)).group_by(Member.id),
        member_id=member_id, store_id=store_id)
    for mid, n_orders, n_deals in session.execute(orders):
        profiles[mid].orders, profiles[mid].deals = int(n_orders), int(n_deals or 0)
    tagged = {mid: _rules(p, as_of) for mid, p in sorted(profiles.items())}
    return {mid: tags for mid, tags in tagged.items() if tags}


def refresh_derived_tags(session: Session, *, as_of: date, store_id: str | None = None) -> int:
    """Replace the derived tags of the members in scope with freshly derived ones.

    Deletes every ``source='derived'`` tag of those members (so a member who no longer qualifies,
    or withdrew profiling consent, loses it), then writes the new ones. Manual tags are never
    changed; where a manual tag has the same name, the manual one stays and no derived copy is
    written. Flushes but does not commit: the caller owns the transaction.

    Args:
        as_of: last day of the 180-day window (inclusive).
        store_id: only members whose home store is this one; ``None`` for the whole chain.

    Returns:
        The number of derived tags written.
    """
    scope = select(Member.id)
    if store_id is not None:
        scope = scope.where(Member.store_id == store_id)
    session.execute(
        delete(MemberTag)
        .where(MemberTag.source == "derived", MemberTag.member_id.in_(scope))
        .execution_options(synchronize_session="fetch")
    )
    manual = {(mid, tag) for mid, tag in session.execute(
        select(MemberTag.member_id, MemberTag.tag).where(MemberTag.member_id.in_(scope)))}
    new = [
        MemberTag(member_id=mid, tag=t.tag, source="derived", evidence=t.evidence)
        for mid, tags in derive_tags(session, as_of=as_of, store_id=store_id).items()
        for t in tags
        if (mid, t.tag) not in manual
    ]
    session.add_all(new)
    session.flush()
    return len(new)
