"""The generated history is large, realistic in its rhythms, and deterministic."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from store.demo.seed import AlreadySeeded, generate_demo, seed_demo
from store.fingerprint import database_fingerprint
from store.holidays import holiday_first_days
from store.models import Order, OrderLine, Store, WeatherDay
from tests.conftest import DEMO_SEED, DEMO_TODAY


def test_volume(demo_factory):
    with demo_factory() as s:
        lines = s.scalar(select(func.count()).select_from(OrderLine))
        first, last = s.execute(select(func.min(Order.created_at), func.max(Order.created_at))).one()
    assert lines >= 100_000
    assert (last - first).days >= 360


def _units_by_day(s, sku: str) -> dict[date, int]:
    out: dict[date, int] = defaultdict(int)
    rows = s.execute(select(Order.created_at, OrderLine.qty).join(OrderLine.__table__,
                     OrderLine.order_id == Order.id).where(OrderLine.sku == sku))
    for at, qty in rows:
        out[at.date()] += qty
    return out


def test_weekly_rhythm_and_seasons(demo_factory):
    with demo_factory() as s:
        per_day: dict[date, int] = defaultdict(int)
        for (at,) in s.execute(select(Order.created_at).where(Order.channel == "pos")):
            per_day[at.date()] += 1
        melon = _units_by_day(s, "P1003")
        mooncake = _units_by_day(s, "P5003")
    saturdays = [n for d, n in per_day.items() if d.weekday() == 5]
    tuesdays = [n for d, n in per_day.items() if d.weekday() == 1]
    assert sum(saturdays) / len(saturdays) > 1.1 * sum(tuesdays) / len(tuesdays)
    summer = sum(n for d, n in melon.items() if d.month in (6, 7, 8))
    winter = sum(n for d, n in melon.items() if d.month in (12, 1, 2))
    assert summer > 10 * max(winter, 1)
    mid_autumn = holiday_first_days(2026)["中秋节"]
    before = sum(n for d, n in mooncake.items() if 0 <= (mid_autumn - d).days <= 21)
    assert before > 0.7 * sum(mooncake.values())


def test_hot_days_sell_more_ice_cream(demo_factory):
    with demo_factory() as s:
        weather = {w.day: w.t_max for w in s.scalars(select(WeatherDay).where(WeatherDay.is_forecast.is_(False)))}
        ice = _units_by_day(s, "P6001")
    summer_days = [d for d in weather if d.month in (6, 7, 8, 9)]
    hot = [ice.get(d, 0) for d in summer_days if weather[d] >= 33]
    mild = [ice.get(d, 0) for d in summer_days if weather[d] < 29]
    assert hot and mild
    assert sum(hot) / len(hot) > 1.2 * sum(mild) / len(mild)


def test_forecast_week_is_stored(demo_factory):
    with demo_factory() as s:
        days = list(s.scalars(select(WeatherDay.day).where(WeatherDay.is_forecast.is_(True)).order_by(WeatherDay.day)))
    assert days[0] == DEMO_TODAY and len(days) == 7


def test_order_totals_add_up(demo_factory):
    with demo_factory() as s:
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for order_id, amount in s.execute(select(OrderLine.order_id, OrderLine.amount)):
            sums[order_id] += amount
        sample = s.scalars(select(Order)).all()
    assert len(sums) == len(sample)
    for o in sample:
        assert sums[o.id] == o.subtotal
        assert o.total == o.subtotal - o.discount + o.delivery_fee - Decimal(o.points_used) / 100


def test_same_seed_and_today_give_identical_data(demo_engine, engine):
    seed_demo(engine, today=DEMO_TODAY, seed=DEMO_SEED)
    assert database_fingerprint(engine) == database_fingerprint(demo_engine)


def test_another_seed_gives_other_data():
    a = generate_demo(DEMO_TODAY, DEMO_SEED)["orders"][:500]
    b = generate_demo(DEMO_TODAY, DEMO_SEED + 1)["orders"][:500]
    assert a != b


def test_seeding_twice_is_refused(demo_copy_factory):
    with pytest.raises(AlreadySeeded):
        seed_demo(demo_copy_factory.kw["bind"], today=DEMO_TODAY, seed=DEMO_SEED)


def test_failed_seed_writes_nothing(engine, monkeypatch):
    import store.demo.seed as seed_module

    real = seed_module.generate_demo

    def broken(today, seed):
        data = real(today, seed)
        data["inventory"][-1]["sku"] = None  # violates NOT NULL in the last data table
        return data

    monkeypatch.setattr(seed_module, "generate_demo", broken)
    with pytest.raises(Exception):  # noqa: B017 - any database error
        seed_module.seed_demo(engine, today=DEMO_TODAY, seed=DEMO_SEED)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Store)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(Order)).scalar() == 0
