"""Per-series sensitivity of demand to a continuous exogenous variable (heat, rain).

A global tree model has to discover, from noisy daily counts, *which* of thousands of series react
to heat — and in December it is asked about a hot spell it has only seen in summer, when demand
was already high. So each series' reaction is estimated up front, on its own history, as one
number: the least-squares slope of its relative demand (the day's sales over the trailing 28-day
mean, minus 1) on how far the variable is from its own trailing 28-day mean. Event days and the
first week of a series are left out; relative demand is clipped to [-1, 4] so festive spikes do not
pass for weather, and slopes backed by few days shrink towards 0.

The model then gets ``<var>_effect = slope × (value at t − trailing mean at the origin)``: for ice
cream in a winter heat wave a large positive number it has seen the like of in June; for rice, 0.
"""

from __future__ import annotations

import numpy as np

#: Trailing window (steps) of the relative-demand baseline and of the variable's own mean.
WINDOW = 28
#: Days of evidence at which a slope keeps half its value.
SHRINK_DAYS = 60
#: Bounds of relative demand (y / trailing mean − 1) in the regression.
CLIP = (-1.0, 4.0)


def _trailing_mean(prefix: np.ndarray, count: np.ndarray, n_time: int) -> np.ndarray:
    """Mean over the ``WINDOW`` steps *before* each step (NaN without data), shape (n, n_time)."""
    hi = np.arange(n_time)
    lo = np.maximum(hi - WINDOW, 0)
    total = prefix[:, hi] - prefix[:, lo]
    n = count[:, hi] - count[:, lo]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, total / np.maximum(n, 1), np.nan).astype(np.float32)


def slopes(y: np.ndarray, base_prefix: np.ndarray, base_count: np.ndarray, exog: np.ndarray,
           exog_prefix: np.ndarray, exog_count: np.ndarray, usable: np.ndarray) -> np.ndarray:
    """Slope per series of relative demand on the variable's deviation from its trailing mean.

    Args:
        y: (n, T) demand, NaN before a series starts.
        base_prefix: prefix sums of demand on non-event days, (n, T + 1).
        base_count: prefix counts of non-event known days, (n, T + 1).
        exog: (n, ≥T) the variable.
        exog_prefix: its prefix sums, (n, ≥T + 1).
        exog_count: its prefix counts, (n, ≥T + 1).
        usable: (n, T) days that may enter the regression (known, no event).
    """
    n_time = y.shape[1]
    level = _trailing_mean(base_prefix, base_count, n_time)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.clip(y / level - 1.0, *CLIP)
    dev = exog[:, :n_time] - _trailing_mean(exog_prefix, exog_count, n_time)
    ok = usable & (level > 0) & np.isfinite(rel) & np.isfinite(dev)
    ok[:, :7] = False
    rel = np.where(ok, rel, 0.0)
    dev = np.where(ok, dev, 0.0)
    sxx = np.sum(dev * dev, axis=1, dtype=np.float64)
    sxy = np.sum(dev * rel, axis=1, dtype=np.float64)
    days = ok.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(sxx > 0, sxy / sxx, 0.0)
    return (slope * days / (days + SHRINK_DAYS)).astype(np.float32)
