"""Forecast and restock tools for owners (clerks see stock only; shoppers neither).

The forecaster fits once per store and day and is cached in the process: a chain's model takes
tens of seconds on two cores, the answer for the rest of the day is instant.
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


def _advice(ctx: ToolContext, store_id: str) -> Any:
    from store.forecast.restock import restock_advice
    from store.forecast.weather_providers import DatabaseWeatherProvider

    key = (id(ctx.sessions), store_id, ctx.now.date())
    with _LOCK:
        if key not in _CACHE:
            provider = ctx.weather or DatabaseWeatherProvider(ctx.sessions)
            with ctx.sessions() as s:
                try:
                    _CACHE[key] = restock_advice(s, store_id=store_id, today=ctx.now.date(), provider=provider)
                except ValueError as exc:
                    raise ToolError(str(exc), f"restock advice failed for {store_id}") from exc
        return _CACHE[key]


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
    from store.forecast.data import series_id

    store = target_store(ctx.identity, store_id)
    frame = _advice(ctx, store).forecast
    rows = frame[frame["unique_id"] == series_id(store, sku)].sort_values("ds")
    end = ctx.now.date() + timedelta(days=max(1, min(days, 14)))
    rows = rows[rows["ds"].dt.date < end]
    if rows.empty:
        raise ToolError(f"没有 {sku} 在 {store} 的预测", f"no forecast for {sku} in {store}")
    out = [DayForecast(day=r.ds.date(), p50=round(float(r.p50), 1), p90=round(float(r.p90), 1))
           for r in rows.itertuples()]
    return Forecast(store_id=store, sku=sku, days=out, total_p50=round(sum(d.p50 for d in out), 1),
                    total_p90=round(sum(d.p90 for d in out), 1))
