"""What the organisation's pages show of itself and of one employee (R-ROLE-ADM, R-ROLE-BEH): read here, so that
the views hold no queries of their own. Nothing of another organisation (R-SEC-AUTHZ)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from zorgid.audit import queries
from zorgid.identities.models import MobileId, MobileIdStatus, Person, UziRegistration, WidCheck
from zorgid.organisations import roles
from zorgid.organisations.models import Organisation, Role, RoleAssignment
from zorgid.protocol.errors import ZorgidError

from . import employees

LAST_TRANSACTIONS = 20
LAST_WID_CHECKS = 5


def managers(organisation: Organisation) -> QuerySet:
    """The organisation's administrators and beheerders, administrators first, by last name."""
    return (RoleAssignment.objects.filter(organisation=organisation, role__in=(Role.ADMINISTRATOR, Role.BEHEERDER))
            .select_related("person").order_by("role", "person__last_name"))


@dataclass(frozen=True)
class EmployeeFile:
    """One employee as his organisation's managers see him, and what the manager looking may not do to him."""

    person: Person
    mobile_ids: list[MobileId]
    roles: list[RoleAssignment]  # his roles in this organisation
    uzi: list[UziRegistration]
    wid_checks: list[WidCheck]  # the newest, of this organisation
    events: list  # the newest audit events about him and his IDs, as this organisation may see them
    refused: dict[str, ZorgidError]  # per employees.Scope value: why the manager may not act with it
    by_administrator: bool  # the manager looking is an administrator of this organisation

    @property
    def active_mobile_ids(self) -> list[MobileId]:
        return [m for m in self.mobile_ids if m.status == MobileIdStatus.ACTIVE]


def employee_file(organisation: Organisation, person_id: str, *, manager: Person) -> EmployeeFile:
    """EmployeeUnknown unless the person holds a role in this organisation."""
    person = employees.employee(organisation, person_id)
    mobile_ids = list(person.mobile_ids.order_by("-activated_at").prefetch_related("uzi_registrations"))
    subjects = [f"person:{person.id}", *(f"mobile_id:{m.id}" for m in mobile_ids),
                *(f"smartcard:{card_id}" for card_id in person.smartcards.values_list("id", flat=True))]
    his, held = roles.held(person), roles.held(manager)  # read once for every scope
    refused = {scope.value: employees.refusal_of(organisation, his, held, scope) for scope in employees.Scope}
    return EmployeeFile(
        person=person, mobile_ids=mobile_ids,
        roles=list(person.roles.select_related("organisation").filter(organisation=organisation)),
        uzi=[u for m in mobile_ids for u in m.uzi_registrations.all()],
        wid_checks=list(person.wid_checks.filter(organisation=organisation)[:LAST_WID_CHECKS]),
        events=queries.about(subjects, organisation.ura, LAST_TRANSACTIONS),
        refused={scope: error for scope, error in refused.items() if error is not None},
        by_administrator=(organisation.id, Role.ADMINISTRATOR) in held,
    )
