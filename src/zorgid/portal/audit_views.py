"""The audit viewer (R-SEC-AUDIT): an organisation's administrators and beheerders see its events, filtered
by person (name), kind (from the list of labels), period and request (the id a log line, an error page and the
X-Request-ID header show: docs/security.md, "Logs"), and export them as CSV; the operator sees all."""

from __future__ import annotations

import csv

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from zorgid import clock
from zorgid.administration import audit_log
from zorgid.audit import labels
from zorgid.web import client_ip

from .access import require_operator, require_org_role
from .request_ids import SANE

PAGE_SIZE = 50
MAX_TEXT = 64


def _filters(request: HttpRequest) -> tuple[audit_log.Filters, dict[str, str]]:
    """The filters asked, and a message per date field that could not be read (that field is then ignored)."""
    problems: dict[str, str] = {}

    def date(name):
        text = request.GET.get(name, "").strip()
        if not text:
            return None
        try:
            return clock.parse_date(text[:MAX_TEXT])
        except ValueError:
            problems[name] = gettext("Deze datum is niet te lezen; schrijf hem als dd-mm-jjjj, bijvoorbeeld "
                                     "01-03-2026. Er is nu niet op gefilterd.")
            return None

    def request_id():
        text = request.GET.get("verzoek", "").strip()
        if not text or SANE.match(text):
            return text
        problems["verzoek"] = gettext("Een verzoeknummer is 8 tot 64 letters, cijfers of de tekens . _ : - (zoals "
                                      "de foutpagina en het log het tonen). Er is nu niet op gefilterd.")
        return ""

    filters = audit_log.Filters(person=request.GET.get("persoon", "")[:MAX_TEXT],
                                kind=request.GET.get("soort", "")[:MAX_TEXT], start=date("van"), end=date("tot"),
                                request_id=request_id())
    if filters.start and filters.end and filters.start > filters.end:
        problems["tot"] = gettext("De einddatum ligt vóór de begindatum: er is niets in die periode.")
    return filters, problems


def _respond(request: HttpRequest, organisation, viewer) -> HttpResponse:
    filters, problems = _filters(request)
    if request.GET.get("formaat") == "csv":
        asked = {key: value for key, value in request.GET.items() if key != "formaat"}
        return _csv(audit_log.exported(organisation, by=f"person:{viewer.id}", ip=client_ip(request), asked=asked,
                                       filters=filters))
    page = Paginator(audit_log.events(organisation, filters), PAGE_SIZE).get_page(request.GET.get("pagina"))
    kinds = labels.groups()
    known = {kind for _, group in kinds for kind, _ in group}
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(request, "portal/audit.html", {
        "organisation": organisation, "page": page, "rows": audit_log.described(page.object_list),
        "query": query.urlencode(), "filters": request.GET, "problems": problems, "kinds": kinds,
        "kind_unlisted": filters.kind if filters.kind and filters.kind not in known else "",
    })


class _Echo:
    def write(self, value):
        return value


def _csv(rows) -> StreamingHttpResponse:
    """Semicolons and a byte order mark, as a Dutch spreadsheet opens them; headers and labels in the language
    of the page that asked."""
    writer = csv.writer(_Echo(), delimiter=";")
    language = translation.get_language()

    def lines():
        with translation.override(language):
            yield "\ufeff" + writer.writerow(audit_log.csv_header())
            for row in audit_log.csv_rows(rows):
                yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="zorgid-audit.csv"'
    return response


@require_safe
def organisation_audit(request: HttpRequest, ura: str) -> HttpResponse:
    viewer, organisation = require_org_role(request, ura)
    return _respond(request, organisation, viewer)


@require_safe
def operator_audit(request: HttpRequest) -> HttpResponse:
    return _respond(request, None, require_operator(request))
