"""Reading the audit log for the viewer (R-SEC-AUDIT): an organisation's events, filtered; all for the operator."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat

from zorgid.identities.models import RoleAssignment

from .models import AuditEvent

MAX_EXPORT_ROWS = 100_000


def members_as_subjects(organisation) -> QuerySet:
    """``person:<id>`` of everyone with a role in the organisation (a subquery, not a list)."""
    return (RoleAssignment.objects.filter(organisation=organisation)
            .annotate(subject=Concat(Value("person:"), "person_id")).values("subject"))


def events(organisation=None, *, person_id: str = "", event: str = "", start: dt.date | None = None,
           end: dt.date | None = None) -> QuerySet:
    """Newest first. For an organisation: what was done in it, and what its people did or underwent."""
    found = AuditEvent.objects.all()
    if organisation is not None:
        members = members_as_subjects(organisation)
        found = found.filter(Q(organisation=organisation.ura) | Q(subject__in=members) | Q(actor__in=members))
    if person_id:
        found = found.filter(Q(subject=f"person:{person_id}") | Q(actor=f"person:{person_id}"))
    if event:
        found = found.filter(event__startswith=event)
    if start:
        found = found.filter(at__date__gte=start)
    if end:
        found = found.filter(at__date__lte=end)
    return found.order_by("-seq")
