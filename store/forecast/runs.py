"""Ready-made backtests: on a store database (the demo by default) and on any CSV.

Both run our model and the two baselines (seasonal naive, AutoETS) over the same rolling windows;
the CLI (``store-assistant forecast backtest``) and the benchmarks call these.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from store.forecast.backtest import BacktestResult, backtest
from store.forecast.baselines import ForecastMethod, default_methods
from store.forecast.csv_source import read_long_csv
from store.forecast.data import demand_data
from store.forecast.model import ForecastConfig
from store.forecast.weather_providers import DatabaseWeatherProvider

#: Defaults of the demo-store backtest: 8 non-overlapping 14-day windows (the last 16 weeks).
DEMO_HORIZON = 14
DEMO_WINDOWS = 8


def backtest_database(factory: sessionmaker[Session], *, today: date, horizon: int = DEMO_HORIZON,
                      n_windows: int = DEMO_WINDOWS, step: int | None = None,
                      config: ForecastConfig | None = None,
                      methods: Sequence[ForecastMethod] | None = None) -> BacktestResult:
    """Backtest store × SKU daily demand (every channel) of the database up to ``today``."""
    with factory() as session:
        data = demand_data(session, today=today, provider=DatabaseWeatherProvider(factory),
                           horizon=1)
    return backtest(data.history, methods=methods or default_methods(config), horizon=horizon,
                    n_windows=n_windows, step=step, freq="D",
                    static_features=data.static_features)


def backtest_csv(path: Path, *, id_col: str, date_col: str, target_col: str, freq: str,
                 horizon: int, n_windows: int = 4, step: int | None = None,
                 exog_cols: Sequence[str] = (), config: ForecastConfig | None = None,
                 methods: Sequence[ForecastMethod] | None = None) -> BacktestResult:
    """Backtest any CSV in long format (one row per series and date)."""
    df = read_long_csv(path, id_col=id_col, date_col=date_col, target_col=target_col,
                       exog_cols=exog_cols)
    return backtest(df, methods=methods or default_methods(config), horizon=horizon,
                    n_windows=n_windows, step=step, freq=freq)
