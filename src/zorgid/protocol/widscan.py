"""The WID scan app's protocol (R-FLOW-WIDSCAN): linking it to a Mobile ID, and recording a check it made.

The WID scan app (``zorgid-widscan``) is a second app beside the ZORG-ID app. It has a key of its own (EC P-256),
linked to one Mobile ID; it signs each WID check it records with that key. The link is made in four steps
(docs/architecture.md, "The WID scan app"):

1. The ZORG-ID app unlocks its key (PIN, key share) and signs a :class:`WidScanLinkOffer`; the server answers with
   a link id and a one-time link code, valid LINK_SECONDS, which the app shows as a ``zorgid-widscan://link`` QR.
2. The WID scan app scans it, makes its key and claims the link with the code, its public key and a proof that
   it holds the key (:class:`WidScanLinkClaim`). The server answers with the holder's name and a six-digit
   confirmation code derived from the link and the public key, which both apps show.
3. The ZORG-ID app, which polls the link's state with the code, sees the claim, shows the same confirmation code
   and asks its holder; on "ja" it signs a :class:`WidScanLinkApproval` (naming the WID scan key's digest) with
   the Mobile ID key already unlocked in step 1; on "nee" it declines.
4. The WID scan app, polling with the code, sees ``linked``.

A link works only while its Mobile ID is active and its person not blocked; a new link replaces the old one.
A recorded check (:class:`WidCheckRecord`) carries the document's type, the last four characters of its number,
its expiry and the outcome, never the whole number, the names or a photo.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from urllib.parse import quote

from .bodies import BASE64URL, Body, Holder, base64, base64_chars, integer, moment, text, token, wire
from .device_names import MAX_DEVICE_NAME_WIRE_CHARS
from .errors import Detail, MessageMalformed, PayloadMalformed
from .messages import (
    API_PREFIX,
    APP_VERSION,
    MAX_DEVICE_KEY_BYTES,
    MAX_SIGNATURE_BYTES,
    MAX_SIGNED_AT,
    b64encode,
    canonical_json,
)
from .payloads import TOKEN, normalise_origin, parse_uri

WIDSCAN_SCHEME = "zorgid-widscan"
WIDSCAN_VERSION = 1  # the WID scan app's requests and the messages it signs
LINK_SECONDS = 600  # a link offer is claimed and approved within 10 minutes
CONFIRMATION_DIGITS = 6
DOCUMENT_TYPES = ("paspoort", "identiteitskaart", "rijbewijs", "verblijfsdocument")
OUTCOMES = ("geldig", "ongeldig")
PURPOSES = ("patient", "medewerker")  # a patient's document, or an employee's before his registration
MAX_FAILED_CHECKS = 16
CHECK_KEY = re.compile(r"^[a-z_]{1,40}$")
LAST4 = re.compile(r"^[A-Z0-9]{4}$")
LINK_STATES = ("offered", "claimed", "linked", "declined", "expired", "ended")


def widscan_links_path() -> str:
    return f"{API_PREFIX}/widscan-links"


def widscan_link_path(link: str) -> str:
    return f"{widscan_links_path()}/{link}"


def widscan_claim_path(link: str) -> str:
    return f"{widscan_link_path(link)}/claim"


def widscan_state_path(link: str) -> str:
    """POST with the link code (never in the address, which lands in access logs): the link's state."""
    return f"{widscan_link_path(link)}/state"


def widscan_approval_path(link: str) -> str:
    return f"{widscan_link_path(link)}/approval"


def widscan_decline_path(link: str) -> str:
    return f"{widscan_link_path(link)}/decline"


def widscan_checks_path() -> str:
    return f"{API_PREFIX}/widscan-checks"


def key_digest(public_key_der: bytes) -> str:
    """The WID scan key's name in signed messages: SHA-256 of its DER SubjectPublicKeyInfo, base64url."""
    return b64encode(hashlib.sha256(public_key_der).digest())


def confirmation_code(link: str, public_key_der: bytes) -> str:
    """The six digits both apps show before the holder approves the link: the same on both sides only when the
    server gave the ZORG-ID app the key that the WID scan app made."""
    return confirmation_code_of_digest(link, key_digest(public_key_der))


