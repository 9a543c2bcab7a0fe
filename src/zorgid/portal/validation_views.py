"""Organisation validation with a UZI-pas (R-FLOW-UZIORG, manual §4).

Valideren → voorwaarden → UZI-pas → organisatiegegevens (naam en URA zoals ingevoerd door de operator) →
Volgende → verwerking → validatie geslaagd, met de Mobile ID's die administrator zijn geworden. Een organisatie
wordt één keer gevalideerd (zorgid.validation.services): kan deze pas dat niet, dan toont de pagina waarom
(code, oorzaak, oplossing) en kan de pashouder vragen om administrator te worden (admin_request_views).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from zorgid.flows import cards
from zorgid.flows.models import CardFlowPurpose
from zorgid.validation.services import refusal, validate_organisation, validation_flow
from zorgid.web import client_ip

from . import card_views, session


def _secret(request: HttpRequest) -> str:
    return session.known_browser_secret(request)


@require_http_methods(["GET", "HEAD", "POST"])
def terms(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return card_views.start(request, CardFlowPurpose.ORGANISATION_VALIDATION)
    return render(request, "portal/validate_terms.html")


@require_POST
def card_read(request: HttpRequest, flow_id: str) -> HttpResponse:
    validation_flow(flow_id, browser_secret=_secret(request))
    return redirect("portal-validate-organisation", flow_id=flow_id)


@require_http_methods(["GET", "HEAD", "POST"])
def organisation(request: HttpRequest, flow_id: str) -> HttpResponse:
    if request.method == "POST":
        result = validate_organisation(flow_id, browser_secret=_secret(request), ip=client_ip(request))
        cards.remember(flow_id, browser_secret=_secret(request), validated={  # for the last page, on the flow row
            "name": result.organisation.name, "ura": result.organisation.ura,
            "mobile_ids": [m.id for m in result.mobile_ids],
            "holders": sorted({m.person.full_name for m in result.mobile_ids}),
        })
        return redirect("portal-validate-done", flow_id=flow_id)
    flow, found = validation_flow(flow_id, browser_secret=_secret(request))
    return render(request, "portal/validate_organisation.html", {
        "flow": flow, "organisation": found, "refusal": refusal(flow, found), "language": get_language()})


@require_safe
def done(request: HttpRequest, flow_id: str) -> HttpResponse:
    result = cards.remembered(flow_id, "validated", browser_secret=_secret(request))
    if not result:
        return redirect("portal-start")
    return render(request, "portal/validate_done.html", {"result": result})
