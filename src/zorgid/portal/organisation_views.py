"""The organisation's own administration (R-ROLE-ADM, R-ROLE-BEH, R-FLOW-BEHREG, R-FLOW-PIN): thin views over
zorgid.administration.employees; every page checks the role in this organisation (R-SEC-AUTHZ)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from zorgid import qrcodes
from zorgid.administration import employee_file, employees
from zorgid.organisations import roles
from zorgid.organisations.errors import EmployeeDeleteUnconfirmed, EmployeeListPageUnknown
from zorgid.organisations.models import Role
from zorgid.validation import admin_requests
from zorgid.web import client_ip, server_origin

from . import smartcard_admin_views
from .access import require_org_role
from .forms import EmployeeForm, EmployeeSearchForm, WidCheckForm


def _wid(data: dict) -> employees.Wid:
    return employees.Wid(data["document_type"], data["number_last4"], data["expiry_date"])


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
        "language": get_language(), **_page_links(typed, page),
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
    person, organisation = require_org_role(request, ura)
    form = EmployeeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        handover = employees.register_employee(organisation, first_names=data["first_names"],
                                               last_name=data["last_name"], birth_date=data["birth_date"],
                                               wid=_wid(data), by=person, ip=client_ip(request))
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
        "wid_form": WidCheckForm(), "active_mobile_ids": found.active_mobile_ids,
        "refused": {scope: _told(error) for scope, error in found.refused.items()},
        **smartcard_admin_views.employee_context(organisation, found.person),
    })


def _told(error) -> str:
    """A refusal as the page tells it, before anyone tries: its code, cause and solution."""
    language = get_language() or "nl"
    return f"{error.code}: {error.cause(language)} {error.solution(language)}"


def _delete(organisation, person, request: HttpRequest, by) -> None:
    """Only when ticked on the page: with his last organisation the person's ID is revoked too."""
    if request.POST.get("confirm") != "ja":
        raise EmployeeDeleteUnconfirmed()
    employees.delete(organisation, person, by=by, ip=client_ip(request))


ACTIONS = {
    "block": lambda org, person, request, by: employees.set_blocked(org, person, True, by=by, ip=client_ip(request)),
    "unblock": lambda org, person, request, by: employees.set_blocked(org, person, False, by=by, ip=client_ip(request)),
    "delete": lambda org, person, request, by: _delete(org, person, request, by),
    "revoke": lambda org, person, request, by: employees.revoke(org, request.POST.get("mobile_id", ""), by=by,
                                                                ip=client_ip(request)),
}
ADMIN_ACTIONS = {
    "make-beheerder": (employees.grant, Role.BEHEERDER),
    "remove-beheerder": (employees.remove_role, Role.BEHEERDER),
    "make-administrator": (employees.grant, Role.ADMINISTRATOR),
    "remove-administrator": (employees.remove_role, Role.ADMINISTRATOR),
}


@require_POST
def employee_action(request: HttpRequest, ura: str, person_id: str, action: str) -> HttpResponse:
    if action == "hand-over":  # R-ROLE-ADM: the administrator gives his own role to this person
        by, organisation = require_org_role(request, ura, roles=(Role.ADMINISTRATOR,))
        employees.hand_over_administrator(organisation, employees.employee(organisation, person_id), by=by,
                                          ip=client_ip(request))
        return redirect("portal-overview")
    if action in ADMIN_ACTIONS:  # R-ROLE-ADM: only an administrator assigns beheerders and administrators
        by, organisation = require_org_role(request, ura, roles=(Role.ADMINISTRATOR,))
        function, role = ADMIN_ACTIONS[action]
        function(organisation, employees.employee(organisation, person_id), role, by=by, ip=client_ip(request))
    elif action in ACTIONS:
        by, organisation = require_org_role(request, ura)
        ACTIONS[action](organisation, employees.employee(organisation, person_id), request, by)
        if action == "delete":
            return redirect("portal-org-employees", ura=ura)
    return redirect("portal-org-employee", ura=ura, person_id=person_id)


@never_cache
@require_POST
def employee_reissue(request: HttpRequest, ura: str, person_id: str) -> HttpResponse:
    by, organisation = require_org_role(request, ura)
    person = employees.employee(organisation, person_id)
    form = WidCheckForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/org_employee_form.html", {"organisation": organisation, "form": form,
                                                                 "reissue_for": person}, status=400)
    return _handover(request, organisation, employees.reissue(organisation, person, _wid(form.cleaned_data),
                                                              by=by, ip=client_ip(request)))


@require_safe
def handover(request: HttpRequest, ura: str, person_id: str) -> HttpResponse:
    """The hand-over QR is shown once, in the answer to the POST that made it (``_handover``); this old
    address (a bookmark, Back) leads to the employee's page, where a new QR can be made."""
    require_org_role(request, ura)
    return redirect("portal-org-employee", ura=ura, person_id=person_id)
