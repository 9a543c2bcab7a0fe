"""The ZORG-ID app's half of linking a WID scan app (zorgid.clients.app.widscan_link) against the server itself.

The WID scan app's claim is made while the app waits (in its pause between two questions to the server), with a
key of its own, as zorgid-widscan makes it; the link's expiry is reached by moving the server's clock.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest

from zorgid import clock
from zorgid.clients.app import keycrypt
from zorgid.clients.app.actions import Declined, Questions
from zorgid.clients.app.errors import PinWrong, WidScanLinkExpired
from zorgid.clients.app.widscan_link import link_widscan
from zorgid.clients.widscan.server import WidScanServerClient
from zorgid.protocol.widscan import LINK_SECONDS, WidScanLinkClaim, confirmation_code, parse_widscan_payload
from zorgid.widscan.models import WidScanLink

from .conftest import PIN


class WidScanPhone:
    """The WID scan app's side: claims the link shown, with a key of its own, when the app next pauses."""

    def __init__(self, server) -> None:
        self.server, self.key, self.shown = server, keycrypt.new_private_key(), None
        self.claimed = False

    def show(self, uri: str) -> None:
        self.shown = parse_widscan_payload(uri)

    def client(self) -> WidScanServerClient:
        return WidScanServerClient(self.server.origin, transport=self.server._transport)

    def claim_on_first_pause(self, seconds: float) -> None:
        if not self.claimed:
            message = WidScanLinkClaim(link=self.shown.link, code=self.shown.code,
                                       public_key=keycrypt.public_key_der(self.key), signed_at=int(time.time()))
            with self.client() as client:
                client.claim(message, self.key, "Balie 2")
            self.claimed = True

    def state(self) -> str:
        with self.client() as client:
            return client.state(self.shown.link, self.shown.code).state


def test_the_holder_approves_the_key_whose_code_he_saw(installed, server):
    store, identity, _ = installed
    phone, asked = WidScanPhone(server), []
    ask = Questions(confirm=lambda question: asked.append(question) or True, ask_pin=lambda: PIN)
    linked = link_widscan(store, ask, phone.show, server.factory, sleep=phone.claim_on_first_pause)
    code = confirmation_code(phone.shown.link, keycrypt.public_key_der(phone.key))
    assert asked == [f"WID scan app «Balie 2» wil koppelen. Controlecode {code[:3]} {code[3:]}. Ziet u dezelfde "
                     "code in de WID scan app? Koppelen?"]
    assert (linked.device_name, linked.confirmation) == ("Balie 2", code)
    assert phone.state() == "linked"
    assert WidScanLink.objects.get(id=phone.shown.link).mobile_id_id == identity.mobile_id


def test_the_holder_who_says_no_declines_the_link(installed, server):
    store, _, _ = installed
    phone = WidScanPhone(server)
    ask = Questions(confirm=lambda question: False, ask_pin=lambda: PIN)
    with pytest.raises(Declined):
        link_widscan(store, ask, phone.show, server.factory, sleep=phone.claim_on_first_pause)
    assert phone.state() == "declined"


def test_a_link_nobody_claims_expires_with_a_code(installed, server):
    store, _, _ = installed
    phone, asked = WidScanPhone(server), []
    ask = Questions(confirm=lambda question: asked.append(question) or True, ask_pin=lambda: PIN)
    with pytest.raises(WidScanLinkExpired):
        link_widscan(store, ask, phone.show, server.factory,
                     sleep=lambda seconds: clock.move(dt.timedelta(seconds=LINK_SECONDS + 1)))
    assert asked == [] and WidScanLink.objects.get(id=phone.shown.link).state != "linked"


def test_a_wrong_pin_offers_nothing(installed, server):
    store, _, _ = installed
    shown = []
    ask = Questions(confirm=lambda question: True, ask_pin=lambda: "000000")
    with pytest.raises(PinWrong):
        link_widscan(store, ask, shown.append, server.factory)
    assert shown == [] and not WidScanLink.objects.exists()
