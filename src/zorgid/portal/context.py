"""What every page shows: the environment (R-ENV), the portal's name, who is logged in, the main navigation."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from zorgid.organisations.models import Role
from zorgid.organisations.roles import roles_of

from .session import current_person


def navigation(person) -> dict:
    """The header's links for a logged-in person: his organisations (a role above employee) and whether he is the
    operator. Read only when a page shows the navigation (a visitor's page reads nothing)."""
    roles = roles_of(person)
    organisations = {role.organisation.ura: role.organisation for role in roles
                     if role.organisation_id and role.role != Role.MEDEWERKER}
    return {"organisations": list(organisations.values()), "is_operator": any(r.role == Role.OPERATOR for r in roles)}


def portal(request):
    person = current_person(request)
    return {
        "zorgid_environment": settings.ZORGID_ENVIRONMENT,
        "portal_name": settings.ZORGID_PORTAL_NAME,
        "person": person,
        # `person` is also what some pages name the person they are about (an employee, an applicant): the header
        # asks this one, the person logged in to this browser
        "logged_in_person": person,
        "navigation": SimpleLazyObject(lambda: navigation(person)) if person is not None else None,
    }
