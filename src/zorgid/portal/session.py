"""Who is logged in to this browser session; binding a login flow to the browser that started it."""

from __future__ import annotations

import secrets

from django.http import HttpRequest

from zorgid.identities.models import MobileId, MobileIdStatus, Person

PERSON_KEY = "zorgid_person"
MOBILE_ID_KEY = "zorgid_mobile_id"
BROWSER_SECRET_KEY = "zorgid_browser_secret"  # noqa: S105 (a session key name, not a secret)


def browser_secret(request: HttpRequest) -> str:
    """A secret of this browser session; a login flow keeps only its hash (R-FLOW-LOGIN)."""
    value = request.session.get(BROWSER_SECRET_KEY)
    if not value:
        value = request.session[BROWSER_SECRET_KEY] = secrets.token_urlsafe(32)
    return value


def log_in(request: HttpRequest, mobile_id: MobileId) -> None:
    request.session.cycle_key()  # a new session id at login: no session fixation
    request.session[PERSON_KEY] = mobile_id.person_id
    request.session[MOBILE_ID_KEY] = mobile_id.id
    request._zorgid_mobile_id = mobile_id


def log_out(request: HttpRequest) -> None:
    request.session.flush()
    request._zorgid_mobile_id = None


def current_mobile_id(request: HttpRequest) -> MobileId | None:
    """The Mobile ID this session logged in with, as long as it is still active."""
    if not hasattr(request, "_zorgid_mobile_id"):
        mobile_id = request.session.get(MOBILE_ID_KEY) if hasattr(request, "session") else None
        request._zorgid_mobile_id = MobileId.objects.select_related("person").filter(
            id=mobile_id, status=MobileIdStatus.ACTIVE).first() if mobile_id else None
    return request._zorgid_mobile_id


def current_person(request: HttpRequest) -> Person | None:
    """The logged-in person, as long as the Mobile ID he logged in with is still active."""
    holder = current_mobile_id(request)
    return holder.person if holder else None
