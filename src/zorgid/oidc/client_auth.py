"""How an application proves at the token endpoint that it is itself: ``private_key_jwt`` (RFC 7523 §2.2).

Authlib's ``JWTBearerClientAssertion`` reads the assertion; this module gives it the application's keys (the JWK
Set registered inline, or fetched from its ``jwks_uri``), the accepted audiences (the token endpoint's URL and the
issuer), zorgid's clock, a bound lifetime, and a ``jti`` that counts once: it is kept (as a hash) until the
assertion's ``exp`` (``UsedAssertion``). Every refusal carries its ZID code. No client secrets exist at all.

Anyone can send an assertion naming an application: Authlib looks up the unverified ``sub`` and resolves its keys
before the signature is checked. So the assertion's cheap claims are checked first, unverified (``iss`` = ``sub``,
an accepted ``aud``, ``exp`` in the future and at most an hour ahead, a ``jti``), and the application must be
registered for ``private_key_jwt``; only then are its keys read.

A ``jwks_uri`` is fetched within 5 s in all (one deadline for connecting, the headers and the body, checked while
reading; the caller waits no longer), at most 64 KiB, no redirects, one fetch per URI at a time; the set is kept
5 minutes per process, a failure 30 s (no fetch per request of a failing URI), and fetched again at once (at most
every 10 s) when an assertion names a kid the cached set does not have: a supplier's rotation works without
waiting.
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
from zorgid.control_characters import invisible
from zorgid.hashing import token_hash
from zorgid.protocol.errors import ZorgidError

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
JWKS_FAILURE_SECONDS = 30.0  # a failed fetch is remembered this long: no new fetch of that URI meanwhile


# -- the application's keys ---------------------------------------------------------------------------------------

_fetched: dict[str, tuple[float, KeySet]] = {}  # uri: (fetched at, its keys)
_forced: dict[str, float] = {}  # uri: when an unknown kid last fetched it again
_failed: dict[str, tuple[float, str]] = {}  # uri: (failed at, why)
_running: dict[str, _Fetch] = {}  # uri: the fetch under way (one per URI at a time)
_fetched_lock = threading.Lock()


def _fetch(uri: str, deadline: float) -> KeySet:
    """The JWK Set at ``uri``, read before ``deadline`` (time.monotonic) or not at all."""

    def left() -> float:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ClientKeysUnavailable(f"jwks_uri gave no complete answer within {JWKS_TIMEOUT_SECONDS:g} s")
        return remaining

    try:
        with httpx.stream("GET", uri, timeout=left(), follow_redirects=False,
                          headers={"Accept": "application/json"}) as response:
            left()
            if response.status_code != 200:
                raise ClientKeysUnavailable(f"jwks_uri answered HTTP {response.status_code}")
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > JWKS_MAX_BYTES:
                    raise ClientKeysUnavailable(f"jwks_uri answered more than {JWKS_MAX_BYTES} bytes")
                left()  # a server that trickles its answer gets no more time than one that is silent
    except httpx.HTTPError as exc:
        raise ClientKeysUnavailable(f"jwks_uri could not be fetched: {type(exc).__name__}") from exc
    try:
        return KeySet.import_key_set(json.loads(body))
    except (ValueError, TypeError, KeyError, RecursionError, JoseError) as exc:
        raise ClientKeysUnavailable("jwks_uri answered no valid JWK Set") from exc


class _Fetch:
    """One fetch of a jwks_uri, in a thread of its own: its callers wait for it until its deadline and no longer,
    even when the server trickles its headers (the thread ends at its own deadline or the next read timeout)."""

    def __init__(self, uri: str) -> None:
        self.uri = uri
        self.deadline = time.monotonic() + JWKS_TIMEOUT_SECONDS
        self.done = threading.Event()
        self.keys: KeySet | None = None
        self.error: ClientKeysUnavailable | None = None
        threading.Thread(target=self._run, name="zorgid-jwks-fetch", daemon=True).start()

    def _run(self) -> None:
        try:
            self.keys = _fetch(self.uri, self.deadline)
        except ClientKeysUnavailable as error:
            self.error = error
        except Exception as exc:  # noqa: BLE001 (whatever went wrong, the callers get a refusal with a code)
            self.error = ClientKeysUnavailable(f"jwks_uri could not be fetched: {type(exc).__name__}")
        finally:
            with _fetched_lock:
                if self.keys is not None:
                    _fetched[self.uri] = (time.monotonic(), self.keys)
                    _failed.pop(self.uri, None)
                else:
                    _failed[self.uri] = (time.monotonic(), self.error.detail if self.error else "")
                if _running.get(self.uri) is self:
                    del _running[self.uri]
            self.done.set()

    def result(self) -> KeySet:
        if not self.done.wait(max(0.0, self.deadline - time.monotonic()) + 0.05):
            with _fetched_lock:  # given up: remembered as a failure, so the next callers do not wait again
                _failed[self.uri] = (time.monotonic(), "no complete answer in time")
            raise ClientKeysUnavailable(f"jwks_uri gave no complete answer within {JWKS_TIMEOUT_SECONDS:g} s")
        if self.keys is None:  # a new error for each caller: they may be in different threads
            raise ClientKeysUnavailable(self.error.detail if self.error else "jwks_uri could not be fetched")
        return self.keys


def _remote_keys(uri: str, *, fresh: bool) -> KeySet:
    """The key set of ``uri``, kept JWKS_CACHE_SECONDS; ``fresh`` (an unknown kid) fetches it again, at most once
    per JWKS_REFETCH_SECONDS, so that assertions with made-up kids cannot make zorgid fetch without end. A failure
    is remembered JWKS_FAILURE_SECONDS; callers at the same moment share one fetch."""
    now = time.monotonic()
    with _fetched_lock:
        cached = _fetched.get(uri)
        if cached is not None:
            if not fresh and now - cached[0] < JWKS_CACHE_SECONDS:
                return cached[1]
            if fresh and now - _forced.get(uri, -JWKS_REFETCH_SECONDS) < JWKS_REFETCH_SECONDS:
                return cached[1]
        failed = _failed.get(uri)
        if failed is not None and now - failed[0] < JWKS_FAILURE_SECONDS:
            raise ClientKeysUnavailable(f"{failed[1]} (less than {JWKS_FAILURE_SECONDS:g} s ago; tried again after)")
        if fresh:
            _forced[uri] = now
        fetch = _running.get(uri)
        if fetch is None:
            fetch = _running[uri] = _Fetch(uri)
    return fetch.result()


def forget_fetched_keys() -> None:
    """Empty the cache of fetched key sets (tests)."""
    with _fetched_lock:
        _fetched.clear()
        _forced.clear()
        _failed.clear()
        _running.clear()


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


def check_unverified_claims(claims: dict, audiences: list[str]) -> None:
    """The claims an assertion must have before anything is looked up for it (nothing here is trusted yet: the
    signature is checked later, and these claims again with it): ``iss`` = ``sub``, an accepted ``aud``, ``exp`` a
    number in the future and at most MAX_LIFETIME_SECONDS ahead, and a ``jti``."""
    iss, sub, exp = claims.get("iss"), claims.get("sub"), claims.get("exp")
    if not isinstance(sub, str) or iss != sub:
        raise ClientAssertionInvalid("iss and sub must both be the client_id")
    aud = claims.get("aud")
    given = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    if not any(isinstance(item, str) and item in audiences for item in given):
        raise ClientAssertionInvalid("aud is not the token endpoint or the issuer")
    now = _now()
    if isinstance(exp, bool) or not isinstance(exp, int | float) or not (
            now - LEEWAY_SECONDS < exp <= now + MAX_LIFETIME_SECONDS + LEEWAY_SECONDS):
        raise ClientAssertionInvalid(f"exp must be in the future and at most {MAX_LIFETIME_SECONDS} s ahead")
    jti = claims.get("jti")
    if not isinstance(jti, str) or not 0 < len(jti) <= JTI_MAX:
        raise ClientAssertionInvalid(f"jti must be a string of 1 to {JTI_MAX} characters")


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

    def extract_assertion(self, assertion: str):
        """The assertion's header and claims, unverified; its cheap claims are checked here already, before the
        application is looked up and its keys are read (a jwks_uri is fetched for none but a plausible assertion)."""
        headers, claims = super().extract_assertion(assertion)
        try:
            check_unverified_claims(claims, self.get_audiences())
        except ZorgidError as error:
            raise as_oauth_error(error) from error
        return headers, claims

    def resolve_client_public_key(self, client) -> KeySet:
        application = client.application
        self._application = application
        try:
            if not client.check_endpoint_auth_method(self.CLIENT_AUTH_METHOD, "token"):
                raise ClientAuthenticationFailed("the application is not registered for private_key_jwt")
            return application_keys(application)
        except ZorgidError as error:  # every refusal is an OAuth error with its code, never zorgid's error page
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
        if not isinstance(jti, str) or not 0 < len(jti) <= JTI_MAX or invisible(jti):
            raise as_oauth_error(ClientAssertionInvalid(f"jti must be a string of 1 to {JTI_MAX} visible characters"))
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
