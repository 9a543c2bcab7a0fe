"""The bulk import of employees as a page (R-FLOW-BEHREG): thin, over ``administration.importing``.

The page and ``zorgid employees import`` share one service and one report (``administration.import_report``):
all or nothing, every refused row with its line, code and value, persons already in the organisation skipped,
one audit event. A file over the importer's limit is refused by its declared size before its body is read
(``portal.upload_limits``); a file error (encoding, form, size) is shown on the page with its code.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from zorgid.administration import import_report, importing
from zorgid.protocol.errors import error_class
from zorgid.web import client_ip

from .access import require_org_role
from .import_forms import ImportForm

SHOWN_REFUSED = 500  # refused rows in the table; the rest are counted (the whole list: zorgid employees import)
SHOWN_ALREADY = 200
SHOWN_NEW = 200
FILE_ERRORS = (importing.ImportFileInvalid, importing.ImportEncodingInvalid, importing.ImportFileTooLarge)


def _limits() -> dict:
    """The importer's limits, as the form and its script show them (the same refusal and code as the server's)."""
    return {"max_bytes": importing.MAX_FILE_BYTES, "max_megabytes": importing.MAX_FILE_BYTES // (1024 * 1024),
            "max_rows": f"{importing.MAX_ROWS:,}".replace(",", "."), "too_large": importing.ImportFileTooLarge(),
            "language": get_language() or "nl"}


def _page(request: HttpRequest, organisation, form: ImportForm, *, status: int = 200, **extra) -> HttpResponse:
    return render(request, "portal/org_import.html", {"organisation": organisation, "form": form, **_limits(),
                                                      **extra}, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def employee_import(request: HttpRequest, ura: str) -> HttpResponse:
    person, organisation = require_org_role(request, ura)
    if request.method != "POST":
        return _page(request, organisation, ImportForm())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, organisation, form, status=400)
    upload, dry_run = form.cleaned_data["bestand"], form.cleaned_data["proef"]
    try:
        if upload.size > importing.MAX_FILE_BYTES:
            raise importing.too_large_bytes(upload.size)
        report = importing.import_upload(organisation, upload.read(importing.MAX_FILE_BYTES + 1), name=upload.name,
                                         by=person, ip=client_ip(request), dry_run=dry_run)
    except FILE_ERRORS as error:
        return _page(request, organisation, form, status=error.status, file_error=error,
                     file_name=(upload.name or "")[:200])
    summary = import_report.imported_summary(report, organisation.name)
    if report.written:
        messages.success(request, summary)
    refused = importing.ImportRowsRefused(f"{len(report.refused)} / {report.rows}") if report.refused else None
    return render(request, "portal/org_import_result.html", {
        "organisation": organisation, "report": report, **_limits(), "refused_error": refused, "summary": summary,
        "form": ImportForm(),
        "refused_heading": import_report.refused_heading(report) if refused else "",
        "refused_rows": report.refused[:SHOWN_REFUSED], "refused_more": max(len(report.refused) - SHOWN_REFUSED, 0),
        "already_rows": report.already[:SHOWN_ALREADY], "already_more": max(len(report.already) - SHOWN_ALREADY, 0),
        "new_rows": report.new[:SHOWN_NEW], "new_more": max(len(report.new) - SHOWN_NEW, 0),
        "awaiting": import_report.awaiting_wid_check() if report.new else "",
        "codes": _codes(report),
    }, status=refused.status if refused else 200)


def _codes(report) -> dict:
    """Each code in the report → its cause in the page's language (the table's legend)."""
    english = (get_language() or "nl").startswith("en")
    found = {problem.code for note in (*report.refused, *report.already) for problem in note.problems}
    classes = [error_class(code) for code in sorted(found)]
    return {cls.code: (cls.cause_en, cls.solution_en) if english else (cls.cause_nl, cls.solution_nl)
            for cls in classes if cls is not None}
