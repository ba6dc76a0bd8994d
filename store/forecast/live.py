"""How much of a product to have ready for a live stream (直播备货), from the forecast and past streams.

Two estimates of the stream day's demand, both from data, and the larger is kept:

* the forecaster's own, with the store streaming that day (``live_p90`` of the stored forecast:
  the model learned what a stream evening does to each SKU's sales — averaged over streams where
  the product was featured and where it was not);
* the same day without a stream (``base_mean``) plus what this product sold through the store's
  past streams *when it was featured* (their mean) — the specific effect of putting it on air.

The advice is that day's demand rounded up; what is still missing is the advice minus on hand and
on order. Without a forecast for the day (more than 14 days out) only the past streams are used,
and the reason says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.forecast.data import NOT_SOLD, series_id
from store.models import Inventory, LiveStream, Order, OrderLine, Product

#: Past streams looked at (most recent first).
PAST_STREAMS = 8
LIVE_CHANNEL = "live"


@dataclass(frozen=True)
class PastStreams:
    """What one product sold through a store's past live streams where it was featured."""

    streams: int
    mean: float
    max: int


@dataclass(frozen=True)
class LiveStock:
    """Stock advice for one product on a stream day."""

    sku: str
    name: str
    unit: str
    day: date
    on_hand: int
    on_order: int
    forecast_p50: float | None  #: the day's demand with the stream (model), median
    forecast_p90: float | None  #: … 90% quantile
    base_mean: float | None  #: the day's expected demand without a stream (model)
    past: PastStreams
    suggested: int  #: units to have on the stream day
    missing: int  #: suggested − on hand − on order (never below 0)
    reasons: list[str]


def past_stream_sales(session: Session, *, store_id: str, sku: str, before: date,
                      limit: int = PAST_STREAMS) -> PastStreams:
    """Units of ``sku`` sold through the store's last ``limit`` streams that sold it (not cancelled)."""
    rows = session.execute(
        select(Order.live_stream_id, func.sum(OrderLine.qty))
        .join(OrderLine, OrderLine.order_id == Order.id)
        .join(LiveStream, LiveStream.id == Order.live_stream_id)
        .where(Order.store_id == store_id, Order.channel == LIVE_CHANNEL, OrderLine.sku == sku,
               Order.status.notin_(NOT_SOLD),
               LiveStream.starts_at < datetime.combine(before, time()))
        .group_by(Order.live_stream_id, LiveStream.starts_at)
        .order_by(LiveStream.starts_at.desc()).limit(limit)).all()
    units = [int(n) for _, n in rows]
    return PastStreams(streams=len(units), mean=sum(units) / len(units) if units else 0.0,
                       max=max(units, default=0))


def live_stock(session: Session, *, store_id: str, skus: list[str], day: date,
               forecast: pd.DataFrame | None) -> list[LiveStock]:
    """Stock advice for ``skus`` on a stream at ``store_id`` on ``day``.

    Args:
        forecast: the chain's stored daily forecast (:mod:`store.forecast.daily`), or None.
    """
    stock = {i.sku: i for i in session.scalars(
        select(Inventory).where(Inventory.store_id == store_id, Inventory.sku.in_(skus)))}
    out = []
    for sku in skus:
        product = session.get(Product, sku)
        if product is None:
            raise ValueError(f"未找到商品 {sku}")
        inv = stock.get(sku)
        on_hand, on_order = (inv.on_hand, inv.on_order) if inv else (0, 0)
        past = past_stream_sales(session, store_id=store_id, sku=sku, before=day)
        row = None
        if forecast is not None:
            rows = forecast[(forecast["unique_id"] == series_id(store_id, sku))
                            & (forecast["ds"] == pd.Timestamp(day))]
            row = rows.iloc[0] if len(rows) else None
        unit = product.unit
        reasons = []
        candidates = []
        p50: float | None = None
        p90: float | None = None
        base: float | None = None
        if row is not None:
            p50, p90, base = float(row["live_p50"]), float(row["live_p90"]), float(row["base_mean"])
            candidates.append(p90)
            reasons.append(f"需求预测（{day:%m月%d日}有直播）：当天中位数约 {p50:.0f}{unit}，"
                           f"90% 把握不超过 {p90:.0f}{unit}")
            if past.streams:
                candidates.append(base + past.mean)
                reasons.append(f"不直播时当天预计约 {base:.0f}{unit}，过去 {past.streams} 场上播的直播"
                               f"平均卖出 {past.mean:.0f}{unit}（最多 {past.max}{unit}），合计约 "
                               f"{base + past.mean:.0f}{unit}")
        else:
            reasons.append(f"{day:%m月%d日}超出预测范围（14 天内），只按过去的直播估计")
            if past.streams:
                candidates.append(float(past.max))
                reasons.append(f"过去 {past.streams} 场上播的直播平均卖出 {past.mean:.0f}{unit}，"
                               f"最多 {past.max}{unit}")
        if not past.streams:
            reasons.append("这个商品还没在本店直播卖过，建议先少量备货、看直播间反应再补")
        suggested = math.ceil(max(candidates)) if candidates else 0
        missing = max(0, suggested - on_hand - on_order)
        reasons.append(f"建议当天备 {suggested}{unit}：在库 {on_hand}、在途 {on_order}，"
                       + (f"还差 {missing}{unit}" if missing else "够用"))
        out.append(LiveStock(sku=sku, name=product.name, unit=unit, day=day, on_hand=on_hand,
                             on_order=on_order, forecast_p50=p50, forecast_p90=p90, base_mean=base,
                             past=past, suggested=suggested, missing=missing, reasons=reasons))
    return out

