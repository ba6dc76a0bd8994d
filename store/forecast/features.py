"""Features of one (series, forecast origin, horizon) triple, built for millions of rows at once.

A row predicts ``y[i, t]`` from what is known at the origin ``o = t - h``: rolling levels,
volatility, zero share and days since the last sale up to ``o``; the most recent same-season
values (same weekday for daily data, same week last year for weekly data) that are ≤ ``o``; the
calendar, holidays and exogenous values (weather, events) *at* ``t``, and how far the exogenous
value at ``t`` is from its recent mean (a hot spell after a cool month). Every level feature is
divided by the series' scale at the origin (its recent mean), so one model serves a SKU selling
0.3 a day and one selling 300; ``log_scale`` keeps the absolute level visible, which matters for
intermittent series whose median is 0.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from store.forecast.calendar_features import calendar_matrix
from store.forecast.panel import SEASON, Panel
from store.forecast.sensitivity import slopes

#: Degrees of daily maximum above this count as heat (a column named ``t_max`` gets a ``heat``
#: feature). A hot spell in winter is then "heat 8 after weeks of heat 0", which the model has seen
#: in early summer, instead of a temperature jump larger than any in its training data.
HEAT_BASE_C = 26.0
#: Rolling windows (in steps) per frequency: short, scale, long.
WINDOWS = {"D": (7, 28, 91), "W": (4, 13, 52)}


def _cumsum0(a: np.ndarray, dtype: type) -> np.ndarray:
    out = np.zeros((a.shape[0], a.shape[1] + 1), dtype=dtype)
    np.cumsum(a, axis=1, dtype=dtype, out=out[:, 1:])
    return out


@dataclass
class PanelStats:
    """Prefix sums of a panel, so any window mean is two lookups."""

    panel: Panel
    cs: np.ndarray  #: prefix sums of y (0 where unknown)
    cs2: np.ndarray  #: prefix sums of y²
    cnt: np.ndarray  #: prefix counts of known days
    cnz: np.ndarray  #: prefix counts of non-zero days
    cs_base: np.ndarray  #: prefix sums of y on days without an event (see :func:`event_columns`)
    cnt_base: np.ndarray  #: prefix counts of known days without an event
    last_sale: np.ndarray  #: index of the last non-zero day up to each day (-1: none)
    exog: dict[str, np.ndarray]  #: the panel's exogenous matrices plus derived ones (``heat``)
    exog_cs: dict[str, np.ndarray]  #: prefix sums of exogenous values (0 where unknown)
    exog_cnt: dict[str, np.ndarray]
    slopes: dict[str, np.ndarray]  #: per-series sensitivity to each continuous exogenous variable
    calendar: pd.DataFrame  #: calendar features of every grid position, history and future

    @classmethod
    def build(cls, panel: Panel, *, holidays: bool = True) -> PanelStats:
        """Compute the prefix sums and the calendar of ``panel``."""
        known = ~np.isnan(panel.y)
        y0 = np.where(known, panel.y, 0.0).astype(np.float32)
        nonzero = y0 != 0
        idx = np.where(nonzero, np.arange(panel.n_time, dtype=np.int32)[None, :], -1)
        last_sale = np.maximum.accumulate(idx, axis=1).astype(np.int32)
        exog = dict(panel.exog)
        if "t_max" in exog:
            exog["heat"] = np.maximum(exog["t_max"] - HEAT_BASE_C, 0.0)
        exog_cs, exog_cnt = {}, {}
        for name, mat in exog.items():
            ok = ~np.isnan(mat)
            exog_cs[name] = _cumsum0(np.where(ok, mat, 0.0), np.float32)
            exog_cnt[name] = _cumsum0(ok, np.int32)
        dates = panel.dates(0, panel.n_time + panel.horizon)
        cs, cnt = _cumsum0(y0, np.float64), _cumsum0(known, np.int32)
        cs_base, cnt_base = cs, cnt
        events = event_columns(panel)
        on_event = np.zeros(panel.y.shape, dtype=bool)
        if events:
            for name in events:
                on_event |= panel.exog[name][:, : panel.n_time] > 0
            cs_base = _cumsum0(np.where(on_event, 0.0, y0), np.float64)
            cnt_base = _cumsum0(known & ~on_event, np.int32)
        slope = {name: slopes(panel.y, cs_base, cnt_base, exog[name], exog_cs[name], exog_cnt[name],
                              known & ~on_event)
                 for name in exog if name not in events}
        return cls(
            panel=panel,
            cs=cs,
            cs2=_cumsum0(y0.astype(np.float64) ** 2, np.float64),
            cnt=cnt,
            cs_base=cs_base,
            cnt_base=cnt_base,
            cnz=_cumsum0(nonzero, np.int32),
            last_sale=last_sale,
            exog=exog,
            exog_cs=exog_cs,
            exog_cnt=exog_cnt,
            slopes=slope,
            calendar=calendar_matrix(dates, freq=panel.freq, holidays=holidays),
        )

    def window(self, prefix: np.ndarray, count: np.ndarray, i: np.ndarray, o: np.ndarray,
               w: int) -> tuple[np.ndarray, np.ndarray]:
        """Sum and count of ``prefix`` over the ``w`` steps ending at ``o`` (inclusive)."""
        lo = np.maximum(o + 1 - w, 0)
        return prefix[i, o + 1] - prefix[i, lo], count[i, o + 1] - count[i, lo]


def event_columns(panel: Panel) -> list[str]:
    """Exogenous columns that are 0/1 flags: events (promotion, 接龙, live stream).

    Level features and the scale are also computed without event days, so that one 接龙 spike
    does not read as a higher everyday level for the following weeks.
    """
    out = []
    for name, mat in panel.exog.items():
        hist = mat[:, : panel.n_time]
        if np.all((hist == 0) | (hist == 1) | np.isnan(hist)):
            out.append(name)
    return out


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.maximum(den, 1), np.nan)


def series_scale(stats: PanelStats, i: np.ndarray, o: np.ndarray) -> np.ndarray:
    """Recent mean level (days without events) at the origin; else the whole-history mean, else 1."""
    w = WINDOWS[stats.panel.freq][1]
    s, c = stats.window(stats.cs_base, stats.cnt_base, i, o, w)
    recent = np.abs(_ratio(s, c))
    overall = np.abs(_ratio(stats.cs[i, o + 1], stats.cnt[i, o + 1]))
    scale = np.where(recent > 0, recent, np.where(overall > 0, overall, 1.0))
    return np.nan_to_num(scale, nan=1.0).astype(np.float64)


def build_features(stats: PanelStats, i: np.ndarray, o: np.ndarray,
                   h: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """Feature rows for series ``i`` predicted from origin ``o`` at ``h`` steps ahead.

    Returns:
        The features (float32 columns) and the scale that target and prediction share.
    """
    panel = stats.panel
    t = o + h
    short, mid, long = WINDOWS[panel.freq]
    m = SEASON[panel.freq]
    scale = series_scale(stats, i, o)
    feats: dict[str, np.ndarray] = {"h": h}
    y_o = panel.y[i, o]
    feats["last"] = y_o / scale
    for w in (short, long):
        s, c = stats.window(stats.cs, stats.cnt, i, o, w)
        feats[f"mean_{w}"] = _ratio(s, c) / scale
    for w in (short, mid):
        s, c = stats.window(stats.cs_base, stats.cnt_base, i, o, w)
        feats[f"base_mean_{w}"] = _ratio(s, c) / scale
    s, c = stats.window(stats.cs, stats.cnt, i, o, mid)
    s2, _ = stats.window(stats.cs2, stats.cnt, i, o, mid)
    mean = _ratio(s, c)
    feats[f"std_{mid}"] = np.sqrt(np.maximum(_ratio(s2, c) - mean**2, 0)) / scale
    nz, c = stats.window(stats.cnz, stats.cnt, i, o, mid)
    feats[f"zero_share_{mid}"] = 1.0 - _ratio(nz, c)
    last = stats.last_sale[i, o]
    age = o - panel.start[i] + 1
    feats["since_sale"] = np.where(last >= 0, o - last, age)
    feats["age"] = age
    feats["log_scale"] = np.log1p(scale)
    k0 = -(-h // m)  # the nearest same-season step that is not after the origin
    lags = []
    for j in range(4 if panel.freq == "D" else 1):
        idx = t - m * (k0 + j)
        lags.append(np.where(idx >= 0, panel.y[i, np.maximum(idx, 0)], np.nan))
    feats["season_lag"] = lags[0] / scale
    if len(lags) > 1:
        with warnings.catch_warnings():  # all-NaN columns are expected for new items
            warnings.simplefilter("ignore", RuntimeWarning)
            feats["season_mean"] = np.nanmean(np.vstack(lags), axis=0) / scale
    cal = stats.calendar.to_numpy()
    for k, name in enumerate(stats.calendar.columns):
        feats[name] = cal[t, k]
    for name, mat in stats.exog.items():
        at_t = mat[i, t]
        feats[name] = at_t
        s, c = stats.window(stats.exog_cs[name], stats.exog_cnt[name], i, o, mid)
        feats[f"{name}_vs_recent"] = at_t - _ratio(s, c)
        if name in stats.slopes:
            feats[f"{name}_effect"] = stats.slopes[name][i] * feats[f"{name}_vs_recent"]
    for name, codes in panel.statics.items():
        feats[name] = codes[i]
    frame = pd.DataFrame({k: np.asarray(v, dtype=np.float32) for k, v in feats.items()})
    return frame, scale


def training_rows(panel: Panel, horizon: int, *, max_rows: int,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(series, origin, horizon) triples whose target is observed, all of them or a sample.

    Every origin from a series' first day on is eligible, so new products teach the model too.
    """
    n, t = panel.n_series, panel.n_time
    hs = np.arange(1, horizon + 1)
    lengths = np.maximum(t - 1 - hs[None, :] - panel.start[:, None] + 1, 0)  # (n, horizon)
    total = int(lengths.sum())
    if total == 0:
        raise ValueError("历史太短，无法训练（history too short to train)")
    if total <= max_rows:
        ii, hh = np.nonzero(lengths)
        reps = lengths[ii, hh]
        i = np.repeat(ii, reps)
        h = np.repeat(hs[hh], reps)
        offsets = np.arange(total) - np.repeat(np.cumsum(reps) - reps, reps)
        o = panel.start[i] + offsets
        return i.astype(np.int64), o.astype(np.int64), h.astype(np.int64)
    flat = rng.choice(n * horizon, size=max_rows, p=(lengths / total).reshape(-1))
    i, hk = np.divmod(flat, horizon)
    o = panel.start[i] + (rng.random(max_rows) * lengths[i, hk]).astype(np.int64)
    # Sorted by series and origin, the feature lookups walk memory in order (several times faster
    # than random gathers on a 100k-series panel); the row order does not matter to the model.
    order = np.argsort(i * t + o, kind="stable")
    return i[order].astype(np.int64), o[order].astype(np.int64), hs[hk][order].astype(np.int64)
