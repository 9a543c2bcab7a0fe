"""Checking a device signature over canonical bytes with the key in a Mobile ID certificate."""

from __future__ import annotations

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

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
