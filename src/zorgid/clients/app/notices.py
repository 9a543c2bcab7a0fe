"""What the holder is told after an unlock about his ID since its last use (docs/security.md).

Wrong PINs that the server counted and new activation QR codes issued for him are what someone else
trying his ID looks like from here; he is the one who can tell, so the app says it after every unlock.
"""

from __future__ import annotations

import datetime as dt

from .answers import UnlockAnswer

CONTACT = "Was u dat niet? Neem contact op met uw beheerder."


def _moment(value: dt.datetime) -> str:
    """Dutch: dd-mm-jjjj om uu:mm, in the device's own time zone."""
    local = value.astimezone()
    return f"{local:%d-%m-%Y} om {local:%H:%M}"


def since_last_use(answer: UnlockAnswer) -> list[str]:
    """The warnings, one line each; none when nothing happened."""
    lines = []
    wrong = answer.wrong_tries_since_last_use
    if wrong:
        since = f"sinds uw laatste gebruik op {_moment(answer.last_use_at)}" if answer.last_use_at else \
            "sinds de activatie"
        times = "1 keer" if wrong == 1 else f"{wrong} keer"
        lines.append(f"Let op: {since} is er {times} een verkeerde pincode voor uw ZORG-ID ingevoerd. {CONTACT}")
    for code in answer.new_activation_codes:
        used = " Met deze code is op een ander apparaat een ID geactiveerd." if code.used else ""
        lines.append(f"Let op: er is op {_moment(code.issued_at)} een nieuwe activatie-QR-code voor uw ZORG-ID "
                     f"uitgegeven.{used} {CONTACT}")
    return lines
