"""The Netherlands' time zone, shared by the server's clock (zorgid.clock) and the client programs, which may not
import it: a day is the Dutch day everywhere (docs/architecture.md, "Time comes from zorgid.clock")."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

DUTCH_TIME = ZoneInfo("Europe/Amsterdam")  # the server's settings.TIME_ZONE


def dutch_day(moment: datetime) -> date:
    """The day of an aware moment in the Netherlands: 23:30 UTC on 1 December is 2 December."""
    return moment.astimezone(DUTCH_TIME).date()


def dutch_today() -> date:
    """Today as the Netherlands count it, whatever the computer's time zone."""
    return datetime.now(DUTCH_TIME).date()
