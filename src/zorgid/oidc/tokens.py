"""The application's side after the login: the code exchanged for tokens, the access token for the claims.

- ``token``: POST /oidc/token (RFC 6749 §4.1.3): client authentication (``private_key_jwt`` or mutual TLS), the
  code once and within 60 s, its redirect_uri and the PKCE verifier; the answer holds the ID token (RS256), an
  opaque access token (300 s, kept as its hash), ``token_type`` Bearer, ``expires_in`` and ``scope``. Errors as
  RFC 6749 §5.2: JSON ``error`` and ``error_description`` (with the ZID code), ``Cache-Control: no-store``.
- ``userinfo``: GET/POST /oidc/userinfo with ``Authorization: Bearer`` (RFC 6750): the claims of the token's scope;
  a missing, unknown or expired token or an ended session (also: the person no longer holds a role in the
  organisation he logged in for) is 401 with ``WWW-Authenticate``.
"""

from __future__ import annotations

from collections.abc import Mapping

from authlib.consts import default_json_headers
from authlib.oauth2.base import OAuth2Error
from authlib.oauth2.rfc6749 import ResourceProtector
from authlib.oauth2.rfc6749.errors import MissingAuthorizationError, UnsupportedTokenTypeError
from authlib.oauth2.rfc6750 import BearerTokenValidator
from django.db import transaction

from zorgid import clock, metrics
from zorgid.audit.services import record
from zorgid.care_apps.models import CareAppStatus
from zorgid.hashing import token_hash
from zorgid.organisations.models import RoleAssignment
from zorgid.protocol.errors import ZorgidError

from .claims import hands_out_wid_check, latest_wid_check, userinfo_claims
from .errors import AccessTokenInvalid, AccessTokenMissing, SessionEnded, TokenRequestInvalid, describe
from .models import AccessToken, AppSession
from .oauth import OAuthAnswer, ZorgidRequest, as_oauth_error
from .server import Provider, endpoint

REALM = "zorgid"
TOKEN_MAX = 128


def token(params: Mapping[str, list[str]], *, issuer: str, headers: Mapping[str, str] | None = None,
          client_address: str = "") -> OAuthAnswer:
    """The token endpoint's answer to a request with these form ``params`` (see the module's text)."""
    request = ZorgidRequest("POST", endpoint(issuer, "oidc-token"), params, headers=headers,
                            client_address=client_address)
    server = Provider(issuer)
    repeated = sorted(name for name, values in params.items() if len(values) > 1)
    if repeated:
        return server.handle_error_response(request, as_oauth_error(
            TokenRequestInvalid(f"{', '.join(repeated)[:60]} given more than once")))
    with transaction.atomic():  # a refusal commits too: a used jti, a code used twice revoking its tokens
        answer = server.create_token_response(request)
    _count_token(answer)
    return answer


def _count_token(answer: OAuthAnswer) -> None:
    """zorgid_application_tokens: issued, or refused with the ZID code of its error_description (else its error)."""
    if answer.status == 200:
        metrics.application_tokens.labels("issued", "").inc()
        return
    body = answer.body or {}
    description = str(body.get("error_description", ""))
    code = description.split(":", 1)[0] if description.startswith("ZID-") else str(body.get("error", ""))[:40]
    metrics.application_tokens.labels("refused", code[:60]).inc()


class _Validator(BearerTokenValidator):
    """The access tokens of oidc.models: a hash lookup; expired, ended or blocked is refused with its ZID code."""

    def authenticate_token(self, token_string: str) -> AccessToken | None:
        if not token_string or len(token_string) > TOKEN_MAX:
            return None
        return (AccessToken.objects.select_related("session__person", "session__mobile_id", "session__smartcard",
                                                   "session__organisation", "session__application")
                .filter(token_hash=token_hash(token_string)).first())

    def validate_token(self, found: AccessToken | None, scopes, request) -> None:
        if found is None:
            raise _invalid(AccessTokenInvalid())
        if clock.now() >= found.expires_at:
            raise _invalid(AccessTokenInvalid("expired"))
        session = found.session
        if (session.ended_at is not None or session.person.blocked_at is not None or not session.means_hold()
                or session.application.status != CareAppStatus.ACCEPTED
                or not _still_in(session)):
            raise _invalid(SessionEnded())


def _still_in(session: AppSession) -> bool:
    """The person still holds a role in the organisation he logged in for (removed from it: the session ended)."""
    return session.organisation_id is not None and RoleAssignment.objects.filter(
        person_id=session.person_id, organisation_id=session.organisation_id).exists()


def _invalid(error: ZorgidError) -> OAuth2Error:
    from authlib.oauth2.rfc6750 import InvalidTokenError

    return InvalidTokenError(description=describe(error), realm=REALM)


def userinfo(headers: Mapping[str, str]) -> OAuthAnswer:
    """The userinfo endpoint's answer for a request with these headers (see the module's text)."""
    protector = ResourceProtector()
    protector.register_token_validator(_Validator(realm=REALM))
    request = ZorgidRequest("GET", "https://userinfo.invalid/", {}, headers=headers)
    try:
        found: AccessToken = protector.validate_request(None, request)
    except (MissingAuthorizationError, UnsupportedTokenTypeError):
        error = AccessTokenMissing()  # RFC 6750 §3.1: no error attribute for a request without a token
        return OAuthAnswer(401, {"error": error.oauth_error, "error_description": describe(error)},
                           [*default_json_headers, ("WWW-Authenticate", f'Bearer realm="{REALM}"')])
    except OAuth2Error as error:
        status, body, answer_headers = error()
        return OAuthAnswer(status, body, list(answer_headers))
    session = found.session
    if hands_out_wid_check(session, found.scope):
        # the latest check as it is now, which may be one recorded after the token exchange: each one handed out
        # here is audited, as the exchange's own event names the one it handed out (docs/koppelen.md)
        session.wid_check_given = latest_wid_check(session)
        if session.wid_check_given is not None:
            record("oidc.userinfo.wid_check", actor=f"care_app:{session.application_id}",
                   subject=f"person:{session.person_id}", details={"wid_check": session.wid_check_given.id})
    return OAuthAnswer(200, userinfo_claims(session, found.scope), list(default_json_headers))


def refused(error: ZorgidError) -> OAuthAnswer:
    """A refusal of a request to the token or userinfo endpoint before it ran (its body too large, a control
    character, a request limit) in OAuth's JSON error shape (RFC 6749 §5.2), with the ZID code in
    ``error_description``; a request limit keeps its 429 (and the caller its Retry-After)."""
    status, body, headers = as_oauth_error(error)()
    return OAuthAnswer(error.status if error.status == 429 else status, dict(body), list(headers))