def confirmation_code_of_digest(link: str, digest_of_key: str) -> str:
    """The confirmation code of the key whose digest (key_digest) the ZORG-ID app approves: it checks that the code
    it shows belongs to the key it signs for."""
    digest = hashlib.sha256(canonical_json({"type": "zorgid.widscan.confirmation", "link": link,
                                            "key": digest_of_key})).digest()
    return str(int.from_bytes(digest[:8], "big") % 10**CONFIRMATION_DIGITS).zfill(CONFIRMATION_DIGITS)


# The QR code the ZORG-ID app shows.


@dataclass(frozen=True)
class WidScanLinkPayload:
    """``zorgid-widscan://link?v=1&server=…&link=…&code=…``: what the WID scan app scans to link itself."""

    server: str
    link: str
    code: str
    kind = "link"

    def __post_init__(self) -> None:
        object.__setattr__(self, "server", normalise_origin(self.server))
        for value, nl, en in ((self.link, "de koppeling", "link"), (self.code, "de koppelcode", "link code")):
            if not isinstance(value, str) or not TOKEN.match(value):
                raise PayloadMalformed(Detail(f"{nl} heeft een ongeldige vorm", f"{en} has an invalid form"))

    def to_uri(self) -> str:
        return (f"{WIDSCAN_SCHEME}://{self.kind}?v=1&server={quote(self.server, safe='')}"
                f"&link={self.link}&code={self.code}")


def parse_widscan_payload(text: str) -> WidScanLinkPayload:
    """Read a scanned link QR (or the pasted text); anything unexpected raises PayloadMalformed."""
    return parse_uri(text, WIDSCAN_SCHEME, {"link": (WidScanLinkPayload, ("link", "code"))})


# What is signed.


def _check_moment(signed_at: object) -> None:
    if not isinstance(signed_at, int) or isinstance(signed_at, bool) or not 0 < signed_at < MAX_SIGNED_AT:
        raise MessageMalformed("signed_at must be a positive integer (seconds since 1970)")


def _check_tokens(**values: object) -> None:
    for name, value in values.items():
        if not isinstance(value, str) or not TOKEN.match(value):
            raise MessageMalformed(f"{name} has an invalid form")


@dataclass(frozen=True)
class WidScanLinkOffer:
    """Step 1: the ZORG-ID app, its key unlocked, offers a link (signed with the Mobile ID key)."""

    mobile_id: str
    signed_at: int

    def __post_init__(self) -> None:
        _check_tokens(mobile_id=self.mobile_id)
        _check_moment(self.signed_at)

    def canonical_bytes(self) -> bytes:
        return canonical_json({"type": "zorgid.widscan.offer", "v": APP_VERSION, "mobile_id": self.mobile_id,
                               "signed_at": self.signed_at})


@dataclass(frozen=True)
class WidScanLinkClaim:
    """Step 2: the WID scan app proves it holds the key it names (signed with that new key)."""

    link: str
    code: str
    public_key: bytes
    signed_at: int

    def __post_init__(self) -> None:
        _check_tokens(link=self.link, code=self.code)
        _check_moment(self.signed_at)
        if not isinstance(self.public_key, bytes) or not 0 < len(self.public_key) <= MAX_DEVICE_KEY_BYTES:
            raise MessageMalformed(f"public_key must be 1 to {MAX_DEVICE_KEY_BYTES} bytes")

    def canonical_bytes(self) -> bytes:
        return canonical_json({"type": "zorgid.widscan.claim", "v": WIDSCAN_VERSION, "link": self.link,
                               "code": self.code, "key": b64encode(self.public_key), "signed_at": self.signed_at})


@dataclass(frozen=True)
class WidScanLinkApproval:
    """Step 3: the holder's "ja" in the ZORG-ID app, for the WID scan key it names (signed with the Mobile ID key)."""

    link: str
    mobile_id: str
    key_digest: str
    signed_at: int

    def __post_init__(self) -> None:
        _check_tokens(link=self.link, mobile_id=self.mobile_id, key_digest=self.key_digest)
        _check_moment(self.signed_at)

    def canonical_bytes(self) -> bytes:
        return canonical_json({"type": "zorgid.widscan.approval", "v": APP_VERSION, "link": self.link,
                               "mobile_id": self.mobile_id, "key": self.key_digest, "signed_at": self.signed_at})


