"""Points ledger: lots, balances, expiry across the year boundary, FIFO redemption."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from store.db import transaction
from store.errors import InvalidInput, NotAllowed, NotFound
from store.models import PointsEntry
from store.points import (
    earn_points,
    expiring_points,
    expiry_date_for,
    members_with_expiring_points,
    points_balance,
    points_lots,
    redeem_points,
)
from tests.test_domain_seed import seed_small_store


@pytest.fixture
def seeded(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    """The small store with M0001's story: 1,280 points, 800 of them expiring on 31 Dec 2026."""
    with transaction(factory) as s:
        seed_small_store(s)
        earn_points(s, member_id="M0001", points=800, occurred_at=datetime(2025, 6, 1, 10, 0))
        earn_points(s, member_id="M0001", points=480, occurred_at=datetime(2026, 5, 2, 18, 30))
    return factory


def test_expiry_date_is_31_december_of_the_next_year() -> None:
    assert expiry_date_for(date(2025, 1, 1)) == date(2026, 12, 31)
    assert expiry_date_for(date(2025, 12, 31)) == date(2026, 12, 31)
    assert expiry_date_for(date(2024, 2, 29)) == date(2025, 12, 31)


def test_earn_sets_expiry_and_lots_list_soonest_first(seeded: sessionmaker[Session]) -> None:
    with seeded() as s:
        lots = points_lots(s, member_id="M0001", as_of=date(2026, 12, 10))
        entries = s.scalars(select(PointsEntry).order_by(PointsEntry.id)).all()
    assert [e.expires_on for e in entries] == [date(2026, 12, 31), date(2027, 12, 31)]
    assert [(lot.earned_on, lot.expires_on, lot.original, lot.remaining) for lot in lots] == [
        (date(2025, 6, 1), date(2026, 12, 31), 800, 800),
        (date(2026, 5, 2), date(2027, 12, 31), 480, 480),
    ]


def test_balance_and_expiring_across_the_year_boundary(seeded: sessionmaker[Session]) -> None:
    with seeded() as s:
        assert points_balance(s, member_id="M0001", as_of=date(2026, 12, 10)) == 1280
        assert expiring_points(s, member_id="M0001", as_of=date(2026, 12, 10)) == [
            (date(2026, 12, 31), 800)
        ]
        # The expiry date is the last valid day.
        assert points_balance(s, member_id="M0001", as_of=date(2026, 12, 31)) == 1280
        assert points_balance(s, member_id="M0001", as_of=date(2027, 1, 1)) == 480
        assert expiring_points(s, member_id="M0001", as_of=date(2027, 1, 1)) == []
        assert expiring_points(s, member_id="M0001", as_of=date(2027, 1, 1), within_days=365) == [
            (date(2027, 12, 31), 480)
        ]
        # Before the second lot was earned only the first counts.
        assert points_balance(s, member_id="M0001", as_of=date(2026, 5, 1)) == 800
        assert points_balance(s, member_id="M0002", as_of=date(2026, 12, 10)) == 0


def test_redeem_draws_soonest_expiring_lot_first(seeded: sessionmaker[Session]) -> None:
    with transaction(seeded) as s:
        rows = redeem_points(s, member_id="M0001", points=1000,
                             occurred_at=datetime(2026, 12, 10, 12, 0))
        lot_ids = [lot.lot_id for lot in points_lots(s, member_id="M0001", as_of=date(2026, 12, 10))]
    assert [(r.kind, r.delta, r.lot_id) for r in rows] == [
        ("redeem", -800, lot_ids[0]),
        ("redeem", -200, lot_ids[1]),
    ]
    with seeded() as s:
        assert points_balance(s, member_id="M0001", as_of=date(2026, 12, 10)) == 280
        assert expiring_points(s, member_id="M0001", as_of=date(2026, 12, 10)) == []
        # Nothing is left in the first lot, so crossing the year boundary loses nothing.
        assert points_balance(s, member_id="M0001", as_of=date(2027, 1, 1)) == 280


def test_redeem_after_year_boundary_skips_expired_lot_and_refuses_shortfall(
    seeded: sessionmaker[Session],
) -> None:
    with pytest.raises(NotAllowed) as info, transaction(seeded) as s:
        redeem_points(s, member_id="M0001", points=500, occurred_at=datetime(2027, 1, 1, 9, 0))
    assert info.value.message_zh == "积分不足：当前可用 480 分，需要 500 分"
    with transaction(seeded) as s:
        rows = redeem_points(s, member_id="M0001", points=100, occurred_at=datetime(2027, 1, 1, 9, 0))
    assert [(r.delta, r.lot_id) for r in rows] == [(-100, rows[0].lot_id)]
    with seeded() as s:
        assert s.get(PointsEntry, rows[0].lot_id).expires_on == date(2027, 12, 31)
        assert len(s.scalars(select(PointsEntry).where(PointsEntry.kind == "redeem")).all()) == 1
        assert points_balance(s, member_id="M0001", as_of=date(2027, 1, 1)) == 380


