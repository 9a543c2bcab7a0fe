"""Answering a card session, step by step, with the questions to the holder passed in.

The steps, as the portal manual describes the Desktop App: read the flow the browser named, find the one UZI-pas,
ask the security code and log in (a wrong code fails here, before anything is shown as done), show who asks and for
what and ask Ja/Nee, then sign the CardResponse with the authentication key and send it with the certificate.
``signed_at`` is taken after the Ja, so the time the holder took to decide does not age the signature. The
questions are functions, so the command line, a test or a later GUI can ask them their own way.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from zorgid.protocol.errors import Detail, ZorgidError, technical
from zorgid.protocol.messages import CardResponse, b64encode
from zorgid.protocol.payloads import parse_desktop_payload

from ..terminal import tr
from .answers import (
    ANSWERED,
    SMARTCARD_LOGIN_PURPOSE,
    SMARTCARD_PURPOSE,
    CardFlow,
    read_card_flow,
    read_response_answer,
)
from .card import Card, card_label, find_cards, logged_in, select_card
from .errors import CardFailed, ServerAnswerInvalid
from .making import MadeSmartcard, MakingQuestions, make_smartcard
from .server import DesktopServerClient
from .smartcard_errors import NoSmartcard, SmartcardNotUziPas

ServerFactory = Callable[[str], DesktopServerClient]


class Declined(Exception):
    """The holder answered Nee to the connection request; ``told_browser``: the server took the Nee, so the waiting
    page in the browser says so (else it waits until the session expires)."""

    def __init__(self, told_browser: bool) -> None:
        super().__init__("declined")
        self.told_browser = told_browser


@dataclass(frozen=True)
class Questions:
    """How the holder is told things and asked: the security code (None: the reader's PIN pad) and Ja/Nee."""

    say: Callable[[str], None]
    ask_pin: Callable[[Card], str | None]
    confirm: Callable[[str], bool]


@dataclass(frozen=True)
class Outcome:
    """What was done: the card used, the flow answered and the state the server reported."""

    card: Card
    flow: CardFlow
    state: str
    smartcard: MadeSmartcard | None = None  # purpose "smartcard": the card made


def answer_card_flow(
    address: str, *, module: str, token_label: str | None, questions: Questions,
    server_factory: ServerFactory = DesktopServerClient, clock: Callable[[], float] = time.time,
    making: MakingQuestions | None = None, blank_token_label: str | None = None,
) -> Outcome:
    """Run one card session from its ``zorgid-desktop://card?…`` address to the server's acceptance; for purpose
    "smartcard" then make the blank card a ZORG-ID Smartcard (:mod:`.making`, with the ``making`` questions)."""
    payload = parse_desktop_payload(address)
    with server_factory(payload.server) as server:
        flow = read_card_flow(server.card_flow(payload.flow), payload)
        if flow.purpose == SMARTCARD_PURPOSE and making is None:
            raise ServerAnswerInvalid(technical("purpose smartcard needs the questions of making one"))
        card = choose_card(find_cards(module), flow.purpose, token_label)
        questions.say(describe_card(card))
        with logged_in(card, questions.ask_pin(card)) as signer:
            if not questions.confirm(flow.request_text()):
                raise Declined(told_browser=_tell_declined(server, flow))
            message = CardResponse(flow.flow_id, flow.challenge, flow.origin, flow.purpose, int(clock()))
            data = message.canonical_bytes()
            signature = signer.sign(data)
        check_signature(card, data, signature)
        certificate_pem = card.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
        answer = server.send_card_response(flow.flow_id, certificate_pem, message.signed_at, b64encode(signature))
        state = read_response_answer(answer)
        if flow.purpose != SMARTCARD_PURPOSE:
            return Outcome(card, flow, state)
        if state != ANSWERED:
            raise ServerAnswerInvalid(technical(f"state {state!r} after the UZI-pas, not {ANSWERED!r}"))
        made = make_smartcard(server, flow, module=module, blank_token_label=blank_token_label,
                              questions=making,  # type: ignore[arg-type]
                              answer_digest=hashlib.sha256(signature).digest())
        return Outcome(card, flow, state, made)


def choose_card(cards: list[Card], purpose: str, token_label: str | None = None) -> Card:
    """The card for this purpose: a ZORG-ID Smartcard is made with a UZI-pas, never with another smartcard, and
    logging in with a smartcard takes the smartcard even when a UZI-pas is in a reader too."""
    if purpose == SMARTCARD_PURPOSE:
        uzi_passes = [card for card in cards if not card.identity.is_smartcard]
        if token_label is None and not uzi_passes and cards:
            raise SmartcardNotUziPas(_labels(cards))
        card = select_card(uzi_passes if token_label is None else cards, token_label)
        if card.identity.is_smartcard:
            raise SmartcardNotUziPas(card_label(card.label))
        return card
    if purpose == SMARTCARD_LOGIN_PURPOSE:
        smartcards = [card for card in cards if card.identity.is_smartcard]
        if token_label is None and not smartcards and cards:
            raise NoSmartcard(_labels(cards))
        card = select_card(smartcards if token_label is None else cards, token_label)
        if not card.identity.is_smartcard:
            raise NoSmartcard(card_label(card.label))
        return card
    return select_card(cards, token_label)


def _tell_declined(server: DesktopServerClient, flow: CardFlow) -> bool:
    """The holder's Nee to the server, which ends the session and tells the waiting page; False if it did not take
    it (unreachable, or the session ended meanwhile)."""
    try:
        server.decline(flow.flow_id, flow.challenge)
    except ZorgidError:
        return False
    return True


def describe_card(card: Card) -> str:
    identity = card.identity
    if identity.is_smartcard:
        return tr(f"ZORG-ID Smartcard gevonden: {identity.name}, kaartnummer {identity.uzi_number} "
                  f"(label {card.label})",
                  f"ZORG-ID Smartcard found: {identity.name}, card number {identity.uzi_number} (label {card.label})")
    return tr(f"UZI-pas gevonden: {identity.name} ({identity.card_type_text()}, UZI-nummer {identity.uzi_number}, "
              f"label {card.label})",
              f"UZI card found: {identity.name} ({identity.card_type_text()}, UZI number {identity.uzi_number}, "
              f"label {card.label})")


def _labels(cards: list[Card]) -> Detail:
    labels = ", ".join(card.label for card in cards)
    return Detail(f"gevonden kaarten: {labels}", f"cards found: {labels}")


def check_signature(card: Card, data: bytes, signature: bytes) -> None:
    """Verify the card's signature with its own certificate before sending it: a card whose key does not
    belong to its certificate is reported here, as a card error, not later as a refusal by the server."""
    public_key = card.certificate.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise CardFailed(Detail("het authenticatiecertificaat heeft geen RSA-sleutel",
                                "the authentication certificate has no RSA key"))
    try:
        public_key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as exc:
        raise CardFailed(Detail("de handtekening van de pas past niet bij zijn authenticatiecertificaat",
                                "the card's signature does not match its authentication certificate")) from exc
