"""The employee list's own table (models.Membership), kept in step with roles and names.

Rule: a Membership row exists for (organisation, person) exactly while the person holds at least one role in
that organisation, and carries the person's current names and birth date. Every service that grants or removes
a role, or changes a person's names, calls one of the functions below inside its own transaction; nothing else
writes the table. Each function locks the person's row first, so that two managers acting on the same person
at once (one removes his last role, the other grants one; one renames him, the other adds him) leave the list
right: the second waits and then sees what the first committed.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from zorgid.identities.models import Person
from zorgid.identities.people import searchable

from .models import Membership, Organisation, RoleAssignment


def _copied(person: Person) -> dict:
    """What a list row copies from the person."""
    return {"last_name": person.last_name, "first_names": person.first_names, "birth_date": person.birth_date,
            "search_text": searchable(f"{person.first_names} {person.last_name}")}


def _locked(person: Person) -> Person:
    return Person.objects.select_for_update().get(pk=person.pk)


def joined(person: Person, organisation: Organisation) -> None:
    """After a role was granted in ``organisation``: the person is on its list (once)."""
    with transaction.atomic():
        current = _locked(person)
        Membership.objects.get_or_create(organisation=organisation, person=current, defaults=_copied(current))


def joined_all(people: Iterable[Person], organisation: Organisation) -> None:
    """After a bulk import of new persons (not yet seen by anyone else), each with a role in ``organisation``."""
    Membership.objects.bulk_create([Membership(organisation=organisation, person=person, **_copied(person))
                                    for person in people])


def left(person: Person, organisation: Organisation) -> None:
    """After a role was removed in ``organisation``: off its list once no role there remains."""
    with transaction.atomic():
        _locked(person)
        if not RoleAssignment.objects.filter(person=person, organisation=organisation).exists():
            Membership.objects.filter(organisation=organisation, person=person).delete()


def renamed(person: Person) -> None:
    """After the person's names or birth date changed: every list he is on shows the new ones."""
    with transaction.atomic():
        current = _locked(person)
        Membership.objects.filter(person=current).update(**_copied(current))
