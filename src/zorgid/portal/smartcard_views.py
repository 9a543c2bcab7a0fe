"""Making a ZORG-ID Smartcard (docs/uzi.md "ZORG-ID Smartcard"): the portal's side of smartcards.making.

"Smartcard aanmaken" explains the steps and starts a card session of purpose ``smartcard`` for the chosen
organisation; its page opens the Desktop App (one ``zorgid-desktop://`` address for both cards) and waits, with
the one polling script (flow_wait.js), until the session is completed, then shows the card number. While the
UZI-pas has answered and the Desktop App makes the new card, the status answers at once with ``retry_after``,
so the page asks again; a refusal (of the UZI-pas or of the keys) shows its code, cause and solution.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from zorgid import clock
from zorgid.flows import cards
from zorgid.flows.errors import CardWrongPurpose
from zorgid.flows.models import CardFlow, CardFlowState
from zorgid.protocol.payloads import CardPayload
from zorgid.smartcards import making
from zorgid.web import client_ip, server_origin

from . import session
from .access import require_person
from .errors import Forbidden

ANSWERED_RETRY_SECONDS = 2  # the status of a session whose UZI-pas answered: ask again after this long


def _start(request: HttpRequest, person, ura: object) -> HttpResponse:
    flow = making.start(person, ura, browser_secret=session.browser_secret(request), origin=server_origin(request),
                        requester_name=settings.ZORGID_PORTAL_NAME, ip=client_ip(request))
    return redirect("portal-smartcard-card", flow_id=flow.id)


@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """Smartcard aanmaken: what is needed, the organisation (if several), then the card session."""
    person = require_person(request)
    if request.method == "POST":
        return _start(request, person, request.POST.get("ura"))
    return render(request, "portal/smartcard_new.html", {"organisations": making.organisations_of(person)})


def _own_flow(request: HttpRequest, flow_id: str) -> CardFlow:
    """This browser's session of purpose ``smartcard``, started by the person logged in."""
    person = require_person(request)
    flow = cards.own_flow(flow_id, browser_secret=session.known_browser_secret(request))
    if flow.purpose != making.PURPOSE:
        raise CardWrongPurpose(f"{flow.purpose} is not {making.PURPOSE}")
    if flow.person_id != person.pk:
        raise Forbidden("a smartcard session of another person")
    return flow


@require_safe
def card(request: HttpRequest, flow_id: str) -> HttpResponse:
    """The session's page: open the Desktop App, wait until the card is made (or refused)."""
    flow = _own_flow(request, flow_id)
    address = CardPayload(server=flow.origin, flow=flow.id).to_uri()
    # the status says "expired" when the UZI-pas did not answer in time; the page gives up by itself at the
    # latest when the keys could no longer come
    gives_up_at = flow.expires_at + dt.timedelta(seconds=settings.ZORGID_CARD_CONFIRM_SECONDS)
    return render(request, "portal/smartcard_card.html", {
        "flow": flow, "desktop_address": address, "gives_up_at": gives_up_at,
        "status_url": reverse("portal-smartcard-status", args=[flow.id]),
        "organisation_ura": flow.page_state.get(making.URA_KEY, ""),
    })


@require_safe
def status(request: HttpRequest, flow_id: str) -> JsonResponse:
    """Polled by the session's page: pending (a long wait), answered (ask again), completed with where to go,
    refused with why, expired."""
    answer = cards.card_status(flow_id, browser_secret=session.known_browser_secret(request),
                               client=client_ip(request), wait=request.GET.get("wait") == "1")
    body, flow = dict(answer.body), answer.flow
    if isinstance(flow, CardFlow) and flow.purpose != making.PURPOSE:
        error = CardWrongPurpose(f"{flow.purpose} is not {making.PURPOSE}")
        return JsonResponse(error.as_dict(), status=error.status)
    if answer.state == CardFlowState.ANSWERED and isinstance(flow, CardFlow):
        body = ({"state": "expired"} if clock.now() >= making.confirm_deadline(flow)
                else {"state": CardFlowState.ANSWERED, "retry_after": ANSWERED_RETRY_SECONDS})
    elif answer.state == CardFlowState.COMPLETED:
        body["next"] = reverse("portal-smartcard-done", args=[flow_id])
    return JsonResponse(body, status=answer.status)


@require_POST
def refresh(request: HttpRequest, flow_id: str) -> HttpResponse:
    """Verversen: a new session with a new challenge, for the same organisation."""
    flow = _own_flow(request, flow_id)
    return _start(request, require_person(request), flow.page_state.get(making.URA_KEY))


@require_POST
def answered(request: HttpRequest, flow_id: str) -> HttpResponse:
    """The shared card page's next step (card_views.NEXT_STEP): this purpose waits on its own page."""
    return redirect("portal-smartcard-card", flow_id=_own_flow(request, flow_id).id)


@require_safe
def done(request: HttpRequest, flow_id: str) -> HttpResponse:
    flow = _own_flow(request, flow_id)
    card = making.made_card(flow)
    if card is None:
        return redirect("portal-smartcard-card", flow_id=flow.id)
    return render(request, "portal/smartcard_done.html", {"card": card})
