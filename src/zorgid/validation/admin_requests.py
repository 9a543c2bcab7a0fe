"""Asking to become portal administrator of an organisation, and deciding on it (docs/security.md).

Once an organisation is validated (validation.services), a card holder no longer becomes its administrator
by reading his card: with a zorgverlenerspas (Z) of its URA and a registered Mobile ID he asks for it, and an
administrator of that organisation or the operator approves or declines, once. A beheerder cannot decide.
Every step is an audit event in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from zorgid import clock
from zorgid.audit.services import record
from zorgid.flows.cards import complete
from zorgid.identities.models import Person
from zorgid.organisations.errors import (
    AdministratorRequestDecided,
    AdministratorRequestNotYours,
    AdministratorRequestOpen,
    AdministratorRequestUnknown,
    AlreadyAdministrator,
)
from zorgid.organisations.models import (
    AdministratorRequest,
    AdministratorRequestState,
    Organisation,
    Role,
    RoleAssignment,
)
from zorgid.organisations.roles import grant_role, is_administrator

from .services import card_holders, validation_flow

OPEN = AdministratorRequestState.OPEN
MAX_ID = 2**63  # a larger number in the address is no request (and no overflow in the database)


@dataclass(frozen=True)
class Asked:
    organisation: Organisation
    requests: list[AdministratorRequest]


def ask(flow_id: str, *, browser_secret: str, ip: str = "") -> Asked:
    """The card holder of this browser's card session asks; one open request per person and organisation."""
    flow, organisation = validation_flow(flow_id, browser_secret=browser_secret)
    card = flow.attributes
    actor = f"uzi:{card['uzi_number']}"
    with transaction.atomic():
        complete(flow)
        holders = card_holders(flow)
        administrators = set(RoleAssignment.objects.filter(organisation=organisation, role=Role.ADMINISTRATOR,
                                                           person__in=holders).values_list("person_id", flat=True))
        persons = [p for p in holders if p.id not in administrators]
        if not persons:
            raise AlreadyAdministrator(f"URA {organisation.ura}")
        if AdministratorRequest.objects.filter(organisation=organisation, person__in=persons, state=OPEN).exists():
            raise AdministratorRequestOpen(f"URA {organisation.ura}")
        now = clock.now()
        made = []
        for person in persons:
            try:
                with transaction.atomic():
                    made.append(AdministratorRequest.objects.create(
                        organisation=organisation, person=person, uzi_number=card["uzi_number"],
                        common_name=card.get("common_name", "")[:200], role=card.get("role", "")[:6],
                        requested_at=now))
            except IntegrityError as exc:  # a request of the same person that arrived at the same moment
                raise AdministratorRequestOpen(f"URA {organisation.ura}") from exc
            record("organisation.administrator_requested", actor=actor, subject=f"person:{person.id}", ip=ip,
                   organisation=organisation.ura, details={"request": made[-1].pk, "ura": organisation.ura})
    return Asked(organisation, made)


def open_requests(organisation: Organisation) -> QuerySet:
    return (AdministratorRequest.objects.filter(organisation=organisation, state=OPEN)
            .select_related("person").order_by("requested_at", "pk"))


def may_decide(person: Person, organisation: Organisation) -> bool:
    """An administrator of this organisation, or the operator; never a beheerder."""
    return is_administrator(person, organisation, or_operator=True)


def decide(organisation: Organisation, request_id: int, *, approve: bool, by: Person,
           ip: str = "") -> AdministratorRequest:
    """Approve (the person becomes administrator) or decline an open request of this organisation, once."""
    if not may_decide(by, organisation):
        raise AdministratorRequestNotYours(f"person {by.id}, URA {organisation.ura}")
    if not 0 < request_id < MAX_ID:
        raise AdministratorRequestUnknown(f"request {request_id}")
    actor = f"person:{by.id}"
    with transaction.atomic():
        found = (AdministratorRequest.objects.select_for_update().select_related("person")
                 .filter(pk=request_id, organisation=organisation).first())
        if found is None:
            raise AdministratorRequestUnknown(f"request {request_id}")
        if found.state != OPEN:
            raise AdministratorRequestDecided(f"request {request_id} is {found.state}")
        found.state = AdministratorRequestState.APPROVED if approve else AdministratorRequestState.DECLINED
        found.decided_at, found.decided_by = clock.now(), actor
        found.save(update_fields=["state", "decided_at", "decided_by"])
        if approve:
            grant_role(found.person, Role.ADMINISTRATOR, organisation, actor=actor, ip=ip)
        record(f"organisation.administrator_request.{found.state}", actor=actor, subject=f"person:{found.person_id}",
               ip=ip, organisation=organisation.ura, details={"request": found.pk, "ura": organisation.ura})
    return found
