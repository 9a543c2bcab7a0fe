"""The expiry date of a Dutch driving licence, typed off the card (R-FLOW-WIDSCAN).

The driving licence's MRZ has no dates (zorgid.clients.widscan.mrz): the employee types the date at 4b on the card
as dd-mm-jjjj (R-CONST-DATE). A date that cannot be one is refused with ZID-WIDSCAN-APP-EXPIRY-DATE, so that a typo
is never recorded: no date as dd-mm-jjjj with a four-digit year (1-1-99), a date that does not exist (31-02-2030), a
date after the longest validity of a driving licence from today (MAX_VALID_YEARS, the year 3000), or one before the
first driving licence with an MRZ could have expired (EARLIEST). A date before today is a date: the check then says
the licence has expired.
"""

from __future__ import annotations

import re
from datetime import date

from zorgid.protocol.errors import Detail

from .app_errors import ExpiryDateInvalid

MAX_VALID_YEARS = 10  # a Dutch driving licence is valid for at most ten years from the day it is issued
EARLIEST = date(2000, 1, 1)  # the credit-card driving licence dates from 1996; an MRZ came later still
MAX_TYPED = 40
_TYPED = re.compile(r"(\d{1,2})([-.])(\d{1,2})\2(\d+)")  # the card itself prints dd.mm.jjjj


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without it
        return day.replace(year=day.year + years, day=28)


def _dutch(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def parse_expiry(text: str, today: date) -> date:
    """The date typed as dd-mm-jjjj or dd.mm.jjjj (a day or month of one digit is allowed), checked to be a
    driving licence's expiry date as seen on ``today``; ExpiryDateInvalid, with what is wrong in its detail,
    otherwise."""
    typed = text.strip() if isinstance(text, str) else ""
    if not typed:
        raise ExpiryDateInvalid(Detail("er is geen datum getypt", "no date was typed"))
    shown = typed[:MAX_TYPED]  # what the employee typed, as the report shows it (printable, bounded)
    match = _TYPED.fullmatch(typed) if typed.isascii() else None
    if match is None or len(match.group(4)) != 4:
        raise ExpiryDateInvalid(Detail(f"'{shown}' is geen datum als dd-mm-jjjj (het jaar in vier cijfers)",
                                       f"'{shown}' is no date as dd-mm-yyyy (the year in four digits)"))
    day, month, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
    try:
        expiry = date(year, month, day)
    except ValueError:
        raise ExpiryDateInvalid(Detail(f"de datum {shown} bestaat niet", f"the date {shown} does not exist")) from None
    latest = _years_later(today, MAX_VALID_YEARS)
    if expiry > latest:
        raise ExpiryDateInvalid(Detail(
            f"{_dutch(expiry)} ligt meer dan {MAX_VALID_YEARS} jaar na vandaag: zo lang is een rijbewijs niet geldig "
            f"(uiterlijk {_dutch(latest)})",
            f"{_dutch(expiry)} is more than {MAX_VALID_YEARS} years from today: no driving licence is valid that long "
            f"(at the latest {_dutch(latest)})"))
    if expiry < EARLIEST:
        raise ExpiryDateInvalid(Detail(
            f"{_dutch(expiry)} ligt vóór {_dutch(EARLIEST)}: dat is geen vervaldatum van een rijbewijs met een MRZ",
            f"{_dutch(expiry)} is before {_dutch(EARLIEST)}: that is no expiry date of a driving licence with an "
            "MRZ"))
    return expiry
