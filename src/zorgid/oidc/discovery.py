"""What the provider publishes about itself: its metadata (OpenID Connect Discovery 1.0, RFC 8414) and its keys.

The issuer is ``ZORGID_OIDC_ISSUER`` when set (productie requires it: production.py), else the origin of the
request (acceptatie); every endpoint is under it.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch

from zorgid.protocol.payloads import normalise_origin

from . import keys
from .claims import CLAIMS_BY_SCOPE, LOA_SUBSTANTIAL, SCOPES
from .client_auth import ALGORITHMS
from .server import endpoint

ENDPOINTS = {  # metadata name: URL name (portal/oidc_urls.py)
    "authorization_endpoint": "oidc-authorize",
    "token_endpoint": "oidc-token",
    "userinfo_endpoint": "oidc-userinfo",
    "jwks_uri": "oidc-jwks",
    "end_session_endpoint": "oidc-logout",
}
CACHE_SECONDS = keys.JWKS_CACHE_SECONDS  # discovery and JWKS may be cached this long: a rotated key is published
# this long before it signs (oidc.keys)


def issuer(request_origin: str) -> str:
    """The issuer: the configured one, else the origin of the request (acceptatie only)."""
    configured = settings.ZORGID_OIDC_ISSUER
    return configured.rstrip("/") if configured else normalise_origin(request_origin)


def _endpoints(issuer_url: str) -> dict[str, str]:
    """The endpoints' URLs; one that this installation does not serve (no URL of that name) is left out."""
    found = {}
    for name, url_name in ENDPOINTS.items():
        try:
            found[name] = endpoint(issuer_url, url_name)
        except NoReverseMatch:
            continue
    return found


def metadata(issuer_url: str) -> dict[str, object]:
    """The provider's metadata as ``/.well-known/openid-configuration`` answers it."""
    claims = sorted({name for names in CLAIMS_BY_SCOPE.values() for name in names} | {"iss", "aud", "exp", "iat"})
    return {
        "issuer": issuer_url,
        **_endpoints(issuer_url),
        "scopes_supported": list(SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["private_key_jwt", "tls_client_auth"],
        "token_endpoint_auth_signing_alg_values_supported": list(ALGORITHMS),
        "id_token_signing_alg_values_supported": [keys.ALGORITHM],
        "subject_types_supported": ["pairwise"],
        "claims_supported": claims,
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "acr_values_supported": [LOA_SUBSTANTIAL],
        "ui_locales_supported": ["nl", "en"],
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
        "tls_client_certificate_bound_access_tokens": False,
        "authorization_response_iss_parameter_supported": False,
    }


def jwks() -> dict[str, list[dict[str, str]]]:
    """The JWK Set of ``/oidc/jwks``: every signing key that is not retired."""
    return keys.jwks()
