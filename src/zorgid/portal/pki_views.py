"""The CRLs and the OCSP responder (docs/security.md, "Revocation: CRL and OCSP"): public, for anyone who checks a
certificate zorgid issued. Thin: the work is in zorgid.pki."""

from __future__ import annotations

import base64
import binascii
import math

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from zorgid import clock
from zorgid.pki import certificate_status, ocsp

OCSP_REQUEST = "application/ocsp-request"


@require_safe
def crl(request, ca: str):
    try:
        stored = certificate_status.current_crl(ca)
    except certificate_status.UnknownAuthority:
        raise Http404("no such CA") from None
    response = HttpResponse(bytes(stored.der), content_type="application/pkix-crl")
    seconds = max(0, math.floor((stored.next_update - clock.now()).total_seconds()))
    response["Cache-Control"] = f"public, max-age={seconds}"  # a newer one may exist sooner: a status changed
    response["Expires"] = http_date(stored.next_update.timestamp())
    response["Last-Modified"] = http_date(stored.this_update.timestamp())
    response["Content-Disposition"] = f'attachment; filename="{ca}.crl"'
    return response


def _answer(der: bytes) -> HttpResponse:
    response = HttpResponse(der, content_type="application/ocsp-response")
    response["Cache-Control"] = "no-cache"  # a status change counts at once
    return response


@csrf_exempt
@require_http_methods(["POST"])
def ocsp_post(request):
    malformed = ocsp.malformed()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _answer(malformed)
    if request.content_type != OCSP_REQUEST or length <= 0 or length > ocsp.MAX_REQUEST_BYTES:
        return _answer(malformed)
    try:
        body = request.body
    except RequestDataTooBig:
        return _answer(malformed)
    return _answer(ocsp.respond(body))


@require_safe
def ocsp_get(request, encoded: str):
    """RFC 6960 appendix A.1: the DER request base64-encoded (and URL-encoded) in the path."""
    if len(encoded) > ocsp.MAX_REQUEST_BYTES * 2:
        return _answer(ocsp.malformed())
    try:
        der = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        return _answer(ocsp.malformed())
    return _answer(ocsp.respond(der))
