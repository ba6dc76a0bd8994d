"""Per-series sensitivity of demand to a continuous exogenous variable (heat, rain).

A global tree model has to discover, from noisy daily counts, *which* of thousands of series react
to heat — and in December it is asked about a hot spell it has only seen in summer, when demand
was already high. So each series' reaction is estimated up front, on its own history, as one
number: the least-squares slope of its relative demand (the day's sales over the mean of the 29
days centred on it, minus 1) on how far the variable is from its own centred 29-day mean. Centred,
not trailing: in early summer heat and the fruit season rise together, and against a trailing mean
the season's growth would pass for a heat effect (this is history, so the days after are known;
at the end of the history the window is cut short). Only days whose level is steady enter — the
centred mean within ±50% of the trailing 28-day mean — so a festive rush (月饼 before 中秋, where
the level jumps 25-fold) does not pass for weather; event days and the first week of a series are
left out too, relative demand is clipped to [-1, 4], and slopes backed by few days shrink to 0.

The model then gets ``<var>_effect = slope × (value at t − trailing mean at the origin)``: for ice
cream in a winter heat wave a large positive number it has seen the like of in June; for rice, 0.
"""

from __future__ import annotations

import numpy as np

#: Half-width (steps) of the centred window of the demand baseline and of the variable's mean.
HALF_WINDOW = 14
#: Days of evidence at which a slope keeps half its value.
SHRINK_DAYS = 60
#: Days whose centred level is further than this from the trailing 28-day level are left out.
STEADY = 0.5
#: Bounds of relative demand (y / centred mean − 1) in the regression.
CLIP = (-1.0, 4.0)


def _centred_mean(prefix: np.ndarray, count: np.ndarray, n_time: int) -> np.ndarray:
    """Mean over the steps within ``HALF_WINDOW`` of each step (NaN without data), (n, n_time)."""
    t = np.arange(n_time)
    hi = np.minimum(t + HALF_WINDOW + 1, n_time)
    lo = np.maximum(t - HALF_WINDOW, 0)
    total = prefix[:, hi] - prefix[:, lo]
    n = count[:, hi] - count[:, lo]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, total / np.maximum(n, 1), np.nan).astype(np.float32)


def slopes(y: np.ndarray, base_prefix: np.ndarray, base_count: np.ndarray, exog: np.ndarray,
           exog_prefix: np.ndarray, exog_count: np.ndarray, usable: np.ndarray) -> np.ndarray:
    """Slope per series of relative demand on the variable's deviation from its centred mean.

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
    level = _centred_mean(base_prefix, base_count, n_time)
    t = np.arange(n_time)
    lo = np.maximum(t - 2 * HALF_WINDOW, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        trailing = (base_prefix[:, t] - base_prefix[:, lo]) / (base_count[:, t] - base_count[:, lo])
        steady = np.abs(level / trailing - 1.0) <= STEADY
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.clip(y / level - 1.0, *CLIP)
    dev = exog[:, :n_time] - _centred_mean(exog_prefix, exog_count, n_time)
    ok = usable & steady & (level > 0) & np.isfinite(rel) & np.isfinite(dev)
    ok[:, :7] = False
    rel = np.where(ok, rel, 0.0)
    dev = np.where(ok, dev, 0.0)
    sxx = np.sum(dev * dev, axis=1, dtype=np.float64)
    sxy = np.sum(dev * rel, axis=1, dtype=np.float64)
    days = ok.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(sxx > 0, sxy / sxx, 0.0)
    return (slope * days / (days + SHRINK_DAYS)).astype(np.float32)
