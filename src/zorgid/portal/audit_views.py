"""The audit viewer (R-SEC-AUDIT): an organisation's administrators and beheerders see its events, filtered
by person, type and period, and export them as CSV; the operator sees all."""

from __future__ import annotations

import csv

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from zorgid import clock
from zorgid.administration import audit_log as queries
from zorgid.web import client_ip

from .access import require_operator, require_org_role

PAGE_SIZE = 50


def _filters(request: HttpRequest) -> dict:
    def date(name):
        try:
            return clock.parse_date(request.GET[name]) if request.GET.get(name) else None
        except ValueError:
            return None

    return {"person_id": request.GET.get("persoon", "")[:64], "event": request.GET.get("soort", "")[:64],
            "start": date("van"), "end": date("tot")}


def _respond(request: HttpRequest, organisation, viewer) -> HttpResponse:
    if request.GET.get("formaat") == "csv":
        return _csv(queries.exported(organisation, by=f"person:{viewer.id}", ip=client_ip(request),
                                     asked=dict(request.GET.items()), **_filters(request)))
    page = Paginator(queries.events(organisation, **_filters(request)), PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(request, "portal/audit.html", {"organisation": organisation, "page": page,
                                                 "query": request.GET.urlencode(), "filters": request.GET})


class _Echo:
    def write(self, value):
        return value


def _csv(rows) -> StreamingHttpResponse:
    writer = csv.writer(_Echo(), delimiter=";")
    header = ["volgnummer", "tijd", "gebeurtenis", "wie", "wat/wie", "waarvandaan", "organisatie", "details"]
    lines = (writer.writerow([e.seq, e.at.isoformat(), e.event, e.actor, e.subject, e.ip, e.organisation,
                              e.details]) for e in rows.iterator(chunk_size=2000))
    response = StreamingHttpResponse((line for chunk in ([writer.writerow(header)], lines) for line in chunk),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="zorgid-audit.csv"'
    return response


@require_safe
def organisation_audit(request: HttpRequest, ura: str) -> HttpResponse:
    viewer, organisation = require_org_role(request, ura)
    return _respond(request, organisation, viewer)


@require_safe
def operator_audit(request: HttpRequest) -> HttpResponse:
    return _respond(request, None, require_operator(request))
