"""Making a ZORG-ID Smartcard with one's own UZI-pas (R-CRED-SMARTCARD; docs/uzi.md "ZORG-ID Smartcard").

One card session of purpose ``smartcard`` (flows/card_flow.mermaid): :func:`start` (the portal, for one of his
organisations) → the Desktop App answers with his UZI-pas, checked by :func:`check_card` (registered in apps.py)
→ "answered" → the Desktop App personalises the blank card and sends its three keys with their proofs
→ :func:`submit_keys` issues the certificates and completes the session in one transaction → the waiting page
shows the card number. A refusal of the keys ends the session as refused (the page shows why); nothing is issued.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from zorgid import clock
from zorgid.audit.services import record
from zorgid.flows.cards import NAMED_CARD_TYPES, answered_by_this_desktop, complete, start_card_flow
from zorgid.flows.errors import CardFlowExpired, CardFlowUsed, CardOfOtherPerson, CardTypeNotAllowed, CardWrongPurpose
from zorgid.flows.models import CardFlow, CardFlowPurpose, CardFlowState
from zorgid.flows.waiting import notify
from zorgid.identities.errors import SmartcardKeysInvalid, SmartcardUziInvalid, SmartcardUziNotHis
from zorgid.identities.models import Person, Smartcard, UziRegistration
from zorgid.identities.people import card_names_match
from zorgid.identities.smartcards import IssuedSmartcard, issue_smartcard
from zorgid.organisations.models import Organisation
from zorgid.organisations.smartcard_links import link_smartcard
from zorgid.pki.uzi.attributes import UziAttributes
from zorgid.pki.uzi.othername import is_zorgid_smartcard
from zorgid.protocol.bodies import SmartcardKey
from zorgid.protocol.errors import ZorgidError

from .errors import (
    SmartcardKeysNotBound,
    SmartcardMakerBlocked,
    SmartcardNoOrganisation,
    SmartcardNotAUziPas,
    SmartcardUziNotRead,
)

PURPOSE = CardFlowPurpose.SMARTCARD
URA_KEY = "ura"  # page_state: the organisation the card is made for
CARD_KEY = "smartcard"  # page_state: the card made (its id), for the waiting page's last step


def organisations_of(person: Person) -> list[Organisation]:
    """Where he may make a smartcard: the registered organisations he works for (his memberships), by name."""
    return list(Organisation.objects.filter(memberships__person=person).order_by("name", "ura"))


def _his_organisation(person: Person, ura: object) -> Organisation:
    organisation = (Organisation.objects.filter(ura=ura, memberships__person=person).first()
                    if isinstance(ura, str) else None)
    if organisation is None:
        raise SmartcardNoOrganisation(f"person {person.pk}, URA {str(ura)[:16]!r}")
    return organisation


def start(person: Person, ura: object, *, browser_secret: str, origin: str, requester_name: str,
          ip: str = "") -> CardFlow:
    """A card session of purpose ``smartcard`` for him, for ``ura`` (one of his organisations), kept on the row."""
    organisation = _his_organisation(person, ura)
    with transaction.atomic():
        flow = start_card_flow(browser_secret=browser_secret, origin=origin, purpose=PURPOSE,
                               requester_name=requester_name, person=person)
        flow.page_state = {URA_KEY: organisation.ura}
        flow.save(update_fields=["page_state"])
        record("smartcard.making_started", actor=f"person:{person.pk}", subject=f"card_flow:{flow.id}", ip=ip,
               details={"ura": organisation.ura})
    return flow


def check_card(flow: CardFlow, attributes: UziAttributes) -> None:
    """The card that answers must be his own valid named UZI-pas (Z or N), not a ZORG-ID Smartcard."""
    person = flow.person
    if person is None:
        raise CardOfOtherPerson("a smartcard session without a person")
    if person.blocked_at is not None:  # the session was started before a block
        raise SmartcardMakerBlocked(f"person {person.pk}")
    if is_zorgid_smartcard(attributes.ca_oid):
        raise SmartcardNotAUziPas(f"card {attributes.uzi_number}")
    if attributes.card_type not in NAMED_CARD_TYPES:
        raise CardTypeNotAllowed(f"card type {attributes.card_type}")
    now = clock.now()
    if not attributes.not_valid_before <= now < attributes.not_valid_after:
        raise SmartcardUziInvalid("outside its validity")
    if not card_names_match(person.first_names, person.last_name, given_name=attributes.given_name,
                            surname=attributes.surname):
        raise SmartcardUziNotHis(f"card of {attributes.common_name}"[:120])
    known = set(UziRegistration.objects.filter(mobile_id__person=person).values_list("uzi_number", flat=True))
    if known and attributes.uzi_number not in known:
        raise SmartcardUziNotHis(f"UZI number {attributes.uzi_number} is not registered for him")


def confirm_deadline(flow: CardFlow) -> dt.datetime:
    """Until when the Desktop App may send the keys: ZORGID_CARD_CONFIRM_SECONDS after the UZI-pas answered.

    The default 30 minutes leave room for changing cards, the transport codes, the new PIN typed twice and making
    three RSA keys on the card; the session's own 5 minutes only bound the UZI-pas's answer."""
    return flow.answered_at + dt.timedelta(seconds=settings.ZORGID_CARD_CONFIRM_SECONDS)


def _answered(flow_id: str) -> CardFlow:
    flow = CardFlow.find(flow_id)
    if flow.purpose != PURPOSE:
        raise CardWrongPurpose(f"{flow.purpose} is not {PURPOSE}")
    if flow.state in (CardFlowState.COMPLETED, CardFlowState.REFUSED):
        raise CardFlowUsed(f"state {flow.state}")
    if flow.state != CardFlowState.ANSWERED:
        raise CardFlowExpired() if flow.is_expired(clock.now()) else SmartcardUziNotRead()
    if clock.now() >= confirm_deadline(flow):
        raise CardFlowExpired("the keys came after the confirmation time")
    return flow


def _keys_by_role(keys: Iterable[SmartcardKey]) -> dict[str, tuple[bytes, bytes]]:
    by_role: dict[str, tuple[bytes, bytes]] = {}
    for key in keys:
        if key.role in by_role:
            raise SmartcardKeysInvalid(f"two keys for {key.role}")
        by_role[key.role] = (key.public_key, key.proof)
    return by_role


def submit_keys(flow_id: str, keys: Iterable[SmartcardKey], *, answer_digest: bytes, ip: str = "") -> IssuedSmartcard:
    """The blank card's keys for an answered session of purpose ``smartcard``: issue his smartcard for the
    organisation chosen at the start, link it there and complete the session, in one transaction; tell the
    waiting page. A refusal of the card or the keys ends the session as refused, with its code.

    The keys must come from the Desktop App whose UZI-pas answered (``answer_digest``, flows.cards.answer_digest):
    knowing the session's address is not enough. Keys from anyone else are refused and leave the session as it
    was, so that they cannot end the holder's making either."""
    flow = _answered(flow_id)
    actor = f"person:{flow.person_id}"
    if not answered_by_this_desktop(flow, answer_digest):
        record("smartcard.keys_refused", actor="desktop", subject=f"card_flow:{flow.id}", ip=ip,
               details={"code": SmartcardKeysNotBound.code, "ended": False})
        raise SmartcardKeysNotBound()
    try:
        with transaction.atomic():
            complete(flow)  # at most once: a second submission finds it completed
            # locked before his organisation and block are read: a block or his leaving at this moment waits
            person = Person.objects.select_for_update().get(pk=flow.person_id)
            if person.blocked_at is not None:
                raise SmartcardMakerBlocked(f"person {person.pk}")
            organisation = _his_organisation(person, flow.page_state.get(URA_KEY))
            issued = issue_smartcard(person, organisation, challenge=flow.challenge,
                                     keys=_keys_by_role(keys), uzi=flow.attributes, actor=actor, ip=ip)
            link_smartcard(issued.smartcard, organisation, actor=actor, ip=ip)
            CardFlow.objects.filter(id=flow.id).update(page_state={**flow.page_state,
                                                                   CARD_KEY: issued.smartcard.pk})
            record("smartcard.made", actor=actor, subject=f"card_flow:{flow.id}", ip=ip,
                   details={"card_number": issued.smartcard.card_number, "ura": organisation.ura})
            notify(flow.id)
    except CardFlowUsed:
        raise
    except ZorgidError as error:
        _refuse(flow, error, actor=actor, ip=ip)
        raise
    return issued


def _refuse(flow: CardFlow, error: ZorgidError, *, actor: str, ip: str) -> None:
    with transaction.atomic():
        ended = CardFlow.objects.filter(id=flow.id, state=CardFlowState.ANSWERED).update(
            state=CardFlowState.REFUSED, error_code=error.code)
        record("smartcard.keys_refused", actor=actor, subject=f"card_flow:{flow.id}", ip=ip,
               details={"code": error.code, "ended": bool(ended)})
        notify(flow.id)


def made_card(flow: CardFlow) -> Smartcard | None:
    """The card a completed session of his made (for the waiting page's last step)."""
    card_id = flow.page_state.get(CARD_KEY)
    if flow.state != CardFlowState.COMPLETED or not isinstance(card_id, str):
        return None
    return Smartcard.objects.filter(pk=card_id, person_id=flow.person_id).first()
