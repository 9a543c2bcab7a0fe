"""The access log: one line per request with the route, never the values in the path (docs/security.md).

Several addresses carry a secret in their path: the activation QR's page (``activatie/<str:code>``), the
follow-up form (``vervolgformulier/<str:token>``) and the application's status page
(``aanvragen/<str:reference>/status/<str:token>``). A request line in a log file would hand those secrets to
everyone who reads the logs, so gunicorn writes no access log (zorgid.serve) and this middleware logs the
client's address, the method, the matched route pattern (``/activatie/<str:code>``; "-" when no route matched),
the status and the duration, never the path's values nor the query string.

Django itself names the path in the warnings of ``django.request`` ("Gone: /activatie/…") and
``django.security.csrf``; ``HidePathValues`` (settings.LOGGING) puts the route pattern in its place.
"""

from __future__ import annotations

import logging
import re
import time

from django.http import HttpRequest

from zorgid.web import client_ip

logger = logging.getLogger("zorgid.access")
NO_ROUTE = "-"
_METHOD = re.compile(r"^[A-Z]{1,16}$")


def route_of(request: HttpRequest) -> str:
    """The URL pattern the request matched (``/activatie/<str:code>``), or "-"."""
    route = getattr(getattr(request, "resolver_match", None), "route", None)
    return "/" + route if isinstance(route, str) else NO_ROUTE


class AccessLogMiddleware:
    """First in settings.MIDDLEWARE, so that it sees every answer and times the whole request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        started = time.monotonic()
        response = self.get_response(request)
        method = request.method if _METHOD.match(request.method or "") else "?"
        elapsed = (time.monotonic() - started) * 1000
        logger.info("%s %s %s %s %dms", client_ip(request) or "-", method, route_of(request),
                    response.status_code, int(elapsed))
        response.headers.setdefault("Server-Timing", f"app;dur={elapsed:.1f}")  # what bench/ measures per request
        return response


class HidePathValues(logging.Filter):
    """Replace a request's path in Django's own log records (they carry ``request``) by its route pattern."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if not isinstance(request, HttpRequest) or not isinstance(record.args, tuple):
            return True
        paths = {request.path, request.get_full_path(), request.path_info}
        paths |= {path.encode("unicode_escape").decode("ascii") for path in set(paths)}  # as log_response has it
        route = route_of(request)
        record.args = tuple(route if isinstance(arg, str) and arg in paths else arg for arg in record.args)
        return True
