"""Thin pages of the application route (R-FLOW-APPLY): form, status, upload, follow-up, activation QR."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods, require_safe

from zorgid import qrcodes
from zorgid.applications import documents, onboarding, services
from zorgid.applications import validation_tool as validation_tool_files
from zorgid.identities.models import ActivationCode
from zorgid.identities.services import activation_by_code
from zorgid.protocol.errors import ZorgidError
from zorgid.protocol.payloads import ActivationPayload
from zorgid.ratelimit.errors import RateLimited
from zorgid.web import client_ip, server_origin

from .application_forms import ApplicationForm, FollowupForm, UploadForm

MAX_UPLOAD_BYTES = 512 * 1024


@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            submitted = services.submit(form.cleaned_data, ip=client_ip(request))
        except RateLimited:
            raise  # the error page, 429 with Retry-After
        except ZorgidError as error:
            form.add_error("ura", f"{error.code}: {error.cause_nl} {error.solution_nl}")
        else:
            return redirect(services.status_path(submitted.application, submitted.status_token) + "?nieuw=1")
    return render(request, "applications/apply.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
def status(request: HttpRequest, reference: str, token: str) -> HttpResponse:
    """The secret status page: the TB and the VTW follow the application without logging in."""
    application = services.by_status_token(reference, token)
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        services.withdraw(application, actor="status-page")
        return redirect(request.path)
    return render(request, "applications/status.html", {
        "application": application, "events": application.events.all(), "new": "nieuw" in request.GET,
    })


@require_http_methods(["GET", "HEAD", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """Send back the signed document on a page, with the reference (R-FLOW-APPLY step 3)."""
    form = UploadForm(request.POST or None, request.FILES or None)
    refusal = done = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["document"].read(MAX_UPLOAD_BYTES + 1)
        application, refusal = documents.receive_document(form.cleaned_data["reference"].strip(), data,
                                                          via="upload", actor=f"upload:{client_ip(request)}")
        done = application
    language = get_language() or "nl"
    return render(request, "applications/upload.html", {
        "form": form, "refusal": refusal, "done": done,
        "cause": refusal.cause(language) if refusal else "", "solution": refusal.solution(language) if refusal else "",
    }, status=400 if (form.errors or refusal) else 200)


@require_http_methods(["GET", "HEAD", "POST"])
def followup(request: HttpRequest, token: str) -> HttpResponse:
    application = onboarding.followup_application(token)
    form = FollowupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        onboarding.submit_followup(token, ip=client_ip(request), **form.cleaned_data)
        return render(request, "applications/followup_done.html", {"application": application})
    return render(request, "applications/followup.html", {"form": form, "application": application},
                  status=400 if form.errors else 200)


@require_safe
def activation(request: HttpRequest, code: str) -> HttpResponse:
    """The activation QR of the e-mail, as a page (a screenshot of it works as well)."""
    found: ActivationCode = activation_by_code(code)
    payload = ActivationPayload(server=server_origin(request), code=code).to_uri()
    return render(request, "applications/activation.html", {
        "payload": payload, "expires_at": found.expires_at, "person": found.person,
        "qr_svg": qrcodes.svg_inline(payload, title="Activatie-QR-code voor de ZORG-ID app"),
    })


@require_safe
def validation_tool(request: HttpRequest) -> HttpResponse:
    """Where the confirmation mail points: the validation tool's download with its SHA-256, and its manual."""
    return render(request, "applications/validatietool.html", {
        "manual": validation_tool_files.manual_html(), "download": validation_tool_files.download_or_none(),
        "file_name": validation_tool_files.FILE_NAME})


@require_safe
def validation_tool_download(request: HttpRequest) -> FileResponse:
    """The validation tool as one file (a Python zipapp); 404 ZID-APPLICATION-TOOL-MISSING until it is built."""
    built = validation_tool_files.download()
    return FileResponse(built.path.open("rb"), as_attachment=True, filename=validation_tool_files.FILE_NAME,
                        content_type="application/zip")
