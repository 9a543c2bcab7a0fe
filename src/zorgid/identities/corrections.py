"""Telling a person that his names or birth date were corrected (docs/security.md, "Correcting a person's data").

The correction itself is the administration's (``administration.employees.change``); in its transaction
``corrected`` leaves a notice: on the person (when, by whom) for the portal's overview, which shows it once, and on
the key share of each of his active Mobile IDs, so that each app is told at its next unlock, once
(``identities.keyshare``). The notice holds no old values: it tells the data as they are now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from zorgid import clock

from .models import KeyShare, MobileIdStatus, Person

SERVICEDESK = ""  # Person.corrected_by when the service desk (an operator) corrected


@dataclass(frozen=True)
class Correction:
    """What the person is told: when, by whom (an organisation's name; "" the service desk), and his data now."""

    corrected_at: dt.datetime
    by: str
    first_names: str
    last_name: str
    birth_date: dt.date

    @property
    def by_servicedesk(self) -> bool:
        return self.by == SERVICEDESK

    @property
    def full_name(self) -> str:
        return f"{self.first_names} {self.last_name}"


def corrected(person: Person, *, by: str, at: dt.datetime) -> None:
    """In the correction's transaction: the notice for the portal and for each of his apps (the newest counts)."""
    Person.objects.filter(pk=person.pk).update(corrected_at=at, corrected_by=by[:200], correction_shown_at=None)
    KeyShare.objects.filter(mobile_id__person_id=person.pk, mobile_id__status=MobileIdStatus.ACTIVE).update(
        correction_to_tell=True)


def of(person: Person) -> Correction:
    """The person's last correction as he is told it (his row as read; call only when ``corrected_at`` is set)."""
    return Correction(person.corrected_at, person.corrected_by, person.first_names, person.last_name,
                      person.birth_date)


def for_overview(person: Person) -> Correction | None:
    """The correction the portal's overview has not shown yet, now marked shown: a conditional UPDATE, so two
    pages loaded at once show it once. Nothing is asked of the database when the row as read has none."""
    if person.corrected_at is None or person.correction_shown_at is not None:
        return None
    shown = Person.objects.filter(pk=person.pk, corrected_at__isnull=False, correction_shown_at__isnull=True).update(
        correction_shown_at=clock.now())
    if not shown:
        return None
    return of(Person.objects.get(pk=person.pk))
