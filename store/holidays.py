"""Chinese public holidays and make-up working days (调休), from the maintained
``chinese-calendar`` library, with a clear fallback for years it does not cover yet."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import chinese_calendar

log = logging.getLogger(__name__)

#: chinese-calendar's English holiday names, in the Chinese a store owner reads.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
}


@dataclass(frozen=True)
class DayInfo:
    """What the calendar says about one day."""

    day: date
    is_workday: bool  #: a working day, make-up working days (调休上班) included
    holiday: str | None  #: Chinese name of the public holiday the day belongs to, if any
    is_makeup_workday: bool  #: a weekend day that is a working day (调休)
    known: bool  #: False when the library has no data for the year (weekends assumed)


@lru_cache(maxsize=4096)
def day_info(day: date) -> DayInfo:
    """Holiday facts for ``day``; years the library does not cover fall back to weekends."""
    weekend = day.weekday() >= 5
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        _warn_unsupported(day.year)
        return DayInfo(day, not weekend, None, False, known=False)
    holiday = HOLIDAY_NAMES_ZH.get(name) if (on_holiday and name) else None
    return DayInfo(
        day=day,
        is_workday=not on_holiday,
        holiday=holiday,
        is_makeup_workday=weekend and not on_holiday,
        known=True,
    )


@lru_cache(maxsize=64)
def _warn_unsupported(year: int) -> None:
    log.warning("chinese-calendar has no holiday data for %s; assuming weekends only", year)


def holiday_first_days(year: int) -> dict[str, date]:
    """The first day off of each public holiday in ``year`` (e.g. ``{"端午节": date(2026, 6, 19)}``)."""
    first: dict[str, date] = {}
    for day, name in sorted(chinese_calendar.holidays.items()):
        zh = HOLIDAY_NAMES_ZH.get(name)
        if day.year == year and zh and zh not in first:
            first[zh] = day
    return first
