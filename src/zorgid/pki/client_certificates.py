"""Checking the TLS client certificate of a healthcare application (docs/koppelen.md §4; RFC 8705).

An application that authenticates with ``tls_client_auth`` presents one of two kinds of certificate, which the
reverse proxy passes on (``zorgid.web.client_certificate``):

- a **UZI server certificate** (card type S) of the organisation it is registered for: checked exactly as every
  UZI certificate is (``pki.uzi.validate_uzi_certificate`` against the installation's UZI trust store and CRLs,
  ``pki.uzi_installation``; the refusals are the UZI codes) for the use "authentication" (digitalSignature,
  clientAuth, the server policy of this environment); the result names its URA;
- a supplier's **public OV certificate** (PKIoverheid or a public CA): the chain from the leaf (the header may
  carry the leaf only: intermediates come from the trust directory) to a CA in ``ZORGID_TLS_CLIENT_TRUST_DIR``,
  every certificate valid at that moment, extendedKeyUsage clientAuth, not revoked by a CRL in
  ``ZORGID_TLS_CLIENT_CRL_DIR``. Validity, chain and revocation are checked by pki.uzi's own steps (the refusals
  carry the TLS client codes): as for UZI, a CRL past its nextUpdate is refused and an issuer without a CRL in the
  directory is not checked for revocation.

Which of the two an application must present, and with which URA or subject, the register says
(``CareApplication.tls_ura`` / ``tls_subject_dn``); ``oidc.mtls`` compares.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

from .errors import (
    TlsClientCrlUnusable,
    TlsClientExpired,
    TlsClientKeyUsage,
    TlsClientNotServerCertificate,
    TlsClientNotYetValid,
    TlsClientRevoked,
    TlsClientTrustStoreInvalid,
    TlsClientUntrusted,
)
from .uzi import policies
from .uzi.attributes import read_uzi_certificate
from .uzi.errors import (
    UziCrlUnusable,
    UziError,
    UziExpired,
    UziNotUzi,
    UziNotYetValid,
    UziRevoked,
    UziTrustStoreInvalid,
    UziUntrusted,
)
from .uzi.numbers import Ura
from .uzi.revocation import CrlCache
from .uzi.truststore import TrustStore, load_trust_store
from .uzi.validation import check_chain_revocation, check_validity, validate_uzi_certificate, verify_chain
from .uzi_installation import MAX_CRL_FILES, crl_source, trust_store

MAX_DN_LENGTH = 1000
_EXTRA_NAMES = {  # attribute types cryptography writes as OIDs, by the names people (and OpenSSL) write them
    "SERIALNUMBER": NameOID.SERIAL_NUMBER,
    "ORGANIZATIONIDENTIFIER": NameOID.ORGANIZATION_IDENTIFIER,
    "EMAILADDRESS": NameOID.EMAIL_ADDRESS,
    "GN": NameOID.GIVEN_NAME,
    "GIVENNAME": NameOID.GIVEN_NAME,
    "SN": NameOID.SURNAME,
    "SURNAME": NameOID.SURNAME,
    "TITLE": NameOID.TITLE,
    "ORGANIZATIONNAME": NameOID.ORGANIZATION_NAME,
    "COMMONNAME": NameOID.COMMON_NAME,
    "COUNTRYNAME": NameOID.COUNTRY_NAME,
    "LOCALITYNAME": NameOID.LOCALITY_NAME,
    "STATEORPROVINCENAME": NameOID.STATE_OR_PROVINCE_NAME,
    "ORGANIZATIONALUNITNAME": NameOID.ORGANIZATIONAL_UNIT_NAME,
}
UZI_SERVER = "uzi-server"
OV = "ov"
SERVER_CARD_TYPE = "S"
_AS_TLS_REFUSAL = {  # pki.uzi's refusal -> the same refusal of a supplier's certificate
    UziNotYetValid: TlsClientNotYetValid,
    UziExpired: TlsClientExpired,
    UziUntrusted: TlsClientUntrusted,
    UziRevoked: TlsClientRevoked,
    UziCrlUnusable: TlsClientCrlUnusable,
}


@dataclass(frozen=True)
class ClientCertificate:
    """A client certificate that passed its checks: which kind, its subject (normalised) and, for UZI, its URA."""

    kind: str
    subject: str
    serial_number: str
    ura: Ura | None = None


def normalise_dn(text: object) -> str:
    """A distinguished name in one comparable form, "" if it is none: parsed as RFC 4514 and written back, so that
    the spelling of the attribute types (``serialNumber``, ``cn``), the spaces around ``=``, ``,`` and ``+`` and the
    escapes do not matter; runs of spaces in values made one, and case folded (names match case-insensitively,
    RFC 5280 §7.1). The order of the attributes does matter: it is the name's."""
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_DN_LENGTH:
        return ""
    try:
        name = x509.Name.from_rfc4514_string(_tidy(text), _EXTRA_NAMES)
    except ValueError:
        return ""
    return " ".join(name.rfc4514_string().split()).casefold()