def test_expire_rows_and_unattributed_adjustments(seeded: sessionmaker[Session]) -> None:
    with transaction(seeded) as s:
        lot = points_lots(s, member_id="M0001", as_of=date(2026, 12, 10))[0]
        s.add(PointsEntry(member_id="M0001", delta=-800, kind="expire",
                          occurred_at=datetime(2027, 1, 1, 0, 0), lot_id=lot.lot_id))
        s.add(PointsEntry(member_id="M0001", delta=50, kind="adjust",
                          occurred_at=datetime(2027, 1, 2, 9, 0), note="补偿"))
    with seeded() as s:
        expired = points_lots(s, member_id="M0001", as_of=date(2027, 1, 5), include_expired=True)
        assert [(x.original, x.remaining) for x in expired] == [(800, 0), (480, 480)]
        assert points_balance(s, member_id="M0001", as_of=date(2027, 1, 5)) == 530
    # Redeeming more than the lots hold draws the rest from the never-expiring pool.
    with transaction(seeded) as s:
        rows = redeem_points(s, member_id="M0001", points=500, occurred_at=datetime(2027, 1, 5, 9, 0))
    assert [r.delta for r in rows] == [-480, -20]
    assert rows[1].lot_id is None
    with seeded() as s:
        assert points_balance(s, member_id="M0001", as_of=date(2027, 1, 5)) == 30


def test_invalid_amounts_and_unknown_member(seeded: sessionmaker[Session]) -> None:
    with pytest.raises(InvalidInput), transaction(seeded) as s:
        earn_points(s, member_id="M0001", points=0, occurred_at=datetime(2026, 7, 1))
    with pytest.raises(InvalidInput), transaction(seeded) as s:
        redeem_points(s, member_id="M0001", points=-5, occurred_at=datetime(2026, 7, 1))
    with pytest.raises(NotFound) as info, transaction(seeded) as s:
        earn_points(s, member_id="M9999", points=10, occurred_at=datetime(2026, 7, 1))
    assert "M9999" in info.value.message_zh


def test_members_with_expiring_points_is_set_based(
    seeded: sessionmaker[Session], engine: Engine
) -> None:
    with transaction(seeded) as s:
        earn_points(s, member_id="M0002", points=120, occurred_at=datetime(2025, 11, 11, 20, 0))
        earn_points(s, member_id="M0003", points=5, occurred_at=datetime(2025, 1, 3, 8, 0))
        earn_points(s, member_id="M0006", points=300, occurred_at=datetime(2025, 8, 8, 8, 0))
        earn_points(s, member_id="M0005", points=90, occurred_at=datetime(2026, 3, 3, 8, 0))
        redeem_points(s, member_id="M0002", points=20, occurred_at=datetime(2026, 1, 5, 8, 0))
        # Redeemed after as_of: must not count.
        redeem_points(s, member_id="M0006", points=300, occurred_at=datetime(2026, 12, 20, 8, 0))

    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    as_of = date(2026, 12, 10)
    event.listen(engine, "before_cursor_execute", count)
    try:
        with seeded() as s:
            chain = members_with_expiring_points(s, as_of=as_of)
            in_s001 = members_with_expiring_points(s, as_of=as_of, store_id="S001", min_points=10)
    finally:
        event.remove(engine, "before_cursor_execute", count)

    assert len(statements) == 2  # one query per call, whatever the number of members
    assert chain == [
        ("M0001", 800, date(2026, 12, 31)),
        ("M0006", 300, date(2026, 12, 31)),
        ("M0002", 100, date(2026, 12, 31)),
        ("M0003", 5, date(2026, 12, 31)),
    ]
    assert in_s001 == [("M0001", 800, date(2026, 12, 31)), ("M0002", 100, date(2026, 12, 31))]
    with seeded() as s:
        wide = members_with_expiring_points(s, as_of=as_of, within_days=400, store_id="S002")
    assert wide == [("M0006", 300, date(2026, 12, 31)), ("M0005", 90, date(2027, 12, 31))]
