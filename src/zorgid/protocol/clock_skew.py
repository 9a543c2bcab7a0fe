"""The one clock-skew rule for signed messages: signed within CLOCK_SKEW_SECONDS of the server's clock.

Every signed message carries the time it was signed (a login approval, a card answer, a PIN change, a device
unlock). The server takes it only within the skew of its own clock, so a recorded message cannot be replayed
later; each kind of message refuses with its own error (code, cause and solution), given by the caller.
"""

from __future__ import annotations

import datetime as dt

from .errors import ZorgidError
from .messages import CLOCK_SKEW_SECONDS


def check_signed_at(signed_at: float, now: dt.datetime, error: type[ZorgidError]) -> None:
    """Raise ``error`` when ``signed_at`` (seconds since 1970) is more than CLOCK_SKEW_SECONDS from ``now``."""
    skew = now.timestamp() - signed_at
    if abs(skew) > CLOCK_SKEW_SECONDS:
        raise error(f"signed_at differs {skew:.0f} s from the server")
