"""A long table (``unique_id, ds, y`` + exogenous columns) as dense numpy matrices.

Feature building works on a ``series × time`` matrix so that every lag and rolling window is an
array lookup, vectorised over all rows at once (100,000 series × 365 days is 36.5M cells, about
150 MB as float32). Conventions, as in Nixtla's libraries:

* ``unique_id`` names a series, ``ds`` is its timestamp, ``y`` the target;
* ``static_features`` name columns that are constant per series (e.g. ``sku``, ``category``);
* every other column is a dynamic exogenous variable, known for the future through ``X_df``
  (``unique_id, ds`` and the same columns, one row per series and future step).

Retail conventions: a missing day inside a series (or after its last row) is a day with zero sales
(a NaN ``y`` too); days before a series' first row are unknown (``NaN``), which is how a new product
shows "little history". Duplicate ``(unique_id, ds)`` rows are summed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

FREQS = {"D": pd.Timedelta(days=1), "W": pd.Timedelta(days=7)}
#: Season length per frequency: weekly rhythm for daily data, yearly for weekly data.
SEASON = {"D": 7, "W": 52}


@dataclass
class Panel:
    """Series as rows of dense matrices on a regular time grid."""

    ids: np.ndarray  #: series ids, in row order
    freq: str  #: "D" or "W"
    t0: pd.Timestamp  #: timestamp of column 0
    y: np.ndarray  #: (n_series, n_time) float32; NaN before a series starts
    start: np.ndarray  #: (n_series,) index of each series' first observation
    horizon: int  #: future steps the exogenous matrices cover beyond ``y``
    exog: dict[str, np.ndarray] = field(default_factory=dict)  #: (n_series, n_time + horizon)
    statics: dict[str, np.ndarray] = field(default_factory=dict)  #: (n_series,) float codes
    numeric_statics: set[str] = field(default_factory=set)  #: statics that are numbers, not codes
    nonnegative: bool = True  #: whether every observed y is ≥ 0 (then forecasts are clipped)

    @property
    def n_series(self) -> int:
        """Number of series."""
        return int(self.y.shape[0])

    @property
    def n_time(self) -> int:
        """Number of observed time steps (the last one is the forecast origin)."""
        return int(self.y.shape[1])

    def dates(self, first: int, count: int) -> pd.DatetimeIndex:
        """Timestamps of grid positions ``first .. first + count - 1``."""
        return pd.DatetimeIndex(self.t0 + FREQS[self.freq] * np.arange(first, first + count))


def _grid_index(ds: pd.Series, t0: pd.Timestamp, freq: str) -> np.ndarray:
    step = FREQS[freq]
    delta = (pd.to_datetime(ds) - t0).to_numpy()
    idx, rest = np.divmod(delta, step.to_timedelta64())
    if np.any(rest != np.timedelta64(0)):
        raise ValueError(f"ds 不在 {freq} 频率的规则网格上（timestamps are not on a regular {freq} grid)")
    return idx.astype(np.int64)


def to_panel(
    df: pd.DataFrame,
    *,
    freq: str,
    horizon: int,
    X_df: pd.DataFrame | None = None,
    static_features: list[str] | None = None,
) -> Panel:
    """Turn a long table into a :class:`Panel` whose exogenous matrices reach ``horizon`` ahead.

    Args:
        df: ``unique_id, ds, y`` plus optional static and dynamic exogenous columns.
        freq: ``"D"`` or ``"W"``.
        horizon: future steps to cover; dynamic exogenous columns need ``X_df`` for them.
        X_df: future values of the dynamic exogenous columns.
        static_features: columns of ``df`` constant per series (strings become category codes).
    """
    if freq not in FREQS:
        raise ValueError(f"freq must be one of {sorted(FREQS)}, got {freq!r}")
    missing = {"unique_id", "ds", "y"} - set(df.columns)
    if missing:
        raise ValueError(f"长表缺少列：{sorted(missing)}（long table needs unique_id, ds, y)")
    statics = list(static_features or [])
    dynamic = [c for c in df.columns if c not in ("unique_id", "ds", "y", *statics)]
    codes, uniques = pd.factorize(df["unique_id"], sort=True)
    ids = pd.Index(uniques)
    ds = pd.to_datetime(df["ds"])
    t0 = ds.min()
    tidx = _grid_index(ds, t0, freq)
    n, t = len(ids), int(tidx.max()) + 1
    flat = codes.astype(np.int64) * t + tidx
    yv = pd.to_numeric(df["y"], errors="coerce").to_numpy(dtype=np.float64, na_value=0.0)
    y = np.bincount(flat, weights=yv, minlength=n * t).astype(np.float32).reshape(n, t)
    seen = np.bincount(flat, minlength=n * t).reshape(n, t) > 0
    start = seen.argmax(axis=1)
    del seen
    y[np.arange(t)[None, :] < start[:, None]] = np.nan
    panel = Panel(ids=np.asarray(uniques), freq=freq, t0=t0, y=y, start=start, horizon=horizon,
                  nonnegative=bool(np.nanmin(yv) >= 0) if len(yv) else True)
    for col in dynamic:
        mat = np.full((n, t + horizon), np.nan, dtype=np.float32)
        mat.reshape(-1)[codes.astype(np.int64) * (t + horizon) + tidx] = df[col].to_numpy(np.float32)
        panel.exog[col] = mat
    if dynamic and X_df is not None:
        fill_future(panel, X_df)
    for col in statics:
        first = df.groupby(codes, sort=True)[col].first()
        values = first.to_numpy()
        if not pd.api.types.is_numeric_dtype(first.dtype):
            values = pd.factorize(values, sort=True)[0]
        else:
            panel.numeric_statics.add(col)
        panel.statics[col] = values.astype(np.float32)
    return panel


def fill_future(panel: Panel, X_df: pd.DataFrame) -> None:
    """Write the future values of the dynamic exogenous columns from ``X_df`` into ``panel``.

    Raises:
        ValueError: a column is missing, or a series lacks a value for some future step.
    """
    cols = list(panel.exog)
    lacking = [c for c in ("unique_id", "ds", *cols) if c not in X_df.columns]
    if lacking:
        raise ValueError(f"X_df 缺少列：{lacking}（X_df lacks columns)")
    ids = pd.Index(panel.ids)
    codes = ids.get_indexer(X_df["unique_id"])
    tidx = _grid_index(X_df["ds"], panel.t0, panel.freq)
    t, width = panel.n_time, panel.n_time + panel.horizon
    ok = (codes >= 0) & (tidx >= t) & (tidx < width)
    flat = codes[ok].astype(np.int64) * width + tidx[ok]
    covered = np.bincount(flat, minlength=panel.n_series * width).reshape(panel.n_series, width)
    if not covered[:, t:].all():
        raise ValueError(f"X_df 需要覆盖每个序列未来 {panel.horizon} 期（X_df must cover every "
                         f"series for the {panel.horizon} future steps)")
    for col in cols:
        panel.exog[col].reshape(-1)[flat] = X_df[col].to_numpy(np.float32)[ok]


def has_future(panel: Panel) -> bool:
    """Whether every dynamic exogenous column is known over the horizon."""
    return all(not np.isnan(m[:, panel.n_time:]).any() for m in panel.exog.values())
