"""Access rules of the portal's pages (R-SEC-AUTHZ): who is logged in, with which role where."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest

from zorgid.identities.models import Person
from zorgid.organisations.models import Role

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
    """The Mobile ID of a login with the app; a login with a ZORG-ID Smartcard has none (those pages refuse it)."""
    require_person(request)
    holder = current_mobile_id(request)
    if holder is None:
        raise Forbidden("this page needs a login with the ZORG-ID app, not with a ZORG-ID Smartcard")
    return holder


ORGANISATION_MANAGERS = (Role.ADMINISTRATOR, Role.BEHEERDER)


def require_org_role(request: HttpRequest, ura: str, roles=ORGANISATION_MANAGERS):
    """R-SEC-AUTHZ: a person with one of ``roles`` in this organisation (the operator sees everything)."""
    from zorgid.organisations.models import Organisation

    person = require_person(request)
    organisation = Organisation.objects.filter(ura=ura).first() if isinstance(ura, str) else None
    if organisation is None:
        raise Forbidden("unknown organisation")
    allowed = person.roles.filter(Q(organisation=organisation, role__in=roles) | Q(role=Role.OPERATOR,
                                                                                  organisation__isnull=True))
    if not allowed.exists():
        raise Forbidden(f"no role {', '.join(roles)} in URA {ura}")
    return person, organisation
