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
SMARTCARD_KEY = "zorgid_smartcard"  # a login with a ZORG-ID Smartcard: it holds while that card is active
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


def log_in(request: HttpRequest, mobile_id: str, *, smartcard: str | None = None) -> None:
    """Log this browser in. A session that existed before gets a new id: no session fixation. A login with a
    ZORG-ID Smartcard is kept under the holder's Mobile ID too, and ends when that card is no longer active."""
    if request.session.session_key is not None:
        request.session.cycle_key()
    request.session[MOBILE_ID_KEY] = mobile_id  # a new session is made (one INSERT) when the answer goes out
    if smartcard:
        request.session[SMARTCARD_KEY] = smartcard
    else:
        request.session.pop(SMARTCARD_KEY, None)
    request.session[LOGGED_IN_AT_KEY] = clock.now().timestamp()


def log_out(request: HttpRequest) -> None:
    """End this browser's session; a logged-in person's logout is an audit event."""
    person = current_person(request)
    if person is not None:
        record("logout", actor=f"person:{person.id}", subject=f"person:{person.id}", ip=client_ip(request))
    request.session.flush()
    request._zorgid_mobile_id = None


def current_mobile_id(request: HttpRequest) -> MobileId | None:
    """The Mobile ID this session logged in with, as long as it is still active and the person's sessions were
    not ended (a block) after this one logged in."""
    if not hasattr(request, "_zorgid_mobile_id"):
        session = request.session if hasattr(request, "session") else {}
        mobile_id = session.get(MOBILE_ID_KEY)
        found = MobileId.objects.select_related("person").filter(
            id=mobile_id, status=MobileIdStatus.ACTIVE, person__blocked_at__isnull=True).first() if mobile_id else None
        ended = found.person.sessions_ended_at if found else None
        logged_in_at = session.get(LOGGED_IN_AT_KEY)
        if ended is not None and not (isinstance(logged_in_at, float) and logged_in_at > ended.timestamp()):
            found = None
        smartcard = session.get(SMARTCARD_KEY)
        if found is not None and smartcard and not Smartcard.objects.filter(
                id=smartcard, person_id=found.person_id, status=SmartcardStatus.ACTIVE).exists():
            found = None
        request._zorgid_mobile_id = found
    return request._zorgid_mobile_id


def current_person(request: HttpRequest) -> Person | None:
    """The logged-in person, as long as the Mobile ID he logged in with is still active."""
    holder = current_mobile_id(request)
    return holder.person if holder else None
