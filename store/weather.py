"""Daily weather per city: observed history and forecasts (used by demand forecasting)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.errors import InvalidInput
from store.models import WeatherDay

_REQUIRED = ("city", "day", "t_max", "t_min", "precip_mm", "condition")


def get_weather(session: Session, *, city: str, start: date, end: date) -> list[WeatherDay]:
    """A city's weather from ``start`` to ``end`` (both inclusive), by day.

    Args:
        city: e.g. ``杭州``.
        start: first day.
        end: last day.
    """
    stmt = (
        select(WeatherDay)
        .where(WeatherDay.city == city, WeatherDay.day >= start, WeatherDay.day <= end)
        .order_by(WeatherDay.day)
    )
    return list(session.scalars(stmt))


def upsert_weather(session: Session, rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert or update weather days by (city, day); flushes, does not commit.

    A forecast never overwrites an observed day: a row with ``is_forecast`` true for a day that
    is already stored as observed is skipped. Observed rows replace forecasts.

    Args:
        rows: mappings with ``city``, ``day``, ``t_max``, ``t_min``, ``precip_mm``,
            ``condition`` and optionally ``is_forecast`` (default ``False``).

    Returns:
        The number of rows inserted or updated.
    """
    incoming: dict[tuple[str, date], dict[str, Any]] = {}
    for row in rows:
        missing = [key for key in _REQUIRED if row.get(key) is None]
        if missing:
            raise InvalidInput(f"天气数据缺少字段：{'、'.join(missing)}", f"weather row missing {missing}")
        if row["t_min"] > row["t_max"]:
            raise InvalidInput("最低气温不能高于最高气温", f"t_min > t_max in {dict(row)}")
        values = {key: row[key] for key in _REQUIRED}
        values["is_forecast"] = bool(row.get("is_forecast", False))
        incoming[(values["city"], values["day"])] = values  # the last row for a day wins
    if not incoming:
        return 0
    cities = {city for city, _ in incoming}
    days = [day for _, day in incoming]
    stored = {
        (w.city, w.day): w
        for w in session.scalars(
            select(WeatherDay).where(
                WeatherDay.city.in_(cities), WeatherDay.day >= min(days), WeatherDay.day <= max(days)
            )
        )
    }
    written = 0
    for key, values in incoming.items():
        current = stored.get(key)
        if current is None:
            session.add(WeatherDay(**values))
        elif current.is_forecast or not values["is_forecast"]:
            for field, value in values.items():
                setattr(current, field, value)
        else:
            continue
        written += 1
    session.flush()
    return written
