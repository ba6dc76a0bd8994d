"""Daily weather for the demo city: a year of history and a 7-day forecast.

Monthly climatology is Hangzhou's (approximate 1991–2020 normals); day-to-day anomalies follow an
AR(1) process and rain days a persistent Bernoulli process, all from the seeded generator. The
forecast is a warm spell (3.5–5 °C above normal, mostly dry) so that the demo's "高温" story shows in
summer; in winter it is merely mild.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

# Month 1..12 climatology: mean daily max/min (°C), rain-day probability, mean rain (mm).
T_MAX = (8.5, 11.0, 15.5, 22.0, 27.0, 29.5, 34.0, 33.5, 29.0, 24.0, 18.0, 11.5)
T_MIN = (1.5, 3.5, 7.5, 13.0, 18.0, 22.0, 25.5, 25.0, 21.0, 15.5, 9.5, 3.5)
RAIN_P = (0.33, 0.37, 0.45, 0.43, 0.42, 0.55, 0.38, 0.40, 0.35, 0.25, 0.28, 0.25)
RAIN_MM = (6.0, 8.0, 9.0, 10.0, 10.0, 14.0, 12.0, 12.0, 9.0, 7.0, 6.0, 5.0)


def _climate(day: date, table: tuple[float, ...]) -> float:
    """Linear interpolation of a monthly table between mid-month points (cyclic)."""
    pos = (day.timetuple().tm_yday - 15.5) / 30.44  # 0 = mid January
    lo = int(np.floor(pos)) % 12
    hi = (lo + 1) % 12
    frac = pos - np.floor(pos)
    return float(table[lo] * (1 - frac) + table[hi] * frac)


def _condition(rng: np.random.Generator, t_max: float, precip: float, month: int) -> str:
    if precip <= 0:
        return str(rng.choice(["晴", "多云", "阴"], p=[0.45, 0.4, 0.15]))
    if t_max < 3:
        return "雪"
    if 6 <= month <= 9 and t_max >= 30:
        return "雷阵雨"
    if precip >= 25:
        return "大雨"
    return "中雨" if precip >= 10 else "小雨"


def generate_weather(city: str, today: date, rng: np.random.Generator,
                     history_days: int = 365, forecast_days: int = 7) -> list[dict]:
    """Rows for ``WeatherDay``: observed history before ``today``, forecast from ``today`` on."""
    rows: list[dict] = []
    anomaly = 0.0
    raining = False
    start = today - timedelta(days=history_days)
    for i in range(history_days + forecast_days):
        day = start + timedelta(days=i)
        forecast = day >= today
        anomaly = 0.7 * anomaly + rng.normal(0.0, 2.0)
        p_rain = _climate(day, RAIN_P)
        raining = rng.random() < (min(0.85, p_rain + 0.25) if raining else max(0.05, p_rain - 0.1))
        precip = float(rng.exponential(_climate(day, RAIN_MM))) if raining else 0.0
        if forecast:  # a warm, mostly dry spell
            anomaly = 3.5 + 1.5 * rng.random()
            precip = precip if rng.random() < 0.15 else 0.0
        t_max = _climate(day, T_MAX) + anomaly - (2.0 if precip > 0 else 0.0)
        t_min = min(_climate(day, T_MIN) + 0.8 * anomaly, t_max - 3.0)
        rows.append(
            {
                "city": city,
                "day": day,
                "t_max": round(t_max, 1),
                "t_min": round(t_min, 1),
                "precip_mm": round(precip, 1),
                "condition": _condition(rng, t_max, precip, day.month),
                "is_forecast": forecast,
            }
        )
    return rows
