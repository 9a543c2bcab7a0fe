"""The provider as Authlib builds it: the authorization code grant (RFC 6749 §4.1) with PKCE S256 required
(RFC 7636) and OpenID Connect's ID token (Core §3.1), client authentication by ``private_key_jwt`` (RFC 7523) and
mutual TLS (RFC 8705), bearer access tokens (RFC 6750), no refresh tokens.

zorgid supplies what Authlib asks of an application: the register's applications as clients (``Client``), where
codes and tokens are kept (oidc.models, as hashes), the register's rules of a login (``RegisterRules``), the
installation's signing key (oidc.keys), zorgid's clock, and a ZID code in every ``error_description``. A server is
made per request (``Provider(issuer)``): the issuer comes from the request in acceptatie, and the client
assertion's audiences with it.

The login is split over the QR page (docs/koppelen.md): ``authorize.begin`` checks the request with
``get_consent_grant`` and keeps it on the LoginFlow; after the app's approval, ``authorize.proceed`` hands the kept
request to ``create_authorization_response``, which checks it again (the application and its version may have
been suspended meanwhile) and issues the code.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass

from authlib.oauth2.base import OAuth2Error
from authlib.oauth2.rfc6749 import AuthorizationServer, ClientMixin, InvalidRequestError
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge, create_s256_code_challenge
from authlib.oauth2.rfc7636.challenge import CODE_CHALLENGE_PATTERN, CODE_VERIFIER_PATTERN
from authlib.oidc.core.grants import OpenIDCode
from django.conf import settings
from django.urls import reverse

from zorgid import clock
from zorgid.audit.services import record
from zorgid.care_apps.models import CareApplication, Product
from zorgid.care_apps.services import CLIENT_ID_MAX, application_for_login, check_product, check_version
from zorgid.control_characters import invisible
from zorgid.flows.models import LoginFlow
from zorgid.hashing import token_hash
from zorgid.identities.models import MobileId, Smartcard
from zorgid.organisations.models import Organisation, RoleAssignment
from zorgid.pki.uzi.numbers import Ura
from zorgid.protocol.errors import ZorgidError

from . import claims as claims_module
from . import keys
from .client_auth import PrivateKeyJwt
from .errors import (
    AuthorizeRequestInvalid,
    ClientAuthenticationFailed,
    CodeExpired,
    CodeOfOtherClient,
    CodeUnknown,
    CodeUsed,
    CodeVerifierMissing,
    CodeVerifierWrong,
    GrantTypeUnsupported,
    LoginNoLongerValid,
    NonceRequired,
    OrganisationLeft,
    PkceRequired,
    RedirectUriMismatch,
    ResponseTypeUnsupported,
    ScopeInvalid,
    ScopeNotAllowed,
    StateRequired,
    TokenRequestInvalid,
)
from .models import AccessToken, AppSession, AuthorizationCode
from .mtls import authenticate_tls_client
from .oauth import OAuthAnswer, ZorgidRequest, as_oauth_error

STATE_MAX = 255
NONCE_MAX = 255  # AuthorizationCode.nonce
SCOPE_MAX = 200  # AuthorizationCode.scope
CODE_MAX = 128
SINGLE_PARAMETERS = ("client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge",
                     "code_challenge_method", "application_version", "ura", "prompt", "response_mode")
UNSUPPORTED_PARAMETERS = ("request", "request_uri", "registration")


def endpoint(issuer: str, name: str, *args: str) -> str:
    """The URL of the provider's endpoint ``name`` (a URL name of portal/oidc_urls.py) under ``issuer``."""
    return f"{issuer}{reverse(name, args=args)}"


# -- the register's applications as Authlib's clients ------------------------------------------------------------


