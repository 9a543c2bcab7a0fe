"""What every page shows: the environment (R-ENV), the portal's name, who is logged in."""

from django.conf import settings

from .session import current_person


def portal(request):
    return {
        "zorgid_environment": settings.ZORGID_ENVIRONMENT,
        "portal_name": settings.ZORGID_PORTAL_NAME,
        "person": current_person(request),
    }
