"""Security headers for every answer: a strict Content-Security-Policy and friends (R-SEC)."""

from __future__ import annotations

from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.locale import LocaleMiddleware

from zorgid.control_characters import ControlCharacter, check, check_all
from zorgid.ratelimit.errors import RateLimited
from zorgid.web import with_retry_after

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if not request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class ZorgidErrorMiddleware:
    """A ZorgidError raised by a page becomes the error page with its code, cause and solution (R-ERR)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from zorgid.protocol.errors import ZorgidError

        if not isinstance(exception, ZorgidError) or request.path.startswith("/api/"):
            return None
        from .views import error_page

        return with_retry_after(error_page(request, exception), exception)


class BrowserCookieMiddleware:
    """Sets the signed cookie that binds flows to this browser, when a view made one (portal.session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        from .session import set_browser_cookie

        set_browser_cookie(request, response)
        return response


API_PREFIX = "/api/"


class _PagesOnly:
    """The wrapped middleware, for every address but the app's JSON API (API_PREFIX): the API keeps no session,
    speaks no language of the browser's (its errors carry both) and is exempt from CSRF, so its requests skip that
    work (docs/architecture.md)."""

    wrapped: type

    def __init__(self, get_response):
        self.get_response = get_response
        self.inner = self.wrapped(get_response)
        if hasattr(self.inner, "process_view"):
            self.process_view = self._process_view

    def __call__(self, request):
        if request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        return self.inner(request)

    def _process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(API_PREFIX):
            return None
        return self.inner.process_view(request, view_func, view_args, view_kwargs)


def _pages_only(middleware: type) -> type:
    return type(f"PagesOnly{middleware.__name__}", (_PagesOnly,), {"wrapped": middleware})


PagesOnlySessionMiddleware = _pages_only(SessionMiddleware)
PagesOnlyBrowserCookieMiddleware = _pages_only(BrowserCookieMiddleware)
PagesOnlyLocaleMiddleware = _pages_only(LocaleMiddleware)
PagesOnlyMessageMiddleware = _pages_only(MessageMiddleware)
PagesOnlyCsrfViewMiddleware = _pages_only(CsrfViewMiddleware)


def error_answer(request, error):
    """A ZorgidError answered by a middleware: JSON for the API and the pages' status requests, else the page."""
    from django.http import JsonResponse

    if request.path.startswith("/pki/ocsp"):  # an OCSP client reads OCSP's own answer (RFC 6960 §2.3)
        from django.http import HttpResponse

        from zorgid.pki.ocsp import try_later

        response = HttpResponse(try_later(), content_type="application/ocsp-response")
    elif request.path in SERVER_TO_SERVER:  # an application's server reads OAuth's error shape (RFC 6749 §5.2)
        from zorgid.oidc.tokens import refused

        answer = refused(error)
        response = JsonResponse(answer.body, status=answer.status)
    elif request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse(error.as_dict(), status=error.status)
    else:
        from .views import error_page

        response = error_page(request, error)
    return with_retry_after(response, error)


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Tighter limits per client address on the addresses where a request costs or risks more: (URL name, method)
# → a rule of the setting ZORGID_RATE_LIMITS (docs/security.md).
ENDPOINT_RULES = {
    ("portal-start", "GET"): "login-start",
    ("api-activations", "POST"): "activation",
    ("api-key-share-unlock", "POST"): "key-share-unlock",
    ("api-key-share-pin", "POST"): "key-share-pin",
    ("api-login-approval", "POST"): "login-approval",
    ("api-card-response", "POST"): "card-response",
    ("api-smartcard-keys", "POST"): "card-response",
    ("applications-apply", "POST"): "application-form",
    ("applications-upload", "POST"): "application-upload",
    ("api-application-document", "PUT"): "application-document",
}


# What a healthcare application's server asks (docs/koppelen.md): one address may serve a whole hospital's logins,
# so these count under a budget of their own per address, not under an anonymous client's.
SERVER_TO_SERVER = {"/oidc/token": "application-server", "/oidc/userinfo": "application-server"}
# Whoever checks a certificate zorgid issued (an application server, a card reader's software) asks for its CRL or
# OCSP status, often from one address for many users: a budget of its own per address, and OCSP's own refusal.
REVOCATION_CHECKS = "/pki/"
# Health checks (portal/health_views.py) count against no budget: a load balancer asks every second.
NOT_LIMITED = frozenset({"/health/live", "/health/ready"})


def _rule_of(request) -> str:
    if request.path in SERVER_TO_SERVER:
        return SERVER_TO_SERVER[request.path]
    if request.path.startswith(REVOCATION_CHECKS):
        return "revocation-check"
    return "client-read" if request.method in SAFE_METHODS else "client-write"


class RequestLimitMiddleware:
    """Every request counts against a budget (ZID-RATE-LIMIT, 429 with Retry-After once spent).

    Anonymous requests count per client address (``zorgid.web.client_ip``: behind a reverse proxy in
    ZORGID_TRUSTED_PROXIES the address that proxy saw), reads and writes apart; a logged-in
    portal session counts per Mobile ID (or ZORG-ID Smartcard) with a larger budget, an application server's token
    and userinfo requests per address with theirs (SERVER_TO_SERVER), and so do CRL and OCSP requests
    (REVOCATION_CHECKS). A few addresses have a tighter limit of their own per client address on top
    (ENDPOINT_RULES). A request's budgets are counted in one statement (ratelimit.services.limit_all).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from zorgid.ratelimit.services import limit_all

        if request.path_info in NOT_LIMITED:  # a load balancer's health checks: every second, no database write
            return self.get_response(request)
        try:
            limit_all(_budgets(request))
        except RateLimited as error:
            return error_answer(request, error)
        return self.get_response(request)


def _budgets(request) -> list[tuple[str, str]]:
    """The (rule, subject) pairs this request counts against: its budget, and its address's own rule if any."""
    from django.urls import Resolver404, resolve

    from zorgid.web import client_ip

    from .session import MOBILE_ID_KEY, SMARTCARD_KEY

    mobile_id = request.session.get(MOBILE_ID_KEY) if hasattr(request, "session") else None
    smartcard = request.session.get(SMARTCARD_KEY) if hasattr(request, "session") else None
    if isinstance(mobile_id, str) and mobile_id:
        budgets = [("logged-in", f"mobile_id:{mobile_id}")]
    elif isinstance(smartcard, str) and smartcard:  # a login with a ZORG-ID Smartcard
        budgets = [("logged-in", f"smartcard:{smartcard}")]
    else:
        budgets = [(_rule_of(request), client_ip(request))]
    try:
        url_name = resolve(request.path_info).url_name
    except Resolver404:
        return budgets
    rule = ENDPOINT_RULES.get((url_name, "GET" if request.method == "HEAD" else request.method))
    return budgets if rule is None else [*budgets, (rule, client_ip(request))]


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class ControlCharacterMiddleware:
    """Refuses a control character in the address, the query or a form field: ZID-INPUT-CONTROL-CHARACTER (400).

    JSON bodies are checked by the API's parser (zorgid.api.parsers); in form fields tab, LF and CR may stand.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check(request.path, "the address")
            check_all((text for key, values in request.GET.lists() for text in (key, *values)), "the query")
            if (request.method == "POST" and not request.path.startswith("/api/")
                    and request.content_type in FORM_TYPES):
                fields = [text for key, values in request.POST.lists() for text in (key, *values)]
                check_all(fields, "a form field", whitespace=True)
                check_all((upload.name or "" for upload in request.FILES.values()), "a file name")
        except ControlCharacter as error:
            return error_answer(request, error)
        except (RequestDataTooBig, TooManyFieldsSent):
            if request.path not in SERVER_TO_SERVER:
                raise  # Django's own 400
            from .oidc_views import token_body_refused

            return token_body_refused()  # OAuth's JSON error, as the endpoint itself answers it
        return self.get_response(request)
