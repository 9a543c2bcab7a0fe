"""The one clock of zorgid. Everything that asks the time asks it here, so tests can move it.

Timezone-aware UTC only (docs/architecture.md, "Time comes from zorgid.clock").
"""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

_lock = threading.Lock()
_offset = dt.timedelta(0)
DUTCH_TIME = ZoneInfo("Europe/Amsterdam")  # settings.TIME_ZONE


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC) + _offset


def today() -> dt.date:
    """Today's date in the Netherlands (Europe/Amsterdam): the day a document expires or a date is checked against,
    not UTC's day, which starts an hour or two later."""
    return now().astimezone(DUTCH_TIME).date()


def move(delta: dt.timedelta) -> None:
    """Move the clock forward (or back) for every thread of this process. For tests."""
    global _offset
    with _lock:
        _offset += delta


def reset() -> None:
    global _offset
    with _lock:
        _offset = dt.timedelta(0)


def format_date(value: dt.date) -> str:
    """Dates shown to people: dd-mm-jjjj (R-CONST-DATE)."""
    return value.strftime("%d-%m-%Y")


def format_day(moment: dt.datetime) -> str:
    """The day of a moment as people in the Netherlands read it: dd-mm-jjjj in Dutch time, so a code made at
    00:30 in Amsterdam (23:30 UTC) is dated that day, not the day before."""
    return format_date(moment.astimezone(DUTCH_TIME).date())


def parse_date(text: str) -> dt.date:
    """Parse dd-mm-jjjj strictly; ValueError for anything else (31-02-1980 included)."""
    if not isinstance(text, str) or len(text.strip()) != 10:
        raise ValueError("date must be dd-mm-jjjj")
    return dt.datetime.strptime(text.strip(), "%d-%m-%Y").date()
