"""Rolling-origin backtest: every method forecasts the same windows, scored the same way.

Window ``k`` of ``n`` cuts the history at ``cutoff_k = last - horizon - step·(n-1-k)``: methods
train on everything up to the cutoff and forecast the ``horizon`` steps after it, which are then
compared with what happened. Exogenous columns over the window are taken from the data itself —
for weather that means the backtest uses the *observed* weather as if it had been the forecast
(a real 7–14-day forecast is less accurate, so live accuracy on weather-driven days is somewhat
worse than the backtest says). The MASE scale of a series is computed on its training part of
each window.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from store.forecast.baselines import ForecastMethod
from store.forecast.metrics import seasonal_scale, summarise
from store.forecast.panel import FREQS, SEASON, to_panel

log = logging.getLogger(__name__)


@dataclass
class BacktestResult:
    """Per-method metrics of one backtest run, plus its shape."""

    metrics: dict[str, dict[str, float]]  #: method → mase, wape, coverage, spl, seconds …
    n_series: int
    n_windows: int
    horizon: int
    freq: str
    cutoffs: list[pd.Timestamp]
    rows: pd.DataFrame = field(repr=False)  #: unique_id, ds, cutoff, y, scale, <method>, <method>_p90

    def to_json(self) -> dict[str, object]:
        """One plain object: per-method metrics and the number of series and windows."""
        return {
            "n_series": self.n_series, "n_windows": self.n_windows, "horizon": self.horizon,
            "freq": self.freq, "cutoffs": [c.date().isoformat() for c in self.cutoffs],
            "methods": {name: {k: (None if isinstance(v, float) and np.isnan(v) else v)
                               for k, v in m.items()} for name, m in self.metrics.items()},
        }

    def table(self) -> list[list[str]]:
        """Rows for printing: method, MASE, WAPE, P90 coverage, scaled pinball P90, seconds."""
        out = []
        for name, m in self.metrics.items():
            out.append([name, _fmt(m["mase"], 3), _fmt(m["wape"], 3), _fmt(m["coverage"], 3),
                        _fmt(m["spl"], 3), f"{m['seconds']:.1f}"])
        return out


def _fmt(value: float, digits: int) -> str:
    return "–" if value is None or np.isnan(value) else f"{value:.{digits}f}"


def backtest(df: pd.DataFrame, *, methods: Sequence[ForecastMethod], horizon: int,
             n_windows: int = 8, step: int | None = None, freq: str = "D",
             static_features: Sequence[str] = ()) -> BacktestResult:
    """Run every method over the same rolling windows and score them.

    Args:
        df: long table (``unique_id, ds, y`` + static and exogenous columns).
        methods: the methods to compare (see :mod:`store.forecast.baselines`).
        horizon: steps forecast from each cutoff.
        n_windows: number of cutoffs.
        step: steps between cutoffs; default ``horizon`` (windows do not overlap).
        freq: ``"D"`` or ``"W"``.
        static_features: columns of ``df`` constant per series.
    """
    step = step or horizon
    df = df.copy()
    df["ds"] = pd.to_datetime(df["ds"])
    last = df["ds"].max()
    unit = FREQS[freq]
    cutoffs = [last - unit * (horizon + step * (n_windows - 1 - k)) for k in range(n_windows)]
    if cutoffs[0] <= df["ds"].min():
        raise ValueError(f"历史太短：{n_windows} 个窗口 × {horizon} 期需要更多数据"
                         "（history too short for these windows)")
    season = SEASON[freq]
    timings = {m.name: 0.0 for m in methods}
    parts = []
    dynamic = [c for c in df.columns if c not in ("unique_id", "ds", "y", *static_features)]
    for cutoff in cutoffs:
        train = df[df["ds"] <= cutoff]
        window = df[(df["ds"] > cutoff) & (df["ds"] <= cutoff + unit * horizon)]
        window = window[window["unique_id"].isin(train["unique_id"].unique())]
        panel = to_panel(train[["unique_id", "ds", "y"]], freq=freq, horizon=0)
        scales = pd.Series([seasonal_scale(row, season) for row in panel.y], index=panel.ids,
                           name="scale")
        actual = window[["unique_id", "ds", "y"]].merge(scales, left_on="unique_id",
                                                         right_index=True)
        actual["cutoff"] = cutoff
        X_df = window[["unique_id", "ds", *dynamic]] if dynamic else None
        for method in methods:
            started = time.perf_counter()
            fc = method(train, horizon=horizon, freq=freq, X_df=X_df, static_features=static_features)
            timings[method.name] += time.perf_counter() - started
            fc = fc.rename(columns={"point": method.name, "p90": f"{method.name}_p90"})
            actual = actual.merge(fc, on=["unique_id", "ds"], how="left")
        log.info("backtest window ending %s done", cutoff.date())
        parts.append(actual)
    rows = pd.concat(parts, ignore_index=True)
    metrics = {}
    for method in methods:
        view = rows.rename(columns={method.name: "point", f"{method.name}_p90": "p90"})
        if view["point"].isna().any():
            raise RuntimeError(f"{method.name} left forecasts out")
        metrics[method.name] = {**summarise(view), "seconds": round(timings[method.name], 2)}
    return BacktestResult(metrics=metrics, n_series=int(rows["unique_id"].nunique()),
                          n_windows=n_windows, horizon=horizon, freq=freq, cutoffs=cutoffs, rows=rows)


def relative_to(result: BacktestResult, baseline: str, metric: str = "mase") -> dict[str, float]:
    """Each method's ``metric`` divided by the baseline's (0.85 = 15% lower)."""
    base = result.metrics[baseline][metric]
    return {name: m[metric] / base for name, m in result.metrics.items()}
