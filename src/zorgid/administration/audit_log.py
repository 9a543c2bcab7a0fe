"""The audit viewer's question (R-SEC-AUDIT): an organisation's events, or all of them for the operator."""

from __future__ import annotations

from django.db.models import QuerySet

from zorgid.audit import queries
from zorgid.organisations.models import Organisation
from zorgid.organisations.roles import member_subjects

MAX_EXPORT_ROWS = queries.MAX_EXPORT_ROWS


def events(organisation: Organisation | None = None, **filters) -> QuerySet:
    """Newest first; for an organisation its own events and those about its people (audit.queries.events)."""
    if organisation is None:
        return queries.events(**filters)
    return queries.events(organisation.ura, members=member_subjects(organisation), **filters)
