"""Reading the audit log for the viewer (R-SEC-AUDIT): an organisation's events, filtered; all for the operator."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat

from zorgid.identities.models import MobileId, RoleAssignment

from .models import AuditEvent

MAX_EXPORT_ROWS = 100_000


def members_as_subjects(organisation) -> QuerySet:
    """``person:<id>`` of everyone with a role in the organisation (a subquery, not a list)."""
    return (RoleAssignment.objects.filter(organisation=organisation)
            .annotate(subject=Concat(Value("person:"), "person_id")).values("subject"))


def members_mobile_ids(organisation) -> QuerySet:
    """``mobile_id:<id>`` of the Mobile IDs of everyone with a role in the organisation (a subquery)."""
    return (MobileId.objects.filter(person__roles__organisation=organisation)
            .annotate(subject=Concat(Value("mobile_id:"), "id")).values("subject"))


def events(organisation=None, *, person_id: str = "", event: str = "", start: dt.date | None = None,
           end: dt.date | None = None) -> QuerySet:
    """Newest first. For an organisation: the events recorded for it (``organisation`` = its URA), and the events
    of no organisation about its people: those whose subject is one of them or one of their Mobile IDs (a login
    flow's approval or refusal: whose actor is). Never an event recorded for another organisation, nor what one
    of its people did elsewhere (an operator's work, say)."""
    found = AuditEvent.objects.all()
    if organisation is not None:
        people = Q(subject__in=members_as_subjects(organisation)) | Q(subject__in=members_mobile_ids(organisation))
        logins = Q(event__startswith="login.") & (Q(actor__in=members_as_subjects(organisation))
                                                   | Q(actor__in=members_mobile_ids(organisation)))
        found = found.filter(Q(organisation=organisation.ura) | (Q(organisation="") & (people | logins)))
    if person_id:
        found = found.filter(Q(subject=f"person:{person_id}") | Q(actor=f"person:{person_id}"))
    if event:
        found = found.filter(event__startswith=event)
    if start:
        found = found.filter(at__date__gte=start)
    if end:
        found = found.filter(at__date__lte=end)
    return found.order_by("-seq")