class Client(ClientMixin):
    """An application of the register as Authlib sees a client. Which methods authenticate it follows from what
    the register holds: keys (private_key_jwt) or a certificate (tls_client_auth)."""

    def __init__(self, application: CareApplication) -> None:
        self.application = application

    def get_client_id(self) -> str:
        return self.application.client_id

    def get_default_redirect_uri(self) -> None:
        return None  # a redirect_uri is always required, and matched exactly

    def get_allowed_scope(self, scope):
        scopes = (scope or "").split()
        if "openid" not in scopes or len(scope) > SCOPE_MAX:
            raise as_oauth_error(ScopeInvalid(f"scope {str(scope)[:60]!r}"))
        return " ".join(name for name in claims_module.SCOPES if name in scopes)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        registered = self.application.redirect_uris if isinstance(self.application.redirect_uris, list) else []
        return isinstance(redirect_uri, str) and redirect_uri in registered

    def check_client_secret(self, client_secret: str) -> bool:
        return False  # no client secrets at all

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        application = self.application
        if method == "private_key_jwt":
            return bool(application.jwks or application.jwks_uri)
        if method == "tls_client_auth":
            return bool(application.tls_ura or application.tls_subject_dn)
        return False

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


def find_client(client_id: object) -> Client | None:
    """The application with this client_id, whatever its status (the grant checks the status), as a client.

    The client_id may come from an assertion nobody has verified yet (its ``sub``): what no client_id can be (too
    long, a control character, a lone surrogate that no database can store) is no client, never a query."""
    if not isinstance(client_id, str) or not 0 < len(client_id) <= CLIENT_ID_MAX or invisible(client_id):
        return None
    application = CareApplication.objects.filter(client_id=client_id).first()
    return Client(application) if application is not None else None


# -- the rules of an authorization request ------------------------------------------------------------------------


class RegisterRules:
    """zorgid's rules of an authorization request besides Authlib's. First (before the scope, PKCE and nonce): one
    value per parameter, no request objects, the query response mode, a state. Then: the application accepted,
    for ZORG-ID Mobiel, in an accepted version, the scope wid_check only if the operator allows it, and an ``ura``
    of 8 digits if one is asked."""

    def __call__(self, grant) -> None:
        grant.register_hook("before_validate_authorization_request_payload", self.check_form)
        grant.register_hook("after_validate_authorization_request_payload", self.check_application)

    @staticmethod
    def check_form(grant, redirect_uri: str) -> None:
        payload = grant.request.payload
        try:
            for name in SINGLE_PARAMETERS:
                if len(payload.datalist.get(name, [])) > 1:
                    raise AuthorizeRequestInvalid(f"{name} is given more than once")
            for name in UNSUPPORTED_PARAMETERS:
                if name in payload.data:
                    raise AuthorizeRequestInvalid(f"the parameter {name} is not supported")
            if payload.data.get("response_mode", "query") != "query":
                raise AuthorizeRequestInvalid("only response_mode=query is supported")
            state = payload.data.get("state")
            if not state or len(state) > STATE_MAX:
                raise StateRequired()
        except ZorgidError as error:
            raise as_oauth_error(error) from error

    @staticmethod
    def check_application(grant, redirect_uri: str) -> None:
        data = grant.request.payload.data
        try:
            application = application_for_login(data.get("client_id"))
            check_product(application, Product.MOBIEL)
            check_version(application, data.get("application_version"))
            if "wid_check" in str(data.get("scope", "")).split() and not application.wid_check_allowed:
                raise ScopeNotAllowed("wid_check is not allowed for this application")
            ura = data.get("ura")
            if ura is not None:
                data["ura"] = Ura(ura).value  # kept on the login without the spaces Ura drops
        except ZorgidError as error:
            raise as_oauth_error(error) from error


class S256Challenge(CodeChallenge):
    """PKCE (RFC 7636) required for every application, S256 only, each refusal with its ZID code."""

    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri) -> None:
        data = grant.request.payload.data
        challenge, method = data.get("code_challenge"), data.get("code_challenge_method")
        if not challenge or not CODE_CHALLENGE_PATTERN.match(challenge):
            raise as_oauth_error(PkceRequired("code_challenge is missing or not 43 to 128 characters"))
        if method != "S256":
            raise as_oauth_error(PkceRequired(f"code_challenge_method {str(method)[:20]!r}"))

    def validate_code_verifier(self, grant, result) -> None:
        verifier = grant.request.form.get("code_verifier")
        if not verifier or not CODE_VERIFIER_PATTERN.match(verifier):
            raise as_oauth_error(CodeVerifierMissing())
        challenge = self.get_authorization_code_challenge(grant.request.authorization_code)
        if not hmac.compare_digest(create_s256_code_challenge(verifier), challenge):
            raise as_oauth_error(CodeVerifierWrong())

    def get_authorization_code_challenge_method(self, authorization_code) -> str:
        return "S256"


