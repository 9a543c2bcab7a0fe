"""Messages the clients sign, their canonical bytes, and the API paths both sides use.

A signature is over the canonical bytes only, never over JSON as sent: the canonical form is JSON with
sorted keys, no whitespace and ASCII escapes, and it names its own type and version, so that a signature
for one purpose can never be replayed for another (R-FLOW-LOGIN).

Messages carry ``v``, the version of the protocol of the request that carries them (APP_VERSION for the app's,
CARD_VERSION for the Desktop App's): a later version adds fields and a new ``v`` without changing the QR
payloads. The JSON requests and answers themselves are in zorgid.protocol.bodies.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from .errors import MessageMalformed
from .payloads import TOKEN, normalise_origin

# Each client program speaks its own version of the protocol (docs/architecture.md, "The protocol"); its
# requests and answers (zorgid.protocol.bodies) and the messages it signs carry the same number.
# The app: 2 added the server's key share, 3 the device key that signs every unlock (docs/security.md). Older
# versions are refused (ZID-REQUEST-MALFORMED, "werk de app bij").
APP_VERSION = 3
CARD_VERSION = 1  # the Desktop App's card sessions
PIN_PROOF_BYTES = 32
KEY_SHARE_BYTES = 32  # the server's share of the app's key-encryption key
API_PREFIX = "/api/v1"
ACTIVATIONS_PATH = f"{API_PREFIX}/activations"
MAX_SIGNATURE_BYTES = 160
MAX_CSR_CHARS = 4096
CLOCK_SKEW_SECONDS = 300
MAX_DEVICE_KEY_BYTES = 128  # DER SubjectPublicKeyInfo of a P-256 key: 91 bytes
MAX_SIGNED_AT = 2**40  # seconds since 1970: signed_at is below it
MAX_SIGNED_AT_MS = 2**50  # milliseconds since 1970: signed_at_ms is below it


def login_flow_path(flow_id: str) -> str:
    return f"{API_PREFIX}/login-flows/{flow_id}"


def login_approval_path(flow_id: str) -> str:
    return f"{login_flow_path(flow_id)}/approval"


def key_share_unlock_path(mobile_id: str) -> str:
    return f"{API_PREFIX}/key-shares/{mobile_id}/unlock"


def key_share_pin_path(mobile_id: str) -> str:
    return f"{API_PREFIX}/key-shares/{mobile_id}/pin"


def card_flow_path(flow_id: str) -> str:
    return f"{API_PREFIX}/card-flows/{flow_id}"


def card_response_path(flow_id: str) -> str:
    return f"{card_flow_path(flow_id)}/response"


def card_decline_path(flow_id: str) -> str:
    """Where the Desktop App says that the holder answered Nee (the session ends; the waiting page says so)."""
    return f"{card_flow_path(flow_id)}/decline"


def smartcard_keys_path(flow_id: str) -> str:
    """Where the Desktop App sends the new card's public keys and proofs (purpose ``smartcard``)."""
    return f"{card_flow_path(flow_id)}/smartcard"


def canonical_json(obj: dict) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64decode(text: str, *, limit: int = MAX_SIGNATURE_BYTES) -> bytes:
    if not isinstance(text, str) or len(text) > (limit * 4) // 3 + 4:
        raise MessageMalformed("base64 field missing or too long")
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise MessageMalformed("base64 field is not valid") from exc


def _check_signed_message(message, token_fields: tuple[str, ...], version: int) -> None:
    """What every signed message demands: tokens of the right form, a sane time, its protocol's version."""
    for name in token_fields:
        value = getattr(message, name)
        if not isinstance(value, str) or not TOKEN.match(value):
            raise MessageMalformed(f"{name} has an invalid form")
    signed_at = message.signed_at
    if not isinstance(signed_at, int) or isinstance(signed_at, bool) or not 0 < signed_at < MAX_SIGNED_AT:
        raise MessageMalformed("signed_at must be a positive integer (seconds since 1970)")
    if message.version != version:
        raise MessageMalformed(f"message version {message.version} is not supported")
    object.__setattr__(message, "origin", normalise_origin(message.origin))


@dataclass(frozen=True)
class LoginApproval:
    """The holder's "Accepteren" of a login flow: what the app signs with its Mobile ID key, in the version of
    the request that carries it (APP_VERSION)."""

    flow_id: str
    nonce: str
    origin: str
    mobile_id: str
    signed_at: int
    version: int = APP_VERSION

    def __post_init__(self) -> None:
        _check_signed_message(self, ("flow_id", "nonce", "mobile_id"), APP_VERSION)

    def canonical_bytes(self) -> bytes:
        return canonical_json({
            "type": "zorgid.login.approval",
            "v": self.version,
            "flow": self.flow_id,
            "nonce": self.nonce,
            "origin": self.origin,
            "mobile_id": self.mobile_id,
            "signed_at": self.signed_at,
        })


