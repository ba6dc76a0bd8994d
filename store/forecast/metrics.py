"""Forecast accuracy metrics: MASE, WAPE, quantile coverage and the scaled pinball loss.

* **MASE** (mean absolute scaled error): a series' mean absolute error over the horizon divided by
  the in-sample mean absolute error of the seasonal naive forecast (``y[t] - y[t - m]``) on that
  series' training history; averaged over series (and backtest windows). Series whose scale is 0
  (constant history) are left out and counted.
* **WAPE** (weighted absolute percentage error): ``Σ|y - ŷ| / Σ|y|`` over everything.
* **Coverage** of a quantile forecast: the share of actuals at or below it (0.9 is ideal for P90).
* **Scaled pinball loss** of a quantile forecast: the pinball loss divided by the same MASE scale,
  so a P90 that is merely wide does not look good.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def seasonal_scale(y: np.ndarray, season: int) -> float:
    """In-sample MAE of the seasonal naive forecast on ``y`` (NaNs, e.g. before launch, skipped).

    Falls back to the naive (lag-1) forecast when the history is shorter than a season plus one.
    """
    y = np.asarray(y, dtype=float)
    y = y[~np.isnan(y)]
    m = season if len(y) > season else 1
    if len(y) <= m:
        return float("nan")
    return float(np.mean(np.abs(y[m:] - y[:-m])))


def mase(actual: np.ndarray, predicted: np.ndarray, scale: float) -> float:
    """MASE of one series over one horizon."""
    if not scale > 0:
        return float("nan")
    return float(np.mean(np.abs(np.asarray(actual) - np.asarray(predicted))) / scale)


def wape(actual: np.ndarray, predicted: np.ndarray) -> float:
    """WAPE over all the values given."""
    actual = np.asarray(actual, dtype=float)
    total = np.sum(np.abs(actual))
    if total == 0:
        return float("nan")
    return float(np.sum(np.abs(actual - np.asarray(predicted))) / total)


def coverage(actual: np.ndarray, upper: np.ndarray) -> float:
    """Share of ``actual`` at or below the quantile forecast ``upper``."""
    actual, upper = np.asarray(actual, dtype=float), np.asarray(upper, dtype=float)
    ok = ~np.isnan(upper)
    if not ok.any():
        return float("nan")
    return float(np.mean(actual[ok] <= upper[ok] + 1e-9))


def pinball(actual: np.ndarray, quantile_forecast: np.ndarray, q: float) -> float:
    """Mean pinball (quantile) loss of a ``q``-quantile forecast."""
    diff = np.asarray(actual, dtype=float) - np.asarray(quantile_forecast, dtype=float)
    return float(np.mean(np.maximum(q * diff, (q - 1) * diff)))


def summarise(results: pd.DataFrame, *, quantile: float = 0.9, upper_col: str = "p90") -> dict[str, float]:
    """Aggregate metrics of one method from per-row backtest results.

    Args:
        results: rows with ``unique_id, cutoff, y, point, <upper_col>, scale``.
        quantile: the quantile ``upper_col`` holds.
        upper_col: the column with that quantile forecast.

    Returns:
        ``mase``, ``wape``, ``coverage``, ``spl`` (scaled pinball loss of ``upper_col``) and
        ``mase_series`` (series × windows that entered MASE) and ``mase_skipped``.
    """
    diff = results["y"].to_numpy(float) - results[upper_col].to_numpy(float)
    rows = pd.DataFrame({
        "unique_id": results["unique_id"].to_numpy(), "cutoff": results["cutoff"].to_numpy(),
        "abs_err": np.abs(results["y"].to_numpy(float) - results["point"].to_numpy(float)),
        "pin": np.maximum(quantile * diff, (quantile - 1) * diff),
        "scale": results["scale"].to_numpy(float),
    })
    per = rows.groupby(["unique_id", "cutoff"], sort=False).agg(
        abs_err=("abs_err", "mean"), pin=("pin", "mean"), scale=("scale", "first"))
    usable = per["scale"] > 0
    scaled = per.loc[usable]
    return {
        "mase": float((scaled["abs_err"] / scaled["scale"]).mean()),
        "wape": wape(results["y"].to_numpy(), results["point"].to_numpy()),
        "coverage": coverage(results["y"].to_numpy(), results[upper_col].to_numpy()),
        "spl": float((scaled["pin"] / scaled["scale"]).mean()),  # NaN when no quantile forecast
        "mase_series": int(usable.sum()),
        "mase_skipped": int((~usable).sum()),
    }
