"""The register of accepted healthcare applications: the public list (``/applicaties``) and the operator's pages
(R-ROLE-OPR). Thin views: they parse, call ``care_apps.services`` and answer (docs/koppelen.md)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from zorgid.care_apps import services
from zorgid.care_apps.errors import CareAppInputError
from zorgid.errors import NotFound
from zorgid.web import client_ip

from .access import require_operator
from .care_app_forms import CareAppForm, StatusForm, VersionForm

DONE = "zorgid_care_app_done"  # the session's one-time note of what the last action did


@require_safe
def public_list(request: HttpRequest) -> HttpResponse:
    """Geaccepteerde ZORG-ID applicaties: per product, the accepted applications and their accepted versions."""
    return render(request, "portal/care_apps/public_list.html", {"products": services.public_list()})


@require_safe
def operator_list(request: HttpRequest) -> HttpResponse:
    require_operator(request)
    applications = [(application, _accepted_versions(application)) for application in services.listed()]
    return render(request, "portal/care_apps/operator_list.html", {"applications": applications})


def _accepted_versions(application) -> list[str]:
    return [row.version for row in services.versions_of(application) if row.state == "accepted"]


@require_http_methods(["GET", "HEAD", "POST"])
def operator_add(request: HttpRequest) -> HttpResponse:
    operator = require_operator(request)
    form = CareAppForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            added = services.add_application(**form.service_arguments(), actor=f"person:{operator.id}",
                                             ip=client_ip(request))
        except CareAppInputError as refused:
            error = refused
            form.add_error(refused.field if refused.field in form.fields else None, _told(refused))
        else:
            request.session[DONE] = "added"
            return redirect("care-apps-operator-detail", client_id=added.client_id)
    return render(request, "portal/care_apps/operator_add.html", {"form": form, "error": error},
                  status=400 if form.errors else 200)


def _told(error) -> str:
    language = get_language() or "nl"
    return f"{error.code}: {error.cause(language)} {error.solution(language)} ({error.detail})"


@require_safe
def operator_detail(request: HttpRequest, client_id: str) -> HttpResponse:
    require_operator(request)
    application = services.get(client_id)
    events = [(event, services.event_label(event.action)) for event in services.history(application)]
    return render(request, "portal/care_apps/operator_detail.html", {
        "application": application, "versions": services.versions_of(application), "events": events,
        "status_form": StatusForm(), "version_form": VersionForm(), "done": request.session.pop(DONE, None),
    })


STATUS_ACTIONS = {"suspend": services.suspend, "withdraw": services.withdraw, "reinstate": services.reinstate}
VERSION_ACTIONS = {"accept-version": services.accept_version, "refuse-version": services.refuse_version}


@require_POST
def operator_action(request: HttpRequest, client_id: str, action: str) -> HttpResponse:
    """Suspend, withdraw, reinstate; accept or refuse a version. A refusal is the error page with its code."""
    operator = require_operator(request)
    who = {"actor": f"person:{operator.id}", "ip": client_ip(request)}
    if action in STATUS_ACTIONS:
        form = StatusForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else request.POST.get("reason", "")
        STATUS_ACTIONS[action](client_id, reason=reason, **who)
    elif action in VERSION_ACTIONS:
        VERSION_ACTIONS[action](client_id, request.POST.get("version", ""), **who)
    else:
        raise NotFound(f"unknown action {action[:40]!r}")
    request.session[DONE] = action
    return redirect("care-apps-operator-detail", client_id=client_id)
