"""Points ledger (积分): lots, balances, expiry and FIFO redemption.

Ledger semantics (see :class:`store.models.PointsEntry`):

* an ``earn`` row is a *lot*: positive ``delta``, ``expires_on`` = 31 December of the year after it
  was earned (policy: 积分有效期至获得次年的 12 月 31 日), ``lot_id`` null;
* ``redeem`` / ``expire`` rows (and ``adjust`` rows that correct one lot) are negative and name the
  lot they draw from in ``lot_id``;
* rows with ``lot_id`` null other than ``earn`` (``adjust``, and ``redeem`` when it draws on that
  pool) form an *unattributed pool* that never expires and counts towards the balance.

A lot is alive on ``as_of`` while ``expires_on >= as_of`` (the expiry date is the last valid day),
whether or not an ``expire`` row has been written for it yet. Only rows that occurred on or before
``as_of`` count. Datetimes are naive local time (Asia/Shanghai).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Subquery, func, select
from sqlalchemy.orm import Session

from store.errors import InvalidInput, NotAllowed, NotFound
from store.models import Member, PointsEntry

#: Kinds of ledger rows with ``lot_id`` null that form the never-expiring unattributed pool.
_POOL_KINDS = ("adjust", "redeem")


class PointsLot(BaseModel):
    """One earned lot of points and what is left of it."""

    model_config = ConfigDict(frozen=True)

    lot_id: int = Field(description="id of the earn row in the ledger")
    earned_on: date = Field(description="day the points were earned")
    expires_on: date = Field(description="last day the points can be used")
    original: int = Field(description="points earned in this lot")
    remaining: int = Field(description="points of this lot not yet redeemed or expired")


def expiry_date_for(earned: date) -> date:
    """The last valid day of points earned on ``earned``: 31 December of the following year."""
    return date(earned.year + 1, 12, 31)


def _end_of(day: date) -> datetime:
    """The first instant after ``day``: rows strictly before it occurred on or before ``day``."""
    return datetime.combine(day + timedelta(days=1), time.min)


def _draws_by_lot(cutoff: datetime) -> Subquery:
    """Subquery: total (negative) draws per lot among rows before ``cutoff``."""
    return (
        select(PointsEntry.lot_id.label("lot_id"), func.sum(PointsEntry.delta).label("drawn"))
        .where(PointsEntry.lot_id.is_not(None), PointsEntry.occurred_at < cutoff)
        .group_by(PointsEntry.lot_id)
        .subquery()
    )


def points_lots(
    session: Session, *, member_id: str, as_of: date, include_expired: bool = False
) -> list[PointsLot]:
    """The member's earned lots as of a day, soonest-expiring first (the FIFO order).

    Args:
        member_id: the member, e.g. ``M0001``.
        as_of: the day to evaluate; rows after it are ignored.
        include_expired: also list lots whose expiry date is before ``as_of``.

    Returns:
        Lots with their remaining points, ordered by expiry date then lot id. Fully used lots
        are included (``remaining == 0``) so the history reads complete.
    """
    cutoff = _end_of(as_of)
    draws = _draws_by_lot(cutoff)
    rows = session.execute(
        select(PointsEntry, func.coalesce(draws.c.drawn, 0))
        .outerjoin(draws, draws.c.lot_id == PointsEntry.id)
        .where(
            PointsEntry.member_id == member_id,
            PointsEntry.kind == "earn",
            PointsEntry.occurred_at < cutoff,
        )
    ).all()
    lots = []
    for entry, drawn in rows:
        earned_on = entry.occurred_at.date()
        # earn_points always sets expires_on; fall back to the policy for hand-made rows.
        expires_on = entry.expires_on or expiry_date_for(earned_on)
        if expires_on < as_of and not include_expired:
            continue
        lots.append(
            PointsLot(
                lot_id=entry.id,
                earned_on=earned_on,
                expires_on=expires_on,
                original=entry.delta,
                remaining=max(entry.delta + int(drawn), 0),
            )
        )
    lots.sort(key=lambda lot: (lot.expires_on, lot.lot_id))
    return lots


def _pool_balance(session: Session, *, member_id: str, cutoff: datetime) -> int:
    """Sum of the unattributed pool (non-earn rows without a lot) before ``cutoff``."""
    total = session.scalar(
        select(func.coalesce(func.sum(PointsEntry.delta), 0)).where(
            PointsEntry.member_id == member_id,
            PointsEntry.lot_id.is_(None),
            PointsEntry.kind.in_(_POOL_KINDS),
            PointsEntry.occurred_at < cutoff,
        )
    )
    return int(total or 0)


def points_balance(session: Session, *, member_id: str, as_of: date) -> int:
    """Points the member can use on ``as_of``: unexpired lots' remainders plus the pool.

    Args:
        member_id: the member, e.g. ``M0001``.
        as_of: the day to evaluate.
    """
    lots = points_lots(session, member_id=member_id, as_of=as_of)
    pool = _pool_balance(session, member_id=member_id, cutoff=_end_of(as_of))
    return sum(lot.remaining for lot in lots) + pool


def expiring_points(
    session: Session, *, member_id: str, as_of: date, within_days: int = 30
) -> list[tuple[date, int]]:
    """Points that will expire within ``within_days`` of ``as_of``, grouped by expiry date.

    Args:
        member_id: the member, e.g. ``M0001``.
        as_of: the day to evaluate.
        within_days: window length; lots expiring on ``as_of`` … ``as_of + within_days``
            (both inclusive) are counted.

    Returns:
        ``(expires_on, points)`` pairs in date order, omitting dates with nothing left.
    """
    horizon = as_of + timedelta(days=within_days)
    by_date: dict[date, int] = {}
    for lot in points_lots(session, member_id=member_id, as_of=as_of):
        if lot.remaining > 0 and lot.expires_on <= horizon:
            by_date[lot.expires_on] = by_date.get(lot.expires_on, 0) + lot.remaining
    return sorted(by_date.items())


def members_with_expiring_points(
    session: Session,
    *,
    as_of: date,
    within_days: int = 30,
    store_id: str | None = None,
    min_points: int = 1,
) -> list[tuple[str, int, date]]:
    """Members holding points that expire soon, in one SQL query (for marketing triggers).

    Args:
        as_of: the day to evaluate.
        within_days: lots expiring on ``as_of`` … ``as_of + within_days`` (inclusive) count.
        store_id: only members whose home store is this one; ``None`` for the whole chain.
        min_points: leave out members with fewer expiring points than this.

    Returns:
        One ``(member_id, points, expires_on)`` per member: ``points`` is the total expiring in
        the window and ``expires_on`` the earliest expiry date among those lots. Ordered by
        ``expires_on``, then most points first, then member id.
    """
    cutoff = _end_of(as_of)
    horizon = as_of + timedelta(days=within_days)
    draws = _draws_by_lot(cutoff)
    remaining = (PointsEntry.delta + func.coalesce(draws.c.drawn, 0)).label("remaining")
    lots = (
        select(PointsEntry.member_id, PointsEntry.expires_on, remaining)
        .outerjoin(draws, draws.c.lot_id == PointsEntry.id)
        .where(
            PointsEntry.kind == "earn",
            PointsEntry.occurred_at < cutoff,
            PointsEntry.expires_on >= as_of,
            PointsEntry.expires_on <= horizon,
        )
    )
    if store_id is not None:
        lots = lots.join(Member, Member.id == PointsEntry.member_id).where(
            Member.store_id == store_id
        )
    live = lots.subquery()
    points = func.sum(live.c.remaining)
    soonest = func.min(live.c.expires_on)
    query = (
        select(live.c.member_id, points, soonest)
        .where(live.c.remaining > 0)
        .group_by(live.c.member_id)
        .having(points >= max(min_points, 1))
        .order_by(soonest, points.desc(), live.c.member_id)
    )
    return [(member, int(total), first) for member, total, first in session.execute(query)]


def _require_member(session: Session, member_id: str, *, lock: bool = False) -> Member:
    query = select(Member).where(Member.id == member_id)
    if lock:
        # Serialises concurrent redemptions of one member on PostgreSQL (no-op on SQLite).
        query = query.with_for_update()
    member = session.scalar(query)
    if member is None:
        raise NotFound(f"未找到会员 {member_id}", f"member {member_id} not found")
    return member


def earn_points(
    session: Session,
    *,
    member_id: str,
    points: int,
    occurred_at: datetime,
    order_id: str | None = None,
    note: str | None = None,
) -> PointsEntry:
    """Add a lot of earned points, expiring by the policy; flushes, does not commit.

    Args:
        member_id: the member, e.g. ``M0001``.
        points: points earned, at least 1.
        occurred_at: when they were earned; sets the lot's expiry date.
        order_id: the order that earned them, if any.
        note: free text for the ledger.
    """
    if points <= 0:
        raise InvalidInput("积分数量必须大于 0", f"points must be positive, got {points}")
    _require_member(session, member_id)
    entry = PointsEntry(
        member_id=member_id,
        delta=points,
        kind="earn",
        occurred_at=occurred_at,
        expires_on=expiry_date_for(occurred_at.date()),
        order_id=order_id,
        note=note,
    )
    session.add(entry)
    session.flush()
    return entry


def redeem_points(
    session: Session,
    *,
    member_id: str,
    points: int,
    occurred_at: datetime,
    order_id: str | None = None,
) -> list[PointsEntry]:
    """Spend points, drawing lots soonest-expiring first; flushes, does not commit.

    One ``redeem`` row is written per lot drawn from. If the lots do not cover the amount, the
    rest comes from the never-expiring unattributed pool (a ``redeem`` row without a lot).

    Args:
        member_id: the member, e.g. ``M0001``.
        points: points to spend, at least 1.
        occurred_at: when they are spent; lots are evaluated on that day.
        order_id: the order they pay towards, if any.

    Raises:
        NotAllowed: the member's balance is smaller than ``points``.
    """
    if points <= 0:
        raise InvalidInput("使用积分数量必须大于 0", f"points must be positive, got {points}")
    _require_member(session, member_id, lock=True)
    as_of = occurred_at.date()
    lots = [
        lot for lot in points_lots(session, member_id=member_id, as_of=as_of) if lot.remaining > 0
    ]
    pool = _pool_balance(session, member_id=member_id, cutoff=_end_of(as_of))
    balance = sum(lot.remaining for lot in lots) + pool
    if balance < points:
        raise NotAllowed(
            f"积分不足：当前可用 {max(balance, 0)} 分，需要 {points} 分",
            f"insufficient points: balance {balance}, requested {points}",
        )
    draws: list[tuple[int | None, int]] = []  # (lot id or None for the pool, points)
    left = points
    for lot in lots:
        if left == 0:
            break
        take = min(lot.remaining, left)
        draws.append((lot.lot_id, take))
        left -= take
    if left > 0:
        draws.append((None, left))
    entries = [
        PointsEntry(member_id=member_id, delta=-take, kind="redeem", occurred_at=occurred_at,
                    lot_id=lot_id, order_id=order_id)
        for lot_id, take in draws
    ]
    session.add_all(entries)
    session.flush()
    return entries

