"""What the holder is told after an unlock about his ID since its last use (docs/security.md).

Wrong PINs that the server counted and new activation QR codes issued for him are what someone else
trying his ID looks like from here; he is the one who can tell, so the app says it after every unlock.
"""

from __future__ import annotations

import datetime as dt

from ..terminal import tr
from .answers import UnlockAnswer

CONTACT = ("Was u dat niet? Neem contact op met uw beheerder.", "Was that not you? Contact your administrator.")


def _moment(value: dt.datetime) -> str:
    """dd-mm-jjjj om uu:mm (at hh:mm), in the device's own time zone."""
    local = value.astimezone()
    return tr(f"{local:%d-%m-%Y} om {local:%H:%M}", f"{local:%d-%m-%Y} at {local:%H:%M}")


def since_last_use(answer: UnlockAnswer) -> list[str]:
    """The warnings, one line each; none when nothing happened."""
    lines = []
    wrong = answer.wrong_tries_since_last_use
    if wrong:
        if answer.last_use_at:
            moment = _moment(answer.last_use_at)
            since = tr(f"sinds uw laatste gebruik op {moment}", f"since your last use on {moment}")
        else:
            since = tr("sinds de activatie", "since the activation")
        lines.append(tr(f"Let op: {since} is er {wrong} keer een verkeerde pincode voor uw ZORG-ID ingevoerd. "
                        f"{CONTACT[0]}",
                        f"Note: {since} a wrong PIN was entered {wrong} time(s) for your ZORG-ID. {CONTACT[1]}"))
    for code in answer.new_activation_codes:
        moment = _moment(code.issued_at)
        used = tr(" Met deze code is op een ander apparaat een ID geactiveerd.",
                  " With this code an ID was activated on another device.") if code.used else ""
        lines.append(tr(f"Let op: er is op {moment} een nieuwe activatie-QR-code voor uw ZORG-ID uitgegeven.{used} "
                        f"{CONTACT[0]}",
                        f"Note: a new activation QR code for your ZORG-ID was issued on {moment}.{used} {CONTACT[1]}"))
    return lines
