"""The Mobile ID's key: made here, usable only with the PIN *and* the server's key share (R-CRED-MOBILE, R-SEC-PIN).

docs/security.md has the design. The PIN is stretched once with argon2id and a random salt of this app;
from that come two independent values (HKDF-SHA256 with different labels):

* the PIN proof, sent to the server, which answers with its key share only for the right proof (3 wrong ones
  in 24 hours, then doubling waits);
* together with the key share, the AES-256-GCM key under which the private key is stored, bound to its
  Mobile ID as associated data, so a key file cannot be swapped between IDs unnoticed.

A second key pair, the device key, is made with each ID and kept beside the sealed key, not behind the PIN
(an unlock needs it before the PIN can be checked):
it signs every request for the share (the Mobile ID's key opens only after it), so that only this app, not
anyone who knows the Mobile ID's id, can have a PIN proof counted by the server.

Nothing on the device tells a right PIN from a wrong one: without the share, every PIN decrypts to a
failed tag, and the share is only released online. A copy of the app's files is therefore not enough to
find the PIN offline; the server counts every guess.
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
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.x509.oid import NameOID

from zorgid.protocol.errors import MessageMalformed
from zorgid.protocol.messages import KEY_SHARE_BYTES, PIN_PROOF_BYTES, b64decode, b64encode

from .errors import StorageError

KDF_PARAMS = {"time_cost": 3, "memory_cost": 65536, "parallelism": 1, "hash_len": 32}
SALT_BYTES = 16
NONCE_BYTES = 12
CSR_COMMON_NAME = "zorgid-app"
_MAX_SEALED_BYTES = 4096


KEY_KIND = "keyshare"
_PROOF_LABEL = b"zorgid keyshare pin proof"
_KEY_LABEL = b"zorgid keyshare key"


def _hkdf(material: bytes, label: bytes, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=label).derive(material)


@dataclass(frozen=True)
class PinSecret:
    """The PIN stretched with this app's salt: one argon2id per use of the key, both values derived from it."""

    salt: bytes
    stretched: bytes

    @classmethod
    def fresh(cls, pin: str) -> PinSecret:
        """For a new key: a new salt, so a new ID never shares a proof with an old one."""
        salt = os.urandom(SALT_BYTES)
        return cls(salt, derive_key(pin, salt))

    @classmethod
    def of(cls, pin: str, salt: bytes) -> PinSecret:
        return cls(salt, derive_key(pin, salt))

    @property
    def proof(self) -> bytes:
        """What the server checks (it keeps only an HMAC of it under its own secret)."""
        return _hkdf(self.stretched, _PROOF_LABEL, PIN_PROOF_BYTES)

    def key_with(self, share: bytes) -> bytes:
        """The key that encrypts the private key: neither the PIN nor the share alone gives it."""
        if len(share) != KEY_SHARE_BYTES:
            raise ValueError(f"a key share has {KEY_SHARE_BYTES} bytes")
        return _hkdf(self.stretched + share, _KEY_LABEL)


@dataclass(frozen=True)
class SealedKey:
    """A private key encrypted under the PIN and the server's share, in the form stored in ``key.json``."""

    salt: bytes
    nonce: bytes
    ciphertext: bytes

    def as_dict(self) -> dict:
        return {
            "kind": KEY_KIND,
            "algorithm": "EC-P256",
            "encryption": "AES-256-GCM",
            "kdf": {"name": "argon2id", "salt": b64encode(self.salt), **KDF_PARAMS},
            "combine": "HKDF-SHA256",
            "nonce": b64encode(self.nonce),
            "ciphertext": b64encode(self.ciphertext),
        }

    @classmethod
    def from_dict(cls, data: dict) -> SealedKey:
        """Read the stored form; refuse parameters this version does not use rather than guess."""
        kdf = data.get("kdf")
        if data.get("kind") != KEY_KIND or not isinstance(kdf, dict) or kdf.get("name") != "argon2id":
            raise StorageError("key file has an unknown kind (an ID of an older app: activate it again)")
        if any(kdf.get(name) != value for name, value in KDF_PARAMS.items()) or data.get("combine") != "HKDF-SHA256":
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

    For the backup, whose password is strong enough to stand alone (backup_format.check_password); the
    key file needs the server's share as well (:func:`seal`). Salt and nonce are the caller's, because the
    caller stores them (fresh ones from :func:`fresh_salt_and_nonce`)."""
    return AESGCM(derive_key(secret, salt, params)).encrypt(nonce, plain, associated)


def open_bytes(ciphertext: bytes, secret: str, associated: bytes, *, salt: bytes, nonce: bytes,
               params: dict | None = None) -> bytes:
    """Undo :func:`seal_bytes`; raises ``InvalidTag`` for a wrong secret or any changed byte."""
    return AESGCM(derive_key(secret, salt, params)).decrypt(nonce, ciphertext, associated)


def fresh_salt_and_nonce() -> tuple[bytes, bytes]:
    return os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)


def private_key_der(private_key: ec.EllipticCurvePrivateKey) -> bytes:
    """PKCS#8 DER, unencrypted. The Mobile ID's key is only ever written sealed (:func:`seal`, :func:`seal_bytes`);
    the device key, which must open before the PIN is checked, is kept as such in key.json (docs/security.md)."""
    return private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_private_key_der(der: bytes) -> ec.EllipticCurvePrivateKey:
    """Read PKCS#8 DER; ValueError unless it is a P-256 key, the only kind the server certifies."""
    key = serialization.load_der_private_key(der, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError("not an EC P-256 private key")
    return key


def seal(private_key: ec.EllipticCurvePrivateKey, secret: PinSecret, share: bytes, mobile_id: str) -> SealedKey:
    """Encrypt the key under the PIN and the share, with a fresh nonce; the salt is the PIN secret's."""
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(secret.key_with(share)).encrypt(nonce, private_key_der(private_key), mobile_id.encode("ascii"))
    return SealedKey(salt=secret.salt, nonce=nonce, ciphertext=ciphertext)


def unseal(sealed: SealedKey, secret: PinSecret, share: bytes, mobile_id: str) -> ec.EllipticCurvePrivateKey:
    """Decrypt the key; after the server released the share for this PIN, a failure means a damaged file
    (or a share of another key: the server's answer is checked by this tag too)."""
    try:
        plain = AESGCM(secret.key_with(share)).decrypt(sealed.nonce, sealed.ciphertext, mobile_id.encode("ascii"))
        return load_private_key_der(plain)
    except (InvalidTag, ValueError) as exc:
        raise StorageError("key file cannot be decrypted with the key share") from exc


def public_key_der(private_key: ec.EllipticCurvePrivateKey) -> bytes:
    """The public half as DER SubjectPublicKeyInfo: how the device key is registered with the server."""
    return private_key.public_key().public_bytes(serialization.Encoding.DER,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)


def make_csr(private_key: ec.EllipticCurvePrivateKey) -> str:
    """A CSR is the proof of possession the server asks for at activation (docs/security.md)."""
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
