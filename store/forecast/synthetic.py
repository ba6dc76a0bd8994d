"""A synthetic chain's daily sales, for the scale benchmark and for tests of the long-table API.

Demand of SKU ``k`` in store ``s`` on day ``d`` is Poisson with rate
``base_k · store_s · weekly_c(k)[dow] · season_k(d) · heat_k(t_max) · holiday · promo``:
lognormal base rates (most series sell 0–2 a day), a weekly shape per category, a yearly wave per
SKU, heat sensitivity for one SKU in ten, a lift on public holidays (``chinese-calendar``),
random promotion days known in advance, and about 5% of SKUs launched in the last 60 days.
Stores are spread over 20 cities with their own temperatures. Returns the history and the future
exogenous values in the long format (``unique_id`` categorical to keep 36M rows compact).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from store.forecast.calendar_features import holiday_frame

N_CITIES = 20
N_CATEGORIES = 12


@dataclass
class SyntheticChain:
    """History and future exogenous values of a synthetic chain."""

    history: pd.DataFrame  #: unique_id, ds, y, store, sku, category, t_max, promo
    future: pd.DataFrame  #: unique_id, ds, t_max, promo
    static_features: list[str]


def synthetic_chain(*, n_stores: int, n_skus: int, days: int = 365, horizon: int = 14,
                    end: date = date(2026, 12, 9), seed: int = 0) -> SyntheticChain:
    """Generate ``n_stores × n_skus`` daily series ending on ``end`` plus ``horizon`` future days."""
    rng = np.random.default_rng(seed)
    n = n_stores * n_skus
    total = days + horizon
    dates = pd.date_range(end - timedelta(days=days - 1), periods=total, freq="D")
    doy = dates.dayofyear.to_numpy()
    dow = dates.dayofweek.to_numpy()
    offday = holiday_frame(dates)["is_holiday"].to_numpy()
    city = rng.integers(0, N_CITIES, n_stores)
    city_t = 17 + 10 * np.sin(2 * np.pi * (doy[None, :] - 110) / 365) + rng.normal(0, 3, (N_CITIES, 1))
    city_t = city_t + rng.normal(0, 2.5, (N_CITIES, total))
    category = rng.integers(0, N_CATEGORIES, n_skus)
    weekly = 1 + rng.normal(0, 0.15, (N_CATEGORIES, 7))
    weekly[:, 5:] += 0.2
    base = rng.lognormal(-0.2, 1.0, n_skus)
    phase = rng.uniform(0, 365, n_skus)
    amp = rng.uniform(0, 0.5, n_skus)
    heat = np.where(rng.random(n_skus) < 0.1, rng.uniform(0.05, 0.12, n_skus), 0.0)
    store_f = rng.lognormal(0, 0.3, n_stores)
    launch = np.where(rng.random(n_skus) < 0.05, rng.integers(days - 60, days - 5, n_skus), 0)

    s_idx = np.repeat(np.arange(n_stores), n_skus)
    k_idx = np.tile(np.arange(n_skus), n_stores)
    t_max = city_t[city[s_idx]].astype(np.float32)  # (n, total)
    promo = (rng.random((n, total)) < 0.02).astype(np.float32)
    rate = (base[k_idx] * store_f[s_idx])[:, None].astype(np.float32)
    rate = rate * weekly[category[k_idx]][:, dow].astype(np.float32)
    rate *= (1 + amp[k_idx, None] * np.sin(2 * np.pi * (doy[None, :] - phase[k_idx, None]) / 365)).astype(np.float32)
    rate *= (1 + heat[k_idx, None] * np.maximum(t_max - 26, 0)).astype(np.float32)
    rate *= (1 + 0.3 * offday[None, :]).astype(np.float32)
    rate *= 1 + promo
    y = rng.poisson(rate[:, :days]).astype(np.float32)
    alive = np.arange(days)[None, :] >= launch[k_idx, None]
    ids = pd.Categorical.from_codes(np.arange(n), categories=[f"S{s:03d}/K{k:04d}" for s, k in zip(s_idx, k_idx, strict=True)])
    rows = np.repeat(np.arange(n), days)[alive.reshape(-1)]
    t = np.tile(np.arange(days), n)[alive.reshape(-1)]
    history = pd.DataFrame({
        "unique_id": pd.Categorical.from_codes(rows, categories=ids.categories),
        "ds": dates[t],
        "y": y[rows, t],
        "store": pd.Categorical.from_codes(s_idx[rows], categories=[f"S{s:03d}" for s in range(n_stores)]),
        "sku": pd.Categorical.from_codes(k_idx[rows], categories=[f"K{k:04d}" for k in range(n_skus)]),
        "category": category[k_idx[rows]].astype(np.int32),
        "t_max": t_max[rows, t],
        "promo": promo[rows, t],
    })
    f_rows = np.repeat(np.arange(n), horizon)
    f_t = np.tile(np.arange(days, total), n)
    future = pd.DataFrame({
        "unique_id": pd.Categorical.from_codes(f_rows, categories=ids.categories),
        "ds": dates[f_t], "t_max": t_max[f_rows, f_t], "promo": promo[f_rows, f_t],
    })
    return SyntheticChain(history=history, future=future, static_features=["store", "sku", "category"])
