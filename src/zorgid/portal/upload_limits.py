"""Uploads refused by their declared size, before Django reads a byte of the body (docs/security.md).

Django keeps form fields to DATA_UPLOAD_MAX_MEMORY_SIZE, but a file field has no limit of its own: it is read
whole (to a temporary file above FILE_UPLOAD_MAX_MEMORY_SIZE) as soon as anything reads ``request.POST``, and the
ControlCharacterMiddleware does that for every form. So a page that takes a file names its limit here, and this
middleware (placed before that one) answers a body declared larger with the page's own refusal and code. A body
is never read beyond its Content-Length (Django's LimitedStream), so the declared size is the size read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import Resolver404, resolve

from zorgid.protocol.errors import ZorgidError

FORM_OVERHEAD = 64 * 1024  # the multipart headers, the CSRF token and the page's other fields


@dataclass(frozen=True)
class UploadLimit:
    max_bytes: int  # of the file itself; the body may be FORM_OVERHEAD larger
    refusal: Callable[[int], ZorgidError]  # the declared body size → the page's own error (its code and status)


def _employee_import() -> UploadLimit:
    from zorgid.administration import importing

    return UploadLimit(importing.MAX_FILE_BYTES, importing.too_large_bytes)


# URL name → its limit (made when first asked: the use cases' settings are read then, and tests may change them)
UPLOAD_LIMITS: dict[str, Callable[[], UploadLimit]] = {
    "portal-org-employee-import": _employee_import,
}


def declared_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0  # Django reads no body then


class UploadLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST":
            try:
                name = resolve(request.path_info).url_name
            except Resolver404:
                name = None
            if name in UPLOAD_LIMITS:
                limit, length = UPLOAD_LIMITS[name](), declared_length(request)
                if length > limit.max_bytes + FORM_OVERHEAD:
                    from .middleware import error_answer

                    return error_answer(request, limit.refusal(length))
        return self.get_response(request)
