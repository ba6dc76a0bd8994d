"""Why a restock quantity is what it is, in the Chinese a store owner reads.

Each reason is one short sentence with its numbers, e.g. ``未来 3 天最高气温 35°C，预计需求比上周高 38%``.
Thresholds: a day counts as hot at 30 °C or 5 °C above last week's mean maximum; a change in
demand is worth saying from ±15%; rain from 10 mm over three days; a product is new for 60 days.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from store.forecast.weather_providers import DailyWeather
from store.holidays import day_info

if TYPE_CHECKING:
    from store.forecast.restock import RestockLine

HOT_C = 30.0
HOTTER_BY_C = 5.0
CHANGE_WORTH_SAYING = 0.15
RAIN_MM = 10.0
NEW_PRODUCT_DAYS = 60


def _change(line: RestockLine) -> float | None:
    if line.sold_last_7d <= 0:
        return None
    return line.forecast_7d / line.sold_last_7d - 1.0


def weather_reason(line: RestockLine, *, today: date, weather: list[DailyWeather]) -> list[str]:
    """Heat or rain in the next three days, with the expected change in demand."""
    by_day = {w.day: w for w in weather}
    next3 = [by_day[d] for d in (today + timedelta(days=k) for k in range(3)) if d in by_day]
    last_week = [by_day[d] for d in (today - timedelta(days=k) for k in range(1, 8)) if d in by_day]
    out = []
    change = _change(line)
    change_text = ""
    if change is not None and abs(change) >= CHANGE_WORTH_SAYING:
        change_text = f"，预计需求比上周{'高' if change > 0 else '低'} {abs(change):.0%}"
    if next3:
        hottest = max(w.t_max for w in next3)
        usual = sum(w.t_max for w in last_week) / len(last_week) if last_week else hottest
        if hottest >= HOT_C or hottest - usual >= HOTTER_BY_C:
            out.append(f"未来 3 天最高气温 {hottest:.0f}°C（上周平均 {usual:.0f}°C）{change_text}")
            change_text = ""
        rain = sum(w.precip_mm for w in next3)
        if rain >= RAIN_MM:
            out.append(f"未来 3 天有雨（约 {rain:.0f}mm），到店客流可能减少")
    if change_text:
        out.append(f"预计未来 7 天需求 {line.forecast_7d:.0f}{line.unit}{change_text}")
    return out


def calendar_reasons(line: RestockLine, *, today: date, launched_on: date | None) -> list[str]:
    """A public holiday in the coming week; a new product's short history."""
    out = []
    for k in range(7):
        day = today + timedelta(days=k)
        holiday = day_info(day).holiday
        if holiday:
            out.append(f"{day.month}月{day.day}日起{holiday}假期")
            break
    if launched_on and 0 <= (today - launched_on).days <= NEW_PRODUCT_DAYS:
        out.append(f"新品（上市 {(today - launched_on).days} 天），历史较少，预测参考同类商品")
    return out


def store_notes(*, today: date, weather: list[DailyWeather], lives: list[tuple[datetime, str]],
                horizon: int) -> list[str]:
    """Notes for the whole store: planned live streams, and where the weather comes from."""
    out = [f"{at.month}月{at.day}日 {at:%H:%M} 直播「{title}」：直播带来的需求已计入预测"
           for at, title in lives]
    ahead = [w for w in weather if today <= w.day < today + timedelta(days=horizon)]
    guessed = [w for w in ahead if w.source in ("climatology", "persistence")]
    if guessed:
        first = guessed[0].day
        how = "往年同期天气" if guessed[0].source == "climatology" else "最近 7 天平均天气"
        out.append(f"{first.month}月{first.day}日起没有天气预报，按{how}估计")
    return out


def stock_reasons(line: RestockLine, *, service_level: float) -> list[str]:
    """The arithmetic: demand over the cover days against stock, cases and shelf life."""
    m, unit = line.math, line.unit
    lead = line.lead_time_days
    out = [f"{m.cover_days} 天需求（{lead} 天到货 + {m.cover_days - lead} 天周期，服务水平 "
           f"{service_level:.0%}）约 {m.demand_at_service:.0f}{unit}，在库 {line.on_hand}、在途 {line.on_order}"]
    if m.need <= 0:
        out.append("库存足够，今天不用补货")
    elif m.capped and m.shelf_cap is not None:
        if m.qty == 0:
            out.append(f"缺口约 {m.need:.0f}{unit}，但整箱 {line.case_pack}{unit} 超过保质期 "
                       f"{line.shelf_life_days} 天内预计销量 {m.shelf_cap:.0f}{unit}，建议少量调拨或与其他门店拼箱")
        else:
            out.append(f"缺口约 {m.need:.0f}{unit}；保质期 {line.shelf_life_days} 天内预计只能卖出约 "
                       f"{m.shelf_cap:.0f}{unit}，订量按整箱下调为 {m.qty}{unit}")
    else:
        out.append(f"缺口约 {m.need:.0f}{unit}，按每箱 {line.case_pack}{unit} 取整为 {m.qty}{unit}")
    return out


def restock_reasons(line: RestockLine, *, today: date, weather: list[DailyWeather],
                    launched_on: date | None, service_level: float) -> list[str]:
    """Every reason for one line: weather and demand change, calendar, then the arithmetic."""
    return (weather_reason(line, today=today, weather=weather)
            + calendar_reasons(line, today=today, launched_on=launched_on)
            + stock_reasons(line, service_level=service_level))
