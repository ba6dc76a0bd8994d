"""From the store database to the forecaster's long table, and its future exogenous values.

A series is one store × one SKU (``unique_id`` ``S001/P1001``). Its ``y`` is the units sold per
day by the order date, every channel except those excluded (restock advice leaves out
``group_buy``, which is bought per 接龙 through the purchase list), cancelled and refunded orders
left out. Days without a sale are 0. A series starts on the first day of the window, or on the
product's launch day if it launched later (a new product has little history, not a run of zeros).

Exogenous columns (known for the future): ``t_max`` and ``precip_mm`` of the store's city,
``group_buy`` (a 接龙 of this SKU runs at this store that day), ``live`` (the store streams that
day) and ``festival_days`` (for a product whose name or facts name a festival — 粽子 ``端午节前热销``,
月饼 ``中秋节前热销`` — the days to that festival, else a constant). Static columns: ``store_id``, ``sku``, ``category``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.forecast.calendar_features import festival_countdown, festival_of
from store.forecast.weather_providers import (
    DailyWeather,
    StaticWeatherProvider,
    WeatherProvider,
    weather_outlook,
)
from store.models import GroupBuy, LiveStream, Order, OrderLine, Product, Store
from store.weather import get_weather

STATIC_FEATURES = ["store_id", "sku", "category"]
EXOG = ["t_max", "precip_mm", "group_buy", "live", "festival_days"]
NOT_SOLD = ("cancelled", "refunded")


@dataclass
class DemandData:
    """The long table of a store database, ready for :class:`GlobalForecaster`."""

    history: pd.DataFrame  #: unique_id, ds, y, statics and exogenous columns
    future: pd.DataFrame  #: unique_id, ds and the exogenous columns over the horizon
    static_features: list[str]
    weather: dict[str, list[DailyWeather]]  #: per city: history and outlook, by day


def series_id(store_id: str, sku: str) -> str:
    """The ``unique_id`` of a store × SKU series."""
    return f"{store_id}/{sku}"


def _daily_sales(session: Session, start: date, end: date, store_ids: Sequence[str],
                 exclude_channels: Sequence[str]) -> pd.DataFrame:
    day = func.date(Order.created_at)
    stmt = (
        select(Order.store_id, OrderLine.sku, day.label("ds"), func.sum(OrderLine.qty).label("y"))
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(Order.created_at >= datetime.combine(start, time()),
               Order.created_at < datetime.combine(end, time()),
               Order.status.not_in(NOT_SOLD), Order.store_id.in_(store_ids))
        .group_by(Order.store_id, OrderLine.sku, day)
    )
    if exclude_channels:
        stmt = stmt.where(Order.channel.not_in(list(exclude_channels)))
    sales = pd.DataFrame(session.execute(stmt).all(), columns=["store_id", "sku", "ds", "y"])
    sales["ds"] = pd.to_datetime(sales["ds"])
    return sales


def _events(session: Session, start: date, end: date, store_ids: Sequence[str]) -> tuple[set, set]:
    lo, hi = datetime.combine(start, time()), datetime.combine(end, time())
    group_buys = {
        (s, sku, pd.Timestamp(at.date()))
        for s, sku, at in session.execute(
            select(GroupBuy.store_id, GroupBuy.sku, GroupBuy.created_at).where(
                GroupBuy.created_at >= lo, GroupBuy.created_at < hi,
                GroupBuy.status != "cancelled", GroupBuy.store_id.in_(store_ids)))
    }
    lives = {
        (s, pd.Timestamp(at.date()))
        for s, at in session.execute(
            select(LiveStream.store_id, LiveStream.starts_at).where(
                LiveStream.starts_at >= lo, LiveStream.starts_at < hi,
                LiveStream.store_id.in_(store_ids)))
    }
    return group_buys, lives


def _first_sale_days(session: Session, start: date, end: date,
                     store_ids: Sequence[str]) -> dict[str, date]:
    """Per store, the first day with any order in ``start .. end`` (where its data begins)."""
    rows = session.execute(
        select(Order.store_id, func.min(Order.created_at))
        .where(Order.created_at >= datetime.combine(start, time()),
               Order.created_at < datetime.combine(end, time()), Order.store_id.in_(store_ids))
        .group_by(Order.store_id))
    return {store: (at if isinstance(at, datetime) else datetime.fromisoformat(str(at))).date()
            for store, at in rows if at is not None}


def _frame(stores: dict[str, date], products: list[Product], first: date, last: date,
           window_start: date) -> pd.DataFrame:
    """One row per series and day from its start to ``last`` (inclusive).

    ``stores`` maps each store to the day its data begins: a database with two months of orders
    is two months of history, not ten months of zero sales before them.
    """
    parts = []
    for store_id, data_start in stores.items():
        for p in products:
            begin = max(window_start, data_start, p.launched_on or window_start)
            if begin > last:
                continue
            days = pd.date_range(max(begin, first), last, freq="D")
            parts.append(pd.DataFrame({"store_id": store_id, "sku": p.sku, "category": p.category,
                                       "ds": days}))
    frame = pd.concat(parts, ignore_index=True)
    frame.insert(0, "unique_id", frame["store_id"] + "/" + frame["sku"])
    return frame


def _festival_days(frame: pd.DataFrame, products: list[Product]) -> np.ndarray:
    """Each row's countdown to its product's festival (see :func:`festival_countdown`)."""
    festival = {p.sku: festival_of(f"{p.name} {p.facts}") for p in products}
    out = np.empty(len(frame), dtype=np.float32)
    for sku, rows in frame.groupby("sku").indices.items():
        out[rows] = festival_countdown(pd.DatetimeIndex(frame["ds"].to_numpy()[rows]), festival[sku])
    return out


def _attach_exog(frame: pd.DataFrame, stores: dict[str, str], weather: dict[str, list[DailyWeather]],
                 group_buys: set, lives: set, products: list[Product]) -> pd.DataFrame:
    rows = [(store_id, pd.Timestamp(w.day), w.t_max, w.precip_mm)
            for store_id, city in stores.items() for w in weather[city]]
    wx = pd.DataFrame(rows, columns=["store_id", "ds", "t_max", "precip_mm"])
    frame = frame.merge(wx, on=["store_id", "ds"], how="left")
    gb = pd.DataFrame(sorted(group_buys), columns=["store_id", "sku", "ds"]).drop_duplicates()
    gb["ds"] = pd.to_datetime(gb["ds"])  # typed even when there are no events
    frame = frame.merge(gb.assign(group_buy=np.float32(1)), on=["store_id", "sku", "ds"], how="left")
    live = pd.DataFrame(sorted(lives), columns=["store_id", "ds"]).drop_duplicates()
    live["ds"] = pd.to_datetime(live["ds"])
    frame = frame.merge(live.assign(live=np.float32(1)), on=["store_id", "ds"], how="left")
    frame[["group_buy", "live"]] = frame[["group_buy", "live"]].fillna(0).astype(np.float32)
    frame["festival_days"] = _festival_days(frame, products)
    return frame


def demand_data(session: Session, *, today: date, provider: WeatherProvider, horizon: int = 14,
                history_days: int = 365, store_ids: Sequence[str] | None = None,
                exclude_channels: Sequence[str] = ()) -> DemandData:
    """History up to yesterday and the exogenous outlook from ``today`` for ``horizon`` days.

    Args:
        today: the first forecast day; history ends the day before.
        provider: weather for the horizon (history always comes from the database).
        horizon: days ahead.
        history_days: days of history before ``today``.
        store_ids: stores to include; all by default.
        exclude_channels: order channels left out of demand, e.g. ``("group_buy",)``.
    """
    stores = {s.id: s.city for s in session.scalars(select(Store).order_by(Store.id))
              if store_ids is None or s.id in store_ids}
    if not stores:
        raise ValueError(f"没有找到门店：{list(store_ids or [])}")
    products = list(session.scalars(select(Product).where(Product.active).order_by(Product.sku)))
    start = today - timedelta(days=history_days)
    end = today + timedelta(days=horizon - 1)
    weather: dict[str, list[DailyWeather]] = {}
    for city in sorted(set(stores.values())):
        stored = [DailyWeather(r.day, r.t_max, r.t_min, r.precip_mm, r.condition)
                  for r in get_weather(session, city=city, start=start, end=today - timedelta(days=1))
                  if not r.is_forecast]
        # Gaps in the observed history are filled like the future (climatology, persistence).
        past = weather_outlook(StaticWeatherProvider(stored), city=city, start=start,
                               end=today - timedelta(days=1), history=stored)
        weather[city] = past + weather_outlook(provider, city=city, start=today, end=end, history=past)
    group_buys, lives = _events(session, start, end + timedelta(days=1), list(stores))
    sales = _daily_sales(session, start, today, list(stores), exclude_channels)
    begins = _first_sale_days(session, start, today, list(stores))
    if not begins:
        raise ValueError(f"{start} 至 {today} 之间没有订单，无法预测（no orders to learn from)")
    begins = {s: begins.get(s, today) for s in stores}
    history = _frame(begins, products, start, today - timedelta(days=1), start)
    history = history.merge(sales, on=["store_id", "sku", "ds"], how="left")
    history["y"] = history["y"].fillna(0).astype(np.float32)
    history = _attach_exog(history, stores, weather, group_buys, lives, products)
    future = _frame({s: start for s in stores}, products, today, end, start)
    future = _attach_exog(future, stores, weather, group_buys, lives, products)
    cols = ["unique_id", "ds", "y", *STATIC_FEATURES, *EXOG]
    return DemandData(history=history[cols], future=future[["unique_id", "ds", *EXOG]],
                      static_features=list(STATIC_FEATURES), weather=weather)
