"""Reading the app's certificate signing request: bounded, signature checked, key allowed."""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from zorgid.protocol.messages import MAX_CSR_CHARS

from .errors import CsrKeyNotAllowed, CsrMalformed, CsrSignatureInvalid


def load_csr(pem: str) -> x509.CertificateSigningRequest:
    """Return the CSR if it is PEM, well-formed, self-signed correctly and carries an EC P-256 key."""
    if not isinstance(pem, str) or not pem.strip() or len(pem) > MAX_CSR_CHARS:
        raise CsrMalformed("csr missing or too large")
    try:
        csr = x509.load_pem_x509_csr(pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise CsrMalformed("csr is not a PEM certificate signing request") from exc
    try:
        public_key = csr.public_key()
    except (ValueError, x509.UnsupportedGeneralNameType) as exc:
        raise CsrKeyNotAllowed("csr key cannot be read") from exc
    if not isinstance(public_key, ec.EllipticCurvePublicKey) or not isinstance(public_key.curve, ec.SECP256R1):
        raise CsrKeyNotAllowed("only EC P-256 keys are allowed")
    if not csr.is_signature_valid:
        raise CsrSignatureInvalid("csr signature does not verify")
    return csr
