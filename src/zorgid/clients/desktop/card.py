"""The UZI-pas through PKCS#11: finding it, logging in with the security code, signing with its key.

The PKCS#11 module is configurable (SoftHSM2 by default; OpenSC or the card vendor's module for real
cards), and a module is loaded once per process, so a test runs this in a subprocess with its own
``SOFTHSM2_CONF``. Certificates are public objects on a card: finding it needs no security code. The
private key is found by the authentication certificate's CKA_ID, as PKCS#15 cards pair them.

PKCS#11 errors are translated here, where they enter (docs/architecture.md): a wrong code, a blocked card
and a card that will not sign each get their own code. SoftHSM2 has no retry counter and never blocks a
token by itself; a real card reports CKR_PIN_LOCKED, and announces the last attempt through the
token flags, which are read again after every wrong code.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import pkcs11
from cryptography import x509
from pkcs11 import Attribute, Mechanism, ObjectClass, TokenFlag
from pkcs11.exceptions import (
    MechanismInvalid,
    NoSuchKey,
    PinIncorrect,
    PinInvalid,
    PinLenRange,
    PinLocked,
    PKCS11Error,
)

from zorgid.protocol.errors import Detail

from .certificate import CardIdentity, card_identity, is_authentication_certificate
from .errors import CardBlocked, CardFailed, ModuleUnavailable, NoCard, PinFormat, PinWrong, TwoCards

DEFAULT_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
MODULE_ENV = "ZORGID_PKCS11_MODULE"
MAX_PIN_CHARS = 8
MIN_PIN_CHARS = 6
# DER DigestInfo prefix for SHA-256 (RFC 8017 §9.2 note 1), for modules that only offer raw CKM_RSA_PKCS.
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


@dataclass(frozen=True)
class Card:
    """A token holding a UZI authentication certificate: one UZI-pas in a reader."""

    label: str
    certificate: x509.Certificate
    certificate_id: bytes
    identity: CardIdentity
    slot: object = field(repr=False, compare=False)

    def flags(self) -> TokenFlag:
        """The token's flags as they are now (a wrong code changes them on a real card); none if unreadable,
        so that the next operation on the card reports the failure with its own code."""
        try:
            return TokenFlag(self.slot.get_token().flags)
        except PKCS11Error:
            return TokenFlag(0)

    @property
    def has_pin_pad(self) -> bool:
        return TokenFlag.PROTECTED_AUTHENTICATION_PATH in self.flags()


def load_module(path: str):
    """The PKCS#11 module at ``path``, initialised; ModuleUnavailable if it cannot be loaded or started."""
    try:
        return pkcs11.lib(path)
    except PKCS11Error as exc:
        raise ModuleUnavailable(Detail(f"{path}: kan niet worden geladen ({type(exc).__name__})",
                                       f"{path}: {type(exc).__name__} {exc}".strip()[:300])) from exc


def find_cards(module_path: str) -> list[Card]:
    """Every token on the module that holds a UZI authentication certificate, in slot order."""
    module = load_module(module_path)
    try:
        slots = module.get_slots(token_present=True)
    except PKCS11Error as exc:
        raise ModuleUnavailable(step(f"{module_path}: sleuven lezen", f"{module_path}: slots", exc)) from exc
    return [card for card in map(_read_card, slots) if card is not None]


def _read_card(slot) -> Card | None:
    """The card in ``slot``, or None for an empty, uninitialised or unreadable token without a UZI certificate."""
    try:
        token = slot.get_token()
        if TokenFlag.TOKEN_INITIALIZED not in TokenFlag(token.flags):
            return None
        with token.open() as session:  # a public session: no security code needed to read certificates
            objects = list(session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}))
            found = [(obj[Attribute.VALUE], obj[Attribute.ID]) for obj in objects]
    except PKCS11Error:
        return None
    for value, cert_id in found:
        try:
            cert = x509.load_der_x509_certificate(value)
        except ValueError:
            continue
        if is_authentication_certificate(cert):
            return Card(token.label.strip(), cert, bytes(cert_id), card_identity(cert), slot)
    return None


