"""Card sessions (docs/architecture.md): the portal's challenge answered by the Desktop App with a UZI-pas.

start_card_flow → (Desktop App) card_flow_for_desktop, answer or decline → (browser) card_status → the purpose's own
confirmation calls ``complete`` in its transaction. A response whose signature over this flow's challenge
does not verify changes nothing (the Desktop App gets the error); a verified card that the purpose does not
allow (its check, registered by its use case in flows.purposes) ends the flow as refused, so the waiting page
can say why; the holder's Nee in the Desktop App ends it as declined, and the waiting page says so at once
(see card_flow.mermaid).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import transaction

from zorgid import clock, metrics
from zorgid.audit.services import record
from zorgid.identities.models import Person
from zorgid.pki.certificate_status import status_of
from zorgid.pki.models import CertificateStatus
from zorgid.pki.signatures import verify_card_signature
from zorgid.pki.smartcard_ca import SMARTCARD_CA, get_smartcard_ca
from zorgid.pki.smartcard_profile import AUTHENTICATION, SMARTCARD_POLICIES
from zorgid.pki.uzi import policies
from zorgid.pki.uzi.attributes import UziAttributes, read_uzi_certificate
from zorgid.pki.uzi.errors import UziPolicy
from zorgid.pki.uzi.loading import load_certificate, load_certificates
from zorgid.pki.uzi.othername import ZORGID_SMARTCARD_CA_OIDS, is_zorgid_smartcard
from zorgid.pki.uzi.truststore import TrustStore
from zorgid.pki.uzi.validation import (
    check_key_usage,
    check_validity,
    policy_oids,
    validate_uzi_certificate,
    verify_chain,
)
from zorgid.pki.uzi_installation import crl_source, trust_store
from zorgid.protocol.clock_skew import check_signed_at
from zorgid.protocol.errors import MessageMalformed, ZorgidError, error_class
from zorgid.protocol.messages import CardResponse, b64decode

from . import purposes
from .errors import (
    CardClockSkew,
    CardDeclined,
    CardFlowExpired,
    CardFlowUnknown,
    CardFlowUsed,
    CardSignatureInvalid,
    CardSmartcardBlocked,
    CardSmartcardNotAllowed,
    CardSmartcardRevoked,
    CardSmartcardSuperseded,
    CardSmartcardUnknown,
    CardTypeNotAllowed,
    CardWrongPurpose,
)
from .models import CardFlow, CardFlowPurpose, CardFlowState
from .status import BrowserAnswer, browser_answer, browser_flow

NAMED_CARD_TYPES = ("Z", "N")  # cards in a person's name; M and S cannot speak for a person
MAX_CHAIN = 5


def start_card_flow(*, browser_secret: str, origin: str, purpose: str, requester_name: str,
                    person: Person | None = None) -> CardFlow:
    """A new card session, valid 5 minutes, bound to the browser that asked."""
    if purpose not in CardFlowPurpose.values:
        raise CardWrongPurpose(f"purpose {purpose!r}")
    flow = CardFlow.begin(browser_secret=browser_secret, purpose=purpose, origin=origin,
                          requester_name=requester_name, person=person)
    metrics.card_sessions.labels(purpose, "started", "").inc()
    return flow


def card_flow_for_desktop(flow_id: str) -> CardFlow:
    """The session the Desktop App was started for, if it can still be answered."""
    return CardFlow.find(flow_id).check_answerable(clock.now())


def answer(flow_id: str, *, certificate_pem: str, chain_pems: list[str], signed_at: int, signature_b64: str,
           ip: str = "") -> CardFlow:
    """The Desktop App's signed answer: check signature, certificate and purpose; record the outcome once."""
    flow = card_flow_for_desktop(flow_id)
    try:
        certificate = _verified_signer(flow, certificate_pem, signed_at, signature_b64)
    except ZorgidError as error:
        record("card.refused", actor="desktop", subject=f"card_flow:{flow.id}", ip=ip, details={"code": error.code})
        metrics.card_sessions.labels(flow.purpose, "refused", error.code).inc()
        raise
    try:
        attributes = _validated(flow, certificate, chain_pems)
        _check_purpose(flow, attributes)
    except ZorgidError as error:
        _finish(flow, CardFlowState.REFUSED, ip, error_code=error.code, certificate=certificate)
        raise
    check = (_answer_check(answer_digest(b64decode(signature_b64, limit=1024)))
             if flow.purpose in CONTINUED_BY_DESKTOP else "")
    return _finish(flow, CardFlowState.ANSWERED, ip, attributes=attributes, certificate=certificate,
                   answer_check=check)


