"""Reading the audit log for the viewer (R-SEC-AUDIT): an organisation's events, filtered; all for the operator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Q, QuerySet

from .models import AuditEvent

MAX_EXPORT_ROWS = 100_000


def events(ura: str | None = None, *, members: Sequence[QuerySet] = (), person_id: str = "", event: str = "",
           parties: Sequence[str] | None = None, kinds: Sequence[str] | None = None,
           start: dt.date | None = None, end: dt.date | None = None, request_id: str = "") -> QuerySet:
    """Newest first. For an organisation (its ``ura``): the events recorded for it, and the events of no
    organisation about its people: those whose subject is one of ``members`` (subqueries of audit subjects, its
    people and their Mobile IDs; a login flow's approval or refusal: whose actor is). Never an event recorded for
    another organisation, nor what one of its people did elsewhere (an operator's work, say).

    ``parties``: only events whose actor or subject is one of these (``person:<id>``, ``mobile_id:<id>``, …);
    ``kinds``: only events of these kinds. An empty list finds nothing; None does not filter. ``request_id``: only
    the events recorded in that request (exactly; portal/request_ids.py), within what ``ura`` may see."""
    found = AuditEvent.objects.all()
    if ura is not None:
        people, logins = Q(pk__in=[]), Q(pk__in=[])
        for subjects in members:
            people |= Q(subject__in=subjects)
            logins |= Q(actor__in=subjects)
        found = found.filter(Q(organisation=ura) | (Q(organisation="") & (people | (Q(event__startswith="login.")
                                                                                      & logins))))
    if person_id:
        found = found.filter(Q(subject=f"person:{person_id}") | Q(actor=f"person:{person_id}"))
    if parties is not None:
        found = found.filter(Q(subject__in=list(parties)) | Q(actor__in=list(parties)))
    if event:
        found = found.filter(event__startswith=event)
    if kinds is not None:
        found = found.filter(event__in=list(kinds))
    if request_id:
        found = found.filter(request_id=request_id)
    if start:
        found = found.filter(at__date__gte=start)
    if end:
        found = found.filter(at__date__lte=end)
    return found.order_by("-seq")


def about(subjects: Sequence[str], ura: str, limit: int) -> list[AuditEvent]:
    """The newest ``limit`` events about ``subjects`` (a person and his Mobile IDs) as one organisation may see
    them: those recorded for it or for no organisation, never another organisation's."""
    found = AuditEvent.objects.filter(Q(organisation=ura) | Q(organisation=""), subject__in=list(subjects))
    return list(found.order_by("-seq")[:limit])
