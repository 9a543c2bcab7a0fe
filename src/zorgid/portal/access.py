"""Access rules of the portal's pages (R-SEC-AUTHZ): who is logged in, with which role where."""

from __future__ import annotations

from django.http import HttpRequest

from zorgid.identities.models import Person, Role

from .errors import Forbidden, LoginRequired
from .session import current_mobile_id, current_person


def require_person(request: HttpRequest) -> Person:
    person = current_person(request)
    if person is None:
        raise LoginRequired()
    return person


def require_operator(request: HttpRequest) -> Person:
    """R-ROLE-OPR: the scheme's service desk; the only role not bound to an organisation."""
    person = require_person(request)
    if not person.roles.filter(role=Role.OPERATOR, organisation__isnull=True).exists():
        raise Forbidden("operator role needed")
    return person


def require_mobile_id(request: HttpRequest):
    require_person(request)
    return current_mobile_id(request)
