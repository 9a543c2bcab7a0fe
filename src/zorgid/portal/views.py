"""Thin portal views (R-FLOW-LOGIN, manual §2): start page with QR, waiting, overview, logout, errors."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_POST, require_safe

from zorgid import qrcodes
from zorgid.flows import services as flows
from zorgid.organisations.models import Role
from zorgid.organisations.roles import roles_of
from zorgid.protocol.errors import ZorgidError
from zorgid.protocol.payloads import LoginPayload
from zorgid.web import client_ip, server_origin
from zorgid.widscan.services import overview as widscan_overview

from . import card_views, correction_views, session, smartcard_admin_views
from .access import require_person
from .errors import CsrfFailed
from .errors_catalogue import catalogue


def error_page(request: HttpRequest, error: ZorgidError) -> HttpResponse:
    restart = card_views.restart(request, error)  # "Opnieuw beginnen", where the solution names it
    response = render(request, "portal/error.html", {
        "error": error, "language": get_language(), "restart_url": restart,
        "restart_posts": bool(restart) and restart != reverse("portal-start"),
    }, status=error.status)
    response.zorgid_error_code = error.code  # for the access log's line (portal/access_log.py)
    return response


@require_safe
def start(request: HttpRequest) -> HttpResponse:
    """The start page: a fresh login QR, valid 5 minutes, bound to this browser."""
    if session.current_person(request):
        return redirect("portal-overview")
    origin = server_origin(request)
    flow = flows.start_login(browser_secret=session.browser_secret(request), origin=origin,
                             requester_name=settings.ZORGID_PORTAL_NAME)
    payload = LoginPayload(server=origin, flow=flow.id).to_uri()
    return render(request, "portal/start.html", {
        "flow": flow,
        "payload": payload,
        "qr_svg": qrcodes.svg_inline(payload, title=gettext("QR-code om in te loggen met de ZORG-ID app")),
        "status_url": reverse("portal-login-status", args=[flow.id]),
        "wait_seconds": settings.ZORGID_LOGIN_WAIT_SECONDS,
    })


@require_safe
def login_status(request: HttpRequest, flow_id: str) -> JsonResponse:
    """Polled by the start page (flow_wait.js): waits for the app's approval, then logs this browser in.

    The one status answer of every flow (flows.status.browser_answer): bounded waits, and without a free
    slot an answer at once with the seconds after which the page asks again.
    """
    answer = flows.login_status(flow_id, browser_secret=session.known_browser_secret(request),
                                client=client_ip(request), wait=request.GET.get("wait") == "1")
    if answer.state == "done":
        session.log_in(request, answer.flow.mobile_id_id)
        return JsonResponse({**answer.body, "next": reverse("portal-overview")})
    return JsonResponse(answer.body, status=answer.status)


@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    person = require_person(request)
    mobile_id = session.current_mobile_id(request)  # None after a login with a ZORG-ID Smartcard
    roles = roles_of(person)
    correction_views.tell_on_overview(request, person)  # his data corrected: told here once
    return render(request, "portal/overview.html", {
        "roles": roles, "is_operator": any(r.role == Role.OPERATOR for r in roles),
        "uzi_registrations": mobile_id.uzi_registrations.order_by("registered_at") if mobile_id else [],
        **smartcard_admin_views.overview_context(person),
        "widscan": widscan_overview(person),  # his own linked WID scan app and his last recorded WID checks
    })


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    session.log_out(request)
    return redirect("portal-start")


@require_safe
def error_codes(request: HttpRequest) -> HttpResponse:
    """The public list of every error code with cause and solution (R-ERR, manual §7.1)."""
    language = get_language() or "nl"
    rows = [
        {"code": cls.code, "status": cls.status, "cause": cls().cause(language), "solution": cls().solution(language)}
        for cls in catalogue()
    ]
    return render(request, "portal/error_codes.html", {"rows": rows})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_page(request, CsrfFailed())


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from zorgid.errors import NotFound

    if request.path.startswith("/api/"):
        return JsonResponse(NotFound().as_dict(), status=404)
    return error_page(request, NotFound())


def server_error(request: HttpRequest) -> HttpResponse:
    from zorgid.protocol.errors import InternalError

    if request.path.startswith("/api/"):
        return JsonResponse(InternalError().as_dict(), status=500)
    response = render(request, "portal/error.html", {"error": InternalError(), "language": "nl"}, status=500)
    response.zorgid_error_code = InternalError.code  # the log has the traceback under the page's request id
    return response
