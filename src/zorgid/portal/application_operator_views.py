"""The operator's back office for applications (R-ROLE-OPR, R-FLOW-APPLY step 4): queue, detail, decisions."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from zorgid.applications import onboarding, services
from zorgid.applications import queue as application_queue
from zorgid.applications.models import ApplicationState
from zorgid.web import client_ip

from .access import require_operator
from .application_forms import DecisionForm

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
    ACTIONS[action](application, note, f"person:{operator.id}@{client_ip(request)}")
    return redirect("applications-operator-detail", reference=reference)
