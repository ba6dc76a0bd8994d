"""Restock advice (补货建议) for one store: per SKU, how much to order today, and why.

Demand is forecast for every store of the chain at once (one global model learns more) from the
store database, leaving out group-buy (接龙) orders: those are bought per 接龙 through the purchase
list (:mod:`store.forecast.purchasing`), so counting them here would buy them twice. The quantity
arithmetic is :func:`store.forecast.order_math.order_quantity`; the reasons, in Chinese, are
:mod:`store.forecast.reasons`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.forecast.data import DemandData, demand_data, series_id
from store.forecast.model import ForecastConfig, GlobalForecaster
from store.forecast.order_math import OrderMath, order_quantity
from store.forecast.reasons import restock_reasons, store_notes
from store.forecast.weather_providers import WeatherProvider
from store.models import Inventory, LiveStream, Product, Store, Supplier

HORIZON = 14


@dataclass(frozen=True)
class RestockLine:
    """The advice for one SKU of one store."""

    store_id: str
    sku: str
    name: str
    unit: str
    supplier_id: str
    on_hand: int
    on_order: int
    lead_time_days: int
    case_pack: int
    shelf_life_days: int
    math: OrderMath
    forecast_7d: float  #: expected demand over the next 7 days
    sold_last_7d: float  #: units sold over the last 7 days (same channels)
    reasons: list[str]  #: why, in Chinese

    @property
    def qty(self) -> int:
        """Suggested order quantity (whole cases)."""
        return self.math.qty


@dataclass
class RestockAdvice:
    """A store's advice, and the forecast it came from."""

    store_id: str
    today: date
    service_level: float
    lines: list[RestockLine]
    forecast: pd.DataFrame  #: unique_id, ds, mean, p50, p90 of the store's series
    notes: list[str]  #: store-wide notes in Chinese (live streams, weather source)

    def line(self, sku: str) -> RestockLine:
        """The advice for ``sku``."""
        return next(x for x in self.lines if x.sku == sku)


def forecast_demand(data: DemandData, *, config: ForecastConfig | None = None,
                    horizon: int = HORIZON) -> pd.DataFrame:
    """Daily forecasts (``mean, p50, p90``) of every series in ``data`` from its ``today``."""
    model = GlobalForecaster(config).fit(data.history, freq="D", horizon=horizon,
                                         static_features=data.static_features, X_df=data.future)
    return model.predict()


def restock_advice(session: Session, *, store_id: str, today: date, provider: WeatherProvider,
                   service_level: float = 0.9, review_days: int = 1,
                   config: ForecastConfig | None = None,
                   forecast: pd.DataFrame | None = None) -> RestockAdvice:
    """What store ``store_id`` should order today, SKU by SKU.

    Args:
        store_id: e.g. ``S001``.
        today: the day the order is placed (the forecast starts today).
        provider: weather for the coming days (HTTP API, database or file).
        service_level: chance of not running out before the next delivery.
        review_days: days until the next order (1: the store orders daily).
        config: forecasting model settings.
        forecast: the chain's forecast from ``today`` (``unique_id, ds, mean, p50, p90``), e.g.
            the stored one of :func:`store.forecast.daily.daily_forecast`; fitted here if None.
    """
    store = session.get(Store, store_id)
    if store is None:
        raise ValueError(f"未找到门店 {store_id}")
    data = demand_data(session, today=today, provider=provider, horizon=HORIZON,
                       exclude_channels=("group_buy",))
    fc = forecast if forecast is not None else forecast_demand(data, config=config)
    history = data.history
    lead_of = dict(session.execute(select(Supplier.id, Supplier.lead_time_days)).all())
    stock = {row.sku: row for row in session.scalars(select(Inventory).where(Inventory.store_id == store_id))}
    week_ago = pd.Timestamp(today - timedelta(days=7))
    lines = []
    for product in session.scalars(select(Product).where(Product.active).order_by(Product.sku)):
        uid = series_id(store_id, product.sku)
        days = fc[fc["unique_id"] == uid].sort_values("ds")
        if days.empty:
            continue
        inv = stock.get(product.sku)
        on_hand, on_order = (inv.on_hand, inv.on_order) if inv else (0, 0)
        lead = inv.lead_time_days if inv else lead_of.get(product.supplier_id, 1)
        math_ = order_quantity(mean=days["mean"].to_numpy(), p50=days["p50"].to_numpy(),
                               p90=days["p90"].to_numpy(), on_hand=on_hand, on_order=on_order,
                               lead_time_days=lead, case_pack=product.case_pack,
                               shelf_life_days=product.shelf_life_days,
                               service_level=service_level, review_days=review_days)
        past = history[(history["unique_id"] == uid) & (history["ds"] >= week_ago)]
        line = RestockLine(
            store_id=store_id, sku=product.sku, name=product.name, unit=product.unit,
            supplier_id=product.supplier_id, on_hand=on_hand, on_order=on_order,
            lead_time_days=lead, case_pack=product.case_pack,
            shelf_life_days=product.shelf_life_days, math=math_,
            forecast_7d=float(days["mean"].to_numpy()[:7].sum()),
            sold_last_7d=float(past["y"].sum()), reasons=[],
        )
        reasons = restock_reasons(line, today=today, weather=data.weather[store.city],
                                  launched_on=product.launched_on, service_level=service_level)
        lines.append(RestockLine(**{**line.__dict__, "reasons": reasons}))
    store_fc = fc[fc["unique_id"].str.startswith(f"{store_id}/")].reset_index(drop=True)
    lives = session.execute(
        select(LiveStream.starts_at, LiveStream.title).where(
            LiveStream.store_id == store_id, LiveStream.status == "planned",
            LiveStream.starts_at >= datetime.combine(today, time()),
            LiveStream.starts_at < datetime.combine(today + timedelta(days=HORIZON), time()))
        .order_by(LiveStream.starts_at)).all()
    notes = store_notes(today=today, weather=data.weather[store.city],
                        lives=[(at, title) for at, title in lives], horizon=HORIZON)
    return RestockAdvice(store_id=store_id, today=today, service_level=service_level,
                         lines=lines, forecast=store_fc, notes=notes)

