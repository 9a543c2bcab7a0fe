"""UZI attributes (R-FLOW-ATTR, manual §5): link the attributes of one's own UZI-pas to the logged-in ID."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from zorgid.attributes.services import link_card, linked
from zorgid.flows.models import CardFlowPurpose
from zorgid.web import client_ip

from . import card_views, session
from .access import require_mobile_id, require_person


@require_http_methods(["GET", "HEAD", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    person = require_person(request)
    if request.method == "POST":
        return card_views.start(request, CardFlowPurpose.ATTRIBUTES, person=person)
    return render(request, "portal/attributes_start.html")


@require_POST
def link(request: HttpRequest, flow_id: str) -> HttpResponse:
    """The card was read and is the holder's own (checked on answer): link its attributes to this ID."""
    mobile_id = require_mobile_id(request)
    registration = link_card(flow_id, browser_secret=session.known_browser_secret(request), mobile_id=mobile_id,
                             ip=client_ip(request))
    request.session["zorgid_attributes_linked"] = registration.pk
    return redirect("portal-attributes-done")


@require_safe
def done(request: HttpRequest) -> HttpResponse:
    mobile_id = require_mobile_id(request)
    registration = linked(mobile_id, request.session.get("zorgid_attributes_linked"))
    if registration is None:
        return redirect("portal-overview")
    return render(request, "portal/attributes_done.html", {"registration": registration})
