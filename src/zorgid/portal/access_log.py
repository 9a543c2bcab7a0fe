"""The access log: one line per request with the route, never the values in the path (docs/security.md).

Several addresses carry a secret in their path: the activation QR's page (``activatie/<str:code>``), the
follow-up form (``vervolgformulier/<str:token>``) and the application's status page
(``aanvragen/<str:reference>/status/<str:token>``). A request line in a log file would hand those secrets to
everyone who reads the logs, so gunicorn writes no access log (zorgid.serve) and this middleware logs the
client's address, the method, the matched route pattern (``/activatie/<str:code>``; "-" when no route matched),
the status and the duration, never the path's values nor the query string.

As a JSON line (zorgid.log_handlers) the line also has its fields: ``route``, ``method``, ``status``,
``duration_ms``, ``error_code`` (the ZID code of an error answer: a page's, the ``code`` of a JSON answer's error,
or the code at the start of OAuth's ``error_description``), ``actor`` (the logged-in person, or the first actor of
the request's audit events: an opaque id, never a name) and ``client``; the request id comes with every line of the
request (portal/request_ids.py).

Django itself names the path in the warnings of ``django.request`` ("Gone: /activatie/…") and
``django.security.csrf``; ``HidePathValues`` (settings.LOGGING) puts the route pattern in its place.
"""

from __future__ import annotations

import json
import logging
import re
import time

from django.http import HttpRequest

from zorgid import request_context
from zorgid.web import client_ip

logger = logging.getLogger("zorgid.access")
NO_ROUTE = "-"
_METHOD = re.compile(r"^[A-Z]{1,16}$")


def route_of(request: HttpRequest) -> str:
    """The URL pattern the request matched (``/activatie/<str:code>``), or "-"."""
    route = getattr(getattr(request, "resolver_match", None), "route", None)
    return "/" + route if isinstance(route, str) else NO_ROUTE


class AccessLogMiddleware:
    """Right after the request-id middleware in settings.MIDDLEWARE, so that it sees every answer and times the
    whole request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        started = time.monotonic()
        response = self.get_response(request)
        method = request.method if _METHOD.match(request.method or "") else "?"
        elapsed = (time.monotonic() - started) * 1000
        route, client = route_of(request), client_ip(request) or "-"
        fields = {"route": route, "method": method, "status": response.status_code,
                  "duration_ms": round(elapsed, 1), "client": client}
        code, actor = error_code_of(response), actor_of(request)
        if code:
            fields["error_code"] = code
        if actor:
            fields["actor"] = actor
        logger.info("%s %s %s %s %dms", client, method, route, response.status_code, int(elapsed),
                    extra={"log_fields": fields})
        response.headers.setdefault("Server-Timing", f"app;dur={elapsed:.1f}")  # what bench/ measures per request
        return response


ERROR_PAGE_CODE = "zorgid_error_code"  # the attribute portal.views.error_page sets on its answer
_CODE = re.compile(r"^(ZID-[A-Z0-9-]{1,60})\b")
_MAX_ERROR_BODY = 64 * 1024


def error_code_of(response) -> str:
    """The ZID code of an error answer, or "": the error page's, or the one in a JSON answer's body."""
    code = getattr(response, ERROR_PAGE_CODE, "")
    if isinstance(code, str) and code:
        return code
    if response.status_code < 400 or getattr(response, "streaming", False):
        return ""
    if "json" not in response.get("Content-Type", "") or len(response.content) > _MAX_ERROR_BODY:
        return ""
    try:
        body = json.loads(response.content)
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    error = body.get("error")
    nested = error.get("code") if isinstance(error, dict) else None  # the API's errors: {"error": {"code": …}}
    for value in (nested, body.get("code"), body.get("error_description")):
        found = _CODE.match(value) if isinstance(value, str) else None
        if found:
            return found.group(1)
    return ""


def actor_of(request: HttpRequest) -> str:
    """The logged-in person of a portal page (as the request already found him: no query of its own), else the
    first opaque actor of the request's audit events (zorgid.request_context); "" when none."""
    for attribute in ("_zorgid_mobile_id", "_zorgid_smartcard"):
        holder = getattr(request, attribute, None)
        person_id = getattr(holder, "person_id", None)
        if person_id:
            return f"person:{person_id}"
    context = request_context.current()
    return context.actor if context is not None else ""


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
