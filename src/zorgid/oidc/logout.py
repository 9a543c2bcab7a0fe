"""Logout started by the application (OpenID Connect RP-Initiated Logout 1.0; docs/koppelen.md "Uitloggen").

The application sends the browser to ``/oidc/logout`` with ``id_token_hint`` (the session's ID token),
optionally ``client_id``, ``post_logout_redirect_uri`` and ``state``. zorgid keeps no browser session for an
application's login (the login at an application does not log the browser in to the portal), so the hint is what
names the session: without it nothing can be ended (``ZID-OIDC-LOGOUT-HINT-MISSING``).

The hint must be an ID token of this installation: signed by one of its published keys (``keys.jwks``), RS256,
issued by this issuer, for an application in the register; its ``exp`` may have passed (a person may log out
after his ID token expired). A hint that is none of that is refused with ``ZID-OIDC-LOGOUT-HINT`` and nothing is
ended. A ``client_id`` must be the hint's audience (``ZID-OIDC-LOGOUT-CLIENT``).

The session (``sid`` and ``sub`` of the hint, at that application) ends with reason ``logout``, in one transaction
with its audit event ``oidc.logout``; a session that already ended stays as it is (logging out twice is no error).
The browser goes back to ``post_logout_redirect_uri`` with ``state`` only when the register lists that address
for the application (``care_apps.services.post_logout_redirect_allowed``); otherwise zorgid shows its own page.
No back-channel logout is sent: the application asked for this logout itself.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from django.db import transaction
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from zorgid import clock
from zorgid.audit.services import record
from zorgid.care_apps.models import CareApplication
from zorgid.care_apps.services import post_logout_redirect_allowed

from . import keys
from .errors import LogoutClientMismatch, LogoutHintInvalid, LogoutHintMissing, LogoutRequestInvalid
from .models import AppSession

MAX_HINT = 8 * 1024
MAX_CLIENT_ID = 64
MAX_REDIRECT_URI = 500
MAX_STATE = 255
ID_TOKEN_TYPES = (None, "JWT")  # a logout token (typ logout+jwt) is no hint


@dataclass(frozen=True)
class LoggedOut:
    """What the page says: the application, whether a session ended, and where the browser goes (or None)."""

    application: CareApplication
    ended: bool
    redirect_to: str | None
    redirect_refused: bool = False  # a post_logout_redirect_uri was given that the register does not list


@dataclass(frozen=True)
class Hint:
    """What the id_token_hint says, once verified."""

    client_id: str
    subject: str
    sid: str


def log_out(params: dict[str, list[str]], *, issuer: str, ip: str = "") -> LoggedOut:
    """End the session the id_token_hint names and say where the browser goes; a ZorgidError with a code when the
    request cannot be trusted (then nothing is ended)."""
    hint_text = _one(params, "id_token_hint", MAX_HINT)
    client_id = _one(params, "client_id", MAX_CLIENT_ID)
    redirect_uri = _one(params, "post_logout_redirect_uri", MAX_REDIRECT_URI)
    state = _one(params, "state", MAX_STATE)
    if not hint_text:
        raise LogoutHintMissing()
    hint = verify_hint(hint_text, issuer)
    if client_id and client_id != hint.client_id:
        raise LogoutClientMismatch(f"client_id {client_id[:64]} is not the hint's audience")
    application = CareApplication.objects.filter(pk=hint.client_id).first()
    if application is None:
        raise LogoutHintInvalid("the hint's audience is no application in the register")
    ended = end_session(application, hint, ip=ip)
    target, refused = None, False
    if redirect_uri:
        if post_logout_redirect_allowed(application, redirect_uri):
            target = with_state(redirect_uri, state)
        else:
            refused = True
    return LoggedOut(application, ended, target, refused)


def verify_hint(text: str, issuer: str) -> Hint:
    """The session an ID token of this installation names; LogoutHintInvalid for anything else. Its exp is not
    checked: a person may log out after his ID token expired."""
    try:
        token = jwt.decode(text, KeySet.import_key_set(keys.jwks()), algorithms=[keys.ALGORITHM])
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise LogoutHintInvalid(f"{type(exc).__name__}") from exc
    claims = token.claims
    if token.header.get("typ") not in ID_TOKEN_TYPES or "events" in claims:
        raise LogoutHintInvalid("not an ID token")
    if claims.get("iss") != issuer:
        raise LogoutHintInvalid("issued by another issuer")
    audience = claims.get("aud")
    if isinstance(audience, list) and len(audience) == 1:
        audience = audience[0]
    subject, sid = claims.get("sub"), claims.get("sid")
    for name, value in (("aud", audience), ("sub", subject), ("sid", sid)):
        if not isinstance(value, str) or not value or len(value) > 64:
            raise LogoutHintInvalid(f"no valid {name}")
    return Hint(audience, subject, sid)


def end_session(application: CareApplication, hint: Hint, *, ip: str = "") -> bool:
    """End the hint's session at ``application`` (reason ``logout``) with its audit event; False if it had ended."""
    with transaction.atomic():
        session = (AppSession.objects.select_for_update()
                   .filter(sid=hint.sid, application=application, subject=hint.subject, ended_at__isnull=True)
                   .first())
        if session is None:
            return False
        AppSession.objects.filter(sid=session.sid).update(ended_at=clock.now(), end_reason="logout")
        record("oidc.logout", actor=f"person:{session.person_id}", subject=f"sid:{session.sid}", ip=ip,
               details={"client_id": application.client_id, "mobile_id": session.mobile_id_id})
    return True


def with_state(uri: str, state: str) -> str:
    """``uri`` with ``state`` added to its query (RP-Initiated Logout 1.0 §3), keeping the query it has."""
    if not state:
        return uri
    parts = urllib.parse.urlsplit(uri)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True) + [("state", state)]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _one(params: dict[str, list[str]], name: str, limit: int) -> str:
    values = params.get(name) or []
    if len(values) > 1:
        raise LogoutRequestInvalid(f"{name} given more than once")
    value = values[0] if values else ""
    if not isinstance(value, str) or len(value) > limit:
        raise LogoutRequestInvalid(f"{name} longer than {limit} characters")
    return value
