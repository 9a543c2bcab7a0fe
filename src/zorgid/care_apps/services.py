"""The register of accepted healthcare applications: the rules every login at an application checks, and the
operator's actions, each one transaction with its CareAppEvent row and its audit event (docs/architecture.md).

The OpenID Connect provider (``zorgid.oidc``) calls the login rules at every authorization request
(docs/koppelen.md): ``application_for_login``, ``check_redirect_uri``, ``check_version``, ``check_product`` and
``post_logout_redirect_allowed``. They read untrusted input, so each takes any object and refuses what is not a
short string.
"""

from __future__ import annotations

from .errors import (
    CareAppProductNotSupported,
    CareAppSuspended,
    CareAppUnknown,
    CareAppVersionRefused,
    CareAppWithdrawn,
    RedirectUriNotRegistered,
)
from .models import CareApplication, CareAppStatus, CareAppVersion, Product, VersionState

CLIENT_ID_MAX = 32  # new_public_id: 32 hex characters
URI_MAX = 500  # the model's field length
VERSION_MAX = 32


def _short_text(value: object, limit: int) -> str | None:
    """``value`` if it is a non-empty string of at most ``limit`` characters, else None."""
    if isinstance(value, str) and 0 < len(value) <= limit:
        return value
    return None


def _shown(value: object, limit: int = 40) -> str:
    """A short, safe rendering of untrusted input for an error's detail."""
    return repr(value if isinstance(value, str) else type(value).__name__)[:limit]


# --- The rules of a login at an application -------------------------------------------------------------------


def application_for_login(client_id: object) -> CareApplication:
    """The accepted application with this ``client_id``; unknown, suspended and withdrawn ones are refused."""
    value = _short_text(client_id, CLIENT_ID_MAX)
    application = CareApplication.objects.filter(client_id=value).first() if value is not None else None
    if application is None:
        raise CareAppUnknown(f"client_id {_shown(client_id)} is not registered")
    if application.status == CareAppStatus.SUSPENDED:
        raise CareAppSuspended(f"client_id {application.client_id} is suspended")
    if application.status == CareAppStatus.WITHDRAWN:
        raise CareAppWithdrawn(f"client_id {application.client_id} is withdrawn")
    return application


def check_redirect_uri(application: CareApplication, uri: object) -> str:
    """``uri`` when it is exactly (string equality) one of the application's registered redirect URIs."""
    value = _short_text(uri, URI_MAX)
    if value is None or value not in _strings(application.redirect_uris):
        raise RedirectUriNotRegistered(f"redirect_uri {_shown(uri, 80)} is not registered for this application")
    return value


def check_version(application: CareApplication, version: object) -> str:
    """``version`` when it is an accepted version of the application; missing, unknown and refused are refused."""
    if version is None or version == "":
        raise CareAppVersionRefused("application_version is missing")
    value = _short_text(version, VERSION_MAX)
    state = (
        CareAppVersion.objects.filter(application=application, version=value).values_list("state", flat=True).first()
        if value is not None else None
    )
    if state is None:
        raise CareAppVersionRefused(f"version {_shown(version)} is not in the register")
    if state != VersionState.ACCEPTED:
        raise CareAppVersionRefused(f"version {value} has been refused")
    return value


def check_product(application: CareApplication, product: str) -> None:
    """The application supports ``product`` (``Product.MOBIEL`` for the login with the app)."""
    if product not in _strings(application.products):
        raise CareAppProductNotSupported(f"the application does not support {_shown(product)}")


def post_logout_redirect_allowed(application: CareApplication, uri: object) -> bool:
    """Whether ``uri`` is exactly one of the application's registered post-logout redirect URIs."""
    value = _short_text(uri, URI_MAX)
    return value is not None and value in _strings(application.post_logout_redirect_uris)


def _strings(values: object) -> list[str]:
    """The strings of a stored JSON list (never trusts its shape)."""
    return [item for item in values if isinstance(item, str)] if isinstance(values, list) else []


__all__ = [
    "Product",
    "application_for_login",
    "check_product",
    "check_redirect_uri",
    "check_version",
    "post_logout_redirect_allowed",
]