def decline(flow_id: str, *, challenge: str, ip: str = "") -> CardFlow:
    """The holder answered Nee in the Desktop App: the pending session ends as declined and its waiting page is woken.

    The Desktop App sends the session's challenge, which it read with the flow id of the card-session address; so
    whoever can decline a session can also answer it with a card of his own, which ends it as well
    (docs/security.md, "Nee in the Desktop App"). A wrong challenge changes nothing."""
    flow = card_flow_for_desktop(flow_id)
    if not isinstance(challenge, str) or not hmac.compare_digest(flow.challenge.encode(), challenge.encode()):
        raise CardSignatureInvalid("the challenge is not this session's")
    with transaction.atomic():
        if not flow.move(CardFlowState.PENDING, CardFlowState.DECLINED, clock.now(), notify=True):
            raise CardFlowUsed()
        record("card.declined", actor="desktop", subject=f"card_flow:{flow.id}", ip=ip,
               details={"purpose": flow.purpose})
    metrics.card_sessions.labels(flow.purpose, "declined", "").inc()
    flow.refresh_from_db()
    return flow


ANSWER_CHECK = "answer_check"  # page_state: what proves that a later request comes from the Desktop App that answered
CONTINUED_BY_DESKTOP = (CardFlowPurpose.SMARTCARD,)  # the Desktop App's own later step: the new card's keys


def answer_digest(signature: bytes) -> bytes:
    """SHA-256 of the signature the Desktop App sent with its answer: only that Desktop App knows it (the signature
    travels to the server alone), so a later step of the same session (a smartcard's keys) that must come from it
    carries this digest (docs/security.md, "ZORG-ID Smartcard")."""
    return hashlib.sha256(signature).digest()


def _answer_check(digest: bytes) -> str:
    return hashlib.sha256(b"zorgid.card.answer-check\0" + digest).hexdigest()


def answered_by_this_desktop(flow: CardFlow, digest: object) -> bool:
    """Whether ``digest`` is :func:`answer_digest` of the signature with which this session was answered."""
    kept = flow.page_state.get(ANSWER_CHECK)
    return (isinstance(kept, str) and isinstance(digest, bytes) and len(digest) == hashlib.sha256().digest_size
            and hmac.compare_digest(kept, _answer_check(digest)))


def _verified_signer(flow: CardFlow, certificate_pem: str, signed_at: int, signature_b64: str) -> x509.Certificate:
    message = CardResponse(flow.id, flow.challenge, flow.origin, flow.purpose, signed_at)
    check_signed_at(signed_at, clock.now(), CardClockSkew)
    if not isinstance(certificate_pem, str):
        raise MessageMalformed("certificate must be PEM text")
    certificate = load_certificate(certificate_pem.encode("utf-8", "replace"))
    verify_card_signature(certificate, b64decode(signature_b64, limit=1024), message.canonical_bytes(),
                          CardSignatureInvalid)
    return certificate


def _validated(flow: CardFlow, certificate: x509.Certificate, chain_pems: list[str]) -> UziAttributes:
    """A UZI-pas against the UZI trust store; a ZORG-ID Smartcard (its otherName names zorgid's own CA) against
    the installation's smartcard CA, and only for the purpose that accepts one (logging in with it)."""
    if not isinstance(chain_pems, list) or len(chain_pems) > MAX_CHAIN:
        raise MessageMalformed(f"chain must be a list of at most {MAX_CHAIN} certificates")
    attributes = read_uzi_certificate(certificate)
    if is_zorgid_smartcard(attributes.ca_oid):
        if flow.purpose not in SMARTCARD_PURPOSES:
            raise CardSmartcardNotAllowed(f"purpose {flow.purpose}")
        return validate_smartcard_certificate(certificate, attributes)
    chain = [cert for pem in chain_pems for cert in load_certificates(str(pem).encode("utf-8", "replace"))]
    return validate_uzi_certificate(certificate, trust_store(), clock.now(), "authentication",
                                    extra_intermediates=chain, crls=crl_source())


SMARTCARD_PURPOSES = (CardFlowPurpose.SMARTCARD_LOGIN,)  # the only card session a ZORG-ID Smartcard may answer


def validate_smartcard_certificate(certificate: x509.Certificate, attributes: UziAttributes) -> UziAttributes:
    """A ZORG-ID Smartcard's authentication certificate: issued by this installation's smartcard CA (chain to
    its root, validity, key usage, policy, this environment's CA OID) and good in its certificate status (a
    certificate on hold is a blocked card, a revoked one a revoked or superseded card, an unknown serial not
    ours)."""
    now, ca = clock.now(), get_smartcard_ca()
    check_validity(certificate, now, "ZORG-ID Smartcard certificate")
    store = TrustStore(environment=settings.ZORGID_ENVIRONMENT, roots=(ca.root,), intermediates=(ca.issuing,))
    verify_chain(certificate, store, now)
    check_key_usage(certificate, policies.purpose(policies.AUTHENTICATION))
    wanted_policy, wanted_ca = SMARTCARD_POLICIES[AUTHENTICATION], ZORGID_SMARTCARD_CA_OIDS.get(store.environment)
    if attributes.ca_oid != wanted_ca or wanted_policy not in policy_oids(certificate):
        raise UziPolicy(f"not a ZORG-ID Smartcard authentication certificate of {store.environment}")
    entry = status_of(SMARTCARD_CA, certificate.serial_number)
    if entry is None:
        raise CardSmartcardUnknown(f"serial {certificate.serial_number:x}")
    if entry.status == CertificateStatus.HOLD:
        raise CardSmartcardBlocked(f"card {attributes.uzi_number}")
    if entry.status != CertificateStatus.GOOD:
        refusal = CardSmartcardSuperseded if entry.reason == "superseded" else CardSmartcardRevoked
        raise refusal(f"card {attributes.uzi_number}")
    return attributes


