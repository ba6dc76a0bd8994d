"""The day's forecast is stored once and read by everyone; live-stream stock advice is built on it."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from store.db import make_engine, migrate
from store.forecast.daily import (
    COLUMNS,
    KEEP_DAYS,
    daily_forecast,
    load_daily_forecast,
    save_daily_forecast,
)
from store.forecast.live import live_stock, past_stream_sales
from store.forecast.weather_providers import DatabaseWeatherProvider
from store.models import Base, DemandForecast, Inventory, LiveStream
from tests.conftest import DEMO_TODAY
from tools.context import ToolContext, resolve_identity
from tools.registry import call_tool


def test_migrations_match_the_models(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_demo_database_holds_todays_forecast_and_reads_it_without_fitting(demo_factory):
    with demo_factory() as s:
        daily = daily_forecast(s, today=DEMO_TODAY, provider=DatabaseWeatherProvider(demo_factory))
        stored = s.scalar(select(func.count()).select_from(DemandForecast)
                          .where(DemandForecast.made_on == DEMO_TODAY))
    assert not daily.fitted
    frame = daily.frame
    assert list(frame.columns) == COLUMNS
    assert frame["unique_id"].nunique() == 75 and len(frame) == stored == 75 * 14
    assert frame["ds"].min() == pd.Timestamp(DEMO_TODAY)
    assert frame["ds"].max() == pd.Timestamp(DEMO_TODAY + timedelta(days=13))
    assert (frame["p90"] >= frame["p50"]).all() and (frame[["mean", "p50", "p90"]] >= 0).all().all()
    # tonight's stream at S001 is in the calendar: the planned forecast already is the live one
    tonight = frame[(frame["store_id"] == "S001") & (frame["ds"] == pd.Timestamp(DEMO_TODAY))]
    assert (tonight["mean"] - tonight["live_mean"]).abs().max() < 1e-6
    # tomorrow nothing is planned: a stream evening raises the chain's expected demand
    tomorrow = frame[frame["ds"] == pd.Timestamp(DEMO_TODAY + timedelta(days=1))]
    assert tomorrow["live_mean"].sum() > 1.2 * tomorrow["base_mean"].sum()


def test_saving_a_day_replaces_it_and_prunes_old_days(demo_copy_factory):
    with demo_copy_factory() as s:
        frame = load_daily_forecast(s, DEMO_TODAY)
        assert frame is not None
        old = DEMO_TODAY - timedelta(days=KEEP_DAYS + 1)
        save_daily_forecast(s, old, frame.assign(ds=frame["ds"] - pd.Timedelta(days=KEEP_DAYS + 1)),
                            model="test")
        s.commit()
        assert load_daily_forecast(s, old) is not None
        doubled = frame.assign(mean=frame["mean"] * 2)
        save_daily_forecast(s, DEMO_TODAY, doubled, model="test", now=datetime(2026, 12, 10, 2))
        s.commit()
        again = load_daily_forecast(s, DEMO_TODAY)
        assert load_daily_forecast(s, old) is None  # older than KEEP_DAYS: pruned
        assert len(again) == len(frame)
        merged = frame.merge(again, on=["unique_id", "ds"], suffixes=("", "_new"))
        assert ((merged["mean_new"] - 2 * merged["mean"]).abs() < 1e-9).all()
        assert set(s.scalars(select(DemandForecast.model))) == {"test"}


def test_past_stream_sales_count_only_streams_that_sold_the_product(demo_factory):
    with demo_factory() as s:
        blueberry = past_stream_sales(s, store_id="S001", sku="P1001", before=DEMO_TODAY)
        all_streams = s.scalar(select(func.count()).select_from(LiveStream)
                               .where(LiveStream.store_id == "S001", LiveStream.status == "ended"))
        nothing = past_stream_sales(s, store_id="S001", sku="P1001", before=date(2025, 1, 1))
    assert blueberry.streams == 8 < all_streams  # the last 8 of those that sold it
    assert 0 < blueberry.mean <= blueberry.max
    assert nothing.streams == 0 and nothing.mean == 0 and nothing.max == 0


def test_live_stock_from_the_forecast_respects_stock_on_hand_and_on_order(demo_factory):
    with demo_factory() as s:
        frame = load_daily_forecast(s, DEMO_TODAY)
        tomorrow = DEMO_TODAY + timedelta(days=1)
        lines = live_stock(s, store_id="S001", skus=["P1001", "P1002"], day=tomorrow, forecast=frame)
        inventory = {i.sku: i for i in s.scalars(select(Inventory).where(Inventory.store_id == "S001"))}
    for line in lines:
        row = frame[(frame["unique_id"] == f"S001/{line.sku}") & (frame["ds"] == pd.Timestamp(tomorrow))].iloc[0]
        expected = max(row["live_p90"], row["base_mean"] + line.past.mean)
        assert line.suggested == math.ceil(expected)
        inv = inventory[line.sku]
        assert (line.on_hand, line.on_order) == (inv.on_hand, inv.on_order)
        assert line.missing == max(0, line.suggested - inv.on_hand - inv.on_order)
        assert "需求预测" in line.reasons[0] and f"建议当天备 {line.suggested}" in line.reasons[-1]
    melon = lines[1]  # featured melons sell far more than the store-wide stream effect suggests
    assert melon.past.mean > melon.forecast_p90


def test_live_stock_beyond_the_horizon_uses_past_streams_only(demo_factory):
    with demo_factory() as s:
        far = DEMO_TODAY + timedelta(days=30)
        (line,) = live_stock(s, store_id="S001", skus=["P1001"], day=far, forecast=None)
        (never,) = live_stock(s, store_id="S001", skus=["P5003"], day=far, forecast=None)
    assert line.forecast_p90 is None and line.suggested == line.past.max > 0
    assert "超出预测范围" in line.reasons[0]
    assert never.past.streams == 0 and never.suggested == 0
    assert any("还没在本店直播卖过" in r for r in never.reasons)


def _ctx(factory, **who) -> ToolContext:
    with factory() as s:
        identity = resolve_identity(s, **who)
    return ToolContext(identity=identity, sessions=factory, now=datetime.combine(DEMO_TODAY, datetime.min.time()))


def test_live_stream_stock_tool_is_for_owners_of_the_store(demo_factory):
    owner = call_tool(_ctx(demo_factory, role="owner", store_id="S001"), "live_stream_stock",
                      {"skus": ["P1001"], "day": DEMO_TODAY.isoformat()})
    assert owner.ok and owner.data["items"][0]["suggested"] > 0
    clerk = call_tool(_ctx(demo_factory, role="clerk", store_id="S001"), "live_stream_stock", {"skus": ["P1001"]})
    shopper = call_tool(_ctx(demo_factory, role="shopper", member_id="M0002"), "live_stream_stock",
                        {"skus": ["P1001"]})
    assert not clerk.ok and not shopper.ok
    past = call_tool(_ctx(demo_factory, role="owner", store_id="S001"), "live_stream_stock",
                     {"skus": ["P1001"], "day": (DEMO_TODAY - timedelta(days=1)).isoformat()})
    assert not past.ok and "已经过去" in past.error_zh


@pytest.mark.parametrize("skus", [[], ["P1001"] * 7])
def test_live_stream_stock_tool_rejects_bad_product_lists(demo_factory, skus):
    out = call_tool(_ctx(demo_factory, role="owner", store_id="S001"), "live_stream_stock", {"skus": skus})
    assert not out.ok and "1–6" in out.error_zh
