"""Each request's id: made here, or taken from a trusted reverse proxy; sent back in ``X-Request-ID``.

The id goes with every log line written during the request and with every audit event it records
(zorgid.request_context), and the error pages show it, so that the servicedesk finds the request's lines in the
log and its events in the audit log (docs/security.md, "Logs"). A proxy that sets ``X-Request-ID`` itself (nginx's
``$request_id``) ties its own log to zorgid's: the header is taken from an address in ZORGID_TRUSTED_PROXIES only,
and only when it is a sane value (8 to 64 letters, digits, ``.``, ``_``, ``:`` or ``-``); anyone else's header is
ignored and an id is made (uuid4, 32 hex characters). First in settings.MIDDLEWARE: the access log inside it
writes its line while the id is known.
"""

from __future__ import annotations

import re
import uuid

from django.http import HttpRequest

from zorgid import request_context
from zorgid.web import from_trusted_proxy

HEADER = "X-Request-ID"
SANE = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def request_id_of(request: HttpRequest) -> str:
    """The proxy's id when a trusted proxy sent a sane one, else a new one."""
    offered = request.headers.get(HEADER)
    if isinstance(offered, str) and SANE.match(offered) and from_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
        return offered
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        request.request_id = request_id_of(request)
        token = request_context.begin(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            request_context.end(token)
        response[HEADER] = request.request_id
        return response
