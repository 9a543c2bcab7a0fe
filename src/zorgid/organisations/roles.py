"""Roles (R-ROLE): who is operator, administrator, beheerder or medewerker, and where.

A role in an organisation puts the person on that organisation's employee list in the same transaction
(organisations.memberships); only the operator's role belongs to no organisation.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat

from zorgid import clock
from zorgid.audit.services import record
from zorgid.identities.models import MobileId, Person
from zorgid.identities.people import check_birth_date, clean_name
from zorgid.identities.services import IssuedActivation, issue_activation_code

from . import memberships
from .models import Role, RoleAssignment

__all__ = ["Role", "RoleAssignment", "add_operator", "grant_role", "member_subjects", "roles_of"]


def grant_role(person: Person, role: str, organisation, *, actor: str, ip: str = "") -> RoleAssignment:
    """The role, once; a role in an organisation puts the person on its employee list in the same transaction."""
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(
            person=person, role=role, organisation=organisation, defaults={"granted_at": clock.now()}
        )
        if organisation is not None:
            memberships.joined(person, organisation)
        if created:
            record("role.granted", actor=actor, subject=f"person:{person.id}", ip=ip,
                   details={"role": role, "ura": organisation.ura if organisation else ""})
    return assignment


def held(person: Person) -> set[tuple[int | None, str]]:
    """(organisation id, role) of every role the person holds; the operator's organisation is None."""
    return set(RoleAssignment.objects.filter(person=person).values_list("organisation_id", "role"))


def is_administrator(person: Person, organisation, *, or_operator: bool = False) -> bool:
    """An administrator of ``organisation`` (with ``or_operator``: or the operator), in one query."""
    found = Q(organisation=organisation, role=Role.ADMINISTRATOR)
    if or_operator:
        found |= Q(organisation__isnull=True, role=Role.OPERATOR)
    return RoleAssignment.objects.filter(found, person=person).exists()


def roles_of(person: Person) -> list[RoleAssignment]:
    return list(person.roles.select_related("organisation").order_by("role", "organisation__name"))


def add_operator(first_names: str, last_name: str, birth_date: dt.date, *, actor: str) -> IssuedActivation:
    """R-ROLE-OPR: a person with the operator role and an activation code, in one transaction."""
    first_names = clean_name(first_names, "first names")
    last_name = clean_name(last_name, "last name")
    check_birth_date(birth_date)
    with transaction.atomic():
        now = clock.now()
        person = Person.objects.create(
            first_names=first_names, last_name=last_name, birth_date=birth_date, created_at=now
        )
        RoleAssignment.objects.create(person=person, role=Role.OPERATOR, granted_at=now)
        record("operator.added", actor=actor, subject=f"person:{person.id}", details={"role": Role.OPERATOR})
        return issue_activation_code(person, actor=actor)


def member_subjects(organisation) -> tuple[QuerySet, QuerySet]:
    """Audit subjects of everyone with a role in the organisation: ``person:<id>`` of each, and ``mobile_id:<id>``
    of their Mobile IDs (subqueries, not lists) — for the audit viewer (audit.queries.events)."""
    people = (RoleAssignment.objects.filter(organisation=organisation)
              .annotate(subject=Concat(Value("person:"), "person_id")).values("subject"))
    mobile_ids = (MobileId.objects.filter(person__roles__organisation=organisation)
                  .annotate(subject=Concat(Value("mobile_id:"), "id")).values("subject"))
    return people, mobile_ids
