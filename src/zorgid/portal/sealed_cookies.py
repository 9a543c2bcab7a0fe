"""A secret shown to one browser, kept in that browser only: an encrypted cookie (docs/security.md).

Some pages show a one-time secret again when reloaded, e.g. the registration QR (an activation code valid 10
days). Kept in the session, the code would sit readable in the database's session table; in this cookie it is
sealed with AES-GCM under a key derived (HKDF-SHA256) from the installation's SECRET_KEY, bound to its
purpose and to the address it belongs to, and the server keeps nothing. A copy of the database is not enough,
and a cookie from one flow does not open on another.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.http import HttpRequest, HttpResponse

MAX_COOKIE_CHARS = 3000  # a sealed value never gets near the browsers' 4096 bytes per cookie


@functools.lru_cache(maxsize=8)
def _key(purpose: str, secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"zorgid sealed cookie",
                info=purpose.encode()).derive(secret.encode("utf-8"))


def seal(value, *, purpose: str, bound_to: str) -> str:
    nonce = secrets.token_bytes(12)
    plain = json.dumps(value, separators=(",", ":")).encode()
    sealed = AESGCM(_key(purpose, settings.SECRET_KEY)).encrypt(nonce, plain, bound_to.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def unseal(text: str, *, purpose: str, bound_to: str):
    """The value, or None for anything that was not sealed here for this purpose and address."""
    if not text or len(text) > MAX_COOKIE_CHARS:
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        plain = AESGCM(_key(purpose, settings.SECRET_KEY)).decrypt(raw[:12], raw[12:], bound_to.encode())
        return json.loads(plain)
    except (InvalidTag, ValueError, binascii.Error):
        return None


def set_sealed(response: HttpResponse, name: str, value, *, path: str) -> None:
    """A browser-session cookie, sent only to ``path`` and below, not readable by scripts."""
    response.set_cookie(name, seal(value, purpose=name, bound_to=path), path=path, httponly=True, samesite="Strict",
                        secure=settings.SESSION_COOKIE_SECURE)


def get_sealed(request: HttpRequest, name: str, *, path: str):
    return unseal(request.COOKIES.get(name, ""), purpose=name, bound_to=path)


def delete_sealed(response: HttpResponse, name: str, *, path: str) -> None:
    response.delete_cookie(name, path=path, samesite="Strict")