class ZorgidOpenIDCode(OpenIDCode):
    """The ID token: RS256 with the installation's signing key (its kid in the header), zorgid's clock, the
    claims of oidc.claims; the nonce is required and used once per application."""

    def __init__(self, issuer: str) -> None:
        super().__init__(require_nonce=True)
        self.issuer = issuer
        self._key: keys.SigningKey | None = None

    @property
    def key(self) -> keys.SigningKey:
        if self._key is None:
            self._key = keys.signing_key()  # one key for the header's kid and the signature
        return self._key

    def validate_openid_authorization_request(self, grant, redirect_uri) -> None:
        try:
            super().validate_openid_authorization_request(grant, redirect_uri)
        except InvalidRequestError as error:
            raise as_oauth_error(NonceRequired(str(error.description))) from error

    def exists_nonce(self, nonce: str, request) -> bool:
        if len(nonce) > NONCE_MAX or len(request.payload.datalist.get("nonce", [])) > 1:
            raise as_oauth_error(NonceRequired(f"nonce longer than {NONCE_MAX} characters or repeated"))
        return AuthorizationCode.objects.filter(application_id=request.payload.client_id, nonce=nonce).exists()

    def resolve_client_private_key(self, client):
        return self.key.signer  # on a token: the token signs (keys.SigningKey.signer)

    def get_client_algorithm(self, client) -> str:
        return keys.ALGORITHM

    def get_encode_header(self, client) -> dict[str, str]:
        return {"alg": keys.ALGORITHM, "kid": self.key.kid, "typ": "JWT"}

    def get_client_claims(self, client) -> dict[str, object]:
        now = int(clock.now().timestamp())
        return {"iss": self.issuer, "aud": client.get_client_id(), "iat": now,
                "exp": now + settings.ZORGID_OIDC_ID_TOKEN_SECONDS}

    def generate_user_info(self, user: AppSession, scope: str) -> dict[str, object]:
        return claims_module.id_token_claims(user, scope)


# -- the grant: codes issued, exchanged once ----------------------------------------------------------------------


@dataclass(frozen=True)
class LoginOutcome:
    """Who logged in with a completed login flow, for which organisation: Authlib's "user" of the grant."""

    flow: LoginFlow
    holder: MobileId | None  # the Mobile ID of a login with the app
    organisation: Organisation
    ip: str = ""
    smartcard: Smartcard | None = None  # or the ZORG-ID Smartcard of a login with it (its session holds while it does)

    @property
    def person(self):
        return self.holder.person if self.holder is not None else self.smartcard.person


def check_login_holds(sid: str, *, lock: bool = False) -> AppSession:
    """The session ``sid``, read again (``lock``: locked until the end of the transaction, as end_sessions locks
    it), if its login still holds; else the OAuth error of the token endpoint with its code."""
    sessions = AppSession.objects.select_related("person", "organisation", "mobile_id", "smartcard")
    session = (sessions.select_for_update(of=("self",)) if lock else sessions).get(sid=sid)
    if session.ended_at is not None or session.person.blocked_at is not None or not session.means_hold():
        raise as_oauth_error(LoginNoLongerValid())
    if session.organisation_id is None or not RoleAssignment.objects.filter(
            person_id=session.person_id, organisation_id=session.organisation_id).exists():
        raise as_oauth_error(OrganisationLeft(f"URA {session.organisation.ura}" if session.organisation else ""))
    return session


def end_session(session: AppSession, reason: str) -> None:
    """Revoke the session's access tokens and end it (a code used twice: RFC 6749 §4.1.2)."""
    AccessToken.objects.filter(session=session).delete()
    AppSession.objects.filter(sid=session.sid, ended_at__isnull=True).update(ended_at=clock.now(), end_reason=reason)


