"""Forecast, restock and live-stream stock tools for owners (clerks see stock only; shoppers neither).

The chain's forecast is fitted once a day and stored in the database (:mod:`store.forecast.daily`;
a nightly ``store-assistant forecast run`` writes it, or else the first request of the day does, in
tens of seconds on two cores); every later call in any process reads it. Restock advice built on it
is cached in the process per store and day.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, Field

from tools.context import ToolContext
from tools.errors import ToolError
from tools.registry import store_tool
from tools.scope import target_store

_CACHE: dict[tuple[int, str, date], Any] = {}
_LOCK = threading.Lock()


def _daily(ctx: ToolContext) -> Any:
    """Today's stored chain forecast (fitted and stored first if missing)."""
    from store.forecast.daily import daily_forecast
    from store.forecast.weather_providers import DatabaseWeatherProvider

    provider = ctx.weather or DatabaseWeatherProvider(ctx.sessions)
    with _LOCK, ctx.sessions() as s:
        try:
            return daily_forecast(s, today=ctx.now.date(), provider=provider)
        except ValueError as exc:
            raise ToolError(str(exc), "the demand forecast failed") from exc


def _advice(ctx: ToolContext, store_id: str) -> Any:
    from store.forecast.restock import restock_advice
    from store.forecast.weather_providers import DatabaseWeatherProvider

    key = (id(ctx.sessions), store_id, ctx.now.date())
    with _LOCK:
        cached = _CACHE.get(key)
    if cached is not None:
        return cached
    daily = _daily(ctx)
    provider = ctx.weather or DatabaseWeatherProvider(ctx.sessions)
    with ctx.sessions() as s:
        try:
            advice = restock_advice(s, store_id=store_id, today=ctx.now.date(), provider=provider,
                                    forecast=daily.frame)
        except ValueError as exc:
            raise ToolError(str(exc), f"restock advice failed for {store_id}") from exc
    with _LOCK:
        _CACHE[key] = advice
    return advice


class RestockItem(BaseModel):
    """One SKU's suggested order with the reasons."""

    sku: str
    name: str
    order_qty: int
    unit: str
    on_hand: int
    on_order: int
    forecast_next_7_days: float
    sold_last_7_days: float
    reasons: list[str]


class RestockPlan(BaseModel):
    """What to order today."""

    store_id: str
    service_level: float
    items: list[RestockItem]
    notes: list[str] = Field(description="store-wide notes: live streams, weather source")


@store_tool(roles={"owner"})
def restock_suggestions(ctx: ToolContext, store_id: str | None = None, only_needed: bool = True,
                        limit: int = 10) -> RestockPlan:
    """Today's restock advice from the demand forecast: order quantity per SKU with reasons (weather, trend, events).

    Args:
        store_id: another store the owner owns; default the current store.
        only_needed: only SKUs with a quantity to order.
        limit: at most this many SKUs, biggest orders first (1–50).
    """
    store = target_store(ctx.identity, store_id)
    advice = _advice(ctx, store)
    lines = [x for x in advice.lines if x.math.qty > 0 or not only_needed]
    lines.sort(key=lambda x: -x.math.qty)
    return RestockPlan(store_id=store, service_level=advice.service_level, notes=list(advice.notes),
                       items=[RestockItem(sku=x.sku, name=x.name, order_qty=x.math.qty, unit=x.unit,
                                          on_hand=x.on_hand, on_order=x.on_order,
                                          forecast_next_7_days=round(x.forecast_7d, 1),
                                          sold_last_7_days=round(x.sold_last_7d, 1), reasons=list(x.reasons))
                              for x in lines[:max(1, min(limit, 50))]])


class DayForecast(BaseModel):
    """Forecast demand of one day."""

    day: date
    p50: float
    p90: float


class Forecast(BaseModel):
    """Daily demand forecast of one product in one store."""

    store_id: str
    sku: str
    days: list[DayForecast]
    total_p50: float
    total_p90: float


@store_tool(roles={"owner"})
def demand_forecast(ctx: ToolContext, sku: str, days: int = 7, store_id: str | None = None) -> Forecast:
    """Daily demand forecast (P50 and P90) of a product for the coming days.

    Args:
        sku: the product's SKU, e.g. P1001.
        days: how many days ahead (1–14).
        store_id: another store the owner owns; default the current store.
    """
    store = target_store(ctx.identity, store_id)
    rows = _daily(ctx).series(store, sku)
    end = ctx.now.date() + timedelta(days=max(1, min(days, 14)))
    rows = rows[rows["ds"].dt.date < end]
    if rows.empty:
        raise ToolError(f"没有 {sku} 在 {store} 的预测", f"no forecast for {sku} in {store}")
    out = [DayForecast(day=r.ds.date(), p50=round(float(r.p50), 1), p90=round(float(r.p90), 1))
           for r in rows.itertuples()]
    return Forecast(store_id=store, sku=sku, days=out, total_p50=round(sum(d.p50 for d in out), 1),
                    total_p90=round(sum(d.p90 for d in out), 1))


class LiveStockItem(BaseModel):
    """How much of one product to have ready on a stream day."""

    sku: str
    name: str
    unit: str
    on_hand: int
    on_order: int
    forecast_p50: float | None = Field(description="the day's demand with the stream, median (model)")
    forecast_p90: float | None
    past_streams: int = Field(description="past streams of this store that sold the product")
    past_stream_mean: float
    past_stream_max: int
    suggested: int = Field(description="units to have on the stream day")
    missing: int = Field(description="suggested − on hand − on order, at least 0")
    reasons: list[str]


class LiveStockPlan(BaseModel):
    """Stock advice for a live stream."""

    store_id: str
    day: date
    items: list[LiveStockItem]


@store_tool(roles={"owner"})
def live_stream_stock(ctx: ToolContext, skus: list[str], day: date | None = None,
                      store_id: str | None = None) -> LiveStockPlan:
    """Stock to prepare for a live stream: per product, the demand forecast with the stream and past stream sales.

    Args:
        skus: the products on the stream (1–6 SKUs), e.g. ["P1001", "P1002"].
        day: the stream's date; default today.
        store_id: another store the owner owns; default the current store.
    """
    from store.forecast.live import live_stock

    if not 1 <= len(skus) <= 6:
        raise ToolError("直播备货一次看 1–6 个商品", f"live_stream_stock takes 1–6 SKUs, got {len(skus)}")
    store = target_store(ctx.identity, store_id)
    when = day or ctx.now.date()
    if when < ctx.now.date():
        raise ToolError("直播日期已经过去了，请给一个今天或以后的日期", f"day {when} is in the past")
    frame = _daily(ctx).frame if when <= ctx.now.date() + timedelta(days=13) else None
    with ctx.sessions() as s:
        try:
            lines = live_stock(s, store_id=store, skus=list(dict.fromkeys(skus)), day=when, forecast=frame)
        except ValueError as exc:
            raise ToolError(str(exc), f"live stock failed: {exc}") from exc
    return LiveStockPlan(store_id=store, day=when, items=[
        LiveStockItem(sku=x.sku, name=x.name, unit=x.unit, on_hand=x.on_hand, on_order=x.on_order,
                      forecast_p50=None if x.forecast_p50 is None else round(x.forecast_p50, 1),
                      forecast_p90=None if x.forecast_p90 is None else round(x.forecast_p90, 1),
                      past_streams=x.past.streams, past_stream_mean=round(x.past.mean, 1),
                      past_stream_max=x.past.max, suggested=x.suggested, missing=x.missing,
                      reasons=list(x.reasons))
        for x in lines])
