"""Managing a ZORG-ID Smartcard (docs/uzi.md "ZORG-ID Smartcard"): the holder revokes his own card; an
organisation's administrators and beheerders revoke an employee's card or link it to their organisation after a
WID check. Each revoke has a confirmation page first (portal.confirmations) and is final; each action says what
it did in a banner. The services: administration.smartcards."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from zorgid.administration import employees, smartcards
from zorgid.organisations.errors import WidDocumentExpired
from zorgid.web import client_ip
from zorgid.widscan.errors import WidScanError

from .access import require_org_role, require_person
from .confirmations import Confirmation, ask, confirmed
from .forms import WidOrScanForm

LINK_FORM = "smartcard"  # the prefix of the link form's fields: the employee page has another WID form


def overview_context(person) -> dict:
    """What the holder's overview shows of his smartcard."""
    return {"smartcard": smartcards.holder_card(person), "smartcard_new_url": reverse("portal-smartcard-new")}


def employee_context(organisation, person) -> dict:
    """What the employee page shows of his smartcard, and its link form."""
    return {"smartcard": smartcards.employee_card(organisation, person), "smartcard_link_form": WidOrScanForm(
        prefix=LINK_FORM)}


def _revoke_confirmation(action: str, back: str, question: str) -> Confirmation:
    return Confirmation(title=_("Smartcard intrekken"), question=question, action=action, back=back, consequences=[
        _("Intrekken is definitief: de smartcard werkt daarna nergens meer, ook niet na deblokkeren."),
        _("Er wordt uitgelogd bij de zorgapplicaties waarbij met deze smartcard is ingelogd."),
        _("Een nieuwe smartcard maakt de houder zelf, met zijn UZI-pas.")])


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def revoke_own(request: HttpRequest) -> HttpResponse:
    """The holder: first the confirmation page, then the POST that revokes his card for good."""
    person = require_person(request)
    if confirmed(request):
        card = smartcards.revoke_own(person, ip=client_ip(request))  # the answer itself says so
        return render(request, "portal/smartcard_revoke_done.html", {"card": card})
    view = smartcards.holder_card(person)
    return ask(request, _revoke_confirmation(reverse("portal-smartcard-revoke"), reverse("portal-overview"), _(
        "Uw ZORG-ID Smartcard %(number)s wordt ingetrokken.") % {"number": view.card.card_number} if view else ""),
        template="portal/smartcard_revoke_confirm.html", view=view)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def admin_revoke(request: HttpRequest, ura: str, person_id: str) -> HttpResponse:
    """A manager: first the confirmation page, then the POST that revokes the employee's card for good."""
    by, organisation = require_org_role(request, ura)
    person = employees.employee(organisation, person_id)
    back = reverse("portal-org-employee", args=[organisation.ura, person.id])
    if confirmed(request):
        card = smartcards.revoke_card(organisation, person.id, by=by, ip=client_ip(request))
        messages.success(request, _("De ZORG-ID Smartcard %(number)s van %(name)s is ingetrokken.") % {
            "number": card.card_number, "name": person.full_name})
        return redirect(back)
    employees.require_may(organisation, person, by, "revoke")  # nobody confirms what would be refused
    view = smartcards.employee_card(organisation, person)
    return ask(request, _revoke_confirmation(
        reverse("portal-org-smartcard-revoke", args=[organisation.ura, person.id]), back,
        _("De ZORG-ID Smartcard %(number)s van %(name)s wordt ingetrokken.") % {
            "number": view.card.card_number, "name": person.full_name} if view else ""),
        template="portal/smartcard_admin_revoke.html", organisation=organisation, person=person, view=view)


@never_cache
@require_POST
def admin_link(request: HttpRequest, ura: str, person_id: str) -> HttpResponse:
    """A manager links the employee's card to his organisation after the WID check (the employee page's form); a
    refused field (an expired identity document too) is shown at the field, with everything typed kept."""
    by, organisation = require_org_role(request, ura)
    person = employees.employee(organisation, person_id)
    form = WidOrScanForm(request.POST, prefix=LINK_FORM)
    if form.is_valid():
        try:
            smartcards.link_card(organisation, person.id, form.wid(), by=by, ip=client_ip(request))
        except (WidDocumentExpired, WidScanError) as refused:
            language = get_language() or "nl"
            form.add_error("scan_code" if isinstance(refused, WidScanError) else "expiry_date",
                           f"{refused.cause(language)} {refused.solution(language)} ({refused.code})")
        else:
            messages.success(request, _("De ZORG-ID Smartcard van %(name)s is nu ook aan %(organisation)s "
                                        "gekoppeld.") % {"name": person.full_name, "organisation": organisation.name})
            return redirect("portal-org-employee", ura=organisation.ura, person_id=person.id)
    return render(request, "portal/smartcard_admin_link.html", {
        "organisation": organisation, "person": person, "form": form,
        "view": smartcards.employee_card(organisation, person)}, status=400)