@dataclass(frozen=True)
class WidCheckRecord:
    """A WID check the WID scan app made and its holder chose to record (signed with the linked key).

    Only what the server keeps: the type, the number's last four characters, the expiry, the outcome and the keys
    of the checks that failed; ``purpose`` says whose document it was (a patient's, or an employee's that a
    beheerder checks before registering him). ``signed_at`` is the moment of the check; the server takes each
    link's moments in increasing order only, so a recorded request cannot be sent twice.

    ``holder_birth_date``: only for an employee's document that carries one (not a driving licence), the birth date
    its MRZ gives, so that the server can tell whether the document is of the person the beheerder registers (it
    keeps a keyed digest of it, not the date). A patient's birth date never leaves the app.
    """

    link: str
    purpose: str
    document_type: str
    number_last4: str
    expiry_date: dt.date
    outcome: str
    failed_checks: tuple[str, ...]
    signed_at: int
    holder_birth_date: dt.date | None = None

    def __post_init__(self) -> None:
        _check_tokens(link=self.link)
        if self.holder_birth_date is not None:
            if not isinstance(self.holder_birth_date, dt.date) or isinstance(self.holder_birth_date, dt.datetime):
                raise MessageMalformed("holder_birth_date must be a date")
            if self.purpose != "medewerker":
                raise MessageMalformed("holder_birth_date is sent for an employee's document only, never a patient's")
        _check_moment(self.signed_at)
        if self.purpose not in PURPOSES:
            raise MessageMalformed(f"purpose must be one of {', '.join(PURPOSES)}")
        if self.document_type not in DOCUMENT_TYPES:
            raise MessageMalformed(f"document_type must be one of {', '.join(DOCUMENT_TYPES)}")
        if not isinstance(self.number_last4, str) or not LAST4.match(self.number_last4):
            raise MessageMalformed("number_last4 must be 4 characters A-Z or 0-9")
        if not isinstance(self.expiry_date, dt.date) or isinstance(self.expiry_date, dt.datetime):
            raise MessageMalformed("expiry_date must be a date")
        if self.outcome not in OUTCOMES:
            raise MessageMalformed(f"outcome must be one of {', '.join(OUTCOMES)}")
        failed = self.failed_checks
        if (not isinstance(failed, tuple) or len(failed) > MAX_FAILED_CHECKS
                or not all(isinstance(key, str) and CHECK_KEY.match(key) for key in failed)):
            raise MessageMalformed(f"failed_checks must be at most {MAX_FAILED_CHECKS} check keys")
        if (self.outcome == "geldig") != (not failed):
            raise MessageMalformed("a valid outcome has no failed checks, an invalid one names them")

    def canonical_bytes(self) -> bytes:
        holder = {"holder_birth_date": self.holder_birth_date.isoformat()} if self.holder_birth_date else {}
        return canonical_json({
            "type": "zorgid.widscan.check", "v": WIDSCAN_VERSION, "link": self.link, "purpose": self.purpose,
            "document_type": self.document_type, "number_last4": self.number_last4,
            "expiry_date": self.expiry_date.isoformat(), "outcome": self.outcome,
            "failed_checks": list(self.failed_checks), "signed_at": self.signed_at, **holder,
        })


# The JSON bodies (see zorgid.protocol.bodies).

@dataclass(frozen=True)
class WidScanLinkOfferRequest(Body):
    version = APP_VERSION
    unlock_token: str = text(64, "from the key share's unlock, once")
    mobile_id: str = text(64)
    signed_at: int = integer(1, MAX_SIGNED_AT - 1, "seconds since 1970")
    signature: str = text(base64_chars(MAX_SIGNATURE_BYTES), "the Mobile ID key's ECDSA over the WidScanLinkOffer, "
                          "DER, base64url", pattern=BASE64URL)


@dataclass(frozen=True)
class WidScanLinkOfferResponse(Body):
    version = APP_VERSION
    link: str = token()
    code: str = token("one-time; shown in the link QR, never sent in an address")
    expires_at: dt.datetime = moment()


@dataclass(frozen=True)
class WidScanLinkClaimRequest(Body):
    version = WIDSCAN_VERSION
    code: str = token("the link code of the QR")
    public_key: bytes = base64(MAX_DEVICE_KEY_BYTES, "the WID scan app's EC P-256 key, DER SubjectPublicKeyInfo")
    signed_at: int = integer(1, MAX_SIGNED_AT - 1, "seconds since 1970")
    signature: bytes = base64(MAX_SIGNATURE_BYTES, "the new key's ECDSA over the WidScanLinkClaim, DER")
    device_name: str = text(MAX_DEVICE_NAME_WIRE_CHARS, "the phone's name (zorgid.protocol.device_names)",
                            default="", optional=True)


