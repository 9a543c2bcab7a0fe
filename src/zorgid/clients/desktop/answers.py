"""Reading the server's card flow: outside input, checked before anything is shown or signed (R-SEC-INPUT).

The flow names who asks and for what; the Desktop App shows that to the holder and signs the challenge
bound to the flow, purpose and origin (``CardResponse``). The origin it signs must be the server it was
sent to by the ``zorgid-desktop://`` address: a server that asked for a signature for another origin
would be trying to relay the card to a site the holder never saw, so that is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from zorgid.protocol.bodies import CardFlowResponse, SmartcardKeysResponse, StateResponse
from zorgid.protocol.card_keys import CARD_KEY_ROLES
from zorgid.protocol.errors import Detail, PayloadMalformed, technical
from zorgid.protocol.payloads import CardPayload, normalise_origin

from ..terminal import printable as terminal_printable
from ..terminal import tr
from .errors import FlowNotPending, ServerAnswerInvalid

MAX_TEXT_CHARS = 300
SMARTCARD_PURPOSE, SMARTCARD_LOGIN_PURPOSE = "smartcard", "smartcard-login"
# the purposes for which only a UZI-pas answers (a ZORG-ID Smartcard is made with one, never with another smartcard)
UZI_PAS_PURPOSES = ("self-registration", "organisation-validation", "attributes", SMARTCARD_PURPOSE)
ANSWERED = "answered"  # the state of a smartcard session after the UZI-pas's answer
COMPLETED = "completed"
# what each purpose asks the card for in English (the server's purpose_text is Dutch)
PURPOSE_TEXTS_EN = {
    "self-registration": "register with your UZI card",
    "organisation-validation": "validate your organisation with your UZI card",
    "attributes": "link the UZI attributes of your UZI card to your ID",
    SMARTCARD_PURPOSE: "make a ZORG-ID Smartcard with your UZI card",
    SMARTCARD_LOGIN_PURPOSE: "log in with your ZORG-ID Smartcard",
}


def printable(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """Text safe to print on a terminal (zorgid.clients.terminal)."""
    return terminal_printable(text, limit)


@dataclass(frozen=True)
class CardFlow:
    """A pending card session as the server describes it."""

    flow_id: str
    challenge: str
    purpose: str
    purpose_text: str
    origin: str
    requester_name: str
    requester_origin: str
    expires_at: str

    @property
    def card_word(self) -> str:
        """"uw UZI-pas" where only a UZI-pas will do, "uw pas" where it may be a ZORG-ID Smartcard."""
        if self.purpose in UZI_PAS_PURPOSES:
            return tr("uw UZI-pas", "your UZI card")
        return tr("uw pas", "your card")

    def purpose_words(self) -> str:
        """What the card is asked for: the server's text (Dutch), in English this program's own for a known purpose."""
        return tr(self.purpose_text, PURPOSE_TEXTS_EN.get(self.purpose, self.purpose_text))

    def request_text(self) -> str:
        """The connection request the holder answers with Ja or Nee."""
        return tr(f"{self.requester_name} ({self.requester_origin}) vraagt toegang tot {self.card_word} om: "
                  f"{self.purpose_words()}. Ja/Nee?",
                  f"{self.requester_name} ({self.requester_origin}) asks for access to {self.card_word} to: "
                  f"{self.purpose_words()}. Yes/No?")


def read_card_flow(answer: dict, payload: CardPayload) -> CardFlow:
    """Check the server's answer to ``GET card_flow_path(flow)`` against the address the browser gave; its shape
    (fields, bounds, the purposes, the version) is the protocol's CardFlowResponse."""
    flow = CardFlowResponse.from_json(answer, ServerAnswerInvalid)
    if flow.flow != payload.flow:
        raise ServerAnswerInvalid(technical("card flow answer is for another flow"))
    if flow.state != "pending":
        state = printable(flow.state, 40)
        raise FlowNotPending(Detail(f"status van de sessie: {state}", f"state of the session: {state}"))
    if _origin(flow.origin, "origin") != payload.server:
        raise ServerAnswerInvalid(technical("the flow's origin is not the server the browser named"))
    return CardFlow(
        flow_id=payload.flow, challenge=flow.challenge, purpose=flow.purpose,
        purpose_text=_text(flow.purpose_text, "purpose_text"), origin=payload.server,
        requester_name=_text(flow.requester.name, "requester name"),
        requester_origin=_origin(flow.requester.origin, "requester origin"),
        expires_at=printable(answer["expires_at"], 40),
    )


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not printable(value):
        raise ServerAnswerInvalid(technical(f"{what} missing"))
    return printable(value)


def _origin(value: object, what: str) -> str:
    try:
        return normalise_origin(value)  # type: ignore[arg-type]
    except PayloadMalformed as exc:
        raise ServerAnswerInvalid(technical(f"{what} is not an http(s) origin")) from exc


def read_response_answer(answer: dict) -> str:
    """The state the server reports after accepting the card's response."""
    return printable(StateResponse.from_json(answer, ServerAnswerInvalid).state, 40)


@dataclass(frozen=True)
class IssuedSmartcard:
    """What the server answered to the new card's keys: its card number and a certificate (DER) per role."""

    card_number: str
    certificates: dict[str, bytes]
    not_after: str
    state: str


def read_smartcard_keys_answer(answer: dict, public_keys: dict[str, bytes]) -> IssuedSmartcard:
    """Check the server's SmartcardKeysResponse against the keys that were sent (``public_keys``: DER
    SubjectPublicKeyInfo by role): exactly one certificate per role, each certifying that role's key."""
    issued = SmartcardKeysResponse.from_json(answer, ServerAnswerInvalid)
    roles = [item.role for item in issued.certificates]
    if sorted(roles) != sorted(CARD_KEY_ROLES):
        raise ServerAnswerInvalid(technical("the answer does not hold exactly one certificate per key role"))
    certificates = {}
    for item in issued.certificates:
        try:
            certified = x509.load_der_x509_certificate(item.certificate).public_key().public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        except (TypeError, ValueError) as exc:
            raise ServerAnswerInvalid(technical(f"{item.role}: not a DER certificate")) from exc
        if certified != public_keys.get(item.role):
            raise ServerAnswerInvalid(technical(f"{item.role}: the certificate is for another key"))
        certificates[item.role] = item.certificate
    card_number = printable(issued.card_number, 40)
    if not card_number.isdigit():
        raise ServerAnswerInvalid(technical("card number missing"))
    if issued.state != COMPLETED:
        raise ServerAnswerInvalid(technical(f"state {printable(issued.state, 40)!r} after the keys"))
    return IssuedSmartcard(card_number, certificates, issued.not_after.isoformat(), issued.state)
