"""``zorgid-widscan link``: the WID scan app's half of linking itself to a Mobile ID (R-FLOW-WIDSCAN).

Steps 2 and 4 of zorgid.protocol.widscan: make a key (EC P-256), claim the link with the QR's code, the key and
the key's signature, show the holder's name and the six-digit confirmation code, and ask whether the ZORG-ID app
shows the same code. The code is computed here too (zorgid.protocol.widscan.confirmation_code): a server answer
with another code, or for another key, is refused before the user is asked anything. On "ja" the app asks the
link's state every second until the holder approved (``linked``: the link and the key are stored) or declined.
On "nee" the link is declined, and the user is told to choose Nee in the ZORG-ID app too.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

from zorgid.protocol.widscan import (
    WidScanLinkClaim,
    WidScanLinkPayload,
    confirmation_code,
    key_digest,
)

from ..app import keycrypt
from ..app.identity import printable
from ..terminal import tr
from .app_errors import LinkDeclined, LinkExpired, ServerAnswerInvalid
from .server import WidScanServerClient
from .store import Link, WidScanStore

POLL_SECONDS = 1.0
GRACE_SECONDS = 60  # a server that never says "expired" is given up this long after the link's expiry

ServerFactory = Callable[[str], WidScanServerClient]


class NotConfirmed(Exception):
    """The user saw another code (or did not want to link); not an error, the command reports it and stops."""


@dataclass(frozen=True)
class LinkQuestions:
    """How the app asks its user whether the codes are the same, and tells him what happens meanwhile."""

    confirm: Callable[[str], bool]
    tell: Callable[[str], None] = lambda text: None


def spaced(code: str) -> str:
    """``123456`` as both apps show it: ``123 456``."""
    return f"{code[:3]} {code[3:]}"


def link(store: WidScanStore, payload: WidScanLinkPayload, ask: LinkQuestions, device_name: str,
         server_factory: ServerFactory = WidScanServerClient, *, clock: Callable[[], float] = time.time,
         sleep: Callable[[float], None] = time.sleep) -> Link:
    """Claim the link of ``payload``, ask the user to compare the codes, and wait for the holder's answer."""
    key = keycrypt.new_private_key()
    public = keycrypt.public_key_der(key)
    claim = WidScanLinkClaim(link=payload.link, code=payload.code, public_key=public, signed_at=int(clock()))
    with server_factory(payload.server) as server:
        state = server.claim(claim, key, device_name)
        expected = confirmation_code(payload.link, public)
        if state.confirmation != expected or (state.key_digest and state.key_digest != key_digest(public)):
            raise ServerAnswerInvalid("the confirmation code is not the one of this app's key")
        name = printable(f"{state.holder.first_names} {state.holder.last_name}")
        ask.tell(tr(f"Koppelen aan het ZORG-ID van {name}. Controlecode: {spaced(expected)}",
                    f"Linking to the ZORG-ID of {name}. Confirmation code: {spaced(expected)}"))
        if not ask.confirm(tr(f"Ziet u dezelfde controlecode ({spaced(expected)}) in de ZORG-ID app van {name}?",
                              f"Do you see the same confirmation code ({spaced(expected)}) in the ZORG-ID app of "
                              f"{name}?")):
            server.decline(payload.link, payload.code)
            raise NotConfirmed()
        ask.tell(tr("Wachten op de goedkeuring in de ZORG-ID app…", "Waiting for the approval in the ZORG-ID app…"))
        while state.state != "linked":
            if state.state == "declined":
                raise LinkDeclined()
            if state.state in ("expired", "ended") or clock() > state.expires_at.timestamp() + GRACE_SECONDS:
                raise LinkExpired(tr(f"status van de koppeling: {state.state}", f"state of the link: {state.state}"))
            if state.state != "claimed":
                raise ServerAnswerInvalid(f"link is {state.state} after this app claimed it")
            sleep(POLL_SECONDS)
            state = server.state(payload.link, payload.code)
    linked = Link(server=payload.server, link=payload.link, first_names=state.holder.first_names,
                  last_name=state.holder.last_name, birth_date=state.holder.birth_date,
                  linked_at=dt.datetime.fromtimestamp(clock(), dt.UTC), device_name=device_name, key=key)
    store.save(linked)
    return linked
