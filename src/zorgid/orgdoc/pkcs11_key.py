"""Signing with a key that never leaves its PKCS#11 token: a smartcard, an HSM, or SoftHSM2 in tests.

R-CRED-UZISERVER: many organisations keep the UZI server certificate's key in an HSM. ``signxml`` calls
its key's ``sign(data, padding=…, algorithm=…)`` (RSA) or ``sign(data, signature_algorithm=…)`` (ECDSA)
exactly as ``cryptography`` defines them (and reads ``key_size`` for ECDSA), so :class:`TokenKey` offers that
interface and has the token compute the signature over the canonical SignedInfo (XMLDSig 1.1 §3.1.2):
CKM_SHA256_RSA_PKCS and its SHA-384/512 siblings (RSA PKCS#1 v1.5, RFC 8017 §8.2), CKM_SHAxxx_RSA_PKCS_PSS
(§8.1; salt = digest length, as RFC 9231 prescribes for the MGF1 URIs), CKM_ECDSA_SHAxxx (the token returns
r‖s, which is re-encoded as DER for signxml, which turns it back into r‖s for XMLDSig §6.4.3).
A module without the hashing mechanisms gets the digest computed here: a DigestInfo over CKM_RSA_PKCS, or
the bare digest over CKM_ECDSA (SoftHSM2 offers no CKM_ECDSA_SHA256).

A PKCS#11 module reads its configuration once, when it loads (SoftHSM2: ``SOFTHSM2_CONF``), so tests run
this in a process of its own. PKCS#11 errors are translated here, where they enter.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pkcs11
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.padding import PSS
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from pkcs11 import MGF, Attribute, Mechanism, ObjectClass
from pkcs11.exceptions import MechanismInvalid, PinIncorrect, PinInvalid, PinLenRange, PinLocked, PKCS11Error

from .errors import CertificateUnreadable
from .key_errors import (
    Pkcs11ModuleUnavailable,
    TokenFailed,
    TokenKeyNotFound,
    TokenLocked,
    TokenNotFound,
    TokenPinWrong,
)
from .signing import SigningMaterial

DEFAULT_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
_RSA = {"sha256": Mechanism.SHA256_RSA_PKCS, "sha384": Mechanism.SHA384_RSA_PKCS, "sha512": Mechanism.SHA512_RSA_PKCS}
_PSS = {
    "sha256": (Mechanism.SHA256_RSA_PKCS_PSS, Mechanism.SHA256, MGF.SHA256),
    "sha384": (Mechanism.SHA384_RSA_PKCS_PSS, Mechanism.SHA384, MGF.SHA384),
    "sha512": (Mechanism.SHA512_RSA_PKCS_PSS, Mechanism.SHA512, MGF.SHA512),
}
_ECDSA = {"sha256": Mechanism.ECDSA_SHA256, "sha384": Mechanism.ECDSA_SHA384, "sha512": Mechanism.ECDSA_SHA512}
# DER DigestInfo prefixes (RFC 8017 §9.2 note 1), for modules that only offer raw CKM_RSA_PKCS.
_DIGEST_INFO = {
    "sha256": bytes.fromhex("3031300d060960864801650304020105000420"),
    "sha384": bytes.fromhex("3041300d060960864801650304020205000430"),
    "sha512": bytes.fromhex("3051300d060960864801650304020305000440"),
}


class TokenKey:
    """A private key on a token, with the interface of a ``cryptography`` private key that signxml uses."""

    def __init__(self, key, public_key) -> None:
        self._key, self._public_key = key, public_key

    @property
    def key_size(self) -> int:
        return self._public_key.key_size

    def public_key(self):
        return self._public_key

    def sign(self, data: bytes, padding=None, algorithm=None, signature_algorithm=None) -> bytes:
        """Sign ``data`` on the token: RSA PKCS#1 v1.5 or PSS with ``algorithm``, or ECDSA (``signature_algorithm``,
        or positionally as ``cryptography``'s EC keys take it)."""
        if isinstance(padding, ec.ECDSA):
            padding, signature_algorithm = None, padding
        try:
            if signature_algorithm is not None:
                return self._sign_ecdsa(data, _hash_name(signature_algorithm.algorithm))
            if isinstance(padding, PSS):
                mechanism, digest, mgf = _PSS[_hash_name(algorithm)]
                return bytes(self._key.sign(data, mechanism=mechanism,
                                            mechanism_param=(digest, mgf, algorithm.digest_size)))
            return self._sign_pkcs1(data, _hash_name(algorithm))
        except PKCS11Error as exc:
            raise TokenFailed(f"signing: {type(exc).__name__}") from exc

    def _sign_ecdsa(self, data: bytes, name: str) -> bytes:
        """CKM_ECDSA_SHAxxx; or, on modules that only offer raw CKM_ECDSA (SoftHSM2), over the digest."""
        try:
            raw = bytes(self._key.sign(data, mechanism=_ECDSA[name]))
        except MechanismInvalid:
            raw = bytes(self._key.sign(_digest(data, name), mechanism=Mechanism.ECDSA))
        half = len(raw) // 2
        return encode_dss_signature(int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big"))

    def _sign_pkcs1(self, data: bytes, name: str) -> bytes:
        try:
            return bytes(self._key.sign(data, mechanism=_RSA[name]))
        except MechanismInvalid:
            return bytes(self._key.sign(_DIGEST_INFO[name] + _digest(data, name), mechanism=Mechanism.RSA_PKCS))


def _digest(data: bytes, name: str) -> bytes:
    digest = hashes.Hash(getattr(hashes, name.upper())())
    digest.update(data)
    return digest.finalize()


def _hash_name(algorithm) -> str:
    name = getattr(algorithm, "name", "")
    if name not in _RSA:
        raise TokenFailed(f"hash {name or algorithm!r} is not offered for token keys")
    return name


@contextlib.contextmanager
def open_token_key(
    module: str, token_label: str, pin: str, *, key_label: str | None = None, key_id: bytes | None = None,
    certificate: x509.Certificate | None = None,
) -> Iterator[SigningMaterial]:
    """A logged-in session on the token, yielding its signing key and certificate; closed afterwards.

    The certificate is the one given, or the token's certificate object with the key's CKA_ID (or label)."""
    token = _find_token(_load(module), token_label)
    session = _login(token, pin)
    try:
        key = _private_key(session, key_label, key_id)
        cert = certificate or _certificate(session, key)
        yield SigningMaterial(TokenKey(key, cert.public_key()), cert, ())
    finally:
        with contextlib.suppress(PKCS11Error):
            session.close()


def _load(module: str):
    try:
        return pkcs11.lib(module)
    except (PKCS11Error, RuntimeError, OSError) as exc:
        raise Pkcs11ModuleUnavailable(f"{module}: {exc}"[:300]) from exc


def _find_token(lib, label: str):
    try:
        tokens = list(lib.get_tokens())
    except PKCS11Error as exc:
        raise Pkcs11ModuleUnavailable(f"tokens: {type(exc).__name__}") from exc
    found = [token for token in tokens if token.label.strip() == label]
    if len(found) != 1:
        present = ", ".join(repr(token.label.strip()) for token in tokens) or "geen"
        raise TokenNotFound(f"{label!r} {'niet gevonden' if not found else 'meer dan eens'}; aanwezig: {present}"[:300])
    return found[0]


def _login(token, pin: str):
    try:
        return token.open(user_pin=pin)
    except PinIncorrect as exc:
        raise TokenPinWrong(token.label.strip()) from exc
    except PinLocked as exc:
        raise TokenLocked(token.label.strip()) from exc
    except (PinLenRange, PinInvalid) as exc:
        raise TokenPinWrong(f"{token.label.strip()}: the PIN has the wrong form") from exc
    except PKCS11Error as exc:
        raise TokenFailed(f"login: {type(exc).__name__}") from exc


def _private_key(session, label: str | None, key_id: bytes | None):
    """The one private key with ``label`` and/or ``key_id``; the only one on the token when neither is given."""
    query: dict = {Attribute.CLASS: ObjectClass.PRIVATE_KEY}
    if label is not None:
        query[Attribute.LABEL] = label
    if key_id is not None:
        query[Attribute.ID] = key_id
    try:
        keys = list(session.get_objects(query))
    except PKCS11Error as exc:
        raise TokenFailed(f"finding the key: {type(exc).__name__}") from exc
    if len(keys) != 1:
        labels = _labels(session, ObjectClass.PRIVATE_KEY)
        raise TokenKeyNotFound(f"{len(keys)} private keys match; keys on the token: {labels}"[:300])
    return keys[0]


def _certificate(session, key) -> x509.Certificate:
    """The token's certificate with the key's CKA_ID, else with its label."""
    for attribute in (Attribute.ID, Attribute.LABEL):
        try:
            value = key[attribute]
            found = list(session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE, attribute: value}))
        except PKCS11Error:
            continue
        if len(found) == 1:
            try:
                return x509.load_der_x509_certificate(bytes(found[0][Attribute.VALUE]))
            except ValueError as exc:
                raise CertificateUnreadable(f"certificate on the token: {exc}"[:300]) from exc
    raise TokenKeyNotFound("no certificate beside the key on the token; give it with --cert")


def _labels(session, object_class) -> str:
    try:
        return ", ".join(repr(obj[Attribute.LABEL]) for obj in session.get_objects({Attribute.CLASS: object_class}))
    except PKCS11Error:
        return "?"
