"""Member RFM scores and lifecycle stages (会员生命周期).

What counts as a purchase (shared by every module of ``store.analytics`` written on top of this one)
    An order with a member whose status is in :data:`PURCHASE_STATUSES` — paid, ready, picked up,
    delivered or completed. Cancelled and refunded orders never count; pending (待付款) orders are
    not paid yet and do not count either (an unpaid order is an abandoned checkout, not a sale).

Days
    Windows are calendar days ending on ``as_of`` inclusive: "the last 365 days" are the order dates
    ``as_of - 364 … as_of``. Orders after ``as_of`` are ignored, so a result for a past day can be
    reproduced. "N days ago" is ``as_of - order date`` in whole days (bought today = 0).

Lifecycle stages, decided in this order (thresholds are the constants below)
    * 新客: registered within the last 30 days (0–30 days before ``as_of``), whatever they bought.
    * 流失: last purchase more than 90 days ago, or never purchased (and registered > 30 days ago).
    * 沉睡: last purchase 31–90 days ago.
    * VIP: last purchase within 30 days AND (12-month spend ≥ 3000 yuan, the gold-card threshold,
      or level gold).
    * 活跃: last purchase within 30 days otherwise.

RFM scores, 1–5 by fixed cut points (not quintiles: fixed points keep a member's score stable when
other members change, work in a store of ten members, and compare across stores and days; the
money points are the silver/gold card thresholds)
    * R, days since last purchase: ≤7 → 5, ≤30 → 4, ≤60 → 3, ≤90 → 2, older or never → 1.
    * F, orders in the last 365 days: ≥24 → 5, ≥12 → 4, ≥6 → 3, ≥2 → 2, else 1.
    * M, spend (order totals) in the last 365 days: ≥3000 → 5, ≥1000 → 4, ≥500 → 3, ≥100 → 2, else 1.

Scope: ``store_id`` selects members by home store; their purchases count in every store of the
chain, as card levels do.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from store.errors import NotFound
from store.models import Member, Order

#: Order statuses that count as a purchase.
PURCHASE_STATUSES: tuple[str, ...] = ("paid", "ready", "picked_up", "delivered", "completed")

STAGE_NEW = "新客"
STAGE_ACTIVE = "活跃"
STAGE_VIP = "VIP"
STAGE_SLEEPING = "沉睡"
STAGE_CHURNED = "流失"
#: Every stage, in the order a report lists them.
STAGES: tuple[str, ...] = (STAGE_NEW, STAGE_ACTIVE, STAGE_VIP, STAGE_SLEEPING, STAGE_CHURNED)

NEW_MEMBER_DAYS = 30  #: registered at most this many days ago -> 新客
ACTIVE_DAYS = 30  #: last purchase at most this many days ago -> 活跃 / VIP
SLEEPING_DAYS = 90  #: last purchase at most this many days ago (and > ACTIVE_DAYS) -> 沉睡
VIP_SPEND = Decimal("3000")  #: 12-month spend for VIP, the gold-card threshold
RFM_WINDOW_DAYS = 365  #: window of F and M (and of the VIP spend)
R_CUTS: tuple[int, ...] = (7, 30, 60, 90)  #: max days since last purchase for R = 5, 4, 3, 2
F_CUTS: tuple[int, ...] = (24, 12, 6, 2)  #: min orders for F = 5, 4, 3, 2
M_CUTS: tuple[Decimal, ...] = tuple(Decimal(x) for x in ("3000", "1000", "500", "100"))

_CENT = Decimal("0.01")


def day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` (datetimes are naive local time)."""
    return datetime.combine(day, time.min)


def is_purchase() -> ColumnElement[bool]:
    """SQL condition: the order counts as a purchase (see :data:`PURCHASE_STATUSES`)."""
    return Order.status.in_(PURCHASE_STATUSES)


@dataclass(frozen=True, slots=True)
class MemberRFM:
    """The recency, frequency and money of one member on ``as_of``, scored, with the stage."""

    member_id: str
    store_id: str  #: home store
    level: str  #: regular | silver | gold
    days_since_registration: int
    last_purchase_on: date | None  #: None: never purchased
    recency_days: int | None  #: days since the last purchase; None: never purchased
    frequency: int  #: orders in the last 365 days
    monetary: Decimal  #: sum of order totals in the last 365 days, yuan
    r_score: int
    f_score: int
    m_score: int
    stage: str  #: one of STAGES

    @property
    def rfm_code(self) -> str:
        """The three scores as one code, e.g. ``"545"``."""
        return f"{self.r_score}{self.f_score}{self.m_score}"


@dataclass(frozen=True, slots=True)
class LifecycleResult:
    """A member's lifecycle stage with the reason, in Chinese, and the numbers behind it."""

    member_id: str
    stage: str
    reason: str  #: e.g. "已 65 天未消费（31–90 天为沉睡）"
    facts: MemberRFM


def _score_days(days: int | None) -> int:
    if days is None:
        return 1
    return next((5 - i for i, cut in enumerate(R_CUTS) if days <= cut), 1)


def _score_at_least(value: Any, cuts: tuple[Any, ...]) -> int:
    return next((5 - i for i, cut in enumerate(cuts) if value >= cut), 1)