def select_card(cards: list[Card], token_label: str | None = None) -> Card:
    """The one card to use: the only one present, or the one whose token label was given."""
    if token_label is not None:
        cards = [card for card in cards if card.label == token_label]
        if not cards:
            raise NoCard(Detail(f"geen UZI-pas met het label {token_label!r}",
                                f"no UZI card with token label {token_label!r}"))
    if not cards:
        raise NoCard()
    if len(cards) > 1:
        raise TwoCards(token_labels(card.label for card in cards))
    return cards[0]


def card_label(label: str) -> Detail:
    """The detail that names the card by its token label."""
    return Detail(f"kaart {label}", f"card {label}")


def token_labels(labels) -> Detail:
    """The labels of the cards found, for a detail."""
    shown = ", ".join(repr(label) for label in labels)
    return Detail(f"labels van de passen: {shown}", f"token labels: {shown}")


def step(nl: str, en: str, exc: Exception) -> Detail:
    """The step of the card that failed, with the PKCS#11 error's name, for a detail."""
    return Detail(f"{nl}: {type(exc).__name__}", f"{en}: {type(exc).__name__}")


def check_pin(pin: str) -> str:
    """Refuse a code of the wrong form before the card sees it, so a typo costs no attempt."""
    if not isinstance(pin, str) or not (MIN_PIN_CHARS <= len(pin) <= MAX_PIN_CHARS) or not pin.isprintable() \
            or any(ch.isspace() for ch in pin):
        raise PinFormat()
    return pin


class CardSigner:
    """A logged-in session on the card that signs with the authentication key."""

    def __init__(self, session, card: Card) -> None:
        self._session, self._card = session, card

    def sign(self, data: bytes) -> bytes:
        """RSA PKCS#1 v1.5 with SHA-256 (CKM_SHA256_RSA_PKCS); raw CKM_RSA_PKCS over a DigestInfo if the
        module lacks the hashing mechanism (some card vendors' modules)."""
        try:
            key = self._session.get_key(object_class=ObjectClass.PRIVATE_KEY, id=self._card.certificate_id)
            try:
                return bytes(key.sign(data, mechanism=Mechanism.SHA256_RSA_PKCS))
            except MechanismInvalid:
                digest_info = SHA256_DIGEST_INFO + hashlib.sha256(data).digest()
                return bytes(key.sign(digest_info, mechanism=Mechanism.RSA_PKCS))
        except NoSuchKey as exc:
            raise CardFailed(Detail("geen private sleutel bij het authenticatiecertificaat",
                                    "no private key beside the authentication certificate")) from exc
        except PKCS11Error as exc:
            raise CardFailed(step("ondertekenen", "signing", exc)) from exc


@contextlib.contextmanager
def logged_in(card: Card, pin: str | None) -> Iterator[CardSigner]:
    """A session logged in with the security code (None: the reader's own PIN pad), closed afterwards."""
    session = _login(card, pin)
    try:
        yield CardSigner(session, card)
    finally:
        with contextlib.suppress(PKCS11Error):
            session.close()


def _login(card: Card, pin: str | None):
    if TokenFlag.USER_PIN_LOCKED in card.flags():
        raise CardBlocked(card_label(card.label))
    try:
        token = card.slot.get_token()
        return token.open(user_pin=pkcs11.PROTECTED_AUTH if pin is None else check_pin(pin))
    except PinIncorrect as exc:
        flags = card.flags()
        if TokenFlag.USER_PIN_LOCKED in flags:
            raise CardBlocked(card_label(card.label)) from exc
        raise PinWrong(card_label(card.label), final_try=TokenFlag.USER_PIN_FINAL_TRY in flags) from exc
    except PinLocked as exc:
        raise CardBlocked(card_label(card.label)) from exc
    except (PinLenRange, PinInvalid) as exc:
        raise PinFormat() from exc
    except PKCS11Error as exc:
        raise CardFailed(step("inloggen op de pas", "login", exc)) from exc
