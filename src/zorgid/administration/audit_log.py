"""The audit viewer's question (R-SEC-AUDIT): an organisation's events, or all of them for the operator."""

from __future__ import annotations

from django.db.models import QuerySet

from zorgid.audit import queries
from zorgid.audit.services import record
from zorgid.organisations.models import Organisation
from zorgid.organisations.roles import member_subjects

MAX_EXPORT_ROWS = queries.MAX_EXPORT_ROWS


def events(organisation: Organisation | None = None, **filters) -> QuerySet:
    """Newest first; for an organisation its own events and those about its people (audit.queries.events)."""
    if organisation is None:
        return queries.events(**filters)
    return queries.events(organisation.ura, members=member_subjects(organisation), **filters)


def exported(organisation: Organisation | None, *, by: str, ip: str = "", asked: dict, **filters) -> QuerySet:
    """The rows of a CSV export (at most MAX_EXPORT_ROWS); the export itself is an audit event, with the query
    as it was ``asked``."""
    record("audit.exported", actor=by, ip=ip, organisation=organisation.ura if organisation else "",
           details={"filters": asked})
    return events(organisation, **filters)[:MAX_EXPORT_ROWS]