class CodeGrant(AuthorizationCodeGrant):
    """Authlib's authorization code grant on zorgid's models, with zorgid's refusals."""

    def authenticate_token_endpoint_client(self):
        client = self.server.authenticate_client(self.request, list(self.server.client_auth_methods))
        given = self.request.form.get("client_id")
        if given is not None and given != client.get_client_id():
            raise as_oauth_error(ClientAuthenticationFailed("client_id differs from the authenticated client"))
        return client

    def save_authorization_code(self, code: str, request) -> AuthorizationCode:
        outcome: LoginOutcome = request.user
        flow, application, now = outcome.flow, request.client.application, clock.now()
        person = outcome.person
        session = AppSession.objects.create(
            application=application, person=person, mobile_id=outcome.holder, organisation=outcome.organisation,
            smartcard=outcome.smartcard, subject=claims_module.subject(application, person.id), started_at=now)
        data = request.payload.data
        stored = AuthorizationCode.objects.create(
            code_hash=token_hash(code), flow=flow, application=application, session=session,
            redirect_uri=data["redirect_uri"], scope=request.scope, nonce=data.get("nonce", ""),
            code_challenge=data["code_challenge"], auth_time=flow.approved_at or now, issued_at=now,
            expires_at=now + dt.timedelta(seconds=settings.ZORGID_OIDC_CODE_SECONDS))
        record("oidc.login", actor=f"person:{person.id}", subject=f"care_app:{application.client_id}", ip=outcome.ip,
               details={"client_id": application.client_id, "ura": outcome.organisation.ura,
                        "mobile_id": outcome.holder.id if outcome.holder else None, "sid": session.sid,
                        "login_flow": flow.id,
                        **({"method": "smartcard", "smartcard": outcome.smartcard.id} if outcome.smartcard else {})})
        return stored

    def query_authorization_code(self, code: str, client: Client) -> AuthorizationCode:
        found = (AuthorizationCode.objects.select_related("session", "application").filter(
            code_hash=token_hash(code)).first() if isinstance(code, str) and len(code) <= CODE_MAX else None)
        if found is None:
            raise as_oauth_error(CodeUnknown())
        if found.application_id != client.get_client_id():
            raise as_oauth_error(CodeOfOtherClient())
        if found.used_at is not None:
            self._reused(found)
        if clock.now() >= found.expires_at:
            raise as_oauth_error(CodeExpired())
        if self.request.payload.redirect_uri != found.redirect_uri:
            raise as_oauth_error(RedirectUriMismatch())
        return found

    def _reused(self, code: AuthorizationCode) -> None:
        end_session(code.session, "code-reused")
        record("oidc.code.reused", actor=f"care_app:{code.application_id}", subject=f"app_session:{code.session_id}",
               details={"client_id": code.application_id, "sid": code.session_id})
        raise as_oauth_error(CodeUsed())

    def authenticate_user(self, authorization_code: AuthorizationCode) -> AppSession:
        """The code's session, if the login still holds; the code is used here, once (a conditional UPDATE).

        The login holds when the application is still accepted, the session open, the person not blocked, his
        Mobile ID active, and he still holds a role in the organisation he logged in for. ``Provider.save_token``
        checks it all again with the session locked, after the access token is written (see there)."""
        now = clock.now()
        if not AuthorizationCode.objects.filter(code_hash=authorization_code.code_hash, used_at__isnull=True).update(
                used_at=now):
            self._reused(authorization_code)
        try:
            application_for_login(authorization_code.application_id)
        except ZorgidError as error:
            raise as_oauth_error(error) from error
        return check_login_holds(authorization_code.session_id)

    def delete_authorization_code(self, authorization_code) -> None:
        """Kept (marked used) until it is purged: a second use must still be recognised."""


# -- the server ---------------------------------------------------------------------------------------------------

# The error codes of Authlib's own refusals, by OAuth error, so that every error_description carries a ZID code.
GENERIC_ERRORS = {
    "invalid_client": ClientAuthenticationFailed,
    "unauthorized_client": ClientAuthenticationFailed,
    "invalid_grant": CodeUnknown,
    "invalid_scope": ScopeInvalid,
    "unsupported_grant_type": GrantTypeUnsupported,
    "unsupported_response_type": ResponseTypeUnsupported,
}


