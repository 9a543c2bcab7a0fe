"""The device key: made here, encrypted under the PIN, used only to sign (R-CRED-MOBILE, R-SEC-PIN).

The private key is stored encrypted with AES-256-GCM under a key derived from the PIN with argon2id
and a random salt, and bound to its Mobile ID as associated data, so a key file cannot be swapped
between IDs unnoticed. A 6-digit PIN has only 10^6 values, so this does not stop an attacker who
copies the files and guesses offline; the attempt counter on the device and the server's checks of
every use bound that (DESIGN.md, "argon2-cffi").
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID

from zorgid.protocol.errors import MessageMalformed
from zorgid.protocol.messages import b64decode, b64encode

from .errors import StorageError

KDF_PARAMS = {"time_cost": 3, "memory_cost": 65536, "parallelism": 1, "hash_len": 32}
SALT_BYTES = 16
NONCE_BYTES = 12
CSR_COMMON_NAME = "zorgid-app"
_MAX_SEALED_BYTES = 4096


@dataclass(frozen=True)
class SealedKey:
    """A private key encrypted under the PIN, in the form stored in ``key.json``."""

    salt: bytes
    nonce: bytes
    ciphertext: bytes

    def as_dict(self) -> dict:
        return {
            "kind": "software",
            "algorithm": "EC-P256",
            "encryption": "AES-256-GCM",
            "kdf": {"name": "argon2id", "salt": b64encode(self.salt), **KDF_PARAMS},
            "nonce": b64encode(self.nonce),
            "ciphertext": b64encode(self.ciphertext),
        }

    @classmethod
    def from_dict(cls, data: dict) -> SealedKey:
        """Read the stored form; refuse parameters this version does not use rather than guess."""
        kdf = data.get("kdf")
        if data.get("kind") != "software" or not isinstance(kdf, dict) or kdf.get("name") != "argon2id":
            raise StorageError("key file has an unknown kind")
        if any(kdf.get(name) != value for name, value in KDF_PARAMS.items()):
            raise StorageError("key file has unknown key derivation parameters")
        try:
            return cls(
                salt=b64decode(kdf.get("salt"), limit=64),
                nonce=b64decode(data.get("nonce"), limit=64),
                ciphertext=b64decode(data.get("ciphertext"), limit=_MAX_SEALED_BYTES),
            )
        except MessageMalformed as exc:  # here a damaged file, not a bad protocol message
            raise StorageError("key file is damaged") from exc


def new_private_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def derive_key(secret: str, salt: bytes, params: dict | None = None) -> bytes:
    """argon2id of the PIN or a backup password. NFC first, so the same password typed on another
    keyboard (composed or decomposed accents) gives the same key; a PIN of digits is unchanged by it."""
    chosen = {**KDF_PARAMS, **(params or {})}
    return hash_secret_raw(unicodedata.normalize("NFC", secret).encode("utf-8"), salt, type=Type.ID, **chosen)


def seal_bytes(plain: bytes, secret: str, associated: bytes, *, salt: bytes, nonce: bytes,
               params: dict | None = None) -> bytes:
    """AES-256-GCM under a key derived from ``secret``; ``associated`` is authenticated, not encrypted.

    The one place that encrypts under a secret a person types, shared by the key file and the backup,
    so both get the same, reviewed construction. Salt and nonce are the caller's, because the caller
    stores them (fresh ones from :func:`fresh_salt_and_nonce`)."""
    return AESGCM(derive_key(secret, salt, params)).encrypt(nonce, plain, associated)


def open_bytes(ciphertext: bytes, secret: str, associated: bytes, *, salt: bytes, nonce: bytes,
               params: dict | None = None) -> bytes:
    """Undo :func:`seal_bytes`; raises ``InvalidTag`` for a wrong secret or any changed byte."""
    return AESGCM(derive_key(secret, salt, params)).decrypt(nonce, ciphertext, associated)


def fresh_salt_and_nonce() -> tuple[bytes, bytes]:
    return os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)


def private_key_der(private_key: ec.EllipticCurvePrivateKey) -> bytes:
    """PKCS#8 DER, unencrypted: only ever passed on to :func:`seal_bytes`, never written as such."""
    return private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_private_key_der(der: bytes) -> ec.EllipticCurvePrivateKey:
    """Read PKCS#8 DER; ValueError unless it is a P-256 key, the only kind the server certifies."""
    key = serialization.load_der_private_key(der, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError("not an EC P-256 private key")
    return key


def seal(private_key: ec.EllipticCurvePrivateKey, pin: str, mobile_id: str) -> SealedKey:
    """Encrypt the key under the PIN with a fresh salt and nonce."""
    salt, nonce = fresh_salt_and_nonce()
    ciphertext = seal_bytes(private_key_der(private_key), pin, mobile_id.encode("ascii"), salt=salt, nonce=nonce)
    return SealedKey(salt=salt, nonce=nonce, ciphertext=ciphertext)


def unseal(sealed: SealedKey, pin: str, mobile_id: str) -> ec.EllipticCurvePrivateKey:
    """Decrypt the key; a failure after the PIN was verified means a damaged or swapped file."""
    try:
        plain = open_bytes(sealed.ciphertext, pin, mobile_id.encode("ascii"), salt=sealed.salt, nonce=sealed.nonce)
        return load_private_key_der(plain)
    except (InvalidTag, ValueError) as exc:
        raise StorageError("key file cannot be decrypted") from exc


def make_csr(private_key: ec.EllipticCurvePrivateKey) -> str:
    """A CSR is the proof of possession the server asks for at activation (DESIGN.md)."""
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CSR_COMMON_NAME)])
    csr = x509.CertificateSigningRequestBuilder().subject_name(subject).sign(private_key, hashes.SHA256())
    return csr.public_bytes(serialization.Encoding.PEM).decode("ascii")


def sign(private_key: ec.EllipticCurvePrivateKey, data: bytes) -> bytes:
    """ECDSA P-256 with SHA-256, DER-encoded, as the server verifies it."""
    return private_key.sign(data, ec.ECDSA(hashes.SHA256()))


def same_public_key(private_key: ec.EllipticCurvePrivateKey, certificate: x509.Certificate) -> bool:
    def spki(key: object) -> bytes:
        return key.public_bytes(  # type: ignore[attr-defined]
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    return spki(private_key.public_key()) == spki(certificate.public_key())
