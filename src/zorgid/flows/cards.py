"""Card sessions (DESIGN.md): the portal's challenge answered by the Desktop App with a UZI-pas.

start_card_flow → (Desktop App) card_flow_for_desktop, answer → (browser) card_status → the purpose's own
confirmation calls ``complete`` in its transaction. A response whose signature over this flow's challenge
does not verify changes nothing (the Desktop App gets the error); a verified card that the purpose does not
allow ends the flow as refused, so the waiting page can say why (see card_flow.mermaid).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

from cryptography import x509
from django.conf import settings
from django.db import transaction

from zorgid import clock
from zorgid.audit.services import record
from zorgid.identities.models import Person
from zorgid.pki.signatures import verify_card_signature
from zorgid.pki.uzi.attributes import UziAttributes
from zorgid.pki.uzi.loading import load_certificate, load_certificates
from zorgid.pki.uzi.validation import validate_uzi_certificate
from zorgid.pki.uzi_installation import crl_source, trust_store
from zorgid.protocol.errors import MessageMalformed, ZorgidError
from zorgid.protocol.messages import CLOCK_SKEW_SECONDS, CardResponse, b64decode

from .errors import (
    CardFlowExpired,
    CardFlowNotYours,
    CardFlowUnknown,
    CardFlowUsed,
    CardSignatureInvalid,
    CardTypeNotAllowed,
    CardWrongPurpose,
    LoginClockSkew,
)
from .models import CardFlow, CardFlowPurpose, CardFlowState
from .waiting import FLOW_ID, binding_hash, listening, notify

NAMED_CARD_TYPES = ("Z", "N")  # cards in a person's name; M and S cannot speak for a person
MAX_CHAIN = 5


def start_card_flow(*, browser_secret: str, origin: str, purpose: str, requester_name: str,
                    person: Person | None = None) -> CardFlow:
    """A new card session, valid 5 minutes, bound to the browser that asked."""
    if purpose not in CardFlowPurpose.values:
        raise CardWrongPurpose(f"purpose {purpose!r}")
    now = clock.now()
    return CardFlow.objects.create(
        purpose=purpose, browser_binding=binding_hash(browser_secret), origin=origin,
        requester_name=requester_name, person=person, issued_at=now,
        expires_at=now + dt.timedelta(seconds=settings.ZORGID_CARD_FLOW_SECONDS),
    )


def _get(flow_id: str) -> CardFlow:
    flow = CardFlow.objects.filter(id=flow_id).first() if isinstance(flow_id, str) and len(flow_id) <= 64 else None
    if flow is None:
        raise CardFlowUnknown()
    return flow


def card_flow_for_desktop(flow_id: str) -> CardFlow:
    """The session the Desktop App was started for, if it can still be answered."""
    flow = _get(flow_id)
    if flow.state != CardFlowState.PENDING:
        raise CardFlowUsed()
    if flow.is_expired(clock.now()):
        raise CardFlowExpired()
    return flow


def answer(flow_id: str, *, certificate_pem: str, chain_pems: list[str], signed_at: int, signature_b64: str,
           ip: str = "") -> CardFlow:
    """The Desktop App's signed answer: check signature, certificate and purpose; record the outcome once."""
    flow = card_flow_for_desktop(flow_id)
    try:
        certificate = _verified_signer(flow, certificate_pem, signed_at, signature_b64)
    except ZorgidError as error:
        record("card.refused", actor="desktop", subject=f"card_flow:{flow.id}", ip=ip, details={"code": error.code})
        raise
    try:
        attributes = _validated(certificate, chain_pems)
        _check_purpose(flow, attributes)
    except ZorgidError as error:
        _finish(flow, CardFlowState.REFUSED, ip, error_code=error.code, certificate=certificate)
        raise
    return _finish(flow, CardFlowState.ANSWERED, ip, attributes=attributes, certificate=certificate)


