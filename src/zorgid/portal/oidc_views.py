"""Thin views of the OpenID Connect provider (docs/koppelen.md): parse, call one service of zorgid.oidc, answer.

The login pages (authorize, status, continue) are the portal's login with the QR code, for a healthcare
application; the token and userinfo endpoints answer JSON as RFC 6749 §5 and RFC 6750 say; discovery and the JWKS
are public and may be cached a short time.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from zorgid import qrcodes
from zorgid.oidc import authorize as login
from zorgid.oidc import discovery, tokens
from zorgid.oidc.errors import TokenRequestInvalid
from zorgid.oidc.oauth import OAuthAnswer
from zorgid.protocol.payloads import LoginPayload
from zorgid.ratelimit.services import limit
from zorgid.web import client_ip, connecting_address, server_origin

from . import session
from .middleware import CSP


def _issuer(request: HttpRequest) -> str:
    return discovery.issuer(server_origin(request))


def _params(query) -> dict[str, list[str]]:
    return {key: query.getlist(key) for key in query}


def _redirect(location: str) -> HttpResponse:
    """A 302 to the application (its registered redirect_uri, checked before: any scheme the register allows)."""
    response = HttpResponse(status=302)
    response["Location"] = location
    return response


def _answer(answer: OAuthAnswer) -> HttpResponse:
    response = JsonResponse(answer.body or {}, status=answer.status)
    for name, value in answer.headers:
        response[name] = value
    return response


def _public_json(body: dict) -> JsonResponse:
    response = JsonResponse(body)
    response["Cache-Control"] = f"public, max-age={discovery.CACHE_SECONDS}"
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@require_safe
def provider_configuration(request: HttpRequest) -> JsonResponse:
    """``/.well-known/openid-configuration``: the provider's metadata."""
    return _public_json(discovery.metadata(_issuer(request)))


@require_safe
def jwks(request: HttpRequest) -> JsonResponse:
    """The public keys that ID tokens and logout tokens are signed with (every key that is not retired)."""
    return _public_json(discovery.jwks())


@require_safe
def authorize(request: HttpRequest) -> HttpResponse:
    """An application's authorization request: the QR page naming the application, or its refusal."""
    limit("login-start", client_ip(request))  # it makes a login flow, as the portal's start page does
    result = login.begin(_params(request.GET), issuer=_issuer(request), browser_secret=session.browser_secret(request),
                         origin=server_origin(request), ip=client_ip(request))
    if isinstance(result, login.Refused):
        return _redirect(result.location)
    flow, origin = result.flow, server_origin(request)
    payload = LoginPayload(server=origin, flow=flow.id).to_uri()
    return render(request, "portal/oidc/authorize.html", {
        "flow": flow,
        "application": result.application,
        "payload": payload,
        "qr_svg": qrcodes.svg_inline(payload, title=gettext("QR-code om in te loggen met de ZORG-ID app")),
        "status_url": reverse("oidc-login-status", args=[flow.id]),
        "restart_url": request.get_full_path(),
        "offers_smartcard": login.offers_smartcard(result.application),
    })


@require_safe
def login_status(request: HttpRequest, flow_id: str) -> JsonResponse:
    """Polled by the QR page (flow_wait.js); "done" leads to the continue page. It logs no one in to the portal."""
    answer = login.status(flow_id, browser_secret=session.known_browser_secret(request), client=client_ip(request),
                          wait=request.GET.get("wait") == "1")
    if answer.state == "done":
        return JsonResponse({**answer.body, "next": reverse("oidc-authorize-continue", args=[flow_id])})
    return JsonResponse(answer.body, status=answer.status)


@require_http_methods(["GET", "POST"])
def authorize_continue(request: HttpRequest, flow_id: str) -> HttpResponse:
    """After the approval: the organisation of this login (chosen here if he has several), then back to the
    application with the code."""
    chosen = (request.POST.get("ura") or None) if request.method == "POST" else None
    result = login.proceed(flow_id, issuer=_issuer(request), browser_secret=session.known_browser_secret(request),
                           chosen_ura=chosen, ip=client_ip(request))
    if isinstance(result, login.ChooseOrganisation):
        response = render(request, "portal/oidc/choose_organisation.html", {
            "flow": result.flow, "application": result.application, "organisations": result.organisations})
        # the form's answer redirects to the application: the page's form-action allows its redirect_uri's origin
        target = urlsplit(result.flow.authorization.get("redirect_uri", ""))
        response["Content-Security-Policy"] = CSP.replace(
            "form-action 'self'", f"form-action 'self' {target.scheme}://{target.netloc}")
        return response
    return _redirect(result.location)


@csrf_exempt  # called by the application's server, authenticated by its client assertion or certificate
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    try:
        params = _params(request.POST)
    except (RequestDataTooBig, TooManyFieldsSent):  # the JSON error of RFC 6749 §5.2, not Django's page
        return token_body_refused()
    return _answer(tokens.token(params, issuer=_issuer(request), headers=request.headers,
                                client_address=connecting_address(request)))


def token_body_refused() -> HttpResponse:
    """The token endpoint's answer to a body over DATA_UPLOAD_MAX_MEMORY_SIZE or with too many fields."""
    return _answer(tokens.refused(TokenRequestInvalid(
        f"the request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes or has too many fields")))


@csrf_exempt  # a bearer token, no cookie
@require_http_methods(["GET", "POST"])
def userinfo(request: HttpRequest) -> HttpResponse:
    return _answer(tokens.userinfo(request.headers))

