"""How an application proves at the token endpoint that it is itself: ``private_key_jwt`` (RFC 7523 §2.2).

Authlib's ``JWTBearerClientAssertion`` reads the assertion; this module gives it the application's keys (the JWK
Set registered inline, or fetched from its ``jwks_uri``), the accepted audiences (the token endpoint's URL and the
issuer), zorgid's clock, a bound lifetime, and a ``jti`` that counts once: it is kept (as a hash) until the
assertion's ``exp`` (``UsedAssertion``). Every refusal carries its ZID code. No client secrets exist at all.

A ``jwks_uri`` is fetched with a timeout of 5 s, at most 64 KiB, kept 5 minutes per process, and fetched again
at once (at most every 10 s) when an assertion names a kid the cached set does not have: a supplier's rotation
works without waiting.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time

import httpx
from authlib.oauth2.base import OAuth2Error
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from django.db import IntegrityError, transaction
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from zorgid import clock
from zorgid.care_apps.models import CareApplication
from zorgid.hashing import token_hash

from .errors import (
    ClientAssertionInvalid,
    ClientAssertionReplayed,
    ClientAuthenticationFailed,
    ClientKeysUnavailable,
)
from .models import UsedAssertion
from .oauth import as_oauth_error

ALGORITHMS = ("RS256", "PS256", "ES256")
MAX_LIFETIME_SECONDS = 3600  # an assertion's exp at most this far ahead: the hour common client libraries use
LEEWAY_SECONDS = 30
JTI_MAX = 256
JWKS_TIMEOUT_SECONDS = 5.0
JWKS_MAX_BYTES = 64 * 1024
JWKS_CACHE_SECONDS = 300.0
JWKS_REFETCH_SECONDS = 10.0  # an unknown kid fetches the set again, but not more often than this


# -- the application's keys ---------------------------------------------------------------------------------------

_fetched: dict[str, tuple[float, KeySet]] = {}  # uri: (fetched at, its keys)
_forced: dict[str, float] = {}  # uri: when an unknown kid last fetched it again
_fetched_lock = threading.Lock()


def _fetch(uri: str) -> KeySet:
    try:
        with httpx.stream("GET", uri, timeout=JWKS_TIMEOUT_SECONDS, follow_redirects=False,
                          headers={"Accept": "application/json"}) as response:
            if response.status_code != 200:
                raise ClientKeysUnavailable(f"jwks_uri answered HTTP {response.status_code}")
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > JWKS_MAX_BYTES:
                    raise ClientKeysUnavailable(f"jwks_uri answered more than {JWKS_MAX_BYTES} bytes")
    except httpx.HTTPError as exc:
        raise ClientKeysUnavailable(f"jwks_uri could not be fetched: {type(exc).__name__}") from exc
    try:
        return KeySet.import_key_set(json.loads(body))
    except (ValueError, TypeError, KeyError, JoseError) as exc:
        raise ClientKeysUnavailable("jwks_uri answered no valid JWK Set") from exc


def _remote_keys(uri: str, *, fresh: bool) -> KeySet:
    """The key set of ``uri``, kept JWKS_CACHE_SECONDS; ``fresh`` (an unknown kid) fetches it again, at most once
    per JWKS_REFETCH_SECONDS, so that assertions with made-up kids cannot make zorgid fetch without end."""
    now = time.monotonic()
    with _fetched_lock:
        cached = _fetched.get(uri)
        if fresh:
            if now - _forced.get(uri, -JWKS_REFETCH_SECONDS) < JWKS_REFETCH_SECONDS and cached is not None:
                return cached[1]
            _forced[uri] = now
    if cached is not None and not fresh and now - cached[0] < JWKS_CACHE_SECONDS:
        return cached[1]
    keys = _fetch(uri)
    with _fetched_lock:
        _fetched[uri] = (time.monotonic(), keys)
    return keys


def forget_fetched_keys() -> None:
    """Empty the cache of fetched key sets (tests)."""
    with _fetched_lock:
        _fetched.clear()
        _forced.clear()


def application_keys(application: CareApplication, *, fresh: bool = False) -> KeySet:
    """The JWK Set the application signs its assertions with: registered inline, or fetched from its jwks_uri."""
    if application.jwks:
        try:
            return KeySet.import_key_set(application.jwks)
        except (ValueError, TypeError, KeyError, JoseError) as exc:
            raise ClientKeysUnavailable("the registered JWK Set cannot be read") from exc
    if application.jwks_uri:
        return _remote_keys(application.jwks_uri, fresh=fresh)
    raise ClientAuthenticationFailed("no keys are registered for private_key_jwt")


# -- the assertion ------------------------------------------------------------------------------------------------


def _now() -> int:
    return int(clock.now().timestamp())


class PrivateKeyJwt(JWTBearerClientAssertion):
    """``private_key_jwt`` for one token request (a new instance per request: it holds the request's client)."""

    CLIENT_AUTH_METHOD = "private_key_jwt"

    def __init__(self, audiences: list[str]) -> None:
        super().__init__(validate_jti=True, leeway=LEEWAY_SECONDS)
        self._audiences = audiences
        self._application: CareApplication | None = None

    def __call__(self, query_client, request):
        try:
            return super().__call__(query_client, request)
        except OAuth2Error as error:
            if str(error.description or "").startswith("ZID-"):
                raise
            raise as_oauth_error(ClientAssertionInvalid(str(error.description or error.error))) from error

    def get_audiences(self) -> list[str]:
        return self._audiences

    def resolve_client_public_key(self, client) -> KeySet:
        self._application = client.application
        try:
            return application_keys(client.application)
        except ClientKeysUnavailable as error:
            raise as_oauth_error(error) from error

    def process_assertion_claims(self, assertion, resolve_key):
        try:
            try:
                token = jwt.decode(assertion, resolve_key, algorithms=list(ALGORITHMS))
            except InvalidKeyIdError:
                if self._application is None or not self._application.jwks_uri or self._application.jwks:
                    raise
                fresh = application_keys(self._application, fresh=True)  # the supplier may have rotated its key
                token = jwt.decode(assertion, fresh, algorithms=list(ALGORITHMS))
        except JoseError as exc:
            raise as_oauth_error(ClientAssertionInvalid(f"{type(exc).__name__}: {exc.description}")) from exc
        except ClientKeysUnavailable as error:
            raise as_oauth_error(error) from error
        self.verify_claims(token.claims)
        return token.claims

    def verify_claims(self, claims) -> None:
        options = {"iss": {"essential": True}, "sub": {"essential": True}, "exp": {"essential": True},
                   "aud": {"essential": True, "values": self.get_audiences()}, "jti": {"essential": True}}
        try:
            jwt.JWTClaimsRegistry(now=_now, leeway=self.leeway, **options).validate(claims)
        except JoseError as exc:
            raise as_oauth_error(ClientAssertionInvalid(f"{type(exc).__name__}: {exc.description}")) from exc
        if claims["sub"] != claims["iss"]:
            raise as_oauth_error(ClientAssertionInvalid("iss and sub must both be the client_id"))
        if claims["exp"] > _now() + MAX_LIFETIME_SECONDS + LEEWAY_SECONDS:
            raise as_oauth_error(ClientAssertionInvalid(f"exp more than {MAX_LIFETIME_SECONDS} s ahead"))
        jti = claims["jti"]
        if not isinstance(jti, str) or not 0 < len(jti) <= JTI_MAX:
            raise as_oauth_error(ClientAssertionInvalid(f"jti must be a string of 1 to {JTI_MAX} characters"))
        if not self.validate_jti(claims, jti):
            raise as_oauth_error(ClientAssertionReplayed())

    def validate_jti(self, claims, jti) -> bool:
        """Keep the jti until the assertion's exp; False when it was used before (a replay)."""
        expires_at = dt.datetime.fromtimestamp(int(claims["exp"]) + self.leeway, tz=dt.UTC)
        try:
            with transaction.atomic():
                UsedAssertion.objects.create(key_hash=token_hash(f"{claims['sub']} {jti}"), expires_at=expires_at)
        except IntegrityError:
            return False
        return True
