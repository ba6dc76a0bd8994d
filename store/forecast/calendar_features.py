"""Calendar features of a date grid: day of week, month, and Chinese public holidays with their
make-up working days (调休), taken from ``chinese-calendar`` through :mod:`store.holidays`.

Computed once per distinct date (a few hundred), then broadcast to every series.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from store.holidays import HOLIDAY_NAMES_ZH, day_info, holiday_first_days

#: Stable integer code of each holiday (0: no holiday).
HOLIDAY_CODES = {name: i for i, name in enumerate(HOLIDAY_NAMES_ZH.values(), start=1)}
#: Days ahead beyond which "days to the next holiday" is capped.
HOLIDAY_LOOKAHEAD = 30


def _first_days(years: range) -> list[tuple[date, int]]:
    """(first day off, holiday code) of every public holiday in ``years``, sorted."""
    found = []
    for year in years:
        for name, day in holiday_first_days(year).items():
            found.append((day, HOLIDAY_CODES[name]))
    return sorted(found)


#: Days ahead beyond which a festive product's countdown to its festival is capped.
FESTIVAL_CAP_DAYS = 45


def festival_of(text: str) -> str | None:
    """The public holiday a product is sold for, if its name or facts name one (``中秋节前热销``)."""
    for name in HOLIDAY_NAMES_ZH.values():
        if name.removesuffix("节") in text:
            return name
    return None


def festival_countdown(dates: pd.DatetimeIndex, festival: str | None) -> np.ndarray:
    """Days from each date to the next first day of ``festival`` (capped; the cap when ``None``).

    A festive product (粽子 before 端午, 月饼 before 中秋) sells mostly in the weeks before its
    festival; with the countdown as a feature the model learns the shape from one festive product
    and applies it to another whose festival it has not seen yet.
    """
    out = np.full(len(dates), FESTIVAL_CAP_DAYS, dtype=np.float32)
    if festival is None or not len(dates):
        return out
    years = range(dates.min().year, dates.max().year + 2)
    firsts = np.array(sorted(np.datetime64(d, "D") for y in years
                             if (d := holiday_first_days(y).get(festival)) is not None))
    if not len(firsts):
        return out
    grid = dates.to_numpy().astype("datetime64[D]")
    pos = np.searchsorted(firsts, grid, side="left")
    ok = pos < len(firsts)
    gap = (firsts[np.minimum(pos, len(firsts) - 1)] - grid).astype(np.int64)
    out[ok] = np.minimum(gap[ok], FESTIVAL_CAP_DAYS)
    return out


def holiday_frame(dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Per day: ``is_holiday``, ``is_makeup_workday``, ``is_offday``, ``holiday`` (code),
    ``days_to_holiday`` and ``next_holiday`` (code of the next holiday within 30 days, else 0).

    Years the library does not cover yet fall back to weekends (with a logged warning).
    """
    days = [d.date() for d in dates]
    infos = [day_info(d) for d in days]
    firsts = _first_days(range(min(days).year, max(days).year + 2)) if days else []
    first_days = np.array([np.datetime64(d) for d, _ in firsts], dtype="datetime64[D]")
    first_codes = np.array([c for _, c in firsts], dtype=np.int64)
    grid = dates.to_numpy().astype("datetime64[D]")
    pos = np.searchsorted(first_days, grid, side="left")
    has_next = pos < len(first_days)
    ahead = np.full(len(grid), HOLIDAY_LOOKAHEAD, dtype=np.float32)
    code = np.zeros(len(grid), dtype=np.float32)
    if len(first_days):
        gap = (first_days[np.minimum(pos, len(first_days) - 1)] - grid).astype(np.int64)
        near = has_next & (gap <= HOLIDAY_LOOKAHEAD)
        ahead[near] = gap[near]
        code[near] = first_codes[np.minimum(pos, len(first_days) - 1)][near]
    return pd.DataFrame(
        {
            "is_holiday": [float(i.holiday is not None) for i in infos],
            "is_makeup_workday": [float(i.is_makeup_workday) for i in infos],
            "is_offday": [float(not i.is_workday) for i in infos],
            "holiday": [float(HOLIDAY_CODES.get(i.holiday or "", 0)) for i in infos],
            "days_to_holiday": ahead,
            "next_holiday": code,
        },
        index=dates,
    )


def calendar_matrix(dates: pd.DatetimeIndex, *, freq: str, holidays: bool) -> pd.DataFrame:
    """Calendar features for each timestamp of ``dates`` (float32 columns).

    Daily data: day of week and, with ``holidays``, the holiday frame.
    Weekly data: week of year, month and, with ``holidays``, the number of days off for a public
    holiday in the 7 days ending on ``ds`` and the days to the next holiday.
    """
    out = pd.DataFrame(index=dates)
    if freq == "D":
        out["dow"] = dates.dayofweek
        if holidays:
            out = out.join(holiday_frame(dates))
    else:
        out["week"] = dates.isocalendar().week.to_numpy()
        out["month"] = dates.month
        if holidays and len(dates):
            span = pd.date_range(dates.min() - pd.Timedelta(days=6), dates.max(), freq="D")
            daily = holiday_frame(span)
            off = daily["is_holiday"].rolling(7, min_periods=1).sum()
            out["holiday_days"] = off.reindex(dates).to_numpy()
            out["days_to_holiday"] = daily["days_to_holiday"].reindex(dates).to_numpy()
    return out.astype(np.float32)
