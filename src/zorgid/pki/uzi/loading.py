"""Loading certificates from bytes: PEM or DER, bounded in size.

UZI certificates arrive as ``.cer`` files that are PEM with CRLF line ends (the real test certificates in
tests/vectors/uzi are), as DER from a card (PKCS#11 ``CKA_VALUE``), or as PEM bundles of a CA chain.
"""

from __future__ import annotations

from cryptography import x509

from .errors import UziCertificateUnreadable

MAX_CERTIFICATE_BYTES = 64 * 1024
MAX_BUNDLE_BYTES = 1024 * 1024
PEM_MARKER = b"-----BEGIN"


def load_certificates(data: bytes, limit: int = MAX_BUNDLE_BYTES) -> list[x509.Certificate]:
    """Every certificate in ``data``: one DER certificate, or one or more PEM certificates."""
    if not isinstance(data, bytes | bytearray) or not data.strip():
        raise UziCertificateUnreadable("no certificate data")
    if len(data) > limit:
        raise UziCertificateUnreadable(f"certificate data larger than {limit} bytes")
    try:
        if PEM_MARKER in data:
            return x509.load_pem_x509_certificates(bytes(data))
        return [x509.load_der_x509_certificate(bytes(data))]
    except ValueError as exc:
        raise UziCertificateUnreadable(f"not a PEM or DER certificate: {exc}") from exc


def load_certificate(data: bytes) -> x509.Certificate:
    """Exactly one certificate from PEM or DER ``data`` of at most 64 KiB."""
    certificates = load_certificates(data, MAX_CERTIFICATE_BYTES)
    if len(certificates) != 1:
        raise UziCertificateUnreadable(f"expected one certificate, found {len(certificates)}")
    return certificates[0]
