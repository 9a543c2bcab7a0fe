"""What the app does with a scanned QR code: install an ID, or approve a login (R-FLOW-LOGIN).

The steps are plain functions that take the keystore, the payload, the questions to ask the holder and
the way to reach the server, so the command line stays thin and each step can be run without a
terminal. The order matters: the holder sees who asks before the PIN is asked, and nothing is signed
or stored before the PIN is verified. Every use of the key asks the server for its share first
(docs/security.md): the server checks the device key's signature and the PIN proof, its one-time token goes
with the approval, and what it tells of the ID since its last use is shown to the holder.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from zorgid.protocol.errors import Detail
from zorgid.protocol.messages import LoginApproval
from zorgid.protocol.payloads import ActivationPayload, LoginPayload

from ..terminal import tr
from . import corrections, keycrypt, notices
from .answers import LoginFlowInfo, parse_activation, parse_login_flow
from .errors import ServerAnswerInvalid, WrongServer
from .identity import MobileIdentity
from .keystore import Keystore, Unlocked
from .server import ServerClient


class Declined(Exception):
    """The holder answered no; not an error, the command reports it and stops."""


@dataclass(frozen=True)
class Questions:
    """How the app asks the holder: a yes/no question, the PIN, and a new PIN (for a replacing ID); and how it
    tells him something (a warning after an unlock)."""

    confirm: Callable[[str], bool]
    ask_pin: Callable[[], str]
    ask_new_pin: Callable[[], str] = lambda: ""
    tell: Callable[[str], None] = lambda text: None


ServerFactory = Callable[[str], ServerClient]


def activate(store: Keystore, payload: ActivationPayload, ask: Questions,
             server_factory: ServerFactory = ServerClient) -> MobileIdentity:
    """Make a key pair and a device key, send the CSR, the PIN proof, the device key's public key and this phone's
    name (Keystore.device_name) with the one-time code, and store the issued ID under the PIN and the server's
    share, with the device key.

    The first ID takes the PIN chosen at setup (checked on the device, the one time it can be). A new ID
    that replaces one gets a new PIN: the old one can only be checked by the old ID's server, which may
    well have revoked it (that is why there is a new QR code)."""
    replacing = store.has_id()
    if replacing:
        old = store.load_id()
        question = tr(f"Er is al een ID geïnstalleerd ({old.holder.shown_name}). Vervangen door een nieuw ID?",
                      f"An ID is installed already ({old.holder.shown_name}). Replace it with a new ID?")
        if not ask.confirm(question):
            raise Declined()
    _, secret = store.pin_for_new_key(choose=replacing, ask_pin=ask.ask_pin, ask_new_pin=ask.ask_new_pin)
    key, device_key = keycrypt.new_private_key(), keycrypt.new_private_key()
    with server_factory(payload.server) as server:
        answer = server.activate(payload.code, keycrypt.make_csr(key), secret.proof,
                                 keycrypt.public_key_der(device_key), store.device_name())
    identity, share = parse_activation(answer, payload.server)
    if not keycrypt.same_public_key(key, identity.certificate):
        raise ServerAnswerInvalid("the certificate is not for the key of this app")
    store.install_id(identity, key, secret, share, device_key)
    return identity


def login(store: Keystore, payload: LoginPayload, ask: Questions,
          server_factory: ServerFactory = ServerClient,
          clock: Callable[[], float] = time.time) -> LoginFlowInfo:
    """Show who asks, and on "Accepteren" sign the flow's nonce and origin with the device key."""
    identity = store.usable_id()
    if identity.server != payload.server:
        raise WrongServer(Detail(f"QR-code van {payload.server}, ID van {identity.server}",
                                 f"QR code for {payload.server}, ID of {identity.server}"))
    with server_factory(identity.server) as server:
        flow = parse_login_flow(server.login_flow(payload.flow), payload.flow)
        # the portal, or the healthcare application that asks through it: the person sees what he approves
        question = tr(f"Inloggen bij {flow.requester_name} (via {flow.requester_origin})? Accepteren?",
                      f"Log in at {flow.requester_name} (via {flow.requester_origin})? Accept?")
        if not ask.confirm(question):
            raise Declined()
        unlocked = store.unlock_key(ask.ask_pin(), server.unlock)
        tell_since_last_use(unlocked, ask.tell)
        corrections.take(store, unlocked, ask.tell)
        approval = LoginApproval(
            flow_id=flow.flow_id, nonce=flow.nonce, origin=flow.origin,
            mobile_id=unlocked.identity.mobile_id, signed_at=int(clock()),
        )
        server.approve_login(approval, keycrypt.sign(unlocked.key, approval.canonical_bytes()), unlocked.token)
    return flow


def tell_since_last_use(unlocked: Unlocked, tell: Callable[[str], None]) -> None:
    """The server's news of the ID since its last use (wrong PINs, new activation codes), before anything else."""
    for line in notices.since_last_use(unlocked.answer):
        tell(line)
