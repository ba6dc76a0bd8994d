"""The forecaster's long-table API on small synthetic data: weekly rhythm, quantiles, intermittent
and brand-new series, exogenous columns, weekly data, and holidays from the maintained library."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import numpy as np
import pandas as pd
import pytest

from store.forecast import ForecastConfig, GlobalForecaster, forecast
from store.forecast.calendar_features import HOLIDAY_CODES, holiday_frame

FAST = ForecastConfig(n_estimators=60, num_threads=1)
PATTERN = np.array([1.0, 0.8, 0.8, 0.9, 1.2, 2.0, 1.8])  # Monday … Sunday


def weekly_frame(n_series: int = 20, days: int = 140, seed: int = 0) -> pd.DataFrame:
    """Series with a strong weekly rhythm: base × PATTERN[weekday], Poisson noise."""
    rng = np.random.default_rng(seed)
    ds = pd.date_range("2026-05-04", periods=days, freq="D")  # a Monday
    rows = []
    for k in range(n_series):
        base = rng.uniform(5, 30)
        y = rng.poisson(base * PATTERN[ds.dayofweek])
        rows.append(pd.DataFrame({"unique_id": f"S{k:02d}", "ds": ds, "y": y.astype(float)}))
    return pd.concat(rows, ignore_index=True)


def test_a_weekly_pattern_is_learned() -> None:
    df = weekly_frame()
    fc = forecast(df, horizon=14, config=FAST)
    assert len(fc) == 20 * 14 and list(fc.columns) == ["unique_id", "ds", "point", "mean", "p50", "p90"]
    level = df.groupby("unique_id")["y"].mean()
    fc["rel"] = fc["mean"] / fc["unique_id"].map(level)
    by_dow = fc.groupby(fc["ds"].dt.dayofweek)["rel"].mean().to_numpy()
    truth = PATTERN / PATTERN.mean()
    assert np.corrcoef(by_dow, truth)[0, 1] > 0.95
    assert by_dow[5] / by_dow[1] == pytest.approx(truth[5] / truth[1], rel=0.2)


def test_quantiles_are_ordered_and_cover_most_actuals() -> None:
    df = weekly_frame(days=154)
    cut = df["ds"].max() - pd.Timedelta(days=14)
    fc = forecast(df[df["ds"] <= cut], horizon=14, config=FAST)
    assert (fc["p50"] <= fc["p90"]).all() and (fc[["point", "mean", "p50", "p90"]] >= 0).all().all()
    actual = fc.merge(df, on=["unique_id", "ds"])
    assert 0.75 <= (actual["y"] <= actual["p90"]).mean() <= 0.99
    assert ((actual["y"] - actual["point"]).abs().sum() / actual["y"].sum()) < 0.3
    assert actual["mean"].sum() == pytest.approx(actual["y"].sum(), rel=0.1)


def test_intermittent_and_brand_new_series() -> None:
    rng = np.random.default_rng(3)
    ds = pd.date_range("2026-06-01", periods=120, freq="D")
    slow = [pd.DataFrame({"unique_id": f"slow{k}", "ds": ds, "y": rng.poisson(0.3, len(ds)).astype(float)})
            for k in range(15)]
    new = pd.DataFrame({"unique_id": "new", "ds": ds[-3:], "y": [4.0, 6.0, 5.0]})
    df = pd.concat([*slow, new], ignore_index=True)
    fc = forecast(df, horizon=7, config=FAST)
    assert set(fc["unique_id"]) == set(df["unique_id"])
    intermittent = fc[fc["unique_id"].str.startswith("slow")]
    # the expected demand is close to the true 0.3 a day; the P90 is a unit, the median day 0
    assert 0.2 <= intermittent["mean"].mean() <= 0.45
    assert intermittent["p90"].mean() >= 0.9 and intermittent["p50"].mean() <= 0.3
    brand_new = fc[fc["unique_id"] == "new"]
    assert len(brand_new) == 7 and np.isfinite(brand_new[["mean", "p90"]].to_numpy()).all()
    assert brand_new["mean"].mean() > intermittent["mean"].mean()


def test_exogenous_columns_need_future_values() -> None:
    df = weekly_frame(n_series=5, days=90)
    rng = np.random.default_rng(1)
    df["promo"] = (rng.random(len(df)) < 0.1).astype(float)
    df.loc[df["promo"] > 0, "y"] *= 3
    model = GlobalForecaster(FAST).fit(df, horizon=7)
    with pytest.raises(ValueError, match="X_df"):
        model.predict()
    future = pd.DataFrame([(uid, df["ds"].max() + timedelta(days=k), float(k == 3))
                           for uid in df["unique_id"].unique() for k in range(1, 8)],
                          columns=["unique_id", "ds", "promo"])
    with pytest.raises(ValueError, match="覆盖"):
        model.predict(X_df=future.iloc[:-1])
    with_promo = model.predict(X_df=future)
    without = model.predict(X_df=future.assign(promo=0.0))
    day3 = with_promo["ds"] == df["ds"].max() + timedelta(days=3)
    assert (with_promo.loc[day3, "mean"] > 1.5 * without.loc[day3, "mean"]).all()
    assert np.allclose(with_promo.loc[~day3, "mean"], without.loc[~day3, "mean"], rtol=0.2)


def test_weekly_data() -> None:
    rng = np.random.default_rng(5)
    ds = pd.date_range("2023-01-06", periods=130, freq="W-FRI")
    season = 1 + 0.5 * np.sin(2 * np.pi * np.arange(130) / 52)
    df = pd.concat([pd.DataFrame({"unique_id": f"D{k}", "ds": ds,
                                  "y": 1000 * (k + 1) * season * rng.lognormal(0, 0.05, 130)})
                    for k in range(6)], ignore_index=True)
    fc = forecast(df, horizon=8, freq="W", config=FAST)
    assert len(fc) == 48 and (fc["ds"].dt.dayofweek == 4).all()
    assert fc.groupby("unique_id")["mean"].mean().is_monotonic_increasing


def test_irregular_dates_are_refused() -> None:
    df = pd.DataFrame({"unique_id": "a", "ds": pd.to_datetime(["2026-01-01", "2026-01-08", "2026-01-10"]),
                       "y": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="grid"):
        forecast(df, horizon=2, freq="W", config=FAST)


def test_holiday_features_come_from_chinese_calendar() -> None:
    days = pd.date_range("2026-01-01", "2026-12-31", freq="D")
    frame = holiday_frame(days)
    for day, row in zip(days, frame.itertuples(), strict=True):
        on_holiday, name = chinese_calendar.get_holiday_detail(day.date())
        assert row.is_offday == float(not chinese_calendar.is_workday(day.date()))
        assert row.is_holiday == float(bool(on_holiday and name))
        assert row.is_makeup_workday == float(day.dayofweek >= 5 and not on_holiday)
    national_day = frame.loc[pd.Timestamp("2026-10-01")]
    assert national_day["holiday"] == HOLIDAY_CODES["国庆节"]
    makeup = [d.date() for d in days if d.dayofweek >= 5 and chinese_calendar.is_workday(d.date())]
    assert makeup, "2026 has 调休 working weekends in the library"
    assert (frame.loc[pd.DatetimeIndex(makeup), "is_makeup_workday"] == 1).all()
    before = frame.loc[pd.Timestamp(date(2026, 9, 20))]  # 中秋节 2026 starts on 25 September
    assert before["next_holiday"] == HOLIDAY_CODES["中秋节"] and before["days_to_holiday"] == 5
