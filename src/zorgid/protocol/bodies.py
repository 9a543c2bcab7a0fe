"""The JSON bodies of the API, each defined once: what a client sends and what the server answers.

Both sides use these classes (docs/architecture.md, "The protocol"): a client builds its request with
``to_json`` and reads the answer with ``from_json``; the server's API views read the request with
``from_json`` and build the answer with ``to_json``; the OpenAPI schema at ``/api/schema/`` is derived from
the same fields (zorgid.api.serializers). A field added here is therefore sent, read and documented at once.

Every request names its protocol version ``v`` (``version``), and so do the answers a client reads before it
acts (the activation, the login flow, the card flow): APP_VERSION for the app, CARD_VERSION for the Desktop App;
the messages those programs sign carry the same number as the request that carries them
(zorgid.protocol.messages). Everything read is outside
input: ``from_json`` checks each field's type and bounds and raises the reader's error with a reason
(MessageMalformed on the server, the client's own "answer invalid" error in a client). Unknown fields are
ignored, so a newer peer may add one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from .card_keys import CARD_KEY_ROLES, MAX_CARD_KEY_PROOF_BYTES, MAX_CARD_PUBLIC_KEY_BYTES
from .device_names import MAX_DEVICE_NAME_CHARS, MAX_DEVICE_NAME_WIRE_CHARS
from .errors import MessageMalformed, ZorgidError
from .messages import (
    APP_VERSION,
    CARD_PURPOSES,
    CARD_VERSION,
    KEY_SHARE_BYTES,
    MAX_CARD_CERTIFICATE_BYTES,
    MAX_CARD_SIGNATURE_BYTES,
    MAX_CSR_CHARS,
    MAX_DEVICE_KEY_BYTES,
    MAX_SIGNATURE_BYTES,
    MAX_SIGNED_AT,
    MAX_SIGNED_AT_MS,
    PIN_PROOF_BYTES,
    b64decode,
    b64encode,
)
from .payloads import TOKEN

MAX_PEM_CHARS = 8192
MAX_CHAIN = 5
MAX_NAME_CHARS = 200
MAX_ORIGIN_CHARS = 200
MAX_STATE_CHARS = 32
MAX_MOMENT_CHARS = 40
MAX_WRONG_TRIES = 10_000
MAX_NEW_CODES = 20
BASE64URL = re.compile(r"^[A-Za-z0-9_-]*$")
DEVICE_NAME_HELP = (f"the phone's name as the organisation's beheerder sees it: at most {MAX_DEVICE_NAME_CHARS} "
                    "characters after trimming, no control or format character (zorgid.protocol.device_names)")


def base64_chars(size: int) -> int:
    """The length of ``size`` bytes in base64url without padding."""
    return (size * 4 + 2) // 3


@dataclass(frozen=True)
class Wire:
    """How one field travels: its JSON kind and bounds (also what the OpenAPI schema says of it).

    kind: "text", "integer", "boolean", "bytes" (base64url text), "moment" (ISO 8601 with a time zone),
    "texts" (a list of text), "object" (a nested body) or "objects" (a list of them).
    """

    kind: str
    help: str = ""
    max_length: int = 0  # text: characters; bytes: bytes; texts, objects: items
    item_length: int = 0  # texts: characters of each
    exact: bool = False  # bytes: exactly max_length
    minimum: int | None = None
    maximum: int | None = None
    pattern: re.Pattern | None = None
    choices: tuple[str, ...] = ()
    nullable: bool = False
    optional: bool = False  # may be left out (read as its default)
    body: type[Body] | None = None

    def read(self, value: object, name: str, error: type[ZorgidError]) -> object:
        if value is None and self.nullable:
            return None
        reader = getattr(self, f"_read_{self.kind}")
        return reader(value, name, error)

    def write(self, value: Any) -> object:
        if value is None:
            return None
        if self.kind == "bytes":
            return b64encode(value)
        if self.kind == "moment":
            return value.isoformat()
        if self.kind == "texts":
            return list(value)
        if self.kind == "object":
            return value.to_json()
        if self.kind == "objects":
            return [item.to_json() for item in value]
        return value

    def _read_text(self, value: object, name: str, error: type[ZorgidError], limit: int = 0) -> str:
        limit = limit or self.max_length
        if not isinstance(value, str) or not value or len(value) > limit:
            raise error(f"{name} must be text of 1 to {limit} characters")
        if self.pattern is not None and not self.pattern.match(value):
            raise error(f"{name} has an invalid form")
        if self.choices and value not in self.choices:
            raise error(f"{name} is not one of {', '.join(self.choices)}")
        return value

    def _read_integer(self, value: object, name: str, error: type[ZorgidError]) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise error(f"{name} must be an integer")
        if (self.minimum is not None and value < self.minimum) or (self.maximum is not None and value > self.maximum):
            raise error(f"{name} must be from {self.minimum} to {self.maximum}")
        return value

    def _read_boolean(self, value: object, name: str, error: type[ZorgidError]) -> bool:
        if not isinstance(value, bool):
            raise error(f"{name} must be true or false")
        return value

    def _read_bytes(self, value: object, name: str, error: type[ZorgidError]) -> bytes:
        try:
            data = b64decode(value, limit=self.max_length)  # type: ignore[arg-type]
        except MessageMalformed as exc:
            raise error(f"{name}: {exc.detail}") from exc
        if not data or len(data) > self.max_length or (self.exact and len(data) != self.max_length):
            raise error(f"{name} must be {'' if self.exact else '1 to '}{self.max_length} bytes")
        return data

    def _read_moment(self, value: object, name: str, error: type[ZorgidError]) -> dt.datetime:
        if not isinstance(value, str) or len(value) > MAX_MOMENT_CHARS:
            raise error(f"{name} is not a time")
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError as exc:
            raise error(f"{name} is not a time") from exc
        if moment.tzinfo is None:
            raise error(f"{name} has no time zone")
        return moment

    def _read_texts(self, value: object, name: str, error: type[ZorgidError]) -> tuple[str, ...]:
        if not isinstance(value, list) or len(value) > self.max_length:
            raise error(f"{name} must be a list of at most {self.max_length} texts")
        return tuple(self._read_text(item, name, error, self.item_length) for item in value)

    def _read_object(self, value: object, name: str, error: type[ZorgidError]) -> Body:
        return self.body.from_json(value, error, name)  # type: ignore[union-attr]

    def _read_objects(self, value: object, name: str, error: type[ZorgidError]) -> tuple[Body, ...]:
        if not isinstance(value, list) or len(value) > self.max_length:
            raise error(f"{name} must be a list of at most {self.max_length} entries")
        return tuple(self.body.from_json(item, error, name) for item in value)  # type: ignore[union-attr]


def wire(kind: str, default: object = dataclasses.MISSING, **spec: Any) -> Any:
    """A dataclass field that travels as ``kind`` (see Wire)."""
    return dataclasses.field(default=default, metadata={"wire": Wire(kind, **spec)})


def text(max_length: int, help: str = "", **spec: Any) -> Any:
    return wire("text", max_length=max_length, help=help, **spec)


def token(help: str = "") -> Any:
    return text(64, help, pattern=TOKEN)


def integer(minimum: int, maximum: int, help: str = "") -> Any:
    return wire("integer", minimum=minimum, maximum=maximum, help=help)


def base64(size: int, help: str = "", *, exact: bool = False) -> Any:
    return wire("bytes", max_length=size, exact=exact, help=help)


def moment(help: str = "", *, nullable: bool = False) -> Any:
    return wire("moment", help=help, nullable=nullable)


class Body:
    """A JSON object of the API; a subclass is a frozen dataclass whose fields are made with ``wire``."""

    version: ClassVar[int | None] = None  # the ``v`` it carries; None: none (a nested part, or a plain answer)

    @classmethod
    def wire_fields(cls) -> list[tuple[str, Wire]]:
        return [(item.name, item.metadata["wire"]) for item in dataclasses.fields(cls)]  # type: ignore[arg-type]

    @classmethod
    def from_json(cls, data: object, error: type[ZorgidError] = MessageMalformed, where: str = "") -> Self:
        """Read ``data`` (parsed JSON); anything unexpected raises ``error`` with the reason."""
        prefix = f"{where}." if where else ""
        if not isinstance(data, dict):
            raise error(f"{where or 'the body'} must be a JSON object")
        if cls.version is not None and (data.get("v") != cls.version or isinstance(data.get("v"), bool)):
            raise error(f"v must be {cls.version}, not {str(data.get('v'))[:20]}")
        values = {}
        for name, spec in cls.wire_fields():
            if name in data:
                values[name] = spec.read(data[name], prefix + name, error)
            elif not spec.optional:
                raise error(f"{prefix}{name} is missing")
        return cls(**values)

    def to_json(self) -> dict[str, object]:
        body: dict[str, object] = {} if self.version is None else {"v": self.version}
        for name, spec in self.wire_fields():
            value = getattr(self, name)
            if spec.optional and spec.kind == "text" and value == "":
                continue  # an optional text left empty is left out (an older peer never knew it)
            body[name] = spec.write(value)
        return body


# The app (APP_VERSION): activation, unlock, login, new PIN after a restore.


@dataclass(frozen=True)
class ActivationRequest(Body):
    version = APP_VERSION
    code: str = text(64, "the one-time activation code of the QR code")
    csr: str = text(MAX_CSR_CHARS, "PKCS#10 request, PEM, EC P-256 key")
    pin_proof: bytes = base64(PIN_PROOF_BYTES, "from argon2id of the PIN with the app's salt", exact=True)
    device_key: bytes = base64(MAX_DEVICE_KEY_BYTES, "the app's device key that signs every unlock: EC P-256 "
                               "public key, DER SubjectPublicKeyInfo")
    # added within APP_VERSION 3: an older app leaves it out, and the Mobile ID is then shown by its date alone
    device_name: str = text(MAX_DEVICE_NAME_WIRE_CHARS, DEVICE_NAME_HELP, default="", optional=True)


@dataclass(frozen=True)
class Holder(Body):
    first_names: str = text(MAX_NAME_CHARS)
    last_name: str = text(MAX_NAME_CHARS)
    birth_date: str = text(10, "dd-mm-jjjj")


@dataclass(frozen=True)
class ActivationResponse(Body):
    version = APP_VERSION
    key_share: bytes = base64(KEY_SHARE_BYTES, "given this once", exact=True)
    mobile_id: str = token()
    certificate: str = text(MAX_PEM_CHARS, "PEM")
    chain: tuple[str, ...] = wire("texts", max_length=MAX_CHAIN, item_length=MAX_PEM_CHARS,
                                  help="issuing CA, then root CA, PEM")
    holder: Holder = wire("object", body=Holder)
    server: str = text(MAX_ORIGIN_CHARS, "the server's origin")


@dataclass(frozen=True)
class Requester(Body):
    name: str = text(MAX_NAME_CHARS)
    origin: str = text(MAX_ORIGIN_CHARS)


@dataclass(frozen=True)
class LoginFlowResponse(Body):
    version = APP_VERSION
    flow: str = token()
    nonce: str = token("signed in the LoginApproval")
    origin: str = text(MAX_ORIGIN_CHARS, "signed in the LoginApproval")
    requester: Requester = wire("object", body=Requester)
    expires_at: dt.datetime = moment()
    state: str = text(MAX_STATE_CHARS)


@dataclass(frozen=True)
class LoginApprovalRequest(Body):
    version = APP_VERSION
    unlock_token: str = text(64, "from the key share's unlock, once")
    mobile_id: str = text(64)
    signed_at: int = integer(1, MAX_SIGNED_AT - 1, "seconds since 1970")
    signature: str = text(base64_chars(MAX_SIGNATURE_BYTES), "ECDSA-SHA256 over the LoginApproval, DER, base64url",
                          pattern=BASE64URL)


@dataclass(frozen=True)
class StateResponse(Body):
    """The state of a flow after the app's approval or the Desktop App's answer."""

    state: str = text(MAX_STATE_CHARS)


@dataclass(frozen=True)
class KeyShareUnlockRequest(Body):
    version = APP_VERSION
    pin_proof: bytes = base64(PIN_PROOF_BYTES, exact=True)
    signed_at_ms: int = integer(1, MAX_SIGNED_AT_MS - 1, "milliseconds since 1970; each later than the last")
    signature: bytes = base64(MAX_SIGNATURE_BYTES, "the device key's ECDSA over the DeviceUnlock, DER")


@dataclass(frozen=True)
class NewActivationCode(Body):
    issued_at: dt.datetime = moment()
    used: bool = wire("boolean", help="used by another Mobile ID")


@dataclass(frozen=True)
class DataCorrected(Body):
    """The holder's names and birth date as the service desk or an organisation corrected them (docs/security.md,
    "Correcting a person's data"): told once, at the first unlock after the correction."""

    corrected_at: dt.datetime = moment()
    by_servicedesk: bool = wire("boolean", help="corrected by the ZORG-ID service desk (else by an organisation)")
    by: str = text(MAX_NAME_CHARS, "the organisation's name, or 'servicedesk'")
    holder: Holder = wire("object", body=Holder, help="the names and birth date now")


@dataclass(frozen=True)
class KeyShareUnlockResponse(Body):
    key_share: bytes = base64(KEY_SHARE_BYTES, exact=True)
    unlock_token: str = token("one-time, 2 minutes: the next approval carries it")
    wrong_tries_since_last_use: int = integer(0, MAX_WRONG_TRIES, "wrong PIN proofs since the last right one")
    last_use_at: dt.datetime | None = moment("the last right PIN proof; null: none yet", nullable=True)
    new_activation_codes: tuple[NewActivationCode, ...] = wire(
        "objects", body=NewActivationCode, max_length=MAX_NEW_CODES, help="issued for the holder since the last use")
    # added within APP_VERSION 3: an older app ignores it (unknown fields are ignored), a server before it leaves it out
    data_corrected: DataCorrected | None = wire(
        "object", default=None, body=DataCorrected, nullable=True, optional=True,
        help="his names or birth date corrected since this app's last use; null: not corrected")


@dataclass(frozen=True)
class KeySharePinRequest(Body):
    version = APP_VERSION
    pin_proof: bytes = base64(PIN_PROOF_BYTES, exact=True)
    signed_at: int = integer(1, MAX_SIGNED_AT - 1, "seconds since 1970")
    signature: bytes = base64(MAX_SIGNATURE_BYTES, "the Mobile ID key's ECDSA over the PinChange, DER")
    device_key: bytes = base64(MAX_DEVICE_KEY_BYTES, "the restored app's new device key, as at activation")
    # added within APP_VERSION 3, as at activation; not signed (a name to read, no key): left out, the name is cleared
    device_name: str = text(MAX_DEVICE_NAME_WIRE_CHARS, DEVICE_NAME_HELP, default="", optional=True)


@dataclass(frozen=True)
class KeySharePinResponse(Body):
    key_share: bytes = base64(KEY_SHARE_BYTES, exact=True)


# The Desktop App (CARD_VERSION): a card session.


@dataclass(frozen=True)
class CardFlowResponse(Body):
    version = CARD_VERSION
    flow: str = token()
    challenge: str = token("signed in the CardResponse")
    purpose: str = text(32, choices=CARD_PURPOSES)
    purpose_text: str = text(MAX_NAME_CHARS, "what the Desktop App shows in its connection request")
    origin: str = text(MAX_ORIGIN_CHARS, "signed in the CardResponse")
    requester: Requester = wire("object", body=Requester)
    expires_at: dt.datetime = moment()
    state: str = text(MAX_STATE_CHARS)


@dataclass(frozen=True)
class CardAnswerRequest(Body):
    version = CARD_VERSION
    certificate: str = text(MAX_CARD_CERTIFICATE_BYTES, "the UZI-pas's authentication certificate, PEM")
    signed_at: int = integer(1, MAX_SIGNED_AT - 1, "seconds since 1970")
    signature: str = text(base64_chars(MAX_CARD_SIGNATURE_BYTES), "RSA PKCS#1 v1.5 SHA-256 (or ECDSA) over the "
                          "CardResponse, base64url", pattern=BASE64URL)
    chain: tuple[str, ...] = wire("texts", (), max_length=MAX_CHAIN, item_length=MAX_CARD_CERTIFICATE_BYTES,
                                  optional=True)


@dataclass(frozen=True)
class CardDeclineRequest(Body):
    """The holder answered Nee: the challenge of the session read from the card-session address (docs/security.md,
    "Nee in the Desktop App")."""

    version = CARD_VERSION
    challenge: str = token("the session's challenge, as the card flow answer gave it")


# Making a ZORG-ID Smartcard (purpose "smartcard"): after the UZI-pas answered, the blank card's new keys.


@dataclass(frozen=True)
class SmartcardKey(Body):
    role: str = text(32, "authentication, signing or encryption (zorgid.protocol.card_keys)",
                     choices=CARD_KEY_ROLES)
    public_key: bytes = base64(MAX_CARD_PUBLIC_KEY_BYTES, "DER SubjectPublicKeyInfo of the key made on the card")
    proof: bytes = base64(MAX_CARD_KEY_PROOF_BYTES, "the key's signature over its CardKeyProof")


@dataclass(frozen=True)
class SmartcardKeysRequest(Body):
    version = CARD_VERSION
    keys: tuple[SmartcardKey, ...] = wire("objects", body=SmartcardKey, max_length=len(CARD_KEY_ROLES),
                                          help="one per role")
    answer_digest: bytes = base64(32, "SHA-256 of the signature sent with the UZI-pas's answer of this session: the "
                                  "keys come from the Desktop App that answered", exact=True)


@dataclass(frozen=True)
class SmartcardCertificate(Body):
    role: str = text(32, choices=CARD_KEY_ROLES)
    certificate: bytes = base64(MAX_CARD_CERTIFICATE_BYTES, "DER, to be written next to the role's key")


@dataclass(frozen=True)
class SmartcardKeysResponse(Body):
    version = CARD_VERSION
    card_number: str = text(MAX_STATE_CHARS, "the smartcard's card number")
    certificates: tuple[SmartcardCertificate, ...] = wire("objects", body=SmartcardCertificate,
                                                          max_length=len(CARD_KEY_ROLES))
    not_after: dt.datetime = moment("end of the certificates' validity")
    state: str = text(MAX_STATE_CHARS, "the card session's state (completed)")
    chain: tuple[str, ...] = wire("texts", (), max_length=MAX_CHAIN, item_length=MAX_CARD_CERTIFICATE_BYTES,
                                  help="the smartcard CA and its root, PEM")


# The Validatietool: its request is the signed XML document itself.


@dataclass(frozen=True)
class ApplicationDocumentResponse(Body):
    reference: str = text(MAX_STATE_CHARS)
    state: str = text(MAX_STATE_CHARS)


# Every refusal (ZorgidError.as_dict).


@dataclass(frozen=True)
class ErrorText(Body):
    nl: str = text(1000)
    en: str = text(1000)


@dataclass(frozen=True)
class ErrorBody(Body):
    code: str = text(64, "stable code, listed on /foutmeldingen")
    status: int = integer(400, 599)
    cause: ErrorText = wire("object", body=ErrorText)
    solution: ErrorText = wire("object", body=ErrorText)
    detail: str = text(1000, default="", optional=True)

    def to_json(self) -> dict[str, object]:
        body = super().to_json()
        if not self.detail:
            body.pop("detail", None)
        return body


@dataclass(frozen=True)
class ErrorResponse(Body):
    error: ErrorBody = wire("object", body=ErrorBody)


API_BODIES: tuple[type[Body], ...] = (
    ActivationRequest, ActivationResponse, LoginFlowResponse, LoginApprovalRequest, StateResponse,
    KeyShareUnlockRequest, KeyShareUnlockResponse, KeySharePinRequest, KeySharePinResponse, CardFlowResponse,
    CardAnswerRequest, CardDeclineRequest, ApplicationDocumentResponse, ErrorResponse,
)
