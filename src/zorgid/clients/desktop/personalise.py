"""Making a ZORG-ID Smartcard from a blank card: the Desktop App's part, through PKCS#11 (README.md).

A blank card comes from its vendor with a transport PIN and a transport SO PIN and no objects. The Desktop
App logs in with them once and:

1. checks that the card is blank (no keys, no certificates), else refuses (ZID-DESKTOP-CARD-NOT-BLANK);
2. generates on the card the key pairs a UZI-pas has (RSA-2048: authentication, signing (non-repudiation),
   encryption), each private key sensitive and never extractable, with the UZI-pas's CKA_IDs and labels;
3. has each new key sign its proof of possession (zorgid.protocol.card_keys.CardKeyProof), bound to the
   flow's challenge, its role and its public key, for the server to check before it certifies the key;
4. replaces the transport PIN with the holder's PIN (6 to 8 digits) and the transport SO PIN with a PUK
   drawn at random, which the holder sees once.

The certificates the server issues are written next to their keys later (:func:`write_certificates`), and a
forgotten PIN is reset with the PUK (:func:`reset_pin`: SO login and C_InitPIN). Retry counters are the
card's business: a real card blocks its PIN or PUK by itself (SoftHSM2 never does).

Like :mod:`.card`, this module loads the PKCS#11 module in the calling process, so a test runs it in a
subprocess with its own ``SOFTHSM2_CONF``. PKCS#11 errors are translated here, where they enter.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from asn1crypto import core
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pkcs11 import Attribute, CertificateType, KeyType, Mechanism, ObjectClass, TokenFlag
from pkcs11.exceptions import (
    MechanismInvalid,
    PinIncorrect,
    PinInvalid,
    PinLenRange,
    PinLocked,
    PKCS11Error,
)

from zorgid.protocol.card_keys import CARD_KEY_ROLES, CardKeyProof
from zorgid.protocol.errors import Detail

from .card import SHA256_DIGEST_INFO, card_label, check_pin, load_module, step, token_labels
from .errors import CardBlocked, CardFailed, ModuleUnavailable, NoCard, PinWrong, TwoCards
from .smartcard_errors import (
    MAX_PIN_CHARS,
    MIN_PIN_CHARS,
    PUK_DIGITS,
    CardNotBlank,
    CertificateMismatch,
    NewPinFormat,
    PukBlocked,
    PukFormat,
    PukWrong,
    TransportPinWrong,
)

KEY_BITS = 2048
NEW_PIN = re.compile(rf"[0-9]{{{MIN_PIN_CHARS},{MAX_PIN_CHARS}}}")  # zorgid-desktop logs in with 6 to 8
PUK = re.compile(rf"[0-9]{{{PUK_DIGITS}}}")
_KEY_CLASSES = (ObjectClass.PRIVATE_KEY, ObjectClass.PUBLIC_KEY, ObjectClass.SECRET_KEY, ObjectClass.CERTIFICATE)


@dataclass(frozen=True)
class CardKeySpec:
    """One key pair of a ZORG-ID Smartcard: its role, and the CKA_ID and label a UZI-pas gives it."""

    role: str
    key_id: bytes
    label: str
    decrypts: bool  # the encryption key decrypts and unwraps; the others sign


CARD_KEYS = (
    CardKeySpec("authentication", b"\x01", "Authenticatie", decrypts=False),
    CardKeySpec("signing", b"\x02", "Handtekening", decrypts=False),
    CardKeySpec("encryption", b"\x03", "Vertrouwelijkheid", decrypts=True),
)
if tuple(spec.role for spec in CARD_KEYS) != CARD_KEY_ROLES:  # the protocol's roles, in its order
    raise ImportError("the card keys do not match zorgid.protocol.card_keys.CARD_KEY_ROLES")
_SPECS = {spec.role: spec for spec in CARD_KEYS}


@dataclass(frozen=True)
class NewCardKey:
    """A key pair generated on the card: its public key (DER SubjectPublicKeyInfo) and proof of possession."""

    role: str
    key_id: bytes
    public_key: bytes
    proof: bytes


@dataclass(frozen=True)
class Personalised:
    """A card made a ZORG-ID Smartcard: its label, the PUK (shown once, never stored) and its new keys."""

    label: str
    puk: str
    keys: tuple[NewCardKey, ...]


def check_new_pin(pin: object) -> str:
    """The holder's chosen PIN: 6 to 8 digits (zorgid-desktop's login accepts no longer code)."""
    if not isinstance(pin, str) or not NEW_PIN.fullmatch(pin):
        raise NewPinFormat()
    return pin


def check_puk(puk: object) -> str:
    if not isinstance(puk, str) or not PUK.fullmatch(puk):
        raise PukFormat()
    return puk


def new_puk() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(PUK_DIGITS))


# --- finding the card -------------------------------------------------------------------------------------------


def _tokens(module_path: str) -> list:
    """The initialised tokens present on the module, in slot order."""
    module = load_module(module_path)
    try:
        tokens = [slot.get_token() for slot in module.get_slots(token_present=True)]
    except PKCS11Error as exc:
        raise ModuleUnavailable(step(f"{module_path}: sleuven lezen", f"{module_path}: slots", exc)) from exc
    return [token for token in tokens if TokenFlag.TOKEN_INITIALIZED in TokenFlag(token.flags)]


def select_token(module_path: str, token_label: str | None = None):
    """The one card to use: the one with ``token_label``, or the only one present."""
    tokens = _tokens(module_path)
    if token_label is not None:
        tokens = [token for token in tokens if token.label.strip() == token_label]
        if not tokens:
            raise NoCard(Detail(f"geen kaart met het label {token_label!r}",
                                f"no card with token label {token_label!r}"))
    if not tokens:
        raise NoCard()
    if len(tokens) > 1:
        raise TwoCards(token_labels(token.label.strip() for token in tokens))
    return tokens[0]


def looks_blank(token) -> bool:
    """No certificates and no keys among the card's public objects (readable without a PIN). Private keys are
    only seen after the login: :func:`personalise` checks again then."""
    try:
        with token.open() as session:
            return not any(next(iter(session.get_objects({Attribute.CLASS: cls})), None) is not None
                           for cls in _KEY_CLASSES)
    except PKCS11Error:
        return False


def find_blank_cards(module_path: str) -> list[str]:
    """The token labels of the cards that look blank, in slot order (for ``zorgid-desktop cards``)."""
    return [token.label.strip() for token in _tokens(module_path) if looks_blank(token)]


# --- sessions ---------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _session(token, *, user_pin: str | None = None, so_pin: str | None = None, wrong=PinWrong) -> Iterator:
    """A read-write session logged in as the user or the security officer; a wrong code raises ``wrong``."""
    try:
        session = token.open(rw=True, user_pin=user_pin, so_pin=so_pin)
    except PinIncorrect as exc:
        raise wrong(card_label(token.label.strip())) from exc
    except PinLocked as exc:
        raise (PukBlocked if so_pin is not None else CardBlocked)(card_label(token.label.strip())) from exc
    except (PinLenRange, PinInvalid) as exc:
        raise wrong(card_label(token.label.strip())) from exc
    except PKCS11Error as exc:
        raise CardFailed(step("inloggen op de kaart", "login", exc)) from exc
    try:
        yield session
    finally:
        with contextlib.suppress(PKCS11Error):
            session.close()


def _holds_keys_or_certificates(session) -> bool:
    return any(next(iter(session.get_objects({Attribute.CLASS: cls})), None) is not None for cls in _KEY_CLASSES)


# --- making the smartcard ---------------------------------------------------------------------------------------


def personalise(
    module_path: str, *, transport_pin: str, transport_so_pin: str, new_pin: str, challenge: str,
    token_label: str | None = None,
) -> Personalised:
    """Make the blank card a ZORG-ID Smartcard (see the module's description); the PUK is in the answer only."""
    new_pin = check_new_pin(new_pin)
    CardKeyProof(challenge, CARD_KEY_ROLES[0], b"\x00")  # the challenge's form, before the card is touched
    token = select_token(module_path, token_label)
    label = token.label.strip()
    if not looks_blank(token):  # a UZI-pas or a smartcard: refused before any code is tried on it
        raise CardNotBlank(card_label(label))
    with _session(token, so_pin=transport_so_pin, wrong=TransportPinWrong):
        pass  # the transport SO PIN is right: it is replaced only after the keys are on the card
    with _session(token, user_pin=transport_pin, wrong=TransportPinWrong) as session:
        if _holds_keys_or_certificates(session):
            raise CardNotBlank(card_label(label))
        made: list = []
        try:
            keys = tuple(_generate(session, spec, challenge, made) for spec in CARD_KEYS)
            try:
                session.set_pin(transport_pin, new_pin)
            except (PinLenRange, PinInvalid) as exc:
                raise NewPinFormat(step(f"{label}: de kaart weigert deze pincode",
                                        f"{label}: the card refuses this PIN", exc)) from exc
            except PKCS11Error as exc:
                raise CardFailed(step("de pincode instellen", "setting the PIN", exc)) from exc
        except BaseException:
            for obj in made:  # the card stays blank when making it fails halfway
                with contextlib.suppress(PKCS11Error):
                    obj.destroy()
            raise
    puk = new_puk()
    try:
        with _session(token, so_pin=transport_so_pin, wrong=TransportPinWrong) as session:
            try:
                session.set_pin(transport_so_pin, puk)
            except PKCS11Error as exc:
                raise CardFailed(step("de PUK-code instellen", "setting the PUK", exc)) from exc
    except BaseException:  # the PUK is not set (or not known to be): the keys and the holder's PIN go again
        with contextlib.suppress(Exception):
            _blank_again(token, user_pins=(new_pin,), so_pins=(), transport_pin=transport_pin,
                         transport_so_pin=transport_so_pin)
        raise
    return Personalised(label, puk, keys)


# --- when the making fails after the card was personalised ------------------------------------------------------


def make_blank_again(
    module_path: str, *, token_label: str, new_pin: str, puk: str, transport_pin: str, transport_so_pin: str,
) -> str:
    """Put a card :func:`personalise` made back to blank: its keys and certificates destroyed, the PIN back to the
    transport PIN and the PUK back to the transport SO PIN (when the server refused its keys, or writing its
    certificates failed). Codes that are no longer the card's are tried only when the expected one is refused,
    so the card's retry counters see at most one wrong code each. Returns the card's label."""
    token = select_token(module_path, token_label)
    _blank_again(token, user_pins=(new_pin, transport_pin), so_pins=(puk, transport_so_pin),
                 transport_pin=transport_pin, transport_so_pin=transport_so_pin)
    return token.label.strip()


def _blank_again(token, *, user_pins: tuple[str, ...], so_pins: tuple[str, ...], transport_pin: str,
                 transport_so_pin: str) -> None:
    user_pins = tuple(dict.fromkeys(user_pins + (transport_pin,)))
    so_pins = tuple(dict.fromkeys(so_pins + (transport_so_pin,)))
    with _first_session(token, user_pins, as_so=False) as (session, pin):
        try:
            for cls in _KEY_CLASSES:
                for obj in list(session.get_objects({Attribute.CLASS: cls})):
                    obj.destroy()
            if pin != transport_pin:
                session.set_pin(pin, transport_pin)
        except PKCS11Error as exc:
            raise CardFailed(step("de kaart weer blanco maken", "making the card blank again", exc)) from exc
    with _first_session(token, so_pins, as_so=True) as (session, so_pin):
        if so_pin != transport_so_pin:
            try:
                session.set_pin(so_pin, transport_so_pin)
            except PKCS11Error as exc:
                raise CardFailed(step("de transport-SO-PIN terugzetten", "setting the transport SO PIN again",
                                      exc)) from exc


@contextlib.contextmanager
def _first_session(token, codes: tuple[str, ...], *, as_so: bool) -> Iterator:
    """A session logged in with the first of ``codes`` the card accepts, and that code."""
    for code in codes:
        try:
            with _session(token, **{"so_pin" if as_so else "user_pin": code}) as session:
                yield session, code
                return
        except PinWrong:
            continue
    raise PinWrong(card_label(token.label.strip()))


def _generate(session, spec: CardKeySpec, challenge: str, made: list) -> NewCardKey:
    """An RSA key pair on the card; the private key signs the proof of possession of its public key."""
    private_template = {
        Attribute.TOKEN: True, Attribute.PRIVATE: True, Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False,
        Attribute.DERIVE: False, Attribute.SIGN: True, Attribute.DECRYPT: spec.decrypts,
        Attribute.UNWRAP: spec.decrypts,
    }
    public_template = {
        Attribute.TOKEN: True, Attribute.PRIVATE: False, Attribute.VERIFY: True,
        Attribute.ENCRYPT: spec.decrypts, Attribute.WRAP: spec.decrypts,
    }
    try:
        public, private = session.generate_keypair(
            KeyType.RSA, KEY_BITS, id=spec.key_id, label=spec.label, store=True,
            public_template=public_template, private_template=private_template,
        )
        made.extend((public, private))
        modulus = int.from_bytes(public[Attribute.MODULUS], "big")
        exponent = int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big")
        der = rsa.RSAPublicNumbers(exponent, modulus).public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        proof = _sign(private, CardKeyProof(challenge, spec.role, der).canonical_bytes())
        if spec.decrypts:
            private[Attribute.SIGN] = False  # the encryption key signed its proof; from now on it only decrypts
    except PKCS11Error as exc:
        raise CardFailed(step(f"sleutel {spec.role}", f"{spec.role} key", exc)) from exc
    return NewCardKey(spec.role, spec.key_id, der, proof)


def _sign(private, data: bytes) -> bytes:
    """RSA PKCS#1 v1.5 with SHA-256, as :class:`.card.CardSigner` signs (raw CKM_RSA_PKCS as its fallback)."""
    try:
        return bytes(private.sign(data, mechanism=Mechanism.SHA256_RSA_PKCS))
    except MechanismInvalid:
        return bytes(private.sign(SHA256_DIGEST_INFO + hashlib.sha256(data).digest(), mechanism=Mechanism.RSA_PKCS))


# --- after the server flow: the certificates --------------------------------------------------------------------


def write_certificates(
    module_path: str, *, pin: str, certificates: Mapping[str, bytes], token_label: str | None = None,
) -> None:
    """Write the certificates the server issued (DER, by role) next to their keys, as public objects with the
    key's CKA_ID and label; each must certify the public key of its role on this card."""
    parsed = {}
    for role, der in certificates.items():
        if role not in _SPECS:
            raise CertificateMismatch(Detail(f"onbekende rol {str(role)[:40]!r}", f"unknown role {str(role)[:40]!r}"))
        try:
            parsed[role] = x509.load_der_x509_certificate(der)
        except (TypeError, ValueError) as exc:
            raise CertificateMismatch(Detail(f"{role}: geen DER-certificaat",
                                             f"{role}: not a DER certificate")) from exc
    token = select_token(module_path, token_label)
    with _session(token, user_pin=check_pin(pin)) as session:
        try:
            for role, certificate in parsed.items():
                _store_certificate(session, _SPECS[role], certificate)
        except PKCS11Error as exc:
            raise CardFailed(step("certificaten schrijven", "writing certificates", exc)) from exc


def _store_certificate(session, spec: CardKeySpec, certificate: x509.Certificate) -> None:
    found = list(session.get_objects({Attribute.CLASS: ObjectClass.PUBLIC_KEY, Attribute.ID: spec.key_id}))
    if len(found) != 1:
        raise CertificateMismatch(Detail(f"{spec.role}: geen sleutel op de kaart", f"{spec.role}: no key on the card"))
    public = found[0]
    card_key = rsa.RSAPublicNumbers(int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
                                    int.from_bytes(public[Attribute.MODULUS], "big"))
    certified = certificate.public_key()
    if not isinstance(certified, rsa.RSAPublicKey) or certified.public_numbers() != card_key:
        raise CertificateMismatch(Detail(f"{spec.role}: het certificaat is voor een andere sleutel",
                                         f"{spec.role}: the certificate is for another key"))
    for old in list(session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.ID: spec.key_id})):
        old.destroy()  # a certificate issued again replaces the one before it
    session.create_object({
        Attribute.CLASS: ObjectClass.CERTIFICATE,
        Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
        Attribute.TOKEN: True,
        Attribute.PRIVATE: False,
        Attribute.ID: spec.key_id,
        Attribute.LABEL: spec.label,
        Attribute.SUBJECT: certificate.subject.public_bytes(),
        Attribute.ISSUER: certificate.issuer.public_bytes(),
        Attribute.SERIAL_NUMBER: core.Integer(certificate.serial_number).dump(),
        Attribute.VALUE: certificate.public_bytes(serialization.Encoding.DER),
    })


# --- a forgotten PIN --------------------------------------------------------------------------------------------


def reset_pin(module_path: str, *, puk: str, new_pin: str, token_label: str | None = None) -> str:
    """Set a new PIN with the PUK (the security officer's login and C_InitPIN); returns the card's label."""
    new_pin, puk = check_new_pin(new_pin), check_puk(puk)
    token = select_token(module_path, token_label)
    with _session(token, so_pin=puk, wrong=PukWrong) as session:
        try:
            session.init_pin(new_pin)
        except PKCS11Error as exc:
            raise CardFailed(step("de pincode instellen", "setting the PIN", exc)) from exc
    return token.label.strip()