CARD_PURPOSES = ("self-registration", "organisation-validation", "attributes", "smartcard", "smartcard-login")
MAX_CARD_CERTIFICATE_BYTES = 8 * 1024
MAX_CARD_SIGNATURE_BYTES = 1024


@dataclass(frozen=True)
class CardResponse:
    """The Desktop App's answer to a card session: signed with the card's authentication key.

    The signature (RSA PKCS#1 v1.5 with SHA-256, the UZI-pas's mechanism CKM_SHA256_RSA_PKCS) is over these
    canonical bytes, which bind the server's challenge to the flow, the purpose and the origin, so that a
    signature for one session, purpose or server can never be used for another (R-FLOW-SELFREG).
    """

    flow_id: str
    challenge: str
    origin: str
    purpose: str
    signed_at: int
    version: int = CARD_VERSION

    def __post_init__(self) -> None:
        if self.purpose not in CARD_PURPOSES:
            raise MessageMalformed("purpose is not known")
        _check_signed_message(self, ("flow_id", "challenge"), CARD_VERSION)

    def canonical_bytes(self) -> bytes:
        return canonical_json({
            "type": "zorgid.card.response",
            "v": self.version,
            "flow": self.flow_id,
            "challenge": self.challenge,
            "origin": self.origin,
            "purpose": self.purpose,
            "signed_at": self.signed_at,
        })


def _check_id_and_proof(message) -> None:
    if not isinstance(message.mobile_id, str) or not TOKEN.match(message.mobile_id):
        raise MessageMalformed("mobile_id has an invalid form")
    if not isinstance(message.pin_proof, bytes) or len(message.pin_proof) != PIN_PROOF_BYTES:
        raise MessageMalformed(f"pin_proof must be {PIN_PROOF_BYTES} bytes")


@dataclass(frozen=True)
class PinChange:
    """After a restore from backup: the app proves it holds the Mobile ID's key and registers the proof of its new
    PIN and the public key of its new device key (DER SubjectPublicKeyInfo), signed with the Mobile ID's key
    within CLOCK_SKEW_SECONDS of the server's clock."""

    mobile_id: str
    pin_proof: bytes
    signed_at: int
    device_key: bytes

    def __post_init__(self) -> None:
        _check_id_and_proof(self)
        if not isinstance(self.signed_at, int) or isinstance(self.signed_at, bool) or not (
                0 < self.signed_at < MAX_SIGNED_AT):
            raise MessageMalformed("signed_at must be a positive integer (seconds since 1970)")
        if not isinstance(self.device_key, bytes) or not 0 < len(self.device_key) <= MAX_DEVICE_KEY_BYTES:
            raise MessageMalformed(f"device_key must be 1 to {MAX_DEVICE_KEY_BYTES} bytes")

    def canonical_bytes(self) -> bytes:
        return canonical_json({"type": "zorgid.keyshare.pin", "v": APP_VERSION, "mobile_id": self.mobile_id,
                               "pin_proof": b64encode(self.pin_proof), "signed_at": self.signed_at,
                               "device_key": b64encode(self.device_key)})


@dataclass(frozen=True)
class DeviceUnlock:
    """Every unlock of the key share: signed with the device key registered at activation (docs/security.md).

    The device key is not the Mobile ID's key (that one opens only after the unlock) and is not behind the
    PIN, so knowing a Mobile ID's id is not enough to have a PIN proof counted. The signature binds the ID,
    this PIN proof and the time in milliseconds; the server takes each time once, later than the last one
    it accepted and within CLOCK_SKEW_SECONDS of its own clock, so a recorded request cannot be replayed.
    """

    mobile_id: str
    pin_proof: bytes
    signed_at_ms: int

    def __post_init__(self) -> None:
        _check_id_and_proof(self)
        signed = self.signed_at_ms
        if not isinstance(signed, int) or isinstance(signed, bool) or not 0 < signed < MAX_SIGNED_AT_MS:
            raise MessageMalformed("signed_at_ms must be a positive integer (milliseconds since 1970)")

    def canonical_bytes(self) -> bytes:
        return canonical_json({"type": "zorgid.keyshare.unlock", "v": APP_VERSION, "mobile_id": self.mobile_id,
                               "pin_proof": b64encode(self.pin_proof), "signed_at_ms": self.signed_at_ms})
