"""Correcting a person's names and birth date (R-ROLE-OPR, R-ROLE-BEH; docs/security.md, "Correcting a person's
data"): a thin page over ``administration.employees.change``, in three steps: the form, the confirmation with the
data before and after, and the employee's page with the result. The person is told on his overview once
(``tell_on_overview``) and in his app at its next use (identities.corrections)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from zorgid import clock
from zorgid.administration import employees
from zorgid.administration.correction_errors import CorrectionReasonInvalid, CorrectionUnchanged
from zorgid.identities import corrections
from zorgid.identities.errors import PersonDataInvalid
from zorgid.identities.models import Person, WidDocumentType
from zorgid.organisations.errors import WidDocumentExpired
from zorgid.web import client_ip
from zorgid.widscan.errors import WidScanError

from .access import require_org_role
from .correction_forms import CorrectionForm
from .errors import FormInvalid

# refusals of the input: the form is shown again with the code (the rest are error pages: who may, whom)
INPUT_REFUSALS = (PersonDataInvalid, CorrectionReasonInvalid, CorrectionUnchanged, WidDocumentExpired, WidScanError)


def _refusal_of(form: CorrectionForm):
    """The code a form with errors is refused with: the person's data first, then the reason, then the WID check."""
    if any(name in form.errors for name in CorrectionForm.PERSON_FIELDS):
        return PersonDataInvalid()
    if "reason" in form.errors:
        return CorrectionReasonInvalid()
    return FormInvalid()


def _initial(person: Person) -> dict:
    return {"first_names": person.first_names, "last_name": person.last_name, "birth_date": person.birth_date}


def _rows(person: Person, data: dict) -> list[dict]:
    """The confirmation's table: each of the data now and after the correction, and whether it changes."""
    rows = [(gettext("Voornamen"), person.first_names, data["first_names"]),
            (gettext("Achternaam"), person.last_name, data["last_name"]),
            (gettext("Geboortedatum"), clock.format_date(person.birth_date), clock.format_date(data["birth_date"]))]
    return [{"label": label, "before": before, "after": after, "changed": before != after}
            for label, before, after in rows]


def _form_page(request: HttpRequest, organisation, person: Person, form: CorrectionForm, error=None) -> HttpResponse:
    return render(request, "portal/employee_correct.html", {
        "organisation": organisation, "employee": person, "form": form, "error": error,
        "language": get_language()}, status=error.status if error is not None else 200)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def correct(request: HttpRequest, ura: str, person_id: str) -> HttpResponse:
    """GET: the form, filled with the data now. POST: the confirmation (old → new); POST with ``bevestigd``: the
    correction, then the employee's page with its result; ``terug``: the form again with what was typed."""
    by, organisation = require_org_role(request, ura)
    person = employees.employee(organisation, person_id)
    employees.require_may_correct(organisation, person, by)  # before anyone fills in the form
    if request.method != "POST":
        return _form_page(request, organisation, person, CorrectionForm(initial=_initial(person)))
    form = CorrectionForm(request.POST)
    if request.POST.get("terug"):
        return _form_page(request, organisation, person, form)
    if not form.is_valid():
        return _form_page(request, organisation, person, form, _refusal_of(form))
    data = form.cleaned_data
    wid = form.wid()  # typed, or the code of the manager's own WID scan app (employees.ScannedWid)
    if employees.unchanged(person, data["first_names"], data["last_name"], data["birth_date"]):
        return _form_page(request, organisation, person, form, CorrectionUnchanged())
    try:  # before the confirmation: nobody confirms what is then refused; a scan code is taken only then
        shown = employees.previewed_wid(wid, by=by, birth_date=data["birth_date"])
    except (WidDocumentExpired, WidScanError) as refused:
        return _form_page(request, organisation, person, form, refused)
    if request.POST.get("bevestigd") != "ja":
        return render(request, "portal/employee_correct_confirm.html", {
            "organisation": organisation, "employee": person, "form": form, "rows": _rows(person, data),
            "reason": data["reason"], "wid": shown, "scanned": isinstance(wid, employees.ScannedWid),
            "document": WidDocumentType(shown.document_type).label})
    try:
        corrected = employees.change(
            organisation, person, first_names=data["first_names"], last_name=data["last_name"],
            birth_date=data["birth_date"], wid=wid, by=by, reason=data["reason"], ip=client_ip(request))
    except INPUT_REFUSALS as refused:
        return _form_page(request, organisation, person, form, refused)
    messages.success(request, gettext(
        "De gegevens zijn gecorrigeerd: %(name)s, geboren %(born)s. De persoon ziet dit bij het volgende gebruik "
        "van zijn ZORG-ID app en op zijn overzicht in het portaal.") % {
        "name": corrected.full_name, "born": clock.format_date(corrected.birth_date)})
    return redirect("portal-org-employee", ura=organisation.ura, person_id=corrected.id)


def tell_on_overview(request: HttpRequest, person: Person) -> None:
    """The portal's overview tells the person once that his data were corrected, and by whom."""
    correction = corrections.for_overview(person)
    if correction is None:
        return
    when = clock.format_day(correction.corrected_at)
    who = gettext("de servicedesk van ZORG-ID") if correction.by_servicedesk else correction.by
    messages.info(request, gettext(
        "Uw gegevens zijn op %(when)s gecorrigeerd door %(who)s: naam %(name)s, geboortedatum %(born)s. Klopt dit "
        "niet? Neem contact op met uw beheerder of de servicedesk.") % {
        "when": when, "who": who, "name": correction.full_name, "born": clock.format_date(correction.birth_date)})
