"""Checking a device signature over canonical bytes with the key in a Mobile ID certificate."""

from __future__ import annotations

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from .errors import SignatureInvalid


def verify_signature(certificate: x509.Certificate, signature: bytes, data: bytes) -> None:
    """Raise SignatureInvalid unless ``signature`` (ECDSA-SHA256, DER) over ``data`` verifies."""
    public_key = certificate.public_key()
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        raise SignatureInvalid("certificate key is not an EC key")
    try:
        public_key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError) as exc:
        raise SignatureInvalid("signature does not verify") from exc


def verify_card_signature(certificate: x509.Certificate, signature: bytes, data: bytes, error: type) -> None:
    """A UZI-pas signature: RSA PKCS#1 v1.5 with SHA-256 (CKM_SHA256_RSA_PKCS); ``error`` when it fails."""
    public_key = certificate.public_key()
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        else:
            raise error("certificate key is neither RSA nor EC")
    except (InvalidSignature, ValueError) as exc:
        raise error("signature does not verify") from exc
