"""The WID scan app's link to a Mobile ID and its recorded WID checks (R-FLOW-WIDSCAN; docs/architecture.md,
"The WID scan app").

offer (the ZORG-ID app, its key unlocked) → claim (the WID scan app, with the link code and a proof of its new key)
→ approve or decline (the ZORG-ID app, after its holder saw the same confirmation code on both phones); both apps
poll ``state`` with the code. A linked app records checks (``record_check``), each signed with its key and later
than the last; a link works only while its Mobile ID is active and its holder not blocked. Each step is one
transaction with its audit event; a state change is a conditional UPDATE, so two racing requests cannot both win.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import transaction
from django.utils.crypto import salted_hmac

from zorgid import clock
from zorgid.audit.services import record
from zorgid.hashing import token_hash
from zorgid.identities.keyshare import consume_token
from zorgid.identities.models import MobileId, MobileIdStatus, Person
from zorgid.identities.services import usable_mobile_id
from zorgid.pki.signatures import verify_signature
from zorgid.protocol.clock_skew import check_signed_at
from zorgid.protocol.device_names import clean_device_name
from zorgid.protocol.errors import MessageMalformed
from zorgid.protocol.messages import b64decode
from zorgid.protocol.payloads import TOKEN
from zorgid.protocol.widscan import (
    LINK_SECONDS,
    WidCheckRecordRequest,
    WidScanLinkApproval,
    WidScanLinkApprovalRequest,
    WidScanLinkClaim,
    WidScanLinkClaimRequest,
    WidScanLinkOffer,
    WidScanLinkOfferRequest,
    key_digest,
)

from .errors import (
    WidScanClockSkew,
    WidScanKeyMismatch,
    WidScanLinkCode,
    WidScanLinkExpired,
    WidScanLinkState,
    WidScanLinkUnknown,
    WidScanNotLinked,
    WidScanReferenceExpired,
    WidScanReferenceInvalidDocument,
    WidScanReferenceNotYours,
    WidScanReferenceOtherPerson,
    WidScanReferenceUnknown,
    WidScanReferenceUsed,
    WidScanReplay,
    WidScanSignature,
)
from .models import WidScanCheck, WidScanLink, WidScanOutcome, WidScanPurpose
from .models import WidScanLinkState as State

OPEN = (State.OFFERED, State.CLAIMED)  # an offer not yet approved or declined: it expires
REFERENCE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 8
OVERVIEW_CHECKS = 10
STATE_GRACE_SECONDS = 120  # after the offer's time, either app may still ask how it ended (it polls every second)
REFERENCE_MINUTES = 60  # a medewerker check's reference is taken within this time after it was recorded


@dataclass(frozen=True)
class Offered:
    link: WidScanLink
    code: str  # the one-time link code, shown in the link QR; only its hash is kept


def offer(body: WidScanLinkOfferRequest, *, ip: str = "") -> Offered:
    """Step 1: the holder's ZORG-ID app offers a link. Checked as a login approval is: signed within the clock
    skew by the key of an active Mobile ID whose holder is not blocked, with the one-time token of a fresh unlock
    (the server took part in this use of the key). An earlier offer of that Mobile ID not yet approved ends."""
    message = WidScanLinkOffer(body.mobile_id, body.signed_at)
    signature = b64decode(body.signature)
    now = clock.now()
    check_signed_at(body.signed_at, now, WidScanClockSkew)
    holder, certificate = usable_mobile_id(body.mobile_id)
    verify_signature(certificate, signature, message.canonical_bytes())
    code = secrets.token_urlsafe(16)
    with transaction.atomic():
        consume_token(holder, body.unlock_token)
        replaced = _end(WidScanLink.objects.filter(mobile_id=holder, state__in=OPEN), now)
        link = WidScanLink.objects.create(mobile_id=holder, code_hash=token_hash(code), offered_at=now,
                                          expires_at=now + dt.timedelta(seconds=LINK_SECONDS))
        record("widscan.link_offered", actor=f"person:{holder.person_id}", subject=f"widscan_link:{link.id}", ip=ip,
              details={"mobile_id": holder.id, "replaced": replaced})
    return Offered(link, code)


def claim(link_id: str, body: WidScanLinkClaimRequest, *, ip: str = "") -> WidScanLink:
    """Step 2: the WID scan app, with the code of the QR it scanned, names its new key and proves it holds it."""
    link = _with_code(link_id, body.code)
    message = WidScanLinkClaim(link.id, body.code, body.public_key, body.signed_at)
    device_name = clean_device_name(body.device_name) if body.device_name else ""
    public_key = _p256(body.public_key)
    now = clock.now()
    _still_open(link, now)
    if link.state != State.OFFERED:
        raise WidScanLinkState(f"the link is {link.state}, not offered")
    check_signed_at(body.signed_at, now, WidScanClockSkew)
    _verify(public_key, body.signature, message.canonical_bytes())
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    with transaction.atomic():
        if not WidScanLink.objects.filter(id=link.id, state=State.OFFERED).update(
                state=State.CLAIMED, public_key=der, key_digest=key_digest(der), device_name=device_name,
                claimed_at=now):
            raise WidScanLinkState("the link was claimed already")
        record("widscan.link_claimed", actor="widscan-app", subject=f"widscan_link:{link.id}", ip=ip,
              details={"mobile_id": link.mobile_id_id, "key_digest": key_digest(der), "device_name": device_name})
    link.refresh_from_db()
    return link


def state(link_id: str, code: str) -> WidScanLink:
    """What either app sees while it waits: the link, an open offer past its time shown as expired. Only while the
    apps may still wait (STATE_GRACE_SECONDS past the offer's time): the answer names the holder, and the link
    code stays in a photo of the QR long after."""
    link = _with_code(link_id, code)
    if clock.now() >= link.expires_at + dt.timedelta(seconds=STATE_GRACE_SECONDS):
        raise WidScanLinkExpired("the link's offer ended more than a few minutes ago")
    if link.state in OPEN and clock.now() >= link.expires_at:
        WidScanLink.objects.filter(id=link.id, state=link.state).update(state=State.EXPIRED)
        link.state = State.EXPIRED
    return link


def approve(link_id: str, body: WidScanLinkApprovalRequest, *, ip: str = "") -> WidScanLink:
    """Step 3: the holder's "ja", signed with the Mobile ID's key, for the WID scan key that claimed the link.

    The link becomes the Mobile ID's one link: an earlier linked WID scan app of that Mobile ID ends."""
    link = _find(link_id)
    message = WidScanLinkApproval(link.id, body.mobile_id, body.key_digest, body.signed_at)
    signature = b64decode(body.signature)
    now = clock.now()
    check_signed_at(body.signed_at, now, WidScanClockSkew)
    holder, certificate = usable_mobile_id(body.mobile_id)
    if holder.id != link.mobile_id_id:
        raise WidScanLinkUnknown("the link is another Mobile ID's")
    verify_signature(certificate, signature, message.canonical_bytes())
    _still_open(link, now)
    if link.state != State.CLAIMED:
        raise WidScanLinkState(f"the link is {link.state}, not claimed")
    if not hmac.compare_digest(body.key_digest, link.key_digest):
        raise WidScanKeyMismatch()
    with transaction.atomic():
        if not WidScanLink.objects.filter(id=link.id, state=State.CLAIMED).update(state=State.LINKED, linked_at=now):
            raise WidScanLinkState("the link was answered already")
        replaced = _end(WidScanLink.objects.filter(mobile_id=holder, state=State.LINKED).exclude(id=link.id), now)
        record("widscan.linked", actor=f"person:{holder.person_id}", subject=f"widscan_link:{link.id}", ip=ip,
              details={"mobile_id": holder.id, "key_digest": link.key_digest, "device_name": link.device_name,
                       "replaced": replaced})
    link.refresh_from_db()
    return link


def decline(link_id: str, code: str, *, ip: str = "") -> WidScanLink:
    """The holder's "nee" in the ZORG-ID app (or either app giving up): an open link is declined, for good."""
    link = _with_code(link_id, code)
    now = clock.now()
    with transaction.atomic():
        if not WidScanLink.objects.filter(id=link.id, state__in=OPEN).update(state=State.DECLINED, ended_at=now):
            raise WidScanLinkState(f"the link is {link.state}, it can no longer be declined")
        record("widscan.link_declined", actor="widscan-link", subject=f"widscan_link:{link.id}", ip=ip,
              details={"mobile_id": link.mobile_id_id})
    link.refresh_from_db()
    return link


def record_check(body: WidCheckRecordRequest, *, ip: str = "") -> WidScanCheck:
    """A WID check the linked app made, signed with its key: kept with the document's type, the last four
    characters of its number, its expiry and the outcome. Each link's checks count in increasing ``signed_at``
    only, so a recorded request cannot be sent twice."""
    message = body.record()
    link = _find(message.link)
    now = clock.now()
    _usable(link, now)
    _verify(_loaded(bytes(link.public_key)), body.signature, message.canonical_bytes())
    check_signed_at(message.signed_at, now, WidScanClockSkew)
    with transaction.atomic():
        # the same conditions as _usable, again in the one statement that takes the moment: a block or a revocation
        # committed between the two leaves nothing recorded
        usable = WidScanLink.objects.filter(id=link.id, state=State.LINKED, mobile_id__status=MobileIdStatus.ACTIVE,
                                            mobile_id__person__blocked_at__isnull=True)
        if not usable.filter(last_signed_at__lt=message.signed_at).update(last_signed_at=message.signed_at):
            if usable.exists():
                raise WidScanReplay(f"signed_at {message.signed_at} is not later than the last recorded check")
            raise WidScanNotLinked("the link ended, or its Mobile ID or holder stopped")
        check = WidScanCheck.objects.create(
            link=link, person_id=link.mobile_id.person_id, purpose=message.purpose,
            document_type=message.document_type, number_last4=message.number_last4,
            expiry_date=message.expiry_date, outcome=message.outcome, failed_checks=list(message.failed_checks),
            checked_at=dt.datetime.fromtimestamp(message.signed_at, tz=dt.UTC), recorded_at=now,
            signature=body.signature, reference=_new_reference() if message.purpose == "medewerker" else None,
            holder_digest=holder_digest(message.holder_birth_date) if message.holder_birth_date else "")
        record("widscan.check_recorded", actor=f"person:{link.mobile_id.person_id}",
              subject=f"widscan_check:{check.id}", ip=ip,
              details={"link": link.id, "purpose": check.purpose, "document_type": check.document_type,
                       "last4": check.number_last4, "outcome": check.outcome,
                       "failed_checks": check.failed_checks})
    return check


def take_reference(reference: object, *, beheerder: Person) -> WidScanCheck:
    """The check a beheerder's WID scan code names, taken for his WID check of an employee (docs/architecture.md,
    "The WID scan app"): a check of purpose medewerker that his own linked WID scan app recorded (``person`` is
    he), found valid, of a document not expired today, recorded within REFERENCE_MINUTES and not used before.

    It is marked used here, by a conditional UPDATE inside the caller's transaction (the one that creates the WID
    check, and ties it with ``used_for``): of two requests with the same code one wins, the other is refused, and
    a refusal later in that transaction leaves the code unused."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_reference belongs in the transaction that records the WID check")
    check = peek_reference(reference, beheerder=beheerder)
    now = clock.now()
    if not WidScanCheck.objects.filter(id=check.id, used_at__isnull=True).update(used_at=now):
        raise WidScanReferenceUsed(f"check {check.id}, by another request")
    check.used_at = now
    return check


def peek_reference(reference: object, *, beheerder: Person) -> WidScanCheck:
    """The check ``take_reference`` would take, with its refusals, but not taken: for a page that shows the
    scanned document before the beheerder confirms (the correction of a person's data)."""
    code = normalised_reference(reference)
    check = WidScanCheck.objects.filter(reference=code, purpose=WidScanPurpose.MEDEWERKER).first() if code else None
    if check is None:
        raise WidScanReferenceUnknown()
    if check.person_id != beheerder.id:
        raise WidScanReferenceNotYours(f"check {check.id}")
    if check.used_at is not None:
        raise WidScanReferenceUsed(f"check {check.id}")
    now = clock.now()
    if now - check.recorded_at > dt.timedelta(minutes=REFERENCE_MINUTES):
        raise WidScanReferenceExpired(f"check {check.id}")
    if check.outcome != WidScanOutcome.GELDIG or check.expiry_date < clock.today():
        raise WidScanReferenceInvalidDocument(f"check {check.id}: {check.outcome}, expires {check.expiry_date}")
    return check


def holder_digest(birth_date: dt.date) -> str:
    """A birth date as a check of an employee's document keeps it: HMAC-SHA256 under a key derived from the
    server's secret key, so that the row tells whether a person's birth date is the document's, not what it is."""
    return salted_hmac("zorgid.widscan.holder_birth_date", birth_date.isoformat(), algorithm="sha256").hexdigest()


def check_holder(check: WidScanCheck, birth_date: dt.date) -> None:
    """The scanned document is of the person with ``birth_date`` as far as its MRZ tells: refused when it gave
    another birth date (ZID-WIDSCAN-REFERENCE-OTHER-PERSON); a document without one in its MRZ (a driving licence)
    tells nothing, and the beheerder compares the face and names as the WID scan app showed them."""
    if check.holder_digest and not hmac.compare_digest(check.holder_digest, holder_digest(birth_date)):
        raise WidScanReferenceOtherPerson(f"check {check.id}")


def used_for(check: WidScanCheck, wid_check) -> None:
    """Tie the taken check to the identities.WidCheck it became (in the same transaction as ``take_reference``)."""
    WidScanCheck.objects.filter(id=check.id).update(used_for=wid_check)
    check.used_for = wid_check


def normalised_reference(reference: object) -> str:
    """A WID scan code as typed ("abcd efgh", "ABCD-EFGH") in its own form, or "" if it cannot be one."""
    if not isinstance(reference, str) or len(reference) > 4 * REFERENCE_LENGTH:
        return ""
    code = "".join(reference.split()).replace("-", "").upper()
    if len(code) != REFERENCE_LENGTH or not set(code) <= set(REFERENCE_ALPHABET):
        return ""
    return code


@dataclass(frozen=True)
class Overview:
    """What the portal's overview shows its own holder: his linked WID scan app and his last recorded checks."""

    link: WidScanLink | None
    checks: list[WidScanCheck]


def overview(person: Person) -> Overview:
    link = (WidScanLink.objects.filter(mobile_id__person=person, state=State.LINKED,
                                       mobile_id__status=MobileIdStatus.ACTIVE).order_by("-linked_at").first())
    checks = list(WidScanCheck.objects.filter(person=person).order_by("-checked_at", "-recorded_at")
                  [:OVERVIEW_CHECKS])
    return Overview(link, checks)


def on_sessions_ended(sender, *, person: Person, mobile_id: MobileId | None = None, reason: str = "", **kwargs):
    """The receiver of ``identities.signals.sessions_ended``: a revoked Mobile ID's links end with it (in the
    revoking transaction). A block ends nothing here: every use refuses while it lasts, and an unblock restores."""
    if reason != "revoked" or mobile_id is None:
        return
    ended = _end(WidScanLink.objects.filter(mobile_id=mobile_id, state__in=(*OPEN, State.LINKED)), clock.now())
    if ended:
        record("widscan.link_ended", actor="system", subject=f"mobile_id:{mobile_id.id}",
              details={"links": ended, "reason": reason})


# -- helpers ------------------------------------------------------------------------------------------------------


def _find(link_id: object) -> WidScanLink:
    if not isinstance(link_id, str) or not TOKEN.match(link_id):
        raise WidScanLinkUnknown("link missing or of the wrong form")
    link = WidScanLink.objects.select_related("mobile_id").filter(id=link_id).first()
    if link is None:
        raise WidScanLinkUnknown()
    return link


def _with_code(link_id: str, code: str) -> WidScanLink:
    """The link if ``code`` is its link code (the hashes compared in constant time)."""
    link = _find(link_id)
    if not hmac.compare_digest(token_hash(str(code)), link.code_hash):
        raise WidScanLinkCode()
    return link


def _still_open(link: WidScanLink, now: dt.datetime) -> None:
    if link.state in OPEN and now >= link.expires_at:
        WidScanLink.objects.filter(id=link.id, state=link.state).update(state=State.EXPIRED)
        raise WidScanLinkExpired()
    if link.state == State.EXPIRED:
        raise WidScanLinkExpired()


def _usable(link: WidScanLink, now: dt.datetime) -> None:
    """A record needs the link linked, its Mobile ID active and unexpired and its holder not blocked."""
    holder = MobileId.objects.select_related("person").get(id=link.mobile_id_id)
    if link.state != State.LINKED:
        raise WidScanNotLinked(f"the link is {link.state}")
    if holder.status != MobileIdStatus.ACTIVE or not holder.not_before <= now < holder.not_after:
        raise WidScanNotLinked("the Mobile ID is revoked or expired")
    if holder.person.blocked_at is not None:
        raise WidScanNotLinked("the holder is blocked")


def _end(links, now: dt.datetime) -> list[str]:
    """End ``links`` (a query of open or linked links); their ids, sorted."""
    ids = sorted(links.values_list("id", flat=True))
    if ids:
        WidScanLink.objects.filter(id__in=ids).update(state=State.ENDED, ended_at=now)
    return ids


def _loaded(der: bytes) -> ec.EllipticCurvePublicKey:
    return serialization.load_der_public_key(der)  # stored by claim, checked there


def _p256(der: bytes) -> ec.EllipticCurvePublicKey:
    """The WID scan app's key: an EC P-256 public key in DER (SubjectPublicKeyInfo); anything else is malformed."""
    try:
        key = serialization.load_der_public_key(der)
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise MessageMalformed("public_key is not a DER public key") from exc
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise MessageMalformed("public_key must be an EC P-256 public key")
    return key


def _verify(key: ec.EllipticCurvePublicKey, signature: bytes, data: bytes) -> None:
    try:
        key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError) as exc:
        raise WidScanSignature("signature does not verify") from exc


def _new_reference() -> str:
    """A fresh reference for an employee's checked document: 8 characters A-Z and 2-9, unused so far."""
    while True:
        reference = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
        if not WidScanCheck.objects.filter(reference=reference).exists():
            return reference
