"""Small helpers shared by the portal's views and the API's: who is asking, from where."""

from __future__ import annotations

import ipaddress
import urllib.parse

from cryptography import x509
from django.conf import settings
from django.http import HttpRequest

from zorgid.protocol.payloads import normalise_origin

MAX_CLIENT_CERT_HEADER = 32 * 1024  # a URL-encoded PEM certificate; a real one is 2 to 8 KiB
MAX_FORWARDED = 1024  # characters of X-Forwarded-For read


def server_origin(request: HttpRequest) -> str:
    """The origin the app must talk to: ZORGID_BASE_URL when set, else the origin of this request."""
    if settings.ZORGID_BASE_URL_FROM_ENV:
        return normalise_origin(settings.ZORGID_BASE_URL)
    return normalise_origin(f"{request.scheme}://{request.get_host()}")


def connecting_address(request: HttpRequest) -> str:
    """The address that opened the connection (REMOTE_ADDR): the reverse proxy's, when there is one. Whether a
    proxy's headers are believed is decided on this address (``from_trusted_proxy``)."""
    return request.META.get("REMOTE_ADDR", "")


def client_ip(request: HttpRequest) -> str:
    """The client's address, for request limits, waiting pages and the audit log: REMOTE_ADDR, or, when that is a
    reverse proxy in ZORGID_TRUSTED_PROXIES, the last address in X-Forwarded-For that is not itself a trusted proxy
    (the one the proxy saw; anything before it the client may have written itself). A hop that is no IP address
    ends the search at the proxy's own address (docs/deployment.md)."""
    address = connecting_address(request)
    trusted = settings.ZORGID_TRUSTED_PROXIES
    if trusted and in_networks(address, trusted):
        forwarded = request.headers.get("X-Forwarded-For", "")[:MAX_FORWARDED]
        for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
            if not _is_ip(hop):
                break
            if not in_networks(hop, trusted):
                return hop[:45]
    return address[:45]


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    return True


def with_retry_after(response, error):
    """The answer to a refusal that says when to try again (a request limit: ZID-RATE-LIMIT) carries Retry-After."""
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def client_certificate(request: HttpRequest) -> x509.Certificate | None:
    """The client certificate a reverse proxy terminated TLS with (docs/koppelen.md §4), or None."""
    return certificate_from_proxy(connecting_address(request),
                                  request.headers.get(settings.ZORGID_CLIENT_CERT_HEADER))


def certificate_from_proxy(address: str, header: object) -> x509.Certificate | None:
    """The certificate in ``header`` (the value of ZORGID_CLIENT_CERT_HEADER; nginx: ``$ssl_client_escaped_cert``,
    the URL-encoded PEM) of a request from ``address`` (REMOTE_ADDR), read only when that address is in
    ZORGID_TRUSTED_PROXIES: any client can send that header, so from anywhere else it is ignored (and with no
    trusted proxy configured, always). The first certificate of the header is the client's; a header that is too
    large or holds no readable certificate gives None.
    """
    if not from_trusted_proxy(address):
        return None
    if not isinstance(header, str) or not header or len(header) > MAX_CLIENT_CERT_HEADER:
        return None
    pem = urllib.parse.unquote(header)
    if "-----BEGIN CERTIFICATE-----" not in pem:
        return None
    try:
        return x509.load_pem_x509_certificates(pem.encode("ascii"))[0]
    except (ValueError, UnicodeEncodeError):
        return None


def from_trusted_proxy(address: str) -> bool:
    """Whether ``address`` (REMOTE_ADDR) is one of ZORGID_TRUSTED_PROXIES: only such a proxy's headers are believed."""
    return isinstance(address, str) and in_networks(address, settings.ZORGID_TRUSTED_PROXIES)


def in_networks(address: str, networks: list[str]) -> bool:
    """Whether ``address`` lies in one of ``networks`` (addresses or CIDRs; an IPv4-mapped IPv6 address as IPv4)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for network in networks:
        try:
            if ip in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False
