"""The register of accepted healthcare applications: the public list (``/applicaties``) and the operator's pages
(R-ROLE-OPR). Thin views: they parse, call ``care_apps.services`` and answer (docs/koppelen.md)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from zorgid.care_apps import services
from zorgid.care_apps.errors import CareAppInputError
from zorgid.errors import NotFound
from zorgid.web import client_ip

from .access import require_operator
from .care_app_forms import CareAppForm, StatusForm, VersionForm
from .confirmations import Confirmation, ask, confirmed


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
            messages.success(request, _("Geregistreerd. Geef de leverancier de client_id %(client_id)s.") % {
                "client_id": added.client_id})
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
        "status_form": StatusForm(), "version_form": VersionForm(),
    })


STATUS_ACTIONS = {"suspend": services.suspend, "withdraw": services.withdraw, "reinstate": services.reinstate}
VERSION_ACTIONS = {"accept-version": services.accept_version, "refuse-version": services.refuse_version}
WID_CHECK_ACTIONS = {"allow-wid-check": True, "deny-wid-check": False}
DONE = {"suspend": _lazy("%(name)s is opgeschort: inloggen is geweigerd tot u hem weer accepteert."),
        "withdraw": _lazy("De acceptatie van %(name)s is ingetrokken."),
        "reinstate": _lazy("%(name)s is weer geaccepteerd."),
        "accept-version": _lazy("Versie %(version)s van %(name)s is geaccepteerd."),
        "refuse-version": _lazy("Versie %(version)s van %(name)s is geweigerd."),
        "allow-wid-check": _lazy("%(name)s mag de WID-controle lezen (scope wid_check)."),
        "deny-wid-check": _lazy("%(name)s mag de WID-controle niet meer lezen: een aanvraag met wid_check wordt "
                                "geweigerd.")}


def _confirmation(application, action: str, request: HttpRequest) -> Confirmation:
    """What suspending, withdrawing or refusing a version does, asked before it is done; the reason or version the
    detail page's form sent goes along in the confirmation's own form."""
    names = {"name": application.name, "version": request.POST.get("version", "")[:32]}
    title, question, consequences = {
        "suspend": (_("Applicatie opschorten"), _("%(name)s wordt opgeschort.") % names, [
            _("Niemand logt er meer mee in, tot u hem weer accepteert.")]),
        "withdraw": (_("Acceptatie intrekken"), _("De acceptatie van %(name)s wordt voorgoed ingetrokken.") % names, [
            _("Niemand logt er meer mee in; een ingetrokken applicatie wordt nooit weer geaccepteerd (registreer hem "
              "dan opnieuw)."),
            _("Zijn adressen worden niet meer gevolgd.")]),
        "refuse-version": (_("Versie weigeren"), _("Versie %(version)s van %(name)s wordt geweigerd.") % names, [
            _("Inloggen met deze versie wordt vanaf nu geweigerd.")]),
        "allow-wid-check": (_("WID-controle toestaan"), _("%(name)s mag de WID-controle lezen.") % names, [
            _("Na het inloggen van een medewerker leest de applicatie zijn laatste WID-controle van een patiënt van "
              "de afgelopen 15 minuten: soort document, laatste vier tekens van het nummer, geldigheid en uitkomst."),
            _("Elke keer dat de applicatie een WID-controle krijgt, komt in het auditlog.")]),
        "deny-wid-check": (_("WID-controle niet meer toestaan"),
                           _("%(name)s mag de WID-controle niet meer lezen.") % names, [
            _("Een aanvraag met de scope wid_check wordt vanaf nu geweigerd (ZID-OIDC-SCOPE-NOT-ALLOWED); wie al "
              "is ingelogd, krijgt geen WID-controle meer.")]),
    }[action]
    hidden = {name: request.POST[name] for name in ("reason", "version") if request.POST.get(name)}
    return Confirmation(title=title, question=question, consequences=consequences, hidden=hidden,
                        action=reverse("care-apps-operator-action", args=[application.client_id, action]),
                        back=reverse("care-apps-operator-detail", args=[application.client_id]))


@require_POST
def operator_action(request: HttpRequest, client_id: str, action: str) -> HttpResponse:
    """Suspend, withdraw, reinstate; accept or refuse a version; allow the WID check or no longer. All but
    reinstating and accepting a version are asked on a confirmation page first (portal.confirmations); each says
    what it did. A refusal is the error page with its code."""
    operator = require_operator(request)
    who = {"actor": f"person:{operator.id}", "ip": client_ip(request)}
    if action not in STATUS_ACTIONS and action not in VERSION_ACTIONS and action not in WID_CHECK_ACTIONS:
        raise NotFound(f"unknown action {action[:40]!r}")
    application = services.get(client_id)
    if action in CONFIRMED_ACTIONS and not confirmed(request):
        return ask(request, _confirmation(application, action, request), posted_first=True)
    version = ""
    if action in STATUS_ACTIONS:
        form = StatusForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else request.POST.get("reason", "")
        STATUS_ACTIONS[action](client_id, reason=reason, **who)
    elif action in WID_CHECK_ACTIONS:
        services.change_application(client_id, wid_check_allowed=WID_CHECK_ACTIONS[action], **who)
    else:
        version = VERSION_ACTIONS[action](client_id, request.POST.get("version", ""), **who).version
    messages.success(request, DONE[action] % {"name": application.name, "version": version})
    return redirect("care-apps-operator-detail", client_id=client_id)


CONFIRMED_ACTIONS = ("suspend", "withdraw", "refuse-version", "allow-wid-check", "deny-wid-check")
