"""Every API error answers in one shape: ``{"error": {"code", "status", "cause", "solution", "detail"?}}``.

Library errors are translated here, where they enter (docs/architecture.md).
"""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig
from rest_framework import exceptions as drf
from rest_framework.response import Response

from zorgid.errors import NotFound
from zorgid.protocol.errors import MessageMalformed, ZorgidError
from zorgid.web import with_retry_after

log = logging.getLogger("zorgid.api")


class MethodNotAllowed(ZorgidError):
    code = "ZID-METHOD-NOT-ALLOWED"
    status = 405
    cause_nl = "Deze handeling is op dit adres niet mogelijk."
    cause_en = "This action is not possible at this address."
    solution_nl = "Werk de ZORG-ID app bij en probeer het opnieuw."
    solution_en = "Update the ZORG-ID app and try again."


class UnsupportedMediaType(ZorgidError):
    code = "ZID-MEDIA-TYPE"
    status = 415
    cause_nl = "Het verzoek is niet in JSON."
    cause_en = "The request is not JSON."
    solution_nl = "Werk de ZORG-ID app bij en probeer het opnieuw."
    solution_en = "Update the ZORG-ID app and try again."


class TooLarge(ZorgidError):
    code = "ZID-REQUEST-TOO-LARGE"
    status = 413
    cause_nl = "Het verzoek is te groot."
    cause_en = "The request is too large."
    solution_nl = "Werk de ZORG-ID app bij en probeer het opnieuw."
    solution_en = "Update the ZORG-ID app and try again."


def as_zorgid_error(exc: Exception) -> ZorgidError | None:
    if isinstance(exc, ZorgidError):
        return exc
    if isinstance(exc, drf.NotFound | drf.NotAuthenticated | drf.PermissionDenied):
        return NotFound()
    if isinstance(exc, drf.MethodNotAllowed):
        return MethodNotAllowed()
    if isinstance(exc, drf.UnsupportedMediaType):
        return UnsupportedMediaType()
    if isinstance(exc, drf.ParseError | drf.ValidationError):
        return MessageMalformed(_flatten(getattr(exc, "detail", "")))
    if isinstance(exc, RequestDataTooBig):
        return TooLarge()
    return None


def _flatten(detail: object) -> str:
    if isinstance(detail, dict):
        return "; ".join(f"{key}: {_flatten(value)}" for key, value in detail.items())[:300]
    if isinstance(detail, list):
        return ", ".join(_flatten(item) for item in detail)[:300]
    return str(detail)[:300]


def exception_handler(exc: Exception, context: dict) -> Response | None:
    error = as_zorgid_error(exc)
    if error is None:
        log.exception("unexpected error in %s", context.get("view").__class__.__name__)
        from zorgid.protocol.errors import InternalError

        error = InternalError()
    return with_retry_after(Response(error.as_dict(), status=error.status), error)
