"""Logout started by a healthcare application: GET/POST /oidc/logout (oidc-logout; docs/koppelen.md "Uitloggen").

Thin: the parameters (query or form) go to ``oidc.logout.log_out``; the answer is a redirect to the registered
post_logout_redirect_uri with ``state``, or the page "U bent uitgelogd bij <application>". A refusal is zorgid's
error page with its code (the middleware), and nothing is ended. The form comes from the application's own pages,
so it carries no CSRF token of ours: nothing but the signed id_token_hint decides what ends.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from zorgid.oidc import discovery
from zorgid.oidc.logout import log_out
from zorgid.web import client_ip, server_origin


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def logout(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    params = {name: source.getlist(name) for name in source}
    result = log_out(params, issuer=discovery.issuer(server_origin(request)), ip=client_ip(request))
    if result.redirect_to:
        response = HttpResponseRedirect(result.redirect_to)
    else:
        response = render(request, "portal/oidc_logout/logged_out.html", {"result": result})
    response["Cache-Control"] = "no-store"
    return response
