"""The system's own CA: a root and an issuing CA (EC P-256), made on first start (R-CRED-MOBILE).

The issuing key sits behind :class:`IssuingKey`; its private key is a PEM file, or a key on a PKCS#11 token
after ``zorgid ca init --pkcs11-module …`` (:mod:`.signing_keys`), which the profiles and the services that issue
certificates use in the same way.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from zorgid import clock
from zorgid.config import write_private_file

from . import signing_keys
from .errors import CaConfigInvalid

MOBILE_ID_CA = "mobile-id"  # the id of the issuing CA below in certificate status, CRL and OCSP (pki.models)
ROOT_VALIDITY = dt.timedelta(days=20 * 365)
ISSUING_VALIDITY = dt.timedelta(days=10 * 365)
# Every CA key by its role (signing_keys.CA_ROLES): its certificate's and its key's file in ZORGID_HOME/ca
CA_KEY_FILES = {
    "root": ("root.cert.pem", "root.key.pem"),
    MOBILE_ID_CA: ("issuing.cert.pem", "issuing.key.pem"),
    "smartcard": ("smartcard.cert.pem", "smartcard.key.pem"),
}


class IssuingKey(Protocol):
    """What the CA needs of a private key: its public half and a signature over a certificate."""

    def public_key(self) -> ec.EllipticCurvePublicKey: ...

    def sign_certificate(self, builder: x509.CertificateBuilder) -> x509.Certificate: ...

    def sign_crl(self, builder: x509.CertificateRevocationListBuilder) -> x509.CertificateRevocationList: ...


@dataclass(frozen=True)
class SoftwareKey:
    """An issuing key: held in memory, loaded from a file readable only by the owner, or on a token
    (:class:`.signing_keys.TokenEcKey`, which cryptography's builders sign with as with any EC key)."""

    private_key: ec.EllipticCurvePrivateKey

    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self.private_key.public_key()

    def sign_certificate(self, builder: x509.CertificateBuilder) -> x509.Certificate:
        return builder.sign(self.private_key, hashes.SHA256())

    def sign_crl(self, builder: x509.CertificateRevocationListBuilder) -> x509.CertificateRevocationList:
        return builder.sign(self.private_key, hashes.SHA256())


@dataclass(frozen=True)
class CertificateAuthority:
    root: x509.Certificate
    issuing: x509.Certificate
    key: IssuingKey

    def issue(self, builder: x509.CertificateBuilder) -> x509.Certificate:
        """Sign a builder whose subject, key, validity and extensions a profile has set."""
        ski = self.issuing.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        builder = builder.issuer_name(self.issuing.subject).add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
        return self.key.sign_certificate(builder)

    def chain_pem(self) -> list[str]:
        return [c.public_bytes(serialization.Encoding.PEM).decode() for c in (self.issuing, self.root)]


def _ca_name(common_name: str, environment: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"zorgid {environment}"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _ca_builder(subject: x509.Name, public_key, validity: dt.timedelta, path_length: int):
    start = clock.now() - dt.timedelta(minutes=5)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + validity)
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def create_ca(directory: Path, environment: str) -> None:
    """Make a root and an issuing CA in ``directory`` (keys 0600). Refuses to overwrite."""
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = _ca_name(f"zorgid {environment} Root CA", environment)
    root = _ca_builder(root_name, root_key.public_key(), ROOT_VALIDITY, 1).issuer_name(root_name)
    root_cert = root.sign(root_key, hashes.SHA256())
    issuing_key = ec.generate_private_key(ec.SECP256R1())
    issuing = _ca_builder(
        _ca_name(f"zorgid {environment} Mobile ID CA", environment), issuing_key.public_key(), ISSUING_VALIDITY, 0
    )
    issuing_cert = CertificateAuthority(root_cert, root_cert, SoftwareKey(root_key)).issue(issuing)
    for name, key in (("root.key.pem", root_key), ("issuing.key.pem", issuing_key)):
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        write_private_file(directory / name, pem)
    for name, cert in (("root.cert.pem", root_cert), ("issuing.cert.pem", issuing_cert)):
        write_private_file(directory / name, cert.public_bytes(serialization.Encoding.PEM))


def load_ca(directory: Path) -> CertificateAuthority:
    root = x509.load_pem_x509_certificate((directory / "root.cert.pem").read_bytes())
    issuing = x509.load_pem_x509_certificate((directory / "issuing.cert.pem").read_bytes())
    key = signing_keys.ca_key(directory, MOBILE_ID_CA, "issuing.key.pem", issuing.public_key())
    return CertificateAuthority(root, issuing, SoftwareKey(key))


def ensure_ca(directory: Path, environment: str) -> tuple[CertificateAuthority, bool]:
    """Load the CA in ``directory``, making it first if it is not there. Safe across processes."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        created = not (directory / "issuing.cert.pem").exists()
        if created and signing_keys.load_config(directory) is not None:
            raise CaConfigInvalid("issuing.cert.pem is missing beside pkcs11.json")
        if created:
            create_ca(directory, environment)
        return load_ca(directory), created


_cache: dict[Path, CertificateAuthority] = {}
_cache_lock = threading.Lock()


def get_ca() -> CertificateAuthority:
    """The CA of this installation (ZORGID_HOME/ca), loaded once per process."""
    from django.conf import settings

    directory = Path(settings.ZORGID_HOME) / "ca"
    with _cache_lock:
        if directory not in _cache:
            _cache[directory] = ensure_ca(directory, settings.ZORGID_ENVIRONMENT)[0]
        return _cache[directory]