def _verified_signer(flow: CardFlow, certificate_pem: str, signed_at: int, signature_b64: str) -> x509.Certificate:
    message = CardResponse(flow.id, flow.challenge, flow.origin, flow.purpose, signed_at)
    if abs(clock.now().timestamp() - signed_at) > CLOCK_SKEW_SECONDS:
        raise LoginClockSkew(f"signed_at differs {int(clock.now().timestamp()) - signed_at} s from the server")
    if not isinstance(certificate_pem, str):
        raise MessageMalformed("certificate must be PEM text")
    certificate = load_certificate(certificate_pem.encode("utf-8", "replace"))
    verify_card_signature(certificate, b64decode(signature_b64, limit=1024), message.canonical_bytes(),
                          CardSignatureInvalid)
    return certificate


def _validated(certificate: x509.Certificate, chain_pems: list[str]) -> UziAttributes:
    if not isinstance(chain_pems, list) or len(chain_pems) > MAX_CHAIN:
        raise MessageMalformed(f"chain must be a list of at most {MAX_CHAIN} certificates")
    chain = [cert for pem in chain_pems for cert in load_certificates(str(pem).encode("utf-8", "replace"))]
    return validate_uzi_certificate(certificate, trust_store(), clock.now(), "authentication",
                                    extra_intermediates=chain, crls=crl_source())


def _check_purpose(flow: CardFlow, attributes: UziAttributes) -> None:
    if attributes.card_type not in NAMED_CARD_TYPES:
        raise CardTypeNotAllowed(f"card type {attributes.card_type}")
    from . import card_purposes

    card_purposes.check(flow, attributes)


def _finish(flow: CardFlow, state: str, ip: str, *, certificate: x509.Certificate,
            attributes: UziAttributes | None = None, error_code: str = "") -> CardFlow:
    from cryptography.hazmat.primitives import serialization

    now = clock.now()
    values = attributes_to_json(attributes) if attributes else {}
    with transaction.atomic():
        won = CardFlow.objects.filter(id=flow.id, state=CardFlowState.PENDING, expires_at__gt=now).update(
            state=state, answered_at=now, attributes=values, error_code=error_code,
            certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
        )
        if not won:
            raise CardFlowUsed()
        event = "card.answered" if state == CardFlowState.ANSWERED else "card.refused"
        record(event, actor=f"uzi:{values.get('uzi_number', '')}" if values else "desktop",
               subject=f"card_flow:{flow.id}", ip=ip,
               details={"purpose": flow.purpose, "code": error_code, "ura": values.get("ura", "")})
        notify(flow.id)
    flow.refresh_from_db()
    return flow


def attributes_to_json(attributes: UziAttributes) -> dict:
    values = dataclasses.asdict(attributes)
    for key in ("not_valid_before", "not_valid_after"):
        values[key] = values[key].isoformat()
    return values


def card_status(flow_id: str, *, browser_secret: str, wait_seconds: float = 0.0) -> CardFlow:
    """The session as the waiting page sees it; waits for the Desktop App's answer when asked."""
    if not isinstance(flow_id, str) or not FLOW_ID.fullmatch(flow_id):
        raise CardFlowUnknown()
    with listening(flow_id, enabled=wait_seconds > 0) as waiter:
        flow = _get(flow_id)
        if not browser_secret or flow.browser_binding != binding_hash(browser_secret):
            raise CardFlowNotYours()
        if flow.state == CardFlowState.PENDING and wait_seconds > 0:
            remaining = (flow.expires_at - clock.now()).total_seconds()
            deadline = time.monotonic() + max(0.0, min(wait_seconds, remaining))
            waiter.wait(flow, deadline, lambda f: f.state == CardFlowState.PENDING, _reload)
    return flow


def _reload(flow: CardFlow) -> None:
    try:
        flow.refresh_from_db()
    except CardFlow.DoesNotExist as exc:
        raise CardFlowUnknown() from exc


def _confirm_deadline(flow: CardFlow) -> dt.datetime:
    return flow.answered_at + dt.timedelta(seconds=settings.ZORGID_CARD_CONFIRM_SECONDS)


def answered_flow(flow_id: str, *, browser_secret: str, purpose: str) -> CardFlow:
    """The answered session of this browser for this purpose, to be confirmed within its time."""
    flow = card_status(flow_id, browser_secret=browser_secret)
    if flow.purpose != purpose:
        raise CardWrongPurpose(f"{flow.purpose} is not {purpose}")
    if flow.state == CardFlowState.COMPLETED:
        raise CardFlowUsed()
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
