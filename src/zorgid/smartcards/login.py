"""Logging in with a ZORG-ID Smartcard (docs/koppelen.md "Inloggen met een ZORG-ID Smartcard").

A card session of purpose ``smartcard-login`` (no person): the Desktop App signs its challenge with the card's
authentication key; flows.cards validates the certificate against the installation's smartcard CA and its
certificate status (blocked, revoked, unknown), then :func:`check_card` checks the card itself: a ZORG-ID
Smartcard (never a UZI-pas), known, active (not revoked, not superseded by a newer one), its holder not blocked.

:func:`complete_login` is the next step, in one transaction: the same checks again (a block or revoke may have
come since the card was read), the card session completed, for a portal login ``flows.signals.login_completed``
as a QR login sends it, the audit event ``login.smartcard``; it names the
person and the card. The session that follows stands on the card alone (no Mobile ID: his Mobile IDs may all be
revoked, docs/uzi.md "ZORG-ID Smartcard"), and ends when the card is revoked or he is blocked.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from zorgid.audit.services import record
from zorgid.flows import cards
from zorgid.flows.models import CardFlow, CardFlowPurpose
from zorgid.flows.signals import login_completed
from zorgid.identities.models import Person, Smartcard, SmartcardStatus
from zorgid.pki.uzi.attributes import UziAttributes
from zorgid.pki.uzi.othername import is_zorgid_smartcard

from .errors import (
    SmartcardLoginBlocked,
    SmartcardLoginNotSmartcard,
    SmartcardLoginRevoked,
    SmartcardLoginSuperseded,
    SmartcardLoginUnknown,
)


@dataclass(frozen=True)
class SmartcardLogin:
    """Who logged in with which card, through which card session."""

    person: Person
    smartcard: Smartcard
    flow: CardFlow


def check_card(flow: CardFlow, attributes: UziAttributes) -> None:
    """The card check of purpose smartcard-login (registered in apps.py)."""
    usable_smartcard(attributes.ca_oid, attributes.serial_number)


def usable_smartcard(ca_oid: str, serial: str) -> Smartcard:
    """The active ZORG-ID Smartcard with this authentication certificate serial (hex), if its holder may log in."""
    if not is_zorgid_smartcard(ca_oid):
        raise SmartcardLoginNotSmartcard(f"CA {ca_oid}"[:80])
    card = Smartcard.objects.select_related("person").filter(authentication_serial=str(serial).lower()).first()
    if card is None:
        raise SmartcardLoginUnknown(f"serial {serial}"[:80])
    if card.status != SmartcardStatus.ACTIVE:
        newer = Smartcard.objects.filter(person_id=card.person_id, issued_at__gt=card.issued_at).exists()
        raise (SmartcardLoginSuperseded if newer else SmartcardLoginRevoked)(f"card {card.card_number}")
    if card.person.blocked_at is not None:
        raise SmartcardLoginBlocked(f"card {card.card_number}")
    return card


def complete_login(flow_id: str, *, browser_secret: str, ip: str = "", application: str = "") -> SmartcardLogin:
    """The answered smartcard-login session of this browser, completed once: who logs in (see the module's text).

    ``application``: the client_id when the login is for a healthcare application (the audit event says so)."""
    flow = cards.answered_flow(flow_id, browser_secret=browser_secret, purpose=CardFlowPurpose.SMARTCARD_LOGIN)
    with transaction.atomic():
        card = usable_smartcard(str(flow.attributes.get("ca_oid", "")), str(flow.attributes.get("serial_number", "")))
        person = Person.objects.select_for_update().get(pk=card.person_id)
        if person.blocked_at is not None:
            raise SmartcardLoginBlocked(f"card {card.card_number}")
        cards.complete(flow)
        if not application:  # a login at the portal, as a QR login's completion sends it (flows.services)
            login_completed.send(sender=CardFlow, person_id=person.id)
        record("login.smartcard", actor=f"person:{person.id}", subject=f"smartcard:{card.id}", ip=ip,
               details={"method": "smartcard", "card_number": card.card_number, "card_flow": flow.id,
                        "client_id": application[:32]})
    return SmartcardLogin(person, card, flow)