def _check_purpose(flow: CardFlow, attributes: UziAttributes) -> None:
    if attributes.card_type not in NAMED_CARD_TYPES:
        raise CardTypeNotAllowed(f"card type {attributes.card_type}")
    purposes.check(flow, attributes)


def _finish(flow: CardFlow, state: str, ip: str, *, certificate: x509.Certificate,
            attributes: UziAttributes | None = None, error_code: str = "", answer_check: str = "") -> CardFlow:
    now = clock.now()
    values = attributes_to_json(attributes) if attributes else {}
    page_state = {**flow.page_state, ANSWER_CHECK: answer_check} if answer_check else flow.page_state
    with transaction.atomic():
        if not flow.move(CardFlowState.PENDING, state, now, notify=True, answered_at=now, attributes=values,
                         error_code=error_code, page_state=page_state,
                         certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode()):
            raise CardFlowUsed()
        event = "card.answered" if state == CardFlowState.ANSWERED else "card.refused"
        record(event, actor=f"uzi:{values.get('uzi_number', '')}" if values else "desktop",
               subject=f"card_flow:{flow.id}", ip=ip,
               details={"purpose": flow.purpose, "code": error_code, "ura": values.get("ura", "")})
    metrics.card_sessions.labels(flow.purpose, "answered" if state == CardFlowState.ANSWERED else "refused",
                                 error_code).inc()
    flow.refresh_from_db()
    return flow


def attributes_to_json(attributes: UziAttributes) -> dict:
    values = dataclasses.asdict(attributes)
    for key in ("not_valid_before", "not_valid_after"):
        values[key] = values[key].isoformat()
    return values


def card_status(flow_id: str, *, browser_secret: str, client: str, wait: bool) -> BrowserAnswer:
    """What the waiting card page sees (status.browser_answer): answered, refused with why, declined (the holder's Nee,
    with its text) or completed."""
    return browser_answer(CardFlow, flow_id, browser_secret=browser_secret, client=client, wait=wait,
                          answered=_answered)


def _answered(flow: CardFlow) -> dict[str, object]:
    if flow.state == CardFlowState.REFUSED:
        return {"state": "refused", **(error_class(flow.error_code) or ZorgidError)().as_dict()}
    if flow.state == CardFlowState.DECLINED:
        return {"state": "declined", **CardDeclined().as_dict()}
    return {"state": flow.state}


def own_flow(flow_id: str, *, browser_secret: str) -> CardFlow:
    """The card session of this browser, in any state."""
    return browser_flow(CardFlow, flow_id, browser_secret=browser_secret)


def remember(flow_id: str, *, browser_secret: str, **values: object) -> CardFlow:
    """Keep what the purpose's pages gathered on this browser's session row (``page_state``), for its next page."""
    flow = own_flow(flow_id, browser_secret=browser_secret)
    flow.page_state = {**flow.page_state, **values}
    flow.save(update_fields=["page_state"])
    return flow


def remembered(flow_id: str, key: str, *, browser_secret: str) -> object:
    """What ``remember`` kept under ``key`` for this browser; None when nothing (or not this browser's session)."""
    try:
        return own_flow(flow_id, browser_secret=browser_secret).page_state.get(key)
    except ZorgidError:
        return None


def _confirm_deadline(flow: CardFlow) -> dt.datetime:
    return flow.answered_at + dt.timedelta(seconds=settings.ZORGID_CARD_CONFIRM_SECONDS)


def answered_flow(flow_id: str, *, browser_secret: str, purpose: str) -> CardFlow:
    """The answered session of this browser for this purpose, to be confirmed within its time."""
    flow = own_flow(flow_id, browser_secret=browser_secret)
    if flow.purpose != purpose:
        raise CardWrongPurpose(f"{flow.purpose} is not {purpose}")
    if flow.state == CardFlowState.COMPLETED:
        raise CardFlowUsed()
    if flow.state == CardFlowState.DECLINED:
        raise CardDeclined()
    if flow.state != CardFlowState.ANSWERED:
        raise CardFlowExpired() if flow.is_expired(clock.now()) else CardFlowUnknown("the card was not read")
    if clock.now() >= _confirm_deadline(flow):
        raise CardFlowExpired("the card's data were not confirmed in time")
    return flow


def complete(flow: CardFlow) -> None:
    """Mark an answered session completed; call inside the purpose's transaction. At most once."""
    now = clock.now()
    window = dt.timedelta(seconds=settings.ZORGID_CARD_CONFIRM_SECONDS)
    won = CardFlow.objects.filter(id=flow.id, state=CardFlowState.ANSWERED, answered_at__gt=now - window).update(
        state=CardFlowState.COMPLETED, completed_at=now
    )
    if not won:
        raise CardFlowUsed()
