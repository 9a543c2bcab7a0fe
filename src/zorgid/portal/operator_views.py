"""The operator's back office (R-ROLE-OPR): organisations as the service desk enters them."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from zorgid.applications import organisation_status
from zorgid.organisations.errors import OrganisationExists
from zorgid.organisations.services import add_organisation
from zorgid.web import client_ip

from .access import require_operator
from .forms import OrganisationForm

PAGE_SIZE = 50


@require_http_methods(["GET", "HEAD", "POST"])
def organisations(request: HttpRequest) -> HttpResponse:
    operator = require_operator(request)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = add_organisation(**form.cleaned_data, actor=f"person:{operator.id}", ip=client_ip(request))
        except OrganisationExists:
            form.add_error("ura", _("Er is al een organisatie met dit URA."))
        else:
            messages.success(request, gettext("Organisatie met URA %(added)s ingevoerd.") % {"added": added.ura})
            return redirect("portal-operator-organisations")
    return render(request, "portal/operator_organisations.html", {
        "form": form, "organisations": organisation_status.listed(PAGE_SIZE),
    }, status=400 if form.errors else 200)
