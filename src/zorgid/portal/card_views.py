"""The card step shared by self-registration, organisation validation and attributes (manual §3–5).

The page hands the ``zorgid-desktop://`` address to the browser, waits for the Desktop App's answer, and
offers "Opnieuw beginnen" for a new attempt when nothing answers or the holder answered Nee (which the page says at
once). When the card has been read, the page posts to the purpose's next step. An error page of a card session offers
the same "Opnieuw beginnen" where the error's solution names it (:func:`restart`).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from zorgid.flows import cards
from zorgid.flows.models import CardFlow, CardFlowPurpose
from zorgid.identities.models import Person
from zorgid.protocol.errors import ZorgidError
from zorgid.protocol.payloads import CardPayload
from zorgid.web import client_ip, server_origin

from . import session

NEXT_STEP = {
    CardFlowPurpose.SELF_REGISTRATION: "portal-register-card-read",
    CardFlowPurpose.ORGANISATION_VALIDATION: "portal-validate-card-read",
    CardFlowPurpose.ATTRIBUTES: "portal-attributes-link",
    CardFlowPurpose.SMARTCARD: "portal-smartcard-answered",  # waits on its own page for the new card's keys
    CardFlowPurpose.SMARTCARD_LOGIN: "portal-smartcard-login-card-read",
}
TITLES = {
    CardFlowPurpose.SELF_REGISTRATION: _("Registreren"),
    CardFlowPurpose.ORGANISATION_VALIDATION: _("Organisatie valideren"),
    CardFlowPurpose.ATTRIBUTES: _("Attributen registreren"),
    CardFlowPurpose.SMARTCARD: _("Smartcard aanmaken"),
    CardFlowPurpose.SMARTCARD_LOGIN: _("Inloggen met ZORG-ID Smartcard"),
}


def start(request: HttpRequest, purpose: str, person: Person | None = None) -> HttpResponse:
    """Begin a card session for ``purpose`` and show its waiting page."""
    flow = cards.start_card_flow(browser_secret=session.browser_secret(request), origin=server_origin(request),
                                 purpose=purpose, requester_name=settings.ZORGID_PORTAL_NAME, person=person)
    return redirect("portal-card", flow_id=flow.id)


def _own_flow(request: HttpRequest, flow_id: str) -> CardFlow:
    return cards.own_flow(flow_id, browser_secret=session.known_browser_secret(request))


@require_safe
def card_page(request: HttpRequest, flow_id: str) -> HttpResponse:
    flow = _own_flow(request, flow_id)
    address = CardPayload(server=flow.origin, flow=flow.id).to_uri()
    return render(request, "portal/card.html", {
        "flow": flow, "title": TITLES[flow.purpose], "desktop_address": address,
        "status_url": reverse("portal-card-status", args=[flow.id]),
        "next_url": reverse(NEXT_STEP[flow.purpose], args=[flow.id]),
    })


@require_safe
def card_status(request: HttpRequest, flow_id: str) -> JsonResponse:
    """Polled by the card page (flow_wait.js): waits for the Desktop App, then says answered, refused or expired."""
    answer = cards.card_status(flow_id, browser_secret=session.known_browser_secret(request),
                               client=client_ip(request), wait=request.GET.get("wait") == "1")
    return JsonResponse(answer.body, status=answer.status)


@require_POST
def card_refresh(request: HttpRequest, flow_id: str) -> HttpResponse:
    """Opnieuw beginnen: a new attempt with a new challenge, for the same purpose (and person)."""
    flow = _own_flow(request, flow_id)
    return start(request, flow.purpose, person=flow.person)


RESTART = "Opnieuw beginnen"  # the button of the card pages, named so in the errors' solutions
REFRESH_OF_PURPOSE = {CardFlowPurpose.SMARTCARD: "portal-smartcard-refresh"}  # its own page keeps the organisation


def restart(request: HttpRequest, error: ZorgidError) -> str | None:
    """Where an error page's "Opnieuw beginnen" goes, for an error whose solution names it: a new card session for the
    same purpose (a POST) when the page belongs to a card session of this browser, else the start page."""
    if RESTART not in error.solution_nl:
        return None
    flow_id = getattr(request.resolver_match, "kwargs", {}).get("flow_id")
    try:
        flow = _own_flow(request, flow_id)
    except ZorgidError:
        return reverse("portal-start")
    return reverse(REFRESH_OF_PURPOSE.get(flow.purpose, "portal-card-refresh"), args=[flow.id])
