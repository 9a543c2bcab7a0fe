"""Revocation of UZI certificates through CRLs (docs/uzi.md "Revocation"; RFC 5280 §5 and §6.3).

The UZI register publishes CRLs hourly with a nextUpdate 48 hours on. A ``CrlSource`` answers "the CRL
of this issuer"; ``CrlCache`` is the one used here: it keeps the newest CRL per issuer, serves it until
its nextUpdate, and then asks its ``fetch`` function (none yet: a later HTTP fetcher that reads the
certificate's CRL distribution point fits there) before handing out a stale CRL, which
``check_revocation`` refuses. No CRL for an issuer means revocation is not checked for that link.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Protocol

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

from .errors import UziCrlUnusable, UziRevoked

MAX_CRL_BYTES = 10 * 1024 * 1024
CrlFetcher = Callable[[x509.Certificate, x509.Certificate], "bytes | None"]


class CrlSource(Protocol):
    """Where CRLs come from. ``certificate`` is the one being checked, ``issuer`` the CA that signed it."""

    def crl_for(
        self, certificate: x509.Certificate, issuer: x509.Certificate, at: dt.datetime
    ) -> x509.CertificateRevocationList | None: ...


def load_crl(data: bytes) -> x509.CertificateRevocationList:
    """A CRL from PEM or DER bytes, at most 10 MiB; UziCrlUnusable otherwise."""
    if not isinstance(data, bytes | bytearray) or not data.strip() or len(data) > MAX_CRL_BYTES:
        raise UziCrlUnusable("CRL data missing or larger than 10 MiB")
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_crl(bytes(data))
        return x509.load_der_x509_crl(bytes(data))
    except ValueError as exc:
        raise UziCrlUnusable(f"not a PEM or DER CRL: {exc}") from exc


class CrlCache:
    """The newest CRL per issuer name, refreshed through ``fetch`` once past its nextUpdate."""

    def __init__(self, fetch: CrlFetcher | None = None) -> None:
        self._fetch = fetch
        self._by_issuer: dict[bytes, x509.CertificateRevocationList] = {}
        self._lock = threading.Lock()

    def add(self, data: bytes) -> x509.CertificateRevocationList:
        """Parse and keep a CRL, unless a newer one (later thisUpdate) of its issuer is already kept."""
        crl = load_crl(data)
        key = crl.issuer.public_bytes()
        with self._lock:
            kept = self._by_issuer.get(key)
            if kept is None or crl.last_update_utc > kept.last_update_utc:
                self._by_issuer[key] = crl
            return self._by_issuer[key]

    def kept(self) -> list[x509.CertificateRevocationList]:
        """The CRLs kept, one per issuer (the readiness check looks at their nextUpdate)."""
        with self._lock:
            return list(self._by_issuer.values())

    def crl_for(
        self, certificate: x509.Certificate, issuer: x509.Certificate, at: dt.datetime
    ) -> x509.CertificateRevocationList | None:
        kept = self._by_issuer.get(issuer.subject.public_bytes())
        if (kept is not None and _fresh(kept, at)) or self._fetch is None:
            return kept
        data = self._fetch(certificate, issuer)
        return self.add(data) if data else kept


def _fresh(crl: x509.CertificateRevocationList, at: dt.datetime) -> bool:
    return crl.next_update_utc is not None and at < crl.next_update_utc


def check_revocation(
    certificate: x509.Certificate, issuer: x509.Certificate, crl: x509.CertificateRevocationList, at: dt.datetime
) -> None:
    """Raise UziRevoked if ``crl`` lists ``certificate`` as revoked at ``at``; UziCrlUnusable if it cannot tell."""
    check_crl(crl, issuer, at, is_ca=_is_ca(certificate))
    entry = crl.get_revoked_certificate_by_serial_number(certificate.serial_number)
    if entry is None or entry.revocation_date_utc > at:
        return
    raise UziRevoked(f"serial {certificate.serial_number:X} revoked on {entry.revocation_date_utc:%d-%m-%Y %H:%M} UTC")


def check_crl(crl: x509.CertificateRevocationList, issuer: x509.Certificate, at: dt.datetime, is_ca: bool) -> None:
    """The CRL is the issuer's, signed by its key, complete for this certificate and not past nextUpdate."""
    if crl.issuer != issuer.subject:
        raise UziCrlUnusable(f"CRL of {crl.issuer.rfc4514_string()} is not of {issuer.subject.rfc4514_string()}")
    if not _may_sign_crls(issuer) or not crl.is_signature_valid(_public_key(issuer)):
        raise UziCrlUnusable("CRL signature does not verify with the issuing CA's key")
    if crl.next_update_utc is None:
        raise UziCrlUnusable("CRL has no nextUpdate")
    if at >= crl.next_update_utc:
        raise UziCrlUnusable(f"CRL is past its nextUpdate of {crl.next_update_utc:%d-%m-%Y %H:%M} UTC")
    _check_scope(crl, is_ca)


def _check_scope(crl: x509.CertificateRevocationList, is_ca: bool) -> None:
    """Refuse delta, indirect and partial CRLs (RFC 5280 §5.2.4, §5.2.5) instead of misreading them."""
    try:
        extensions = {type(ext.value): ext.value for ext in crl.extensions}
    except ValueError as exc:
        raise UziCrlUnusable(f"CRL extensions cannot be read: {exc}") from exc
    if x509.DeltaCRLIndicator in extensions:
        raise UziCrlUnusable("a delta CRL cannot be used on its own")
    idp = extensions.get(x509.IssuingDistributionPoint)
    if idp is None:
        return
    if idp.indirect_crl or idp.only_some_reasons or idp.only_contains_attribute_certs:
        raise UziCrlUnusable("indirect or partial CRLs are not supported")
    if (idp.only_contains_ca_certs and not is_ca) or (idp.only_contains_user_certs and is_ca):
        raise UziCrlUnusable("the CRL does not cover this kind of certificate")


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def _may_sign_crls(issuer: x509.Certificate) -> bool:
    try:
        return issuer.extensions.get_extension_for_class(x509.KeyUsage).value.crl_sign
    except x509.ExtensionNotFound:
        return True


def _public_key(issuer: x509.Certificate):
    key = issuer.public_key()
    if not isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey
                      | ed448.Ed448PublicKey):
        raise UziCrlUnusable("the issuing CA's key type cannot verify a CRL")
    return key
