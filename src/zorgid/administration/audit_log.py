"""The audit viewer's question (R-SEC-AUDIT): an organisation's events, or all of them for the operator; filtered
by person (a name), kind (a label or its code), period and request (its id, as the log and X-Request-ID have it);
each event with its label and the names of who and what it concerns (display_names), on the page and in the CSV
export (in Dutch local time)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from django.db.models import Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone, translation
from django.utils.translation import gettext

from zorgid.audit import labels, queries
from zorgid.audit.models import AuditEvent
from zorgid.audit.services import record
from zorgid.identities.models import MobileId, Person, Smartcard
from zorgid.identities.people import searchable
from zorgid.organisations.models import Membership, Organisation
from zorgid.organisations.roles import member_subjects

from .display_names import Names, Party

MAX_EXPORT_ROWS = queries.MAX_EXPORT_ROWS
MAX_PEOPLE = 200  # a name filter matching more people than this takes the first ones by name
MAX_WORDS = 4
_PERSON_ID = re.compile(r"[0-9a-f]{32}")
_CHUNK = 2000


@dataclass(frozen=True)
class Filters:
    """What the viewer asks: ``person`` words of a name, ``kind`` a kind's code (from the list) or words of its
    label, a period of local dates (both ends included) and ``request_id`` the id of one request (exactly)."""

    person: str = ""
    kind: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    request_id: str = ""


def events(organisation: Organisation | None = None, filters: Filters | None = None) -> QuerySet:
    """Newest first; for an organisation its own events and those about its people (audit.queries.events), and
    a name is looked for among its own people only."""
    filters = filters or Filters()
    asked = {"start": filters.start, "end": filters.end, "kinds": kinds_matching(filters.kind),
             "request_id": filters.request_id,
             "parties": parties_of(people_matching(organisation, filters.person)) if filters.person.strip() else None}
    if organisation is None:
        return queries.events(**asked)
    return queries.events(organisation.ura, members=member_subjects(organisation), **asked)


def exported(organisation: Organisation | None, *, by: str, ip: str = "", asked: dict,
             filters: Filters | None = None) -> QuerySet:
    """The rows of a CSV export (at most MAX_EXPORT_ROWS); the export itself is an audit event, with the query
    as it was ``asked``."""
    record("audit.exported", actor=by, ip=ip, organisation=organisation.ura if organisation else "",
           details={"filters": asked})
    return events(organisation, filters)[:MAX_EXPORT_ROWS]


def kinds_matching(text: str) -> list[str] | None:
    """The kinds a filter means: a kind's code exactly; else every kind whose code starts with the text or whose
    label (Dutch or English) holds every word of it. None for no filter."""
    text = text.strip()
    if not text:
        return None
    if text in labels.KINDS:
        return [text]
    words = searchable(text).split()[:MAX_WORDS]
    found = []
    for kind in labels.KINDS:
        with translation.override("nl"):
            dutch = searchable(labels.label(kind))
        with translation.override("en"):
            english = searchable(labels.label(kind))
        if kind.startswith(text) or (words and (all(w in dutch for w in words) or all(w in english for w in words))):
            found.append(kind)
    return found


def people_matching(organisation: Organisation | None, text: str) -> list[str]:
    """The ids of the people whose names hold every word of ``text`` (case, accents and punctuation ignored on
    the organisations' lists): for an organisation only the people on its own list and those its own events are
    about (R-SEC-AUTHZ), for the operator anyone."""
    text = text.strip()
    rows = Membership.objects.all() if organisation is None else Membership.objects.filter(organisation=organisation)
    if _PERSON_ID.fullmatch(text):
        if organisation is None:
            return list(Person.objects.filter(pk=text).values_list("id", flat=True))
        return list(rows.filter(person_id=text).values_list("person_id", flat=True)[:1])
    words = searchable(text).split()[:MAX_WORDS]
    if not words:
        return []
    for word in words:
        rows = rows.filter(search_text__contains=word)
    found = list(dict.fromkeys(rows.order_by("last_name", "first_names", "person_id")
                               .values_list("person_id", flat=True)[:MAX_PEOPLE]))
    if len(found) < MAX_PEOPLE:
        # the operator: anyone (an operator holds no role in any organisation); an organisation: also whom its own
        # events are about, so that someone who left is still found
        people = Person.objects.exclude(pk__in=found)
        if organisation is not None:
            people = people.filter(pk__in=AuditEvent.objects.filter(organisation=organisation.ura,
                                                                    subject__startswith="person:")
                                   .annotate(person_id=Substr("subject", len("person:") + 1)).values("person_id"))
        for word in text.split()[:MAX_WORDS]:
            people = people.filter(Q(first_names__icontains=word) | Q(last_name__icontains=word))
        found += list(people.values_list("id", flat=True)[:MAX_PEOPLE - len(found)])
    return found


def parties_of(person_ids: list[str]) -> list[str]:
    """The audit references of these people and of their Mobile IDs and smartcards."""
    return [*(f"person:{pk}" for pk in person_ids),
            *(f"mobile_id:{pk}" for pk in MobileId.objects.filter(person_id__in=person_ids)
              .values_list("id", flat=True)),
            *(f"smartcard:{pk}" for pk in Smartcard.objects.filter(person_id__in=person_ids)
              .values_list("id", flat=True))]


@dataclass(frozen=True)
class Described:
    """One event as people read it."""

    event: AuditEvent
    label: str
    actor: Party
    subject: Party
    organisation: str  # its name and URA, or ""

    @property
    def local_at(self) -> dt.datetime:
        return timezone.localtime(self.event.at)


def described(rows) -> list[Described]:
    """The events with their labels and names (one query per kind of name for all of them)."""
    rows = list(rows)
    names = Names([*(e.actor for e in rows), *(e.subject for e in rows),
                   *(f"organisation:{e.organisation}" for e in rows if e.organisation)])
    return [Described(e, labels.label(e.event), names.of(e.actor), names.of(e.subject),
                      names.of(f"organisation:{e.organisation}").text if e.organisation else "") for e in rows]


def csv_header() -> list[str]:
    """The export's first row, in the active language."""
    return [gettext("Volgnummer"), gettext("Tijd (Nederlandse tijd)"), gettext("Gebeurtenis"), gettext("Wie"),
            gettext("Met wie / waarmee"), gettext("Vanwaar (IP-adres)"), gettext("Organisatie"),
            gettext("Soort (code)"), gettext("Wie (technisch)"), gettext("Met wie / waarmee (technisch)"),
            gettext("Details (technisch)"), gettext("Verzoeknummer")]


def csv_rows(found: QuerySet) -> Iterator[list[str]]:
    """The export's rows, read and named a chunk at a time; times as the page shows them (Europe/Amsterdam)."""
    rows = found.iterator(chunk_size=_CHUNK)
    while chunk := list(islice(rows, _CHUNK)):
        for row in described(chunk):
            e = row.event
            yield [str(e.seq), row.local_at.strftime("%d-%m-%Y %H:%M:%S"), row.label, str(row.actor),
                   str(row.subject), e.ip, row.organisation, e.event, e.actor, e.subject, _details(e.details),
                   e.request_id]


def _details(text: str) -> str:
    try:
        return "" if json.loads(text) == {} else text
    except ValueError:
        return text
