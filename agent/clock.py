"""What time it is for the assistant: the demo's clock on a demo database, the real one otherwise."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time

DEMO_CLOCK = time(10, 0)


def make_clock(*, configured_today: date | None, demo_today: date | None) -> Callable[[], datetime]:
    """A clock for the assistant.

    On the demo database the story happens at 10:00 of the demo's "today" (the 接龙 is open, the
    evening live stream ahead), whether or not today is configured; on a real store's database
    (no demo meta), a configured today pins the date at 10:00, else the real clock is used.
    """
    if demo_today is not None:
        return lambda: datetime.combine(demo_today, DEMO_CLOCK)
    if configured_today is not None:
        return lambda: datetime.combine(configured_today, DEMO_CLOCK)
    return datetime.now
