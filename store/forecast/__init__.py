"""Demand forecasting and replenishment: a global LightGBM forecaster over a long table
(``unique_id, ds, y`` + exogenous columns, Nixtla's convention), rolling-origin backtests against
statsforecast baselines, restock advice, purchase lists for 接龙 and live streams, and weather
providers. No LLM, no HTTP server; an HTTP *client* only for a weather API.

The one-call API::

    from store.forecast import forecast
    fc = forecast(df, horizon=14, freq="D", X_df=future)   # unique_id, ds, mean, p50, p90
"""

from __future__ import annotations

from store.forecast.backtest import BacktestResult, backtest
from store.forecast.model import ForecastConfig, GlobalForecaster, forecast

__all__ = ["BacktestResult", "ForecastConfig", "GlobalForecaster", "backtest", "forecast"]