def _tidy(text: str) -> str:
    """RFC 4514 text as cryptography's strict parser reads it: no spaces around the separators and ``=``, the
    attribute types upper case."""
    parts, current, escaped = [], "", False
    for char in text.strip():
        if escaped:
            current, escaped = current + char, False
        elif char == "\\":
            current, escaped = current + char, True
        elif char in ",+":
            parts.append((current, char))
            current = ""
        else:
            current += char
    parts.append((current, ""))
    tidy = []
    for part, separator in parts:
        kind, equals, value = part.partition("=")
        if not equals:
            raise ValueError("an attribute without =")
        value = value.lstrip()
        while value.endswith(" ") and not value.endswith("\\ "):
            value = value[:-1]
        tidy.append(f"{kind.strip().upper()}={value}{separator}")
    return "".join(tidy)


def subject_of(certificate: x509.Certificate) -> str:
    """The certificate's subject as RFC 4514 text (compare it through :func:`normalise_dn`)."""
    return certificate.subject.rfc4514_string()


def is_uzi_certificate(certificate: x509.Certificate) -> bool:
    """Whether the certificate carries the UZI register's otherName (2.5.5.5): then it is checked as UZI."""
    try:
        read_uzi_certificate(certificate)
    except UziNotUzi:
        return False
    except UziError:
        return True  # a UZI certificate with a bad field: refused as UZI, with the UZI code
    return True


def check_client_certificate(certificate: x509.Certificate, at: dt.datetime) -> ClientCertificate:
    """A UZI server certificate or a supplier's OV certificate, checked for ``at``; a ZorgidError with a code
    otherwise."""
    if is_uzi_certificate(certificate):
        return check_uzi_server_certificate(certificate, at)
    return check_ov_certificate(certificate, at)


def check_uzi_server_certificate(certificate: x509.Certificate, at: dt.datetime) -> ClientCertificate:
    """A UZI server certificate (card type S) for TLS client authentication: the result's ``ura`` is its URA."""
    attributes = validate_uzi_certificate(certificate, trust_store(), at, policies.AUTHENTICATION,
                                          crls=crl_source())
    if attributes.card_type != SERVER_CARD_TYPE:
        raise TlsClientNotServerCertificate(f"card type {attributes.card_type}, not S")
    return ClientCertificate(UZI_SERVER, subject_of(certificate), attributes.serial_number, Ura(attributes.ura))


def check_ov_certificate(certificate: x509.Certificate, at: dt.datetime) -> ClientCertificate:
    """A supplier's certificate from a CA in ZORGID_TLS_CLIENT_TRUST_DIR, for TLS client authentication."""
    if at.tzinfo is None:
        raise ValueError("at must be timezone-aware")
    with _as_tls_refusal():
        check_validity(certificate, at, "client certificate")
        store = ov_trust_store()
        if store is None:
            raise TlsClientUntrusted("no CA is trusted for TLS client certificates (ZORGID_TLS_CLIENT_TRUST_DIR)")
        chain = verify_chain(certificate, store, at)  # RFC 5280 path validation, Web PKI rules for the CAs
        _check_client_auth(certificate)
        check_chain_revocation(chain, ov_crl_source(), at)
    return ClientCertificate(OV, subject_of(certificate), f"{certificate.serial_number:X}")


@contextlib.contextmanager
def _as_tls_refusal():
    """pki.uzi's checks of validity, chain and revocation serve a supplier's certificate too: their refusals become
    the TLS client refusals (codes ZID-TLS-CLIENT-...), with the same detail."""
    try:
        yield
    except tuple(_AS_TLS_REFUSAL) as exc:
        raise _AS_TLS_REFUSAL[type(exc)](exc.detail) from exc


def _check_client_auth(certificate: x509.Certificate) -> None:
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
        if constraints.ca:
            raise TlsClientKeyUsage("a CA certificate is not a client certificate")
    except x509.ExtensionNotFound:
        pass
    except ValueError as exc:
        raise TlsClientKeyUsage(f"certificate extensions cannot be read: {exc}") from exc
    try:
        usages = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        raise TlsClientKeyUsage("certificate has no extendedKeyUsage") from None
    if ExtendedKeyUsageOID.CLIENT_AUTH not in usages:
        raise TlsClientKeyUsage("extendedKeyUsage lacks clientAuth")


def ov_trust_store() -> TrustStore | None:
    configured = settings.ZORGID_TLS_CLIENT_TRUST_DIR
    return _load_ov_store(Path(configured), settings.ZORGID_ENVIRONMENT) if configured else None


@functools.lru_cache(maxsize=4)
def _load_ov_store(directory: Path, environment: str) -> TrustStore:
    try:
        return load_trust_store(directory, environment)
    except UziTrustStoreInvalid as exc:
        raise TlsClientTrustStoreInvalid(exc.detail) from exc


def ov_crl_source() -> CrlCache:
    configured = settings.ZORGID_TLS_CLIENT_CRL_DIR
    return _load_ov_crls(Path(configured) if configured else None)


@functools.lru_cache(maxsize=4)
def _load_ov_crls(directory: Path | None) -> CrlCache:
    cache = CrlCache()
    if directory is not None and directory.is_dir():
        for path in sorted(directory.glob("*.crl"))[:MAX_CRL_FILES]:
            try:
                cache.add(path.read_bytes())
            except (OSError, UziCrlUnusable) as exc:
                raise TlsClientCrlUnusable(f"{path.name}: {getattr(exc, 'detail', exc)}") from exc
    return cache


def forget() -> None:
    """Read the trust directory and the CRLs again on next use (after the operator changed them; tests)."""
    _load_ov_store.cache_clear()
    _load_ov_crls.cache_clear()

