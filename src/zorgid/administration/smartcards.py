"""Managing a ZORG-ID Smartcard in the portal (docs/uzi.md "ZORG-ID Smartcard"): what its holder sees and does on
his overview, and what an organisation's administrators and beheerders see and do on his employee page.

Who may act (docs/security.md): the holder revokes his own card. A manager of an organisation acts on the card of
an employee there as on his Mobile IDs (employees.Scope.ID: the same rules as block, unblock and revoke); he
revokes only a card linked to his organisation, and links one there after a WID check of its holder. Blocked is
the person's block (employees.set_blocked holds and releases the card's certificates); a revoke is final.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from zorgid import clock
from zorgid.identities.models import Person, Smartcard, SmartcardStatus
from zorgid.identities.smartcards import revoke_smartcard
from zorgid.organisations.errors import SmartcardNoneActive, SmartcardNotLinked
from zorgid.organisations.models import Organisation, SmartcardLink, SmartcardLinkVia
from zorgid.organisations.smartcard_links import is_linked, link_smartcard, linked_organisations

from . import employees


class CardState:
    ACTIVE = "actief"
    BLOCKED = "geblokkeerd"  # active, but its holder is blocked: its certificates are on hold
    EXPIRED = "verlopen"
    REVOKED = "ingetrokken"


@dataclass(frozen=True)
class CardView:
    """A smartcard as a page shows it."""

    card: Smartcard
    state: str  # a CardState value
    organisations: list[Organisation]  # linked now
    linked_here: bool = False  # to the organisation whose page this is

    @property
    def active(self) -> bool:
        return self.card.status == SmartcardStatus.ACTIVE


def _actor(person: Person) -> str:
    return f"person:{person.id}"


def latest_card(person: Person) -> Smartcard | None:
    """His active card, else the one issued last (revoked), else None."""
    active = Smartcard.objects.filter(person=person, status=SmartcardStatus.ACTIVE).first()
    return active or Smartcard.objects.filter(person=person).order_by("-issued_at", "-pk").first()


def state_of(card: Smartcard, person: Person) -> str:
    if card.status == SmartcardStatus.REVOKED:
        return CardState.REVOKED
    if person.blocked_at is not None:
        return CardState.BLOCKED
    if card.not_after <= clock.now():
        return CardState.EXPIRED
    return CardState.ACTIVE


def _view(card: Smartcard | None, person: Person, organisation: Organisation | None = None) -> CardView | None:
    if card is None:
        return None
    if organisation is None:  # its holder: every link
        return CardView(card, state_of(card, person), linked_organisations(card))
    linked_here = is_linked(card, organisation)  # a manager: his own organisation's link only (R-SEC-AUTHZ)
    return CardView(card, state_of(card, person), [organisation] if linked_here else [], linked_here=linked_here)


def _active_card(person: Person) -> Smartcard:
    card = Smartcard.objects.filter(person=person, status=SmartcardStatus.ACTIVE).first()
    if card is None:
        raise SmartcardNoneActive(f"person {person.id}")
    return card


# -- the holder ----------------------------------------------------------------------------------------------------


def holder_card(person: Person) -> CardView | None:
    """What his overview shows of his smartcard."""
    return _view(latest_card(person), person)


def revoke_own(person: Person, *, ip: str = "") -> Smartcard:
    """The holder revokes his active card, for good; his sessions at healthcare applications end."""
    card = _active_card(person)
    revoke_smartcard(card, actor=_actor(person), reason="by its holder", ip=ip)
    card.refresh_from_db()
    return card


# -- an organisation's managers ------------------------------------------------------------------------------------


def employee_card(organisation: Organisation, person: Person) -> CardView | None:
    """What the employee page of ``organisation`` shows of his smartcard (he is its employee: employees.employee)."""
    return _view(latest_card(person), person, organisation)


def revoke_card(organisation: Organisation, person_id: str, *, by: Person, ip: str = "") -> Smartcard:
    """A manager revokes the active card of an employee, linked to his organisation, for good."""
    person = employees.employee(organisation, person_id)
    with transaction.atomic():
        person = employees._lock(person)
        employees.require_may_manage(organisation, person, by, employees.Scope.ID)
        card = _active_card(person)
        if not is_linked(card, organisation):
            raise SmartcardNotLinked(f"card {card.card_number}, URA {organisation.ura}")
        revoke_smartcard(card, actor=_actor(by), reason="by a manager", ip=ip, ura=organisation.ura)
    card.refresh_from_db()
    return card


def link_card(organisation: Organisation, person_id: str, wid: employees.Wid | employees.ScannedWid, *, by: Person,
              ip: str = "") -> SmartcardLink:
    """A manager links the active card of an employee to his organisation, after checking his WID."""
    person = employees.employee(organisation, person_id)
    with transaction.atomic():
        person = employees._lock(person)
        employees.require_may_manage(organisation, person, by, employees.Scope.ID)
        card = _active_card(person)
        check = employees.record_wid_check(organisation, person, wid, checked_by=by, ip=ip)
        return link_smartcard(card, organisation, actor=_actor(by), via=SmartcardLinkVia.WID_CHECK, wid=check,
                              ip=ip)

