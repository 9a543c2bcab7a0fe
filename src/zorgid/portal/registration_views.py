"""Self-registration with a UZI-pas, page by page as the manual shows it (R-FLOW-SELFREG, manual §3).

Registreren → voorwaarden → Volgende → UZI-pas (card step) → gegevens van de pas → geboortedatum →
samenvatting → Bevestigen → registratie-QR (10 dagen, één keer) → ID geïnstalleerd → Inloggen.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from zorgid import clock, qrcodes
from zorgid.flows import cards
from zorgid.flows.models import CardFlowPurpose
from zorgid.flows.waiting import FLOW_ID
from zorgid.organisations.services import registered_organisation
from zorgid.registration.services import registration_flow, self_register
from zorgid.web import client_ip, server_origin

from . import card_views, sealed_cookies, session
from .forms import BirthDateForm


def _flow(request: HttpRequest, flow_id: str):
    return registration_flow(flow_id, browser_secret=session.known_browser_secret(request))


# The registration QR holds a one-time activation code: it is kept sealed in this browser's cookie, never in the
# session store or the database (portal.sealed_cookies).
QR_COOKIE = "zorgid_registration_qr"


def _qr_path(flow_id: str) -> str:
    return reverse("portal-register-qr", args=[flow_id]).rsplit("/", 1)[0] + "/"


@require_http_methods(["GET", "HEAD", "POST"])
def terms(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return card_views.start(request, CardFlowPurpose.SELF_REGISTRATION)
    return render(request, "portal/register_terms.html")


@require_POST
def card_read(request: HttpRequest, flow_id: str) -> HttpResponse:
    _flow(request, flow_id)
    return redirect("portal-register-card-data", flow_id=flow_id)


@require_safe
def card_data(request: HttpRequest, flow_id: str) -> HttpResponse:
    flow = _flow(request, flow_id)
    return render(request, "portal/register_card_data.html", {
        "flow": flow, "card": flow.attributes, "organisation": registered_organisation(flow.attributes["ura"]),
    })


@require_http_methods(["GET", "HEAD", "POST"])
def birth_date(request: HttpRequest, flow_id: str) -> HttpResponse:
    flow = _flow(request, flow_id)
    form = BirthDateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cards.remember(flow.id, browser_secret=session.known_browser_secret(request),
                       birth_date=form.cleaned_data["birth_date"].isoformat())  # on the flow row, not the session
        return redirect("portal-register-summary", flow_id=flow.id)
    return render(request, "portal/register_birth_date.html", {"flow": flow, "form": form},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
def summary(request: HttpRequest, flow_id: str) -> HttpResponse:
    flow = _flow(request, flow_id)
    chosen = flow.page_state.get("birth_date")
    if not chosen:
        return redirect("portal-register-birth-date", flow_id=flow.id)
    born = dt.date.fromisoformat(chosen)
    if request.method == "POST":
        issued = self_register(flow.id, browser_secret=session.known_browser_secret(request),
                               birth_date=born, ip=client_ip(request))
        response = redirect("portal-register-qr", flow_id=flow.id)
        sealed_cookies.set_sealed(response, QR_COOKIE, [issued.payload(server_origin(request)).to_uri(),
                                                        issued.expires_at.isoformat()], path=_qr_path(flow.id))
        return response
    return render(request, "portal/register_summary.html", {
        "flow": flow, "card": flow.attributes, "birth_date": born,
        "organisation": registered_organisation(flow.attributes["ura"]),
    })


@require_safe
def registration_qr(request: HttpRequest, flow_id: str) -> HttpResponse:
    """The registration QR, kept sealed in this browser only; a screenshot of it works as well."""
    shown = sealed_cookies.get_sealed(request, QR_COOKIE, path=_qr_path(flow_id))
    if not isinstance(shown, list) or len(shown) != 2:
        return redirect("portal-start")
    payload, expires = shown
    return render(request, "portal/register_qr.html", {
        "payload": payload, "expires_at": dt.datetime.fromisoformat(expires).astimezone(clock.now().tzinfo),
        "qr_svg": qrcodes.svg_inline(payload, title=gettext("Registratie-QR-code voor de ZORG-ID app")),
        "flow_id": flow_id,
    })


@require_safe
def installed(request: HttpRequest, flow_id: str) -> HttpResponse:
    """The holder went on: the registration QR (a one-time secret) leaves this browser."""
    response = render(request, "portal/register_installed.html", {"flow_id": flow_id})
    if QR_COOKIE in request.COOKIES and FLOW_ID.fullmatch(flow_id):  # the address goes into the cookie's path
        sealed_cookies.delete_sealed(response, QR_COOKIE, path=_qr_path(flow_id))
    return response


@require_safe
def log_in_now(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/register_login.html")
