"""Which organisations a ZORG-ID Smartcard is linked to (docs/uzi.md "ZORG-ID Smartcard", models.SmartcardLink).

The card is the person's, not the employer's. It is linked to the organisation it was issued for
(``via="issued"``), and a beheerder of another organisation where he works links it there after a WID check
(``via="wid-check"``). When he leaves an organisation the link ends; the card itself stays active (revoking it is
its own action: identities.smartcards.revoke_smartcard). A link that ended is kept, with who ended it and why.
Every change is one transaction with its audit event; the event carries the organisation's URA, so that its
administrators and beheerders see it in their audit viewer.
"""

from __future__ import annotations

from django.db import transaction

from zorgid import clock
from zorgid.audit.services import record
from zorgid.identities.models import Person, Smartcard, SmartcardStatus, WidCheck

from .errors import SmartcardLinkCardRevoked, SmartcardLinkWidMissing
from .models import Organisation, SmartcardLink, SmartcardLinkVia

MAX_REASON = 32


def _subject(card: Smartcard) -> str:
    return f"smartcard:{card.id}"


def link_smartcard(card: Smartcard, organisation: Organisation, *, actor: str, via: str = SmartcardLinkVia.ISSUED,
                   wid: WidCheck | None = None, ip: str = "") -> SmartcardLink:
    """Link an active card to ``organisation`` (once: a card linked there already keeps its link).

    ``via="wid-check"`` needs ``wid``, the WID check of the card's holder just recorded by the beheerder
    (administration.employees.record_wid_check); a revoked card is refused."""
    if via not in SmartcardLinkVia.values:
        raise ValueError(f"unknown link route {via!r}")
    if via == SmartcardLinkVia.WID_CHECK and (wid is None or wid.person_id != card.person_id
                                              or wid.organisation_id != organisation.id):
        raise SmartcardLinkWidMissing(f"card {card.card_number}, URA {organisation.ura}")
    with transaction.atomic():
        card = Smartcard.objects.select_for_update().get(pk=card.pk)
        if card.status != SmartcardStatus.ACTIVE:
            raise SmartcardLinkCardRevoked(f"card {card.card_number}")
        current = SmartcardLink.objects.filter(smartcard=card, organisation=organisation,
                                               unlinked_at__isnull=True).first()
        if current is not None:
            return current
        link = SmartcardLink.objects.create(
            smartcard=card, organisation=organisation, linked_at=clock.now(), linked_by=actor[:128], via=via,
            wid_check=wid if via == SmartcardLinkVia.WID_CHECK else None)
        record("smartcard.linked", actor=actor, subject=_subject(card), ip=ip,
               details={"ura": organisation.ura, "card_number": card.card_number, "person": card.person_id,
                        "via": via, "wid_check": link.wid_check_id})
    return link


def unlink_smartcard(card: Smartcard, organisation: Organisation, *, actor: str, reason: str, ip: str = "") -> bool:
    """End the card's link to ``organisation``; the card stays as it is. False if it was not linked there."""
    with transaction.atomic():
        now = clock.now()
        ended = SmartcardLink.objects.filter(smartcard_id=card.pk, organisation=organisation,
                                             unlinked_at__isnull=True).update(
            unlinked_at=now, unlinked_by=actor[:128], unlink_reason=str(reason)[:MAX_REASON])
        if ended:
            record("smartcard.unlinked", actor=actor, subject=_subject(card), ip=ip,
                   details={"ura": organisation.ura, "card_number": card.card_number, "person": card.person_id,
                            "reason": str(reason)[:MAX_REASON]})
    return bool(ended)


def unlink_person(person: Person, organisation: Organisation, *, actor: str, reason: str, ip: str = "") -> int:
    """He left ``organisation``: every card of his linked there is unlinked (none revoked). How many."""
    cards = Smartcard.objects.filter(person=person, links__organisation=organisation,
                                     links__unlinked_at__isnull=True).distinct()
    return sum(unlink_smartcard(card, organisation, actor=actor, reason=reason, ip=ip) for card in cards)


def linked_organisations(card: Smartcard) -> list[Organisation]:
    """The organisations the card is linked to now, by name."""
    return list(Organisation.objects.filter(smartcard_links__smartcard_id=card.pk,
                                            smartcard_links__unlinked_at__isnull=True).distinct().order_by("name"))


def is_linked(card: Smartcard, organisation: Organisation) -> bool:
    return SmartcardLink.objects.filter(smartcard_id=card.pk, organisation=organisation,
                                        unlinked_at__isnull=True).exists()
