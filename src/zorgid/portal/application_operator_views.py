"""The operator's back office for applications (R-ROLE-OPR, R-FLOW-APPLY step 4): queue, detail, decisions; a
decline is asked on a confirmation page first (portal.confirmations), and every decision says what it did."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST, require_safe

from zorgid.applications import onboarding, services
from zorgid.applications import queue as application_queue
from zorgid.applications.models import ApplicationState
from zorgid.web import client_ip

from .access import require_operator
from .application_forms import DecisionForm
from .confirmations import Confirmation, ask, confirmed

DONE = {
    "approve": _lazy("Aanvraag %(reference)s is goedgekeurd."),
    "more_information": _lazy("Aanvraag %(reference)s: de aanvrager is om aanvullende gegevens gevraagd."),
    "information_received": _lazy("Aanvraag %(reference)s: de aanvullende gegevens zijn ontvangen."),
    "decline": _lazy("Aanvraag %(reference)s is afgewezen."),
    "send_activation": _lazy("Aanvraag %(reference)s: de activatie-QR is verstuurd."),
}
ACTIONS = {
    "approve": lambda app, note, actor: onboarding.approve(app, actor=actor),
    "more_information": lambda app, note, actor: services.ask_more_information(app, note, actor=actor),
    "information_received": lambda app, note, actor: services.information_received(app, actor=actor, note=note),
    "decline": lambda app, note, actor: services.decline(app, note, actor=actor),
    "send_activation": lambda app, note, actor: onboarding.send_activation(app, actor=actor),
}


@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    require_operator(request)
    state = request.GET.get("status", application_queue.OPEN)
    return render(request, "applications/operator_queue.html", {
        "applications": application_queue.operator_queue(state), "state": state, "states": ApplicationState.choices,
    })


@require_safe
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    require_operator(request)
    application = services.get(reference)
    return render(request, "applications/operator_detail.html", {
        "application": application, "events": application.events.all(), "form": DecisionForm(),
    })


@require_POST
def decide(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    operator = require_operator(request)
    application = services.get(reference)
    form = DecisionForm(request.POST)
    if action not in ACTIONS or not form.is_valid():
        return redirect("applications-operator-detail", reference=reference)
    note = form.cleaned_data["note"].strip()
    if action in ("more_information", "decline") and not note:
        return render(request, "applications/operator_detail.html", {
            "application": application, "events": application.events.all(), "form": form,
            "note_needed": True}, status=400)
    if action == "decline" and not confirmed(request):  # final: asked on a confirmation page first
        return ask(request, Confirmation(
            title=_("Aanvraag afwijzen"), question=_("Aanvraag %(reference)s van %(organisation)s wordt afgewezen.") % {
                "reference": application.reference, "organisation": application.organisation_name},
            consequences=[_("Afwijzen is definitief; de aanvrager krijgt uw toelichting."), note],
            action=reverse("applications-operator-decide", args=[application.reference, action]),
            back=reverse("applications-operator-detail", args=[application.reference]), hidden={"note": note}),
            posted_first=True)
    ACTIONS[action](application, note, f"person:{operator.id}@{client_ip(request)}")
    messages.success(request, DONE[action] % {"reference": application.reference})
    return redirect("applications-operator-detail", reference=reference)
