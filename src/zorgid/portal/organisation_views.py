"""The organisation's own administration (R-ROLE-ADM, R-ROLE-BEH, R-FLOW-BEHREG, R-FLOW-PIN): thin views over
zorgid.administration.employees; every page checks the role in this organisation (R-SEC-AUTHZ)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from zorgid import qrcodes
from zorgid.administration import display_names, employee_file, employees
from zorgid.administration.employees import RoleAction
from zorgid.errors import NotFound
from zorgid.identities.models import Person
from zorgid.organisations import roles
from zorgid.organisations.errors import EmployeeListPageUnknown, EmployeeUnknown, WidDocumentExpired
from zorgid.organisations.models import Organisation, Role
from zorgid.validation import admin_requests
from zorgid.web import client_ip, server_origin
from zorgid.widscan.errors import WidScanError

from . import smartcard_admin_views
from .access import ORGANISATION_MANAGERS, require_org_role
from .confirmations import Confirmation, ask, confirmed
from .forms import EmployeeForm, EmployeeSearchForm, WidOrScanForm


def _handover(request: HttpRequest, organisation, handover: employees.Handover) -> HttpResponse:
    """The printable hand-over page, as the answer to the POST that made the QR (10 days, once).

    The one-time code is in this answer only: not in the session, not in the database (only its hash), not in
    any cache (no-store). A reload asks to send the form again, which makes a new QR after a new WID check.
    With ``handover.issued`` None (an existing person with an active ID, linked) the page says so, and no QR.
    """
    issued, context = handover.issued, {"organisation": organisation, "handover": handover,
                                        "person": handover.person}
    if issued is not None:
        payload = issued.payload(server_origin(request)).to_uri()
        context.update(payload=payload, expires_at=issued.expires_at,
                       qr_svg=qrcodes.svg_inline(payload, title="Activatie-QR-code voor de ZORG-ID app"))
    return render(request, "portal/org_handover.html", context)


@require_safe
def home(request: HttpRequest, ura: str) -> HttpResponse:
    person, organisation = require_org_role(request, ura)
    return render(request, "portal/org_home.html", {
        "organisation": organisation, "managers": employee_file.managers(organisation),
        "is_admin": roles.is_administrator(person, organisation),
        "may_decide": admin_requests.may_decide(person, organisation),
        "open_requests": admin_requests.open_requests(organisation).count(),
    })


@require_safe
def employee_list(request: HttpRequest, ura: str) -> HttpResponse:
    """The list in name order, 25 a page, with Eerste/Vorige/Volgende links that carry a cursor (keyset paging).

    Bad search input shows the form's errors and no list; a link that no longer holds (a garbled cursor, an
    impossible page number, an employee who left) shows the first page with the reason (R-ERR).
    """
    _, organisation = require_org_role(request, ura)
    form = EmployeeSearchForm(request.GET)
    form.is_valid()
    data, notice = form.cleaned_data, None
    search = {"text": data.get("q", ""), "birth_date": data.get("geboortedatum"), "uzi": data.get("uzi", "")}
    if form.search_errors():
        page = employees.EmployeePage([], 1, "", "")
    else:
        try:
            if form.position_errors():
                raise EmployeeListPageUnknown("query string")
            page = employees.search(organisation, **search, after=data["na"], before=data["voor"],
                                    number=data["pagina"] or 1)
        except EmployeeListPageUnknown as exc:
            notice, page = exc, employees.search(organisation, **search)
    typed = {name: form.data.get(name, "")[:limit] for name, limit in form.SEARCH_FIELDS.items()}
    return render(request, "portal/org_employees.html", {
        "organisation": organisation, "page": page, "form": form, "typed": typed, "notice": notice,
        "language": get_language(), **_page_links(typed, page), "awaiting": employees.awaiting_wid_check(page.people),
        "search_errors": [(name, error) for name in form.SEARCH_FIELDS for error in form.errors.get(name, [])],
    }, status=400 if form.errors or notice else 200)


def _page_links(typed: dict[str, str], page: employees.EmployeePage) -> dict[str, str]:
    """The query strings of the first, previous and next page: the search as typed, and the cursor."""
    kept = {name: value for name, value in typed.items() if value}
    links = {"first_url": "?" + urlencode(kept) if page.number > 1 else ""}
    links["previous_url"] = "?" + urlencode({**kept, "voor": page.before, "pagina": page.number - 1}) if (
        page.before) else ""
    links["next_url"] = "?" + urlencode({**kept, "na": page.after, "pagina": page.number + 1}) if page.after else ""
    return links


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def employee_new(request: HttpRequest, ura: str) -> HttpResponse:
    """Register an employee after his WID check. Any refused field (an expired identity document too) is shown
    at that field, and the form keeps everything typed."""
    person, organisation = require_org_role(request, ura)
    form = EmployeeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            handover = employees.register_employee(organisation, first_names=data["first_names"],
                                                   last_name=data["last_name"], birth_date=data["birth_date"],
                                                   wid=form.wid(), by=person, ip=client_ip(request))
        except WidDocumentExpired as expired:
            form.add_error("expiry_date", _at_field(expired))
        except WidScanError as refused:
            form.add_error("scan_code", _at_field(refused))
        else:
            names = {"name": handover.person.full_name}
            messages.success(request, _("%(name)s stond al in de organisatie en is opnieuw gecontroleerd.") % names
                             if handover.linked else _("%(name)s is geregistreerd.") % names)
            return _handover(request, organisation, handover)
    return render(request, "portal/org_employee_form.html", {"organisation": organisation, "form": form},
                  status=400 if form.errors else 200)


@require_safe
def employee_detail(request: HttpRequest, ura: str, person_id: str) -> HttpResponse:
    manager, organisation = require_org_role(request, ura)
    found = employee_file.employee_file(organisation, person_id, manager=manager)
    return render(request, "portal/org_employee.html", {
        "organisation": organisation, "person": found.person, "mobile_ids": found.mobile_ids, "roles": found.roles,
        "uzi": found.uzi, "wid_checks": found.wid_checks, "events": found.events,
        "is_admin": found.by_administrator,
        "wid_form": WidOrScanForm(), "active_mobile_ids": found.active_mobile_ids,
        "refused": {scope: _told(error) for scope, error in found.refused.items()},
        "role_actions": {action.value for action in employees.role_actions(organisation, found.person, by=manager)},
        "last_administrator": employees.is_last_administrator(organisation, found.person),
        "awaiting_wid_check": bool(employees.awaiting_wid_check([found.person])),
        **smartcard_admin_views.employee_context(organisation, found.person),
    })


def _at_field(error) -> str:
    """A refusal shown at the field it is about: what is wrong and what to do, then its code."""
    language = get_language() or "nl"
    return f"{error.cause(language)} {error.solution(language)} ({error.code})"


def _told(error) -> str:
    """A refusal as the page tells it, before anyone tries: its code, cause and solution."""
    language = get_language() or "nl"
    return f"{error.code}: {error.cause(language)} {error.solution(language)}"


def _mobile_id(person, request: HttpRequest) -> tuple[str, str]:
    """The Mobile ID of his that the revoke names (the form's field, or the confirmation link's query), and its name
    as the page shows it; revoking one that is revoked already changes nothing (a form sent twice)."""
    wanted = (request.POST if request.method == "POST" else request.GET).get("mobile_id", "")
    found = list(person.mobile_ids.filter(id=wanted[:64]).values_list("id", "activated_at", "device_name"))
    if not found:
        raise EmployeeUnknown(f"Mobile ID {wanted[:64]}")
    mobile_id, activated_at, device_name = found[0]
    return mobile_id, display_names.mobile_id_name(activated_at, device_name, mobile_id)


@dataclass(frozen=True)
class _Action:
    """One action of the employee page: ``run`` does it and says what it did (the banner after the redirect);
    ``confirm``, for what cannot simply be undone, is the confirmation page asked first."""

    run: Callable[[Organisation, Person, HttpRequest, Person], str]
    confirm: Callable[[Organisation, Person, HttpRequest], Confirmation] | None = None
    administrators: bool = False  # R-ROLE-ADM: only an administrator (or the operator) gives or takes roles
    then: str = "portal-org-employee"


def _block(organisation, person, request, by) -> str:
    employees.set_blocked(organisation, person, True, by=by, ip=client_ip(request))
    return _("%(name)s is geblokkeerd: hij kan nergens meer inloggen tot u hem deblokkeert.") % {
        "name": person.full_name}


def _unblock(organisation, person, request, by) -> str:
    employees.set_blocked(organisation, person, False, by=by, ip=client_ip(request))
    return _("%(name)s is gedeblokkeerd en kan weer inloggen met zijn ZORG-ID.") % {"name": person.full_name}


def _revoke(organisation, person, request, by) -> str:
    mobile_id, named = _mobile_id(person, request)
    employees.revoke(organisation, mobile_id, by=by, ip=client_ip(request))
    return _("%(mobile_id)s van %(name)s is ingetrokken.") % {"mobile_id": named, "name": person.full_name}


def _delete(organisation, person, request, by) -> str:
    employees.delete(organisation, person, by=by, ip=client_ip(request))
    return _("%(name)s is uit %(organisation)s verwijderd.") % {"name": person.full_name,
                                                                 "organisation": organisation.name}


def _role(function, role: str, said: str):
    def run(organisation, person, request, by) -> str:
        function(organisation, person, role, by=by, ip=client_ip(request))
        return said % {"name": person.full_name}
    return run


def _hand_over(organisation, person, request, by) -> str:
    employees.hand_over_administrator(organisation, person, by=by, ip=client_ip(request))
    return _("U heeft uw administratorrol van %(organisation)s overgedragen aan %(name)s.") % {
        "organisation": organisation.name, "name": person.full_name}


def _asking(organisation, person, action: str, title: str, question: str, consequences: list[str],
            **hidden: str) -> Confirmation:
    return Confirmation(title=title, question=question, consequences=consequences, hidden=hidden,
                        action=reverse("portal-org-employee-action", args=[organisation.ura, person.id, action]),
                        back=reverse("portal-org-employee", args=[organisation.ura, person.id]))


def _confirm_block(organisation, person, request) -> Confirmation:
    return _asking(organisation, person, "block", _("Medewerker blokkeren"),
                   _("%(name)s wordt geblokkeerd.") % {"name": person.full_name}, [
                       _("Hij kan nergens meer inloggen: niet met zijn ZORG-ID app en niet met zijn ZORG-ID "
                         "Smartcard, in geen enkele organisatie."),
                       _("Hij wordt meteen uitgelogd, ook bij de zorgapplicaties."),
                       _("Zijn Mobile ID's en smartcard blijven bestaan: na deblokkeren logt hij weer in.")])


def _confirm_revoke(organisation, person, request) -> Confirmation:
    mobile_id, named = _mobile_id(person, request)
    return _asking(organisation, person, "revoke", _("Mobile ID intrekken"),
                   _("%(mobile_id)s van %(name)s wordt ingetrokken.") % {"mobile_id": named,
                                                                          "name": person.full_name}, [
                       _("Intrekken is definitief: dit Mobile ID werkt daarna nergens meer, ook niet na "
                         "deblokkeren."),
                       _("Hij wordt uitgelogd, ook bij de zorgapplicaties."),
                       _("Is de telefoon alleen even kwijt? Blokkeer de medewerker dan liever."),
                       _("Een nieuw ID krijgt hij met een nieuwe QR-code, na een nieuwe WID-controle.")],
                   mobile_id=mobile_id)


def _confirm_delete(organisation, person, request) -> Confirmation:
    last = not employees.has_roles_elsewhere(organisation, person)
    return _asking(organisation, person, "delete", _("Medewerker verwijderen"),
                   _("%(name)s wordt uit %(organisation)s verwijderd.") % {"name": person.full_name,
                                                                            "organisation": organisation.name}, [
                       _("Zijn rollen in deze organisatie vervallen en hij wordt uitgelogd bij de zorgapplicaties "
                         "waarvoor hij namens deze organisatie is ingelogd."),
                       _("Dit is zijn laatste organisatie: zijn ZORG-ID (Mobile ID) wordt ingetrokken.") if last else
                       _("In zijn andere organisaties blijft hij werken met zijn ZORG-ID."),
                       _("Een ZORG-ID Smartcard wordt van deze organisatie ontkoppeld, niet ingetrokken.")])


def _confirm_role_removal(role_name: str, action: str):
    def confirm(organisation, person, request) -> Confirmation:
        names = {"name": person.full_name, "organisation": organisation.name, "role": role_name}
        return _asking(organisation, person, action, _("Rol afnemen"),
                       _("%(name)s is daarna geen %(role)s meer van %(organisation)s.") % names, [
                           _("Heeft hij hier geen andere rol, dan staat hij daarna niet meer in de lijst van "
                             "medewerkers en wordt hij uitgelogd bij de zorgapplicaties van deze organisatie."),
                           _("U kunt de rol later opnieuw geven.")])
    return confirm


def _confirm_hand_over(organisation, person, request) -> Confirmation:
    names = {"name": person.full_name, "organisation": organisation.name}
    return _asking(organisation, person, "hand-over", _("Administratorrol overdragen"),
                   _("%(name)s wordt administrator van %(organisation)s en u bent het daarna niet meer.") % names, [
                       _("U kunt daarna geen beheerders en administrators meer aanwijzen."),
                       _("Alleen een administrator van de organisatie kan u de rol teruggeven.")])


ACTIONS = {
    "block": _Action(_block, _confirm_block),
    "unblock": _Action(_unblock),
    "revoke": _Action(_revoke, _confirm_revoke),
    "delete": _Action(_delete, _confirm_delete, then="portal-org-employees"),
    RoleAction.MAKE_BEHEERDER.value: _Action(
        _role(employees.grant, Role.BEHEERDER, gettext_lazy("%(name)s is nu beheerder.")), administrators=True),
    RoleAction.REMOVE_BEHEERDER.value: _Action(
        _role(employees.remove_role, Role.BEHEERDER, gettext_lazy("%(name)s is geen beheerder meer.")),
        _confirm_role_removal(gettext_lazy("beheerder"), RoleAction.REMOVE_BEHEERDER.value), administrators=True),
    RoleAction.MAKE_ADMINISTRATOR.value: _Action(
        _role(employees.grant, Role.ADMINISTRATOR, gettext_lazy("%(name)s is nu administrator.")), administrators=True),
    RoleAction.REMOVE_ADMINISTRATOR.value: _Action(
        _role(employees.remove_role, Role.ADMINISTRATOR, gettext_lazy("%(name)s is geen administrator meer.")),
        _confirm_role_removal(gettext_lazy("administrator"), RoleAction.REMOVE_ADMINISTRATOR.value),
        administrators=True),
    # R-ROLE-ADM: the administrator gives his own role to this person; he is no manager here afterwards
    RoleAction.HAND_OVER.value: _Action(_hand_over, _confirm_hand_over, administrators=True,
                                        then="portal-overview"),
}


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def employee_action(request: HttpRequest, ura: str, person_id: str, action: str) -> HttpResponse:
    """The GET of a destructive action is its confirmation page; its POST with ``confirm=ja`` does it, a POST
    without shows the confirmation again and does nothing. The others are one POST. Each says what it did."""
    found = ACTIONS.get(action)
    by, organisation = require_org_role(request, ura, roles=(Role.ADMINISTRATOR,) if found and found.administrators
                                        else ORGANISATION_MANAGERS)
    if found is None:
        raise NotFound(f"unknown action {action[:40]!r}")
    person = employees.employee(organisation, person_id)
    if request.method != "POST" and found.confirm is None:
        return HttpResponseNotAllowed(["POST"])
    if found.confirm is not None and not confirmed(request):
        employees.require_may(organisation, person, by, action)  # nobody confirms what would be refused
        return ask(request, found.confirm(organisation, person, request), organisation=organisation)
    messages.success(request, found.run(organisation, person, request, by))
    where = {"portal-org-employee": {"ura": organisation.ura, "person_id": person.id},
             "portal-org-employees": {"ura": organisation.ura}}
    return redirect(found.then, **where.get(found.then, {}))


@never_cache
@require_POST
def employee_reissue(request: HttpRequest, ura: str, person_id: str) -> HttpResponse:
    """A new QR after a new WID check (also an imported employee's first); a refused field keeps the form."""
    by, organisation = require_org_role(request, ura)
    person = employees.employee(organisation, person_id)
    form = WidOrScanForm(request.POST)
    if form.is_valid():
        try:
            handover = employees.reissue(organisation, person, form.wid(), by=by, ip=client_ip(request))
        except WidDocumentExpired as expired:
            form.add_error("expiry_date", _at_field(expired))
        except WidScanError as refused:
            form.add_error("scan_code", _at_field(refused))
        else:
            messages.success(request, _("Nieuwe QR-code gemaakt voor %(name)s.") % {"name": person.full_name})
            return _handover(request, organisation, handover)
    return render(request, "portal/org_employee_form.html", {"organisation": organisation, "form": form,
                                                             "reissue_for": person}, status=400)


@require_safe
def handover(request: HttpRequest, ura: str, person_id: str) -> HttpResponse:
    """The hand-over QR is shown once, in the answer to the POST that made it (``_handover``); this old
    address (a bookmark, Back) leads to the employee's page, where a new QR can be made."""
    require_org_role(request, ura)
    return redirect("portal-org-employee", ura=ura, person_id=person_id)
