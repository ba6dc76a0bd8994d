"""Metrics against hand-computed values, and the rolling-origin backtest runner."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from store.forecast import ForecastConfig
from store.forecast.backtest import backtest, relative_to
from store.forecast.baselines import GlobalModelMethod, seasonal_naive
from store.forecast.metrics import coverage, mase, pinball, seasonal_scale, summarise, wape


def test_metrics_match_hand_computed_values() -> None:
    y = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9], dtype=float)
    assert seasonal_scale(y, 7) == 7.0  # |8-1|, |9-2|
    assert seasonal_scale(np.array([1.0, 3.0, 2.0]), 7) == 1.5  # short: lag-1 naive, (2 + 1) / 2
    assert seasonal_scale(np.array([np.nan, np.nan, 1.0, 3.0, 2.0]), 7) == 1.5  # before launch skipped
    assert mase(np.array([2.0, 4.0]), np.array([1.0, 5.0]), 2.0) == 0.5
    assert np.isnan(mase(np.array([1.0]), np.array([1.0]), 0.0))
    assert wape(np.array([10.0, 0.0, 5.0]), np.array([8.0, 1.0, 5.0])) == pytest.approx(0.2)
    assert coverage(np.array([1.0, 2.0, 3.0, 4.0]), np.array([2.0, 2.0, 2.0, 5.0])) == 0.75
    assert pinball(np.array([10.0, 5.0]), np.array([8.0, 8.0]), 0.9) == pytest.approx((1.8 + 0.3) / 2)


def test_summarise_averages_mase_over_series_and_windows() -> None:
    rows = pd.DataFrame({
        "unique_id": ["a", "a", "b", "b", "c", "c"],
        "cutoff": pd.Timestamp("2026-01-01"),
        "y": [2.0, 4.0, 10.0, 10.0, 1.0, 1.0],
        "point": [1.0, 5.0, 12.0, 8.0, 1.0, 1.0],
        "p90": [3.0, 5.0, 9.0, 9.0, 1.0, 1.0],
        "scale": [2.0, 2.0, 1.0, 1.0, 0.0, 0.0],  # c: constant history, left out of MASE
    })
    m = summarise(rows)
    assert m["mase"] == pytest.approx((0.5 + 2.0) / 2)
    assert m["wape"] == pytest.approx((1 + 1 + 2 + 2) / 28)
    assert m["coverage"] == pytest.approx(4 / 6)
    assert (m["mase_series"], m["mase_skipped"]) == (2, 1)
    # pinball of a: (0.1·1 + 0.1·1) / 2 = 0.1 → /2; of b: (0.9·1 + 0.9·1) / 2 = 0.9 → /1
    assert m["spl"] == pytest.approx((0.05 + 0.9) / 2)


@dataclass
class Oracle:
    """A method that knows the future: it reads the answers from the full table."""

    full: pd.DataFrame
    name: str = "oracle"

    def __call__(self, train: pd.DataFrame, *, horizon: int, freq: str, X_df: pd.DataFrame | None,
                 static_features: Sequence[str]) -> pd.DataFrame:
        cutoff = train["ds"].max()
        ahead = self.full[(self.full["ds"] > cutoff)
                          & (self.full["ds"] <= cutoff + pd.Timedelta(days=horizon))]
        return ahead.assign(point=ahead["y"], p90=ahead["y"])[["unique_id", "ds", "point", "p90"]]


def periodic_frame() -> pd.DataFrame:
    ds = pd.date_range("2026-01-05", periods=98, freq="D")
    pattern = np.array([3, 1, 2, 2, 4, 8, 6], dtype=float)
    frame = pd.concat([pd.DataFrame({"unique_id": f"s{k}", "ds": ds, "y": (k + 1) * pattern[ds.dayofweek]})
                       for k in range(4)], ignore_index=True)
    frame.loc[frame["ds"] == ds[3], "y"] += 5.0  # one odd early day: the MASE scale is not 0
    return frame


def test_backtest_runs_every_method_on_the_same_windows() -> None:
    df = periodic_frame()
    ours = GlobalModelMethod(config=ForecastConfig(n_estimators=40, num_threads=1))
    result = backtest(df, methods=[Oracle(df), seasonal_naive(), ours], horizon=7, n_windows=3)
    assert result.n_series == 4 and result.n_windows == 3
    assert [c.date().isoformat() for c in result.cutoffs] == ["2026-03-22", "2026-03-29", "2026-04-05"]
    assert len(result.rows) == 4 * 3 * 7
    assert result.metrics["oracle"]["mase"] == 0 and result.metrics["oracle"]["coverage"] == 1
    # a purely weekly series is exactly what the seasonal naive predicts
    assert result.metrics["SeasonalNaive"]["mase"] == pytest.approx(0, abs=1e-9)
    assert result.metrics["LightGBM (ours)"]["wape"] < 0.25
    ratios = relative_to(result, "LightGBM (ours)", "wape")
    assert ratios["oracle"] == 0 and ratios["LightGBM (ours)"] == 1
    payload = result.to_json()
    assert payload["n_series"] == 4 and payload["n_windows"] == 3
    assert set(payload["methods"]) == {"oracle", "SeasonalNaive", "LightGBM (ours)"}
    assert {"mase", "wape", "coverage", "spl", "seconds"} <= set(payload["methods"]["oracle"])


def test_backtest_refuses_windows_longer_than_the_history() -> None:
    with pytest.raises(ValueError, match="history too short"):
        backtest(periodic_frame(), methods=[seasonal_naive()], horizon=30, n_windows=4)
