"""Security headers for every answer: a strict Content-Security-Policy and friends (R-SEC)."""

from __future__ import annotations

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

        return error_page(request, exception)


class BrowserCookieMiddleware:
    """Sets the signed cookie that binds flows to this browser, when a view made one (portal.session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        from .session import set_browser_cookie

        set_browser_cookie(request, response)
        return response
