"""The day's demand forecast, stored so that every process reads one fit (a nightly job writes it)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base


class DemandForecast(Base):
    """Expected demand of one SKU in one store on one day, as forecast on ``made_on``.

    ``mean``/``p50``/``p90`` are for the events known when the forecast was made (planned live
    streams, open 接龙, the weather outlook); ``live_*`` are the same day if the store streams live
    that day and ``base_mean`` if it does not — what a live-stream script plans its stock with.
    """

    __tablename__ = "demand_forecasts"

    made_on: Mapped[date] = mapped_column(primary_key=True, comment="the forecast's first day ('today')")
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id"), primary_key=True)
    sku: Mapped[str] = mapped_column(ForeignKey("products.sku"), primary_key=True)
    ds: Mapped[date] = mapped_column(primary_key=True, comment="the day forecast")
    point: Mapped[float] = mapped_column(comment="accuracy-optimal point forecast (units)")
    mean: Mapped[float] = mapped_column(comment="expected units (sums over days)")
    p50: Mapped[float]
    p90: Mapped[float]
    live_mean: Mapped[float] = mapped_column(comment="expected units if the store streams live that day")
    live_p50: Mapped[float]
    live_p90: Mapped[float]
    base_mean: Mapped[float] = mapped_column(comment="expected units if the store does not stream that day")
    created_at: Mapped[datetime]
    model: Mapped[str] = mapped_column(String(64), comment="which forecaster and settings")
