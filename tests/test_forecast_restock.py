"""Restock advice: the order arithmetic by hand, the demo store's advice against its inventory, case
packs and shelf lives, and a hot forecast against a cool one for watermelon and ice cream."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta

import numpy as np
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from store.db import transaction
from store.forecast import ForecastConfig
from store.forecast.order_math import FRESH_SHELF_LIFE_DAYS, Z90, order_quantity
from store.forecast.restock import RestockAdvice, restock_advice
from store.forecast.weather_providers import DatabaseWeatherProvider
from store.models import Inventory, Product
from store.weather import upsert_weather

TODAY = date(2026, 12, 10)
CONFIG = ForecastConfig(num_threads=1)


def flat(value: float, days: int = 14) -> np.ndarray:
    return np.full(days, value)


def test_order_arithmetic_by_hand() -> None:
    # 2 a day, no spread: 1 day lead + 1 day review = 4 units; 1 on hand → need 3 → 2 cases of 2
    m = order_quantity(mean=flat(2), p50=flat(2), p90=flat(2), on_hand=1, on_order=0, lead_time_days=1,
                       case_pack=2, shelf_life_days=365)
    assert (m.cover_days, m.demand_at_service, m.need, m.qty, m.shelf_cap) == (2, 4.0, 3.0, 4, None)
    # on order counts like on hand
    assert order_quantity(mean=flat(2), p50=flat(2), p90=flat(2), on_hand=1, on_order=3, lead_time_days=1,
                          case_pack=2, shelf_life_days=365).qty == 0
    # spread: σ per day = (P90 − P50) / z90; two days → sqrt(2)·σ, at the 90% level × z90
    m = order_quantity(mean=flat(2), p50=flat(2), p90=flat(2 + Z90), on_hand=0, on_order=0,
                       lead_time_days=1, case_pack=1, shelf_life_days=365, service_level=0.9)
    assert m.demand_at_service == pytest.approx(4 + Z90 * math.sqrt(2))
    assert m.qty == math.ceil(4 + Z90 * math.sqrt(2))
    higher = order_quantity(mean=flat(2), p50=flat(2), p90=flat(2 + Z90), on_hand=0, on_order=0,
                            lead_time_days=1, case_pack=1, shelf_life_days=365, service_level=0.98)
    assert higher.demand_at_service > m.demand_at_service


def test_shelf_life_caps_fresh_goods() -> None:
    # lead 1, shelf 2: the new units sell on days 1–2 (4 units); 3 of the 5 in stock are left at
    # arrival, so at most 1 more unit can sell in time; a case of 6 would rot → round down to 0
    m = order_quantity(mean=flat(2), p50=flat(2), p90=flat(4), on_hand=5, on_order=0, lead_time_days=1,
                       case_pack=6, shelf_life_days=2)
    assert m.shelf_cap == pytest.approx(1.0) and m.need > 0 and m.qty == 0 and m.capped
    m = order_quantity(mean=flat(10), p50=flat(10), p90=flat(16), on_hand=0, on_order=0,
                       lead_time_days=1, case_pack=4, shelf_life_days=1)
    assert m.shelf_cap == pytest.approx(10.0) and m.qty == 8 and m.capped  # not 12, not 24
    # long-life goods are not capped
    m = order_quantity(mean=flat(10), p50=flat(10), p90=flat(16), on_hand=0, on_order=0,
                       lead_time_days=1, case_pack=4, shelf_life_days=FRESH_SHELF_LIFE_DAYS + 1)
    assert m.shelf_cap is None and m.qty % 4 == 0 and m.qty >= m.need


@pytest.fixture(scope="module")
def advice(demo_factory: sessionmaker[Session]) -> RestockAdvice:
    with demo_factory() as session:
        return restock_advice(session, store_id="S001", today=TODAY,
                              provider=DatabaseWeatherProvider(demo_factory), config=CONFIG)


def test_demo_advice_respects_stock_cases_and_shelf_life(advice: RestockAdvice,
                                                         demo_factory: sessionmaker[Session]) -> None:
    with demo_factory() as session:
        stock = {i.sku: i for i in session.scalars(select(Inventory).where(Inventory.store_id == "S001"))}
        products = {p.sku: p for p in session.scalars(select(Product))}
    assert len(advice.lines) == 25 and any(x.qty > 0 for x in advice.lines)
    for x in advice.lines:
        inv, p = stock[x.sku], products[x.sku]
        assert (x.on_hand, x.on_order, x.lead_time_days) == (inv.on_hand, inv.on_order, inv.lead_time_days)
        assert (x.case_pack, x.shelf_life_days) == (p.case_pack, p.shelf_life_days)
        m = x.math
        assert m.need == pytest.approx(m.demand_at_service - inv.on_hand - inv.on_order)
        assert x.qty >= 0 and x.qty % p.case_pack == 0
        if m.need <= 0:
            assert x.qty == 0
        elif not m.capped:
            assert m.need <= x.qty < m.need + p.case_pack
        if p.shelf_life_days <= FRESH_SHELF_LIFE_DAYS:
            assert m.shelf_cap is not None and x.qty <= m.shelf_cap + 1e-9
        assert any(f"在库 {inv.on_hand}、在途 {inv.on_order}" in r for r in x.reasons)
    # the store-level notes name tonight's live stream
    assert any("直播「夏季水果季·老陈厨房直播」" in n for n in advice.notes)


def test_more_stock_means_less_to_order(advice: RestockAdvice) -> None:
    for x in advice.lines:
        days = advice.forecast[advice.forecast["unique_id"] == f"S001/{x.sku}"]
        again = order_quantity(mean=days["mean"].to_numpy(), p50=days["p50"].to_numpy(),
                               p90=days["p90"].to_numpy(), on_hand=x.on_hand + 1000,
                               on_order=x.on_order, lead_time_days=x.lead_time_days,
                               case_pack=x.case_pack, shelf_life_days=x.shelf_life_days)
        assert again.qty == 0
        assert order_quantity(mean=days["mean"].to_numpy(), p50=days["p50"].to_numpy(),
                              p90=days["p90"].to_numpy(), on_hand=x.on_hand, on_order=x.on_order,
                              lead_time_days=x.lead_time_days, case_pack=x.case_pack,
                              shelf_life_days=x.shelf_life_days).qty == x.qty


def _advice_with_forecast(factory: sessionmaker[Session], t_max: float) -> RestockAdvice:
    with transaction(factory) as session:
        upsert_weather(session, [{"city": "杭州", "day": TODAY + timedelta(days=k), "t_max": t_max,
                                  "t_min": t_max - 9, "precip_mm": 0.0, "condition": "晴",
                                  "is_forecast": True} for k in range(14)])
    with factory() as session:  # a store that orders weekly: the heat shows beyond one case
        return restock_advice(session, store_id="S001", today=TODAY, review_days=7,
                              provider=DatabaseWeatherProvider(factory), config=CONFIG)


def test_a_hot_forecast_raises_watermelon_and_ice_cream(demo_copy_factory: sessionmaker[Session]) -> None:
    # December in the demo: build the comparison explicitly — same data, two 14-day forecasts.
    with transaction(demo_copy_factory) as session:
        session.execute(update(Inventory).where(Inventory.store_id == "S001",
                                                Inventory.sku.in_(["P1003", "P6001"]))
                        .values(on_hand=0, on_order=0))
        session.execute(update(Inventory).where(Inventory.store_id == "S001", Inventory.sku == "P2001")
                        .values(on_hand=1000))
    hot = _advice_with_forecast(demo_copy_factory, 36.0)
    cool = _advice_with_forecast(demo_copy_factory, 9.0)
    for sku in ("P1003", "P6001"):
        h, c = hot.line(sku), cool.line(sku)
        assert h.forecast_7d > 1.3 * c.forecast_7d, sku
        assert h.math.demand_at_service > c.math.demand_at_service, sku
        assert h.qty >= c.qty, (sku, h.qty, c.qty)
        assert any("未来 3 天最高气温 36°C" in r for r in h.reasons)
        assert not any("最高气温" in r for r in c.reasons)
    # Ice cream keeps a year: the higher demand shows in the order. A case of 3 watermelons may
    # still exceed what sells within 7 days in December — then the shelf-life cap holds it at 0.
    assert hot.line("P6001").qty > cool.line("P6001").qty
    melon = hot.line("P1003")
    assert melon.qty > cool.line("P1003").qty or (melon.math.capped and melon.math.shelf_cap < 3)
    assert hot.line("P2001").qty == 0 and cool.line("P2001").qty == 0  # 1000 on hand


def test_a_stores_own_small_history_without_events_or_forecast(factory: sessionmaker[Session],
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    """A user's database: 60 days of counter sales, weather with gaps and no forecast at all."""
    from decimal import Decimal

    from store.models import Order, OrderLine
    from tests.test_domain_seed import seed_small_store

    today = date(2026, 7, 15)
    rng = np.random.default_rng(0)
    with transaction(factory) as session:
        seed_small_store(session)
        n = 0
        for k in range(60, 0, -1):
            day = today - timedelta(days=k)
            for sku, rate in (("P1001", 6.0), ("P2002", 3.0), ("P6003", 0.4)):
                for _ in range(int(rng.poisson(rate * (1.5 if day.weekday() >= 5 else 1.0)))):
                    n += 1
                    at = datetime.combine(day, time(10, 0))
                    session.add(Order(id=f"T{n:06d}", store_id="S001", channel="pos", fulfilment="pickup",
                                      status="completed", created_at=at, subtotal=Decimal("10"),
                                      total=Decimal("10")))
                    session.add(OrderLine(order_id=f"T{n:06d}", sku=sku, qty=1, unit_price=Decimal("10"),
                                          amount=Decimal("10")))
        upsert_weather(session, [{"city": "杭州", "day": today - timedelta(days=k), "t_max": 30.0 + k % 4,
                                  "t_min": 24.0, "precip_mm": 0.0, "condition": "晴"}
                                 for k in range(1, 61) if k % 9])  # every ninth day missing
    with factory() as session, caplog.at_level("WARNING"):
        advice = restock_advice(session, store_id="S001", today=today,
                                provider=DatabaseWeatherProvider(factory), config=CONFIG)
    assert {x.sku for x in advice.lines} == {"P1001", "P1002", "P2002", "P3006", "P6003"}
    blueberry = advice.line("P1001")
    assert 0.6 * 48 < blueberry.forecast_7d < 1.4 * 48  # 6 a day, 9 on weekends: about 48 a week
    assert advice.line("P1002").forecast_7d < 1.0  # never sold
    assert any("没有天气预报" in note for note in advice.notes)
    assert "filled with" in caplog.text
