"""Managing a ZORG-ID Smartcard (docs/uzi.md "ZORG-ID Smartcard"): the holder revokes his own card; an
organisation's administrators and beheerders revoke an employee's card or link it to their organisation after a
WID check. Each revoke has a confirmation page first and is final. The services: administration.smartcards."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from zorgid.administration import employees, smartcards
from zorgid.organisations.errors import SmartcardRevokeUnconfirmed
from zorgid.web import client_ip

from .access import require_org_role, require_person
from .forms import WidCheckForm

CONFIRMED = "ja"
LINK_FORM = "smartcard"  # the prefix of the link form's fields: the employee page has another WID form


def _confirmed(request: HttpRequest) -> None:
    if request.POST.get("confirm") != CONFIRMED:
        raise SmartcardRevokeUnconfirmed()


def overview_context(person) -> dict:
    """What the holder's overview shows of his smartcard."""
    return {"smartcard": smartcards.holder_card(person), "smartcard_new_url": reverse("portal-smartcard-new")}


def employee_context(organisation, person) -> dict:
    """What the employee page shows of his smartcard, and its link form."""
    return {"smartcard": smartcards.employee_card(organisation, person), "smartcard_link_form": WidCheckForm(
        prefix=LINK_FORM)}


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def revoke_own(request: HttpRequest) -> HttpResponse:
    """The holder: first the confirmation page, then the POST that revokes his card for good."""
    person = require_person(request)
    if request.method == "POST":
        _confirmed(request)
        card = smartcards.revoke_own(person, ip=client_ip(request))
        return render(request, "portal/smartcard_revoke_done.html", {"card": card})
    return render(request, "portal/smartcard_revoke_confirm.html", {
        "view": smartcards.holder_card(person), "action": reverse("portal-smartcard-revoke"),
        "back": reverse("portal-overview")})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def admin_revoke(request: HttpRequest, ura: str, person_id: str) -> HttpResponse:
    """A manager: first the confirmation page, then the POST that revokes the employee's card for good."""
    by, organisation = require_org_role(request, ura)
    person = employees.employee(organisation, person_id)
    if request.method == "POST":
        _confirmed(request)
        smartcards.revoke_card(organisation, person.id, by=by, ip=client_ip(request))
        return redirect("portal-org-employee", ura=organisation.ura, person_id=person.id)
    return render(request, "portal/smartcard_admin_revoke.html", {
        "organisation": organisation, "person": person, "view": smartcards.employee_card(organisation, person),
        "action": reverse("portal-org-smartcard-revoke", args=[organisation.ura, person.id]),
        "back": reverse("portal-org-employee", args=[organisation.ura, person.id])})


@never_cache
@require_POST
def admin_link(request: HttpRequest, ura: str, person_id: str) -> HttpResponse:
    """A manager links the employee's card to his organisation after the WID check (the employee page's form)."""
    by, organisation = require_org_role(request, ura)
    person = employees.employee(organisation, person_id)
    form = WidCheckForm(request.POST, prefix=LINK_FORM)
    if not form.is_valid():
        return render(request, "portal/smartcard_admin_link.html", {
            "organisation": organisation, "person": person, "form": form,
            "view": smartcards.employee_card(organisation, person)}, status=400)
    data = form.cleaned_data
    smartcards.link_card(organisation, person.id, employees.Wid(data["document_type"], data["number_last4"],
                                                                data["expiry_date"]), by=by, ip=client_ip(request))
    return redirect("portal-org-employee", ura=organisation.ura, person_id=person.id)
