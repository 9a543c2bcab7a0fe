"""``zorgid-app link-widscan``: the ZORG-ID app's half of linking a WID scan app to this Mobile ID (R-FLOW-WIDSCAN).

The steps are those of zorgid.protocol.widscan: the key is unlocked as for a login (PIN and the server's share, and
what the server tells since the last use is shown first), the offer is signed with the Mobile ID key, and the link
QR (``zorgid-widscan://link``) is shown. Then the app asks the link's state every second until the WID scan app
has claimed it, shows the six-digit confirmation code the server derived from the claimed key, and asks its holder:
on "ja" it signs the approval naming that key, on "nee" it declines. Nothing is approved before the holder has
seen the WID scan app's name and the code that both apps show.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

from zorgid.protocol.widscan import (
    CONFIRMATION_DIGITS,
    WidScanLinkApproval,
    WidScanLinkOffer,
    WidScanLinkPayload,
    confirmation_code_of_digest,
)

from ..terminal import tr
from . import corrections, keycrypt
from .actions import Declined, Questions, ServerFactory, tell_since_last_use
from .errors import ServerAnswerInvalid, WidScanLinkExpired
from .identity import printable
from .keystore import Keystore
from .server import ServerClient

POLL_SECONDS = 1.0
GRACE_SECONDS = 60  # a server that never says "expired" is given up this long after the link's expiry
ENDED_STATES = ("declined", "expired", "ended")


@dataclass(frozen=True)
class LinkedWidScan:
    """What the holder approved: the link, the WID scan phone's name and the code both apps showed."""

    link: str
    device_name: str
    confirmation: str


def spaced(code: str) -> str:
    """``123456`` as both apps show it: ``123 456``."""
    return f"{code[:3]} {code[3:]}"


def link_widscan(store: Keystore, ask: Questions, show_link: Callable[[str], None],
                 server_factory: ServerFactory = ServerClient, *, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep) -> LinkedWidScan:
    """Offer a link, show its QR with ``show_link(uri)``, wait for the claim and ask the holder to approve it."""
    identity = store.usable_id()
    with server_factory(identity.server) as server:
        unlocked = store.unlock_key(ask.ask_pin(), server.unlock)
        tell_since_last_use(unlocked, ask.tell)
        corrections.take(store, unlocked, ask.tell)
        offer = WidScanLinkOffer(mobile_id=identity.mobile_id, signed_at=int(clock()))
        offered = server.offer_widscan_link(offer, keycrypt.sign(unlocked.key, offer.canonical_bytes()),
                                            unlocked.token)
        payload = WidScanLinkPayload(server=identity.server, link=offered.link, code=offered.code)
        show_link(payload.to_uri())
        deadline = offered.expires_at
        while True:
            state = server.widscan_link_state(offered.link, offered.code)
            if state.state == "claimed":
                break
            if state.state in ENDED_STATES or _past(deadline, clock):
                raise WidScanLinkExpired(tr(f"status van de koppeling: {state.state}",
                                            f"state of the link: {state.state}"))
            if state.state != "offered":
                raise ServerAnswerInvalid(f"link is {state.state} before it was approved")
            sleep(POLL_SECONDS)
        confirmation, digest = state.confirmation, state.key_digest
        if len(confirmation) != CONFIRMATION_DIGITS or not confirmation.isdigit() or not digest:
            raise ServerAnswerInvalid("a claimed link without its confirmation code or key")
        if confirmation != confirmation_code_of_digest(offered.link, digest):  # the code shown is of the key signed
            raise ServerAnswerInvalid("the confirmation code is not the one of the key to approve")
        device = printable(state.device_name) or tr("zonder naam", "without a name")
        question = tr(f"WID scan app «{device}» wil koppelen. Controlecode {spaced(confirmation)}. Ziet u dezelfde "
                      "code in de WID scan app? Koppelen?",
                      f"WID scan app «{device}» wants to link. Confirmation code {spaced(confirmation)}. Do you see "
                      "the same code in the WID scan app? Link?")
        if not ask.confirm(question):
            server.decline_widscan_link(offered.link, offered.code)
            raise Declined()
        approval = WidScanLinkApproval(link=offered.link, mobile_id=identity.mobile_id, key_digest=digest,
                                       signed_at=int(clock()))
        server.approve_widscan_link(approval, keycrypt.sign(unlocked.key, approval.canonical_bytes()))
    return LinkedWidScan(link=offered.link, device_name=device, confirmation=confirmation)


def _past(deadline: dt.datetime, clock: Callable[[], float]) -> bool:
    return clock() > deadline.timestamp() + GRACE_SECONDS
