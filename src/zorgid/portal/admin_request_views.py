"""Requests to become portal administrator (docs/security.md): thin views over zorgid.validation.admin_requests.

The card holder asks from the validation page (after the card step, when validating is refused); the
organisation's administrators and the operator see the open requests and approve or decline each one. A
beheerder does not see or decide them (R-SEC-AUTHZ).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from zorgid.flows import cards
from zorgid.organisations.errors import AdministratorRequestDecisionMissing
from zorgid.organisations.models import Role
from zorgid.validation import admin_requests
from zorgid.web import client_ip

from . import session
from .access import require_org_role

DECISIONS = {"approve": True, "decline": False}


@require_POST
def ask(request: HttpRequest, flow_id: str) -> HttpResponse:
    secret = session.known_browser_secret(request)
    asked = admin_requests.ask(flow_id, browser_secret=secret, ip=client_ip(request))
    cards.remember(flow_id, browser_secret=secret,  # for the next page, on the flow row
                   asked={"name": asked.organisation.name, "ura": asked.organisation.ura})
    return redirect("portal-validate-asked", flow_id=flow_id)


@require_safe
def asked(request: HttpRequest, flow_id: str) -> HttpResponse:
    result = cards.remembered(flow_id, "asked", browser_secret=session.known_browser_secret(request))
    if not result:
        return redirect("portal-start")
    return render(request, "portal/validate_asked.html", {"result": result})


@require_safe
def requests_list(request: HttpRequest, ura: str) -> HttpResponse:
    _, organisation = require_org_role(request, ura, roles=(Role.ADMINISTRATOR,))
    return render(request, "portal/org_admin_requests.html", {
        "organisation": organisation, "requests": admin_requests.open_requests(organisation),
    })


@require_POST
def decide(request: HttpRequest, ura: str, request_id: int) -> HttpResponse:
    by, organisation = require_org_role(request, ura, roles=(Role.ADMINISTRATOR,))
    decision = request.POST.get("decision", "")
    if decision not in DECISIONS:
        raise AdministratorRequestDecisionMissing(f"decision {decision[:20]!r}")
    decided = admin_requests.decide(organisation, request_id, approve=DECISIONS[decision], by=by,
                                    ip=client_ip(request))
    names = {"name": decided.person.full_name, "organisation": organisation.name}
    messages.success(request, _("%(name)s is nu administrator van %(organisation)s.") % names if DECISIONS[decision]
                     else _("Het verzoek van %(name)s is afgewezen.") % names)
    return redirect("portal-org-admin-requests", ura=ura)