def client_auth_methods(issuer: str) -> dict:
    """The client authentication methods of the token endpoint (RFC 7591 names), tried in this order."""
    methods = {"private_key_jwt": PrivateKeyJwt([endpoint(issuer, "oidc-token"), issuer])}
    # mutual TLS (RFC 8705): zorgid.oidc.mtls registers tls_client_auth on the next line
    methods["tls_client_auth"] = authenticate_tls_client
    return methods


class Provider(AuthorizationServer):
    """The authorization server of one request (``issuer``: its iss and the audiences of client assertions)."""

    def __init__(self, issuer: str) -> None:
        super().__init__(scopes_supported=list(claims_module.SCOPES))
        self.issuer = issuer
        self.register_token_generator("default", BearerTokenGenerator(
            access_token_generator=lambda **kwargs: secrets.token_urlsafe(32),
            expires_generator=lambda client, grant_type: settings.ZORGID_OIDC_ACCESS_TOKEN_SECONDS))
        self.register_grant(CodeGrant, [S256Challenge(required=True), ZorgidOpenIDCode(issuer), RegisterRules()])
        self.client_auth_methods = client_auth_methods(issuer)
        for method, authenticate in self.client_auth_methods.items():
            self.register_client_auth_method(method, authenticate)

    def query_client(self, client_id):
        return find_client(client_id)

    def save_token(self, token: dict, request) -> None:
        """Keep the access token (its hash); then check the login again with its session locked.

        A block, a revocation or a removal from the organisation ends the session under the same lock
        (oidc.backchannel.end_sessions). If it came first, the exchange is refused here (and its token removed);
        if the exchange came first, the ending waits for it and then sees the code used, so the application gets
        a logout token. The lock is taken after the token is written, never before: an exchange never holds the
        session while it waits for anything else."""
        session: AppSession = request.user
        now = clock.now()
        stored = AccessToken.objects.create(token_hash=token_hash(token["access_token"]), session=session,
                                            scope=token.get("scope", ""), issued_at=now,
                                            expires_at=now + dt.timedelta(seconds=int(token["expires_in"])))
        try:
            check_login_holds(session.sid, lock=True)
        except OAuth2Error:
            stored.delete()  # the refusal commits (the code stays used), the token must not
            raise
        handed: dict[str, object] = {}
        if claims_module.hands_out_wid_check(session, str(token.get("scope", ""))):
            # the check the ID token will hold (oidc.claims.latest_wid_check), named in the audit event: its id
            session.wid_check_given = claims_module.latest_wid_check(session)
            handed["wid_check"] = session.wid_check_given.id if session.wid_check_given is not None else None
        record("oidc.token", actor=f"care_app:{session.application_id}", subject=f"person:{session.person_id}",
               details={"client_id": session.application_id, "sid": session.sid,
                        "ura": session.organisation.ura if session.organisation else "",
                        "auth_method": request.auth_method or "", **handed})

    def create_oauth2_request(self, request: ZorgidRequest) -> ZorgidRequest:
        return request

    def create_json_request(self, request):
        raise NotImplementedError("zorgid's provider reads no JSON requests")

    def handle_response(self, status, body, headers) -> OAuthAnswer:
        return OAuthAnswer(status, body if isinstance(body, dict) else None, list(headers))

    def handle_error_response(self, request, error: OAuth2Error) -> OAuthAnswer:
        if not str(error.description or "").startswith("ZID-"):
            kind = GENERIC_ERRORS.get(error.error) or (
                AuthorizeRequestInvalid if request.payload.data.get("response_type") is not None
                and request.payload.data.get("grant_type") is None else TokenRequestInvalid)
            wrapped = kind(f"{error.error}: {error.get_error_description() or ''}".strip(": "))
            error.description = as_oauth_error(wrapped).description
        if error.error == "invalid_client":
            error.status_code = 401
        return super().handle_error_response(request, error)

    def send_signal(self, name, *args, **kwargs) -> None:
        """Authlib's signals: zorgid records what happened in its audit log instead."""

