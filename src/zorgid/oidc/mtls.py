"""How an application proves at the token endpoint that it is itself with mutual TLS: ``tls_client_auth``
(RFC 8705 §2.1; docs/koppelen.md §4 "Client-authenticatie").

A reverse proxy terminates TLS and passes the client certificate on (``zorgid.web.client_certificate``: only
from an address in ZORGID_TRUSTED_PROXIES). The application names itself with ``client_id`` in the request and
must be registered for this method, in one of two ways (``CareApplication``):

- ``tls_ura``: a UZI server certificate of exactly that URA (the application is bound to that organisation);
- ``tls_subject_dn``: a supplier's OV certificate with exactly that subject (compared after
  ``pki.client_certificates.normalise_dn``).

:func:`check_tls_client` is the rule, testable without HTTP; :func:`authenticate_tls_client` is the same in
Authlib's client-authentication signature, registered with the provider's server as ``tls_client_auth``. It
gives way (None) when the request is not one for this method: no client_id, a client_assertion (that is
``private_key_jwt``), or an application not registered for mutual TLS. For an application that is, every refusal
is an ``invalid_client`` with its ZID code.
"""

from __future__ import annotations

from authlib.oauth2.rfc6749.errors import InvalidClientError
from cryptography import x509
from django.conf import settings
from django.http import HttpRequest

from zorgid import clock
from zorgid.care_apps.models import CareApplication
from zorgid.pki.client_certificates import (
    UZI_SERVER,
    ClientCertificate,
    check_client_certificate,
    check_uzi_server_certificate,
    normalise_dn,
)
from zorgid.protocol.errors import ZorgidError
from zorgid.web import certificate_from_proxy, client_certificate

from .errors import TlsCertificateMissing, TlsSubjectMismatch, TlsUraMismatch, describe

METHOD = "tls_client_auth"
MAX_CLIENT_ID = 64


def registered_for_tls(application: CareApplication) -> bool:
    return bool(application.tls_ura or application.tls_subject_dn)


def check_tls_client(application: CareApplication, certificate: x509.Certificate | None) -> ClientCertificate:
    """The application's certificate, checked now against what the register says; a ZorgidError otherwise."""
    if certificate is None:
        raise TlsCertificateMissing("no client certificate came through a trusted proxy")
    now = clock.now()
    if application.tls_ura:
        checked = check_uzi_server_certificate(certificate, now)
        if checked.ura is None or str(checked.ura) != application.tls_ura:
            raise TlsUraMismatch(f"certificate of URA {checked.ura}, registered {application.tls_ura}")
        return checked
    if application.tls_subject_dn:
        wanted = normalise_dn(application.tls_subject_dn)
        checked = check_client_certificate(certificate, now)
        if not wanted or normalise_dn(checked.subject) != wanted:
            raise TlsSubjectMismatch(f"certificate subject {checked.subject[:200]}")
        return checked
    raise TlsCertificateMissing("the application is not registered for tls_client_auth")


def presented_certificate(request) -> x509.Certificate | None:
    """The client certificate of a token request: a Django request, or the provider's OAuth request (its
    ``client_address`` and ``headers``), through ``zorgid.web`` (a trusted proxy only)."""
    django_request = getattr(request, "_request", request)
    if isinstance(django_request, HttpRequest):
        return client_certificate(django_request)
    wanted = settings.ZORGID_CLIENT_CERT_HEADER.lower()
    headers = getattr(request, "headers", None) or {}
    header = next((value for name, value in headers.items() if str(name).lower() == wanted), None)
    return certificate_from_proxy(getattr(request, "client_address", ""), header)


def authenticate_tls_client(query_client, request):
    """Authlib's client authentication method ``tls_client_auth``: the client, None to give way, or an
    ``invalid_client`` OAuth error with the ZID code."""
    payload = getattr(request, "payload", None)
    data = payload.data if payload is not None else getattr(request, "POST", {})
    client_id = data.get("client_id")
    if not isinstance(client_id, str) or not client_id or len(client_id) > MAX_CLIENT_ID:
        return None
    if data.get("client_assertion") or data.get("client_assertion_type"):
        return None  # private_key_jwt
    client = query_client(client_id)
    application = getattr(client, "application", client)
    if not isinstance(application, CareApplication) or not registered_for_tls(application):
        return None
    try:
        check_tls_client(application, presented_certificate(request))
    except ZorgidError as error:  # the certificate's own refusals (pki) too: all are invalid_client here
        raise InvalidClientError(description=describe(error), status_code=401) from error
    return client


__all__ = ["METHOD", "UZI_SERVER", "authenticate_tls_client", "check_tls_client", "registered_for_tls"]