@dataclass(frozen=True)
class WidScanLinkStateRequest(Body):
    """Either app asks the link's state; the code proves it saw the QR."""

    code: str = token("the link code of the QR")


@dataclass(frozen=True)
class WidScanLinkStateResponse(Body):
    link: str = token()
    state: str = text(16, choices=LINK_STATES)
    holder: Holder = wire("object", body=Holder, help="whose Mobile ID the link is for")
    expires_at: dt.datetime = moment()
    confirmation: str = text(CONFIRMATION_DIGITS, "once claimed: the six digits both apps show", default="",
                             optional=True)
    key_digest: str = text(64, "once claimed: the WID scan key's digest (key_digest)", default="", optional=True)
    device_name: str = text(MAX_DEVICE_NAME_WIRE_CHARS, "once claimed: the WID scan phone's name", default="",
                            optional=True)


@dataclass(frozen=True)
class WidScanLinkApprovalRequest(Body):
    version = APP_VERSION
    mobile_id: str = text(64)
    key_digest: str = token("the digest of the WID scan key the holder approves")
    signed_at: int = integer(1, MAX_SIGNED_AT - 1, "seconds since 1970")
    signature: str = text(base64_chars(MAX_SIGNATURE_BYTES), "the Mobile ID key's ECDSA over the "
                          "WidScanLinkApproval, DER, base64url", pattern=BASE64URL)


@dataclass(frozen=True)
class WidScanLinkDeclineRequest(Body):
    code: str = token("the link code of the QR")


@dataclass(frozen=True)
class WidCheckRecordRequest(Body):
    version = WIDSCAN_VERSION
    link: str = token()
    purpose: str = text(16, choices=PURPOSES)
    document_type: str = text(20, choices=DOCUMENT_TYPES)
    number_last4: str = text(4, "the last four characters of the document number", pattern=LAST4)
    expiry_date: str = text(10, "YYYY-MM-DD")
    outcome: str = text(16, choices=OUTCOMES)
    signed_at: int = integer(1, MAX_SIGNED_AT - 1, "seconds since 1970: when the check was made")
    signature: bytes = base64(MAX_SIGNATURE_BYTES, "the linked key's ECDSA over the WidCheckRecord, DER")
    failed_checks: tuple[str, ...] = wire("texts", (), max_length=MAX_FAILED_CHECKS, item_length=40,
                                          help="the keys of the checks that failed", optional=True)
    holder_birth_date: str = text(10, "YYYY-MM-DD: an employee's document only, the birth date of its MRZ",
                                  default="", optional=True)

    def record(self) -> WidCheckRecord:
        """The signed message this body carries; a malformed field raises MessageMalformed."""
        return WidCheckRecord(link=self.link, purpose=self.purpose, document_type=self.document_type,
                              number_last4=self.number_last4, expiry_date=_date(self.expiry_date, "expiry_date"),
                              outcome=self.outcome, failed_checks=tuple(self.failed_checks), signed_at=self.signed_at,
                              holder_birth_date=_date(self.holder_birth_date, "holder_birth_date")
                              if self.holder_birth_date else None)

    @classmethod
    def of(cls, record: WidCheckRecord, signature: bytes) -> WidCheckRecordRequest:
        return cls(link=record.link, purpose=record.purpose, document_type=record.document_type,
                   number_last4=record.number_last4, expiry_date=record.expiry_date.isoformat(),
                   outcome=record.outcome, signed_at=record.signed_at, signature=signature,
                   failed_checks=record.failed_checks,
                   holder_birth_date=record.holder_birth_date.isoformat() if record.holder_birth_date else "")


def _date(text: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise MessageMalformed(f"{name} must be a date YYYY-MM-DD") from exc


@dataclass(frozen=True)
class WidCheckRecordResponse(Body):
    version = WIDSCAN_VERSION
    check: str = token("the recorded check's id")
    recorded_at: dt.datetime = moment()
    reference: str = text(16, "for purpose medewerker: the code the beheerder gives the registration form",
                          default="", optional=True)


WIDSCAN_BODIES: tuple[type[Body], ...] = (
    WidScanLinkOfferRequest, WidScanLinkOfferResponse, WidScanLinkClaimRequest, WidScanLinkStateRequest,
    WidScanLinkStateResponse, WidScanLinkApprovalRequest, WidScanLinkDeclineRequest, WidCheckRecordRequest,
    WidCheckRecordResponse,
)