def _stage(reg_days: int, recency: int | None, spend: Decimal, level: str) -> str:
    if reg_days <= NEW_MEMBER_DAYS:
        return STAGE_NEW
    if recency is None or recency > SLEEPING_DAYS:
        return STAGE_CHURNED
    if recency > ACTIVE_DAYS:
        return STAGE_SLEEPING
    return STAGE_VIP if spend >= VIP_SPEND or level == "gold" else STAGE_ACTIVE


def _query_rfm(
    session: Session, *, as_of: date, store_id: str | None, member_id: str | None
) -> list[MemberRFM]:
    """One aggregate query over orders, outer-joined to the members in scope."""
    end = day_start(as_of + timedelta(days=1))
    in_window = Order.created_at >= day_start(as_of - timedelta(days=RFM_WINDOW_DAYS - 1))
    agg = select(
        Order.member_id.label("member_id"),
        func.max(Order.created_at).label("last_at"),
        func.sum(case((in_window, 1), else_=0)).label("frequency"),
        func.sum(case((in_window, Order.total), else_=0)).label("monetary"),
    ).where(Order.member_id.is_not(None), is_purchase(), Order.created_at < end)
    members = select(
        Member.id, Member.store_id, Member.level, Member.registered_at,
    )
    if member_id is not None:
        agg = agg.where(Order.member_id == member_id)
        members = members.where(Member.id == member_id)
    else:
        members = members.where(Member.registered_at < end)
    if store_id is not None:
        agg = agg.where(Order.member_id.in_(select(Member.id).where(Member.store_id == store_id)))
        members = members.where(Member.store_id == store_id)
    sub = agg.group_by(Order.member_id).subquery()
    stmt = (
        members.add_columns(sub.c.last_at, sub.c.frequency, sub.c.monetary)
        .outerjoin(sub, sub.c.member_id == Member.id)
        .order_by(Member.id)
    )
    out: list[MemberRFM] = []
    for mid, home, level, registered_at, last_at, freq, money in session.execute(stmt):
        last_on = last_at.date() if last_at is not None else None
        recency = (as_of - last_on).days if last_on is not None else None
        frequency = int(freq or 0)
        monetary = Decimal(str(money or 0)).quantize(_CENT)
        reg_days = (as_of - registered_at.date()).days
        out.append(MemberRFM(
            member_id=mid, store_id=home, level=level, days_since_registration=reg_days,
            last_purchase_on=last_on, recency_days=recency, frequency=frequency,
            monetary=monetary, r_score=_score_days(recency),
            f_score=_score_at_least(frequency, F_CUTS), m_score=_score_at_least(monetary, M_CUTS),
            stage=_stage(reg_days, recency, monetary, level),
        ))
    return out


def member_rfm(session: Session, *, as_of: date, store_id: str | None = None) -> list[MemberRFM]:
    """RFM scores and lifecycle stage of every member registered by ``as_of``.

    Args:
        as_of: the day to evaluate (inclusive).
        store_id: only members whose home store is this one; ``None`` for the whole chain.

    Returns:
        One :class:`MemberRFM` per member, ordered by member id.
    """
    return _query_rfm(session, as_of=as_of, store_id=store_id, member_id=None)


def _reason(f: MemberRFM) -> str:
    spend = f"近12个月消费 {f.monetary:,.2f} 元、{f.frequency} 单"
    if f.stage == STAGE_NEW:
        return f"注册 {f.days_since_registration} 天（≤{NEW_MEMBER_DAYS} 天为新客），{spend}"
    if f.recency_days is None:
        return f"注册 {f.days_since_registration} 天，从未消费"
    if f.stage == STAGE_CHURNED:
        return f"已 {f.recency_days} 天未消费（超过 {SLEEPING_DAYS} 天为流失）"
    if f.stage == STAGE_SLEEPING:
        return f"已 {f.recency_days} 天未消费（{ACTIVE_DAYS + 1}–{SLEEPING_DAYS} 天为沉睡）"
    recent = f"{f.recency_days} 天前消费" if f.recency_days else "今天消费"
    if f.stage == STAGE_VIP:
        why = "金卡会员" if f.monetary < VIP_SPEND else f"消费满 {VIP_SPEND:,.0f} 元"
        return f"{recent}，{spend}（{why}）"
    return f"{recent}，{spend}"


def lifecycle_stage(session: Session, *, member_id: str, as_of: date) -> LifecycleResult:
    """The lifecycle stage of one member on ``as_of``, with the reason and the numbers.

    Args:
        member_id: the member, e.g. ``"M0004"``.
        as_of: the day to evaluate (inclusive).

    Raises:
        NotFound: no such member.
    """
    rows = _query_rfm(session, as_of=as_of, store_id=None, member_id=member_id)
    if not rows:
        raise NotFound(f"会员 {member_id} 不存在", f"member {member_id} not found")
    facts = rows[0]
    return LifecycleResult(member_id=member_id, stage=facts.stage, reason=_reason(facts),
                           facts=facts)


def lifecycle_counts(
    session: Session, *, as_of: date, store_id: str | None = None
) -> dict[str, int]:
    """How many members are in each lifecycle stage on ``as_of`` (every stage present, maybe 0).

    Args:
        as_of: the day to evaluate (inclusive).
        store_id: only members whose home store is this one; ``None`` for the whole chain.
    """
    counts = Counter(r.stage for r in member_rfm(session, as_of=as_of, store_id=store_id))
    return {stage: counts.get(stage, 0) for stage in STAGES}
