"""Who may read /metrics (docs/security.md, "Health and metrics").

In acceptatie: anyone. In productie: a request with ``Authorization: Bearer <ZORGID_METRICS_TOKEN>``, or one from
a network in ZORGID_METRICS_NETWORKS (comma-separated addresses or CIDRs); anything else is refused with 403
ZID-METRICS-REFUSED. With neither setting, /metrics does not exist in productie (404 ZID-NOT-FOUND).

The client's address is ``zorgid.web.client_ip``: REMOTE_ADDR, or behind a reverse proxy in
ZORGID_TRUSTED_PROXIES the address that proxy saw.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest

from zorgid.errors import NotFound
from zorgid.web import client_ip, in_networks

from .metrics_errors import MetricsRefused


def check(request: HttpRequest) -> None:
    """Raise the refusal for this request to /metrics, if any."""
    if settings.ZORGID_ENVIRONMENT != "productie":
        return
    token, networks = settings.ZORGID_METRICS_TOKEN, settings.ZORGID_METRICS_NETWORKS
    if not token and not networks:
        raise NotFound()
    if token and _bearer_matches(request.headers.get("Authorization", ""), token):
        return
    if networks and in_networks(client_ip(request), networks):
        return
    raise MetricsRefused()


def _bearer_matches(header: str, token: str) -> bool:
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())
