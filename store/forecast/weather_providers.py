"""Where the weather of the forecast horizon comes from, and what happens when it cannot be had.

* :class:`DatabaseWeatherProvider` reads ``weather_days`` (observed days and stored forecasts; the
  demo data lives there).
* :class:`CsvWeatherProvider` reads a file with the same columns.
* :class:`HttpWeatherProvider` asks a real weather API — the QWeather (和风天气) v7 daily format:
  ``GET <url>?location=<id>`` with the key in the ``X-QW-Api-Key`` header, answering
  ``{"code": "200", "daily": [{"fxDate", "tempMax", "tempMin", "precip", "textDay"}, …]}`` — with a
  short timeout. Any failure (timeout, refused, HTTP error, bad body) is logged as a warning and
  answered by its fallback provider, so a forecast never fails because the API is down.

:func:`weather_outlook` then fills every day the providers could not cover: with climatology
(the mean of the same calendar fortnight in earlier years) when there is history for it, else with
the mean of the last 7 known days (persistence), again with a warning.
"""

from __future__ import annotations

import csv
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Protocol

from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from store.weather import get_weather

log = logging.getLogger(__name__)

#: Half-width (days) of the calendar window averaged for climatology.
CLIMATE_WINDOW = 7


@dataclass(frozen=True)
class DailyWeather:
    """One day of weather for one city, and where the numbers came from."""

    day: date
    t_max: float  #: °C
    t_min: float  #: °C
    precip_mm: float
    condition: str | None = None
    source: str = "observed"  #: observed | forecast | api | climatology | persistence


class WeatherProvider(Protocol):
    """Anything that answers daily weather for a city and a date range (inclusive)."""

    def daily(self, city: str, start: date, end: date) -> list[DailyWeather]:
        """The days it knows in ``start..end``; it may leave days out, never raises for data."""
        ...


class StaticWeatherProvider:
    """Weather from rows already in memory (tests, or history read elsewhere)."""

    def __init__(self, rows: list[DailyWeather]) -> None:
        self.rows = sorted(rows, key=lambda w: w.day)

    def daily(self, city: str, start: date, end: date) -> list[DailyWeather]:
        """The held rows between ``start`` and ``end`` (the city is not checked)."""
        return [w for w in self.rows if start <= w.day <= end]


class DatabaseWeatherProvider:
    """Weather from the ``weather_days`` table (observed history and stored forecasts)."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory

    def daily(self, city: str, start: date, end: date) -> list[DailyWeather]:
        """Stored days of ``city`` between ``start`` and ``end``."""
        with self.factory() as session:
            rows = get_weather(session, city=city, start=start, end=end)
            return [DailyWeather(r.day, r.t_max, r.t_min, r.precip_mm, r.condition,
                                 "forecast" if r.is_forecast else "observed") for r in rows]


class CsvWeatherProvider:
    """Weather from a CSV file: ``city, day, t_max, t_min, precip_mm[, condition, is_forecast]``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def daily(self, city: str, start: date, end: date) -> list[DailyWeather]:
        """Rows of ``city`` between ``start`` and ``end``, by day."""
        out = []
        with self.path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                day = date.fromisoformat(row["day"])
                if row["city"] == city and start <= day <= end:
                    forecast = row.get("is_forecast", "").strip().lower() in ("1", "true", "yes")
                    out.append(DailyWeather(day, float(row["t_max"]), float(row["t_min"]),
                                            float(row["precip_mm"]), row.get("condition") or None,
                                            "forecast" if forecast else "observed"))
        return sorted(out, key=lambda w: w.day)


