"""Forecasting methods behind one interface, for side-by-side backtests.

A *method* takes the training part of a long table and returns, for every series, ``horizon``
rows of ``unique_id, ds, point, p90`` (``p90`` may be NaN when a method has no intervals).

* :class:`GlobalModelMethod` — our LightGBM model (:mod:`store.forecast.model`).
* :class:`StatsForecastMethod` — a model of Nixtla's ``statsforecast``: the seasonal naive (the
  weekly rhythm for daily data, last year's week for weekly data), AutoETS, CrostonOptimized …
  Their P90 is the upper end of the 80% prediction interval (``hi-80``). They see ``y`` only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

from store.forecast.model import ForecastConfig, GlobalForecaster
from store.forecast.panel import SEASON, Panel, to_panel


class ForecastMethod(Protocol):
    """A forecasting method as the backtest runner calls it."""

    name: str

    def __call__(self, train: pd.DataFrame, *, horizon: int, freq: str,
                 X_df: pd.DataFrame | None, static_features: Sequence[str]) -> pd.DataFrame:
        """Forecast ``horizon`` steps after the end of ``train``: ``unique_id, ds, point, p90``."""
        ...


def filled_history(panel: Panel) -> pd.DataFrame:
    """``unique_id, ds, y`` of every known cell of a panel (gaps filled with 0, as the model sees)."""
    i, t = np.nonzero(~np.isnan(panel.y))
    return pd.DataFrame({"unique_id": panel.ids[i], "ds": panel.dates(0, panel.n_time)[t],
                         "y": panel.y[i, t].astype(np.float64)})


@dataclass
class GlobalModelMethod:
    """The global LightGBM model as a backtest method."""

    name: str = "LightGBM (ours)"
    config: ForecastConfig = field(default_factory=ForecastConfig)
    use_exog: bool = True  #: False: drop the dynamic exogenous columns (an ablation)

    def __call__(self, train: pd.DataFrame, *, horizon: int, freq: str,
                 X_df: pd.DataFrame | None, static_features: Sequence[str]) -> pd.DataFrame:
        """Fit on ``train`` and forecast ``horizon`` steps."""
        if not self.use_exog:
            keep = ["unique_id", "ds", "y", *static_features]
            train, X_df = train[keep], None
        model = GlobalForecaster(self.config).fit(train, freq=freq, horizon=horizon,
                                                  static_features=static_features, X_df=X_df)
        return model.predict()[["unique_id", "ds", "point", "p90"]]


ModelFactory = Callable[[int], Any]


@dataclass
class StatsForecastMethod:
    """One ``statsforecast`` model, built for the data's season length."""

    name: str
    factory: ModelFactory  #: season length → a statsforecast model instance
    intervals: bool = True  #: whether the model gives prediction intervals
    n_jobs: int = 1

    def __call__(self, train: pd.DataFrame, *, horizon: int, freq: str,
                 X_df: pd.DataFrame | None, static_features: Sequence[str]) -> pd.DataFrame:
        """Fit every series on its own (target only) and forecast ``horizon`` steps."""
        from statsforecast import StatsForecast
        from statsforecast.models import Naive

        panel = to_panel(train[["unique_id", "ds", "y"]], freq=freq, horizon=0)
        model = self.factory(SEASON[freq])
        sf = StatsForecast(models=[model], freq=freq if freq == "D" else _weekly_alias(panel),
                           n_jobs=self.n_jobs, fallback_model=Naive())
        level = [80] if self.intervals else None
        fc = sf.forecast(h=horizon, df=filled_history(panel), level=level)
        fc = fc.reset_index() if "unique_id" not in fc.columns else fc
        alias = repr(model)
        out = pd.DataFrame({"unique_id": fc["unique_id"], "ds": pd.to_datetime(fc["ds"]),
                            "point": fc[alias].to_numpy(float)})
        out["p90"] = fc[f"{alias}-hi-80"].to_numpy(float) if self.intervals else np.nan
        if panel.nonnegative:
            out[["point", "p90"]] = out[["point", "p90"]].clip(lower=0.0)
        return out


def _weekly_alias(panel: Panel) -> str:
    """The pandas weekly alias anchored on the panel's weekday (e.g. ``W-FRI``)."""
    return "W-" + ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")[panel.t0.dayofweek]


def seasonal_naive() -> StatsForecastMethod:
    """Seasonal naive: the value one season ago (a week for daily data, a year for weekly)."""
    from statsforecast.models import SeasonalNaive

    return StatsForecastMethod("SeasonalNaive", lambda m: SeasonalNaive(season_length=m))


def auto_ets() -> StatsForecastMethod:
    """AutoETS with the data's season length (statsforecast drops seasons longer than 24)."""
    from statsforecast.models import AutoETS

    return StatsForecastMethod("AutoETS", lambda m: AutoETS(season_length=m))


def croston() -> StatsForecastMethod:
    """CrostonOptimized, the classic for intermittent demand (no intervals)."""
    from statsforecast.models import CrostonOptimized

    return StatsForecastMethod("CrostonOptimized", lambda m: CrostonOptimized(), intervals=False)


def default_methods(config: ForecastConfig | None = None) -> list[ForecastMethod]:
    """Our model and the two baselines every backtest reports."""
    return [GlobalModelMethod(config=config or ForecastConfig()), seasonal_naive(), auto_ets()]
