"""Who is logged in to this browser session; binding a flow to the browser that started it.

The binding secret lives in its own signed, HttpOnly cookie, not in the session store: a visitor of the start
page costs no session row, and only a login makes one (measured in bench/login.py).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from zorgid import clock
from zorgid.audit.services import record
from zorgid.identities.models import MobileId, MobileIdStatus, Person, Smartcard, SmartcardStatus
from zorgid.web import client_ip

MOBILE_ID_KEY = "zorgid_mobile_id"
SMARTCARD_KEY = "zorgid_smartcard"  # a login with a ZORG-ID Smartcard (no Mobile ID): it holds while the card does
LOGGED_IN_AT_KEY = "zorgid_logged_in_at"  # seconds since 1970, a float: a block ends the sessions from before it
BROWSER_COOKIE = "zorgid_browser"
_SALT = "zorgid.portal.browser"


def known_browser_secret(request: HttpRequest) -> str:
    """This browser's secret, or "" when it has none (or a forged one)."""
    if not hasattr(request, "_zorgid_browser_secret"):
        request._zorgid_browser_secret = request.get_signed_cookie(BROWSER_COOKIE, default="", salt=_SALT)
    return request._zorgid_browser_secret


def browser_secret(request: HttpRequest) -> str:
    """A secret of this browser; a flow keeps only its hash (R-FLOW-LOGIN). Made on first need."""
    value = known_browser_secret(request)
    if not value:
        value = request._zorgid_browser_secret = secrets.token_urlsafe(32)
        request._zorgid_set_browser_cookie = True
    return value


def set_browser_cookie(request: HttpRequest, response: HttpResponse) -> None:
    """Called by BrowserCookieMiddleware for a response that made a new secret."""
    if getattr(request, "_zorgid_set_browser_cookie", False):
        response.set_signed_cookie(
            BROWSER_COOKIE, request._zorgid_browser_secret, salt=_SALT, httponly=True, samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )


def log_in(request: HttpRequest, mobile_id: str | None, *, smartcard: str | None = None) -> None:
    """Log this browser in with a Mobile ID (the app) or with a ZORG-ID Smartcard. A session that existed before
    gets a new id: no session fixation."""
    if request.session.session_key is not None:
        request.session.cycle_key()
    # a new session is made (one INSERT) when the answer goes out
    for key, value in ((MOBILE_ID_KEY, mobile_id), (SMARTCARD_KEY, smartcard)):
        if value:
            request.session[key] = value
        else:
            request.session.pop(key, None)
    request.session[LOGGED_IN_AT_KEY] = clock.now().timestamp()


def log_out(request: HttpRequest) -> None:
    """End this browser's session; a logged-in person's logout is an audit event."""
    person = current_person(request)
    if person is not None:
        record("logout", actor=f"person:{person.id}", subject=f"person:{person.id}", ip=client_ip(request))
    request.session.flush()
    request._zorgid_mobile_id = request._zorgid_smartcard = None


def _not_ended(session, person: Person) -> bool:
    """The person's sessions were not ended (a block) after this one logged in."""
    ended, logged_in_at = person.sessions_ended_at, session.get(LOGGED_IN_AT_KEY)
    return ended is None or (isinstance(logged_in_at, float) and logged_in_at > ended.timestamp())


def current_mobile_id(request: HttpRequest) -> MobileId | None:
    """The Mobile ID this session logged in with, as long as it is still active and the person's sessions were
    not ended (a block) after this one logged in. None for a login with a ZORG-ID Smartcard."""
    if not hasattr(request, "_zorgid_mobile_id"):
        session = request.session if hasattr(request, "session") else {}
        mobile_id = session.get(MOBILE_ID_KEY)
        found = MobileId.objects.select_related("person").filter(
            id=mobile_id, status=MobileIdStatus.ACTIVE, person__blocked_at__isnull=True).first() if mobile_id else None
        request._zorgid_mobile_id = found if found is not None and _not_ended(session, found.person) else None
    return request._zorgid_mobile_id


def current_smartcard(request: HttpRequest) -> Smartcard | None:
    """The ZORG-ID Smartcard this session logged in with, as long as it is active and valid, its holder not
    blocked and his sessions not ended after this one logged in (a revoke or a block ends it at once)."""
    if not hasattr(request, "_zorgid_smartcard"):
        session = request.session if hasattr(request, "session") else {}
        card = session.get(SMARTCARD_KEY)
        found = Smartcard.objects.select_related("person").filter(
            id=card, status=SmartcardStatus.ACTIVE, not_after__gt=clock.now(), person__blocked_at__isnull=True,
        ).first() if isinstance(card, str) and card and not session.get(MOBILE_ID_KEY) else None
        request._zorgid_smartcard = found if found is not None and _not_ended(session, found.person) else None
    return request._zorgid_smartcard


def current_person(request: HttpRequest) -> Person | None:
    """The logged-in person, as long as the Mobile ID or the ZORG-ID Smartcard he logged in with holds."""
    holder = current_mobile_id(request)
    if holder is not None:
        return holder.person
    card = current_smartcard(request)
    return card.person if card is not None else None
