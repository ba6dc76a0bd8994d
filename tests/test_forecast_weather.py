"""Weather providers: a real HTTP server on loopback that answers, hangs, fails with 500 or sends
garbage; the fallback to stored forecasts and climatology; the file provider."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from store.forecast.weather_providers import (
    CsvWeatherProvider,
    DailyWeather,
    DatabaseWeatherProvider,
    HttpWeatherProvider,
    StaticWeatherProvider,
    make_weather_provider,
    weather_outlook,
)

TODAY = date(2026, 12, 10)  # the demo's today
KEY = "test-key-123456"


class WeatherApi(BaseHTTPRequestHandler):
    """A QWeather-compatible /v7/weather/7d endpoint whose behaviour the test sets."""

    mode = "ok"
    seen: list[dict[str, str]] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        WeatherApi.seen.append({"path": self.path, "key": self.headers.get("X-QW-Api-Key", "")})
        if self.mode == "slow":
            time.sleep(2.0)
        if self.mode == "error":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"internal error")
            return
        body = b"<html>not json" if self.mode == "garbage" else json.dumps({
            "code": "200",
            "daily": [{"fxDate": (TODAY + timedelta(days=k)).isoformat(), "tempMax": "35",
                       "tempMin": "27", "precip": "0.0", "textDay": "晴"} for k in range(7)],
        }).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), WeatherApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    WeatherApi.mode, WeatherApi.seen = "ok", []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v7/weather/7d"
    finally:
        server.shutdown()
        server.server_close()


def _provider(url: str, factory: sessionmaker[Session]) -> HttpWeatherProvider:
    return HttpWeatherProvider(url=url, api_key=SecretStr(KEY), fallback=DatabaseWeatherProvider(factory),
                               timeout_s=0.5, locations={"杭州": "101210101"})


def test_api_answers(api: str, demo_factory: sessionmaker[Session]) -> None:
    days = _provider(api, demo_factory).daily("杭州", TODAY, TODAY + timedelta(days=6))
    assert [w.day for w in days] == [TODAY + timedelta(days=k) for k in range(7)]
    assert all(w.source == "api" and w.t_max == 35.0 for w in days)
    assert WeatherApi.seen[0]["key"] == KEY and "location=101210101" in WeatherApi.seen[0]["path"]
    assert KEY not in WeatherApi.seen[0]["path"]  # the key travels in a header, not the URL


@pytest.mark.parametrize("mode", ["slow", "error", "garbage"])
def test_api_outage_falls_back_to_stored_forecast(mode: str, api: str, demo_factory: sessionmaker[Session],
                                                  caplog: pytest.LogCaptureFixture) -> None:
    WeatherApi.mode = mode
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger="store.forecast.weather_providers"):
        days = _provider(api, demo_factory).daily("杭州", TODAY, TODAY + timedelta(days=6))
    assert time.perf_counter() - started < 1.9  # the timeout, not the server, decided
    stored = DatabaseWeatherProvider(demo_factory).daily("杭州", TODAY, TODAY + timedelta(days=6))
    assert days == stored and len(days) == 7 and all(w.source == "forecast" for w in days)
    assert "weather API" in caplog.text and "fallback" in caplog.text
    assert KEY not in caplog.text


def test_outage_beyond_the_stored_forecast_uses_climatology(
        api: str, demo_factory: sessionmaker[Session], caplog: pytest.LogCaptureFixture) -> None:
    WeatherApi.mode = "error"
    history = DatabaseWeatherProvider(demo_factory).daily("杭州", TODAY - timedelta(days=365),
                                                          TODAY - timedelta(days=1))
    with caplog.at_level(logging.WARNING, logger="store.forecast.weather_providers"):
        days = weather_outlook(_provider(api, demo_factory), city="杭州", start=TODAY,
                               end=TODAY + timedelta(days=13), history=history)
    assert len(days) == 14 and [w.source for w in days] == ["forecast"] * 7 + ["climatology"] * 7
    last_december = [w for w in history if w.day.year == 2025 and abs((w.day - date(2025, 12, 20)).days) <= 7]
    assert days[10].t_max == pytest.approx(sum(w.t_max for w in last_december) / len(last_december), abs=0.1)
    assert "filled with climatology" in caplog.text


def test_no_history_for_climatology_falls_back_to_recent_days() -> None:
    history = [DailyWeather(TODAY - timedelta(days=k), 10.0 + k, 2.0, 0.0) for k in range(1, 8)]
    days = weather_outlook(StaticWeatherProvider([]), city="杭州", start=TODAY,
                           end=TODAY + timedelta(days=2), history=history)
    assert [w.source for w in days] == ["persistence"] * 3 and days[0].t_max == 14.0


def test_file_provider_and_the_default_provider(tmp_path: Path, demo_factory: sessionmaker[Session]) -> None:
    path = tmp_path / "weather.csv"
    path.write_text("city,day,t_max,t_min,precip_mm,condition,is_forecast\n"
                    "杭州,2026-12-10,31.5,22.0,0,晴,true\n上海,2026-12-10,9,3,1.2,小雨,false\n"
                    "杭州,2026-12-11,30.0,21.0,3.5,小雨,true\n", encoding="utf-8")
    days = CsvWeatherProvider(path).daily("杭州", TODAY, TODAY + timedelta(days=5))
    assert [(w.day, w.t_max, w.source) for w in days] == [(TODAY, 31.5, "forecast"),
                                                          (TODAY + timedelta(days=1), 30.0, "forecast")]
    assert isinstance(make_weather_provider(demo_factory, url=None), DatabaseWeatherProvider)
    assert isinstance(make_weather_provider(demo_factory, url="http://127.0.0.1:9/x"), HttpWeatherProvider)
