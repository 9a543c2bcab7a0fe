"""Small helpers shared by the portal's views and the API's: who is asking, from where."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from zorgid.protocol.payloads import normalise_origin


def server_origin(request: HttpRequest) -> str:
    """The origin the app must talk to: ZORGID_BASE_URL when set, else the origin of this request."""
    if settings.ZORGID_BASE_URL_FROM_ENV:
        return normalise_origin(settings.ZORGID_BASE_URL)
    return normalise_origin(f"{request.scheme}://{request.get_host()}")


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")[:45]


def with_retry_after(response, error):
    """The answer to a refusal that says when to try again (a request limit: ZID-RATE-LIMIT) carries Retry-After."""
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response
