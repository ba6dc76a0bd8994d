"""The day's forecast of the whole chain, fitted once and stored in ``demand_forecasts``.

Fitting the global model takes tens of seconds on two cores; restock advice, the forecast tool and
the live-stream script all need it, in different processes (a CLI call, the web server, WeCom).
So one fit per day is written to the database — by a nightly ``store-assistant forecast run`` or,
failing that, by the first request of the day — and everyone else reads it.

Besides the forecast for the events as planned, each row holds the same day *if the store streams
live that day* (``live_*``: the model's ``live`` feature set to 1) and *if it does not*
(``base_mean``), so a live-stream script for an evening that is not yet in the calendar still plans
its stock from the forecaster.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.forecast.data import demand_data, series_id
from store.forecast.model import ForecastConfig, GlobalForecaster
from store.forecast.weather_providers import WeatherProvider
from store.models import DemandForecast

log = logging.getLogger(__name__)

HORIZON = 14
KEEP_DAYS = 35  #: stored forecasts older than this are deleted when a new day's is written
COLUMNS = ["unique_id", "store_id", "sku", "ds", "point", "mean", "p50", "p90",
           "live_mean", "live_p50", "live_p90", "base_mean"]


@dataclass(frozen=True)
class DailyForecast:
    """The chain's forecast made on ``made_on``: one row per store, SKU and day."""

    made_on: date
    frame: pd.DataFrame  #: COLUMNS; ``ds`` as Timestamps
    fitted: bool  #: True when this call fitted the model, False when it was read from the database
    seconds: float

    def series(self, store_id: str, sku: str) -> pd.DataFrame:
        """The rows of one store × SKU, by day."""
        return self.frame[self.frame["unique_id"] == series_id(store_id, sku)].sort_values("ds")


def model_label(config: ForecastConfig) -> str:
    """What is stored in ``demand_forecasts.model``."""
    return f"lightgbm-global trees={config.n_estimators} huber={config.huber_delta}"[:64]


def fit_chain_forecast(session: Session, *, today: date, provider: WeatherProvider,
                       config: ForecastConfig | None = None, horizon: int = HORIZON) -> pd.DataFrame:
    """Fit on every store × SKU and forecast ``horizon`` days from ``today`` (nothing is written).

    Group-buy (接龙) orders are left out of the demand: they are bought per 接龙 through the
    purchase list, so restock advice must not count them again.
    """
    data = demand_data(session, today=today, provider=provider, horizon=horizon,
                       exclude_channels=("group_buy",))
    model = GlobalForecaster(config).fit(data.history, freq="D", horizon=horizon,
                                         static_features=data.static_features, X_df=data.future)
    planned = model.predict()
    live = model.predict(X_df=data.future.assign(live=1.0))
    base = model.predict(X_df=data.future.assign(live=0.0))
    frame = (planned[["unique_id", "ds", "point", "mean", "p50", "p90"]]
             .merge(live[["unique_id", "ds", "mean", "p50", "p90"]].rename(
                 columns={"mean": "live_mean", "p50": "live_p50", "p90": "live_p90"}),
                 on=["unique_id", "ds"], how="left", validate="one_to_one")
             .merge(base[["unique_id", "ds", "mean"]].rename(columns={"mean": "base_mean"}),
                    on=["unique_id", "ds"], how="left", validate="one_to_one"))
    parts = frame["unique_id"].str.split("/", n=1, expand=True)
    frame["store_id"], frame["sku"] = parts[0], parts[1]
    return frame[COLUMNS].reset_index(drop=True)


def load_daily_forecast(session: Session, made_on: date) -> pd.DataFrame | None:
    """The stored forecast made on ``made_on``, or None when there is none."""
    rows = session.execute(
        select(DemandForecast.store_id, DemandForecast.sku, DemandForecast.ds, DemandForecast.point,
               DemandForecast.mean, DemandForecast.p50, DemandForecast.p90, DemandForecast.live_mean,
               DemandForecast.live_p50, DemandForecast.live_p90, DemandForecast.base_mean)
        .where(DemandForecast.made_on == made_on)).all()
    if not rows:
        return None
    frame = pd.DataFrame(rows, columns=COLUMNS[1:])
    frame["ds"] = pd.to_datetime(frame["ds"])
    frame.insert(0, "unique_id", frame["store_id"] + "/" + frame["sku"])
    return frame[COLUMNS]


def save_daily_forecast(session: Session, made_on: date, frame: pd.DataFrame, *, model: str,
                        now: datetime | None = None) -> int:
    """Replace the forecast made on ``made_on`` with ``frame`` (in the caller's transaction).

    Forecasts made more than :data:`KEEP_DAYS` days earlier are deleted at the same time.
    """
    created = now or datetime.now()
    session.execute(delete(DemandForecast).where(
        (DemandForecast.made_on == made_on) | (DemandForecast.made_on < made_on - timedelta(days=KEEP_DAYS))))
    session.add_all(
        DemandForecast(made_on=made_on, store_id=r.store_id, sku=r.sku, ds=r.ds.date(),
                       point=float(r.point), mean=float(r.mean), p50=float(r.p50), p90=float(r.p90),
                       live_mean=float(r.live_mean), live_p50=float(r.live_p50),
                       live_p90=float(r.live_p90), base_mean=float(r.base_mean), created_at=created,
                       model=model)
        for r in frame.itertuples())
    session.flush()
    return len(frame)


def daily_forecast(session: Session, *, today: date, provider: WeatherProvider,
                   config: ForecastConfig | None = None, refresh: bool = False) -> DailyForecast:
    """Today's chain forecast: read from the database, or fitted, stored and committed.

    Args:
        today: the forecast's first day.
        provider: weather for the coming days (used only when fitting).
        config: model settings (used only when fitting).
        refresh: fit again even when today's forecast is stored (the nightly job's ``--refresh``).
    """
    started = datetime.now()
    if not refresh:
        stored = load_daily_forecast(session, today)
        if stored is not None:
            return DailyForecast(today, stored, False, (datetime.now() - started).total_seconds())
    config = config or ForecastConfig()
    log.info("fitting the demand forecast for %s (no stored forecast, or refresh)", today)
    frame = fit_chain_forecast(session, today=today, provider=provider, config=config)
    try:
        save_daily_forecast(session, today, frame, model=model_label(config))
        session.commit()
    except IntegrityError:
        # Another process stored today's forecast while we fitted: theirs is as good as ours.
        session.rollback()
        stored = load_daily_forecast(session, today)
        if stored is not None:
            frame = stored
    return DailyForecast(today, frame, True, (datetime.now() - started).total_seconds())


def stored_days(session: Session) -> list[tuple[date, int]]:
    """The days with a stored forecast and their row counts, newest first."""
    rows = session.execute(select(DemandForecast.made_on, func.count()).group_by(DemandForecast.made_on)
                           .order_by(DemandForecast.made_on.desc()))
    return [(made_on, n) for made_on, n in rows]