class HttpWeatherProvider:
    """A QWeather-compatible HTTP API, with a fallback provider for when it fails."""

    def __init__(self, *, url: str, api_key: SecretStr | None, fallback: WeatherProvider,
                 timeout_s: float = 3.0, locations: Mapping[str, str] | None = None) -> None:
        self.url = url
        self.api_key = api_key
        self.fallback = fallback
        self.timeout_s = timeout_s
        self.locations = dict(locations or {})

    def _fetch(self, city: str) -> list[DailyWeather]:
        query = urllib.parse.urlencode({"location": self.locations.get(city, city), "lang": "zh"})
        sep = "&" if "?" in self.url else "?"
        request = urllib.request.Request(f"{self.url}{sep}{query}", headers={"Accept": "application/json"})
        if self.api_key is not None:
            request.add_header("X-QW-Api-Key", self.api_key.get_secret_value())
        with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # noqa: S310
            body = json.loads(response.read().decode("utf-8"))
        if str(body.get("code", "200")) != "200":
            raise ValueError(f"weather API answered code {body.get('code')}")
        return [DailyWeather(date.fromisoformat(d["fxDate"]), float(d["tempMax"]), float(d["tempMin"]),
                             float(d.get("precip", 0.0)), d.get("textDay"), "api")
                for d in body["daily"]]

    def daily(self, city: str, start: date, end: date) -> list[DailyWeather]:
        """The API's days in range, completed by the fallback; the fallback alone on failure."""
        try:
            fetched = [w for w in self._fetch(city) if start <= w.day <= end]
        except (OSError, ValueError, KeyError, TypeError) as exc:  # URLError and timeouts are OSError
            # The URL is logged without its query; the key travels in a header and is never logged.
            log.warning("weather API %s failed for %s (%s: %s); using the fallback weather",
                        self.url.split("?")[0], city, exc.__class__.__name__, exc)
            return self.fallback.daily(city, start, end)
        have = {w.day for w in fetched}
        rest = [w for w in self.fallback.daily(city, start, end) if w.day not in have]
        return sorted(fetched + rest, key=lambda w: w.day)


def make_weather_provider(factory: sessionmaker[Session], *, url: str | None,
                          api_key: SecretStr | None = None, timeout_s: float = 3.0,
                          locations: Mapping[str, str] | None = None) -> WeatherProvider:
    """The HTTP provider (falling back to the database) when a URL is configured, else the database."""
    stored = DatabaseWeatherProvider(factory)
    if not url:
        return stored
    return HttpWeatherProvider(url=url, api_key=api_key, fallback=stored, timeout_s=timeout_s,
                               locations=locations)


def climatology(history: list[DailyWeather], day: date) -> DailyWeather | None:
    """Mean weather of the same calendar fortnight in earlier years of ``history``, if any."""
    near = [w for w in history if w.day < day and w.day.year < day.year
            and abs(_day_of_year_gap(w.day, day)) <= CLIMATE_WINDOW]
    if not near:
        return None
    n = len(near)
    return DailyWeather(day, round(sum(w.t_max for w in near) / n, 1),
                        round(sum(w.t_min for w in near) / n, 1),
                        round(sum(w.precip_mm for w in near) / n, 1), None, "climatology")


def _day_of_year_gap(a: date, b: date) -> int:
    gap = (a.timetuple().tm_yday - b.timetuple().tm_yday) % 365
    return gap - 365 if gap > 182 else gap


def weather_outlook(provider: WeatherProvider, *, city: str, start: date, end: date,
                    history: list[DailyWeather]) -> list[DailyWeather]:
    """Every day from ``start`` to ``end``: the provider's, else climatology, else persistence
    (the mean of the last 7 known days before ``start``, or of the first 7 known ones).

    Args:
        provider: where forecasts come from (HTTP, database or file).
        city: e.g. ``杭州``.
        start: first day wanted (usually today).
        end: last day wanted (inclusive).
        history: observed days before ``start`` (for climatology and persistence).
    """
    known = {w.day: w for w in provider.daily(city, start, end)}
    recent = sorted((w for w in history if w.day < start), key=lambda w: w.day)[-7:]
    if not recent:  # nothing before: the first known days after (backfilling a short history)
        recent = sorted([*history, *known.values()], key=lambda w: w.day)[:7]
    out, filled = [], []
    day = start
    while day <= end:
        w = known.get(day) or climatology(history, day)
        if w is None and recent:
            n = len(recent)
            w = DailyWeather(day, round(sum(r.t_max for r in recent) / n, 1),
                             round(sum(r.t_min for r in recent) / n, 1),
                             round(sum(r.precip_mm for r in recent) / n, 1), None, "persistence")
        if w is None:
            raise ValueError(f"{city} 没有任何天气数据（no weather at all for {city})")
        if w.source in ("climatology", "persistence"):
            filled.append(day)
        out.append(replace(w, day=day))
        day += timedelta(days=1)
    if filled:
        log.warning("no weather forecast for %s on %d day(s) from %s; filled with %s", city,
                    len(filled), filled[0], out[(filled[0] - start).days].source)
    return out
