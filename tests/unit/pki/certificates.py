"""Test certificates of a healthcare application's TLS client authentication (pki.client_certificates; RFC 8705),
shared by the unit tests of the check and the tests of the token endpoint: a supplier's OV certificate from a public
CA made here with cryptography (``OvCa``), the project's test UZI CA for UZI server certificates, and the settings
that trust both (``trusting``).

``ov_ca`` and ``uzi_ca`` are fixtures, imported by the conftest of the tests that use them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID

from tests.unit.pki.uzi.factory import key_usage, make_ca, make_crl
from zorgid.devtools.test_uzi_ca import ensure_test_uzi_ca
from zorgid.pki import client_certificates, uzi_installation

SUPPLIER_DN = "C=NL,O=Leverancier EPD B.V.,CN=epd.leverancier.example"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _p256() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@dataclass
class OvCa:
    """A public CA as a supplier's OV certificate comes from: a root and an issuing CA, EC P-256 keys."""

    root_key: ec.EllipticCurvePrivateKey = field(default_factory=_p256)
    issuing_key: ec.EllipticCurvePrivateKey = field(default_factory=_p256)
    name: str = "Test OV"

    def __post_init__(self) -> None:
        start = now() - dt.timedelta(days=365)
        self.root = make_ca(self.root_key, f"{self.name} Root CA", not_before=start,
                            not_after=start + dt.timedelta(days=3650))
        self.issuing = make_ca(self.issuing_key, f"{self.name} Issuing CA", self.root, self.root_key,
                               not_before=start, not_after=start + dt.timedelta(days=1825))

    def issue(self, subject: str = SUPPLIER_DN, *, usages=(ExtendedKeyUsageOID.CLIENT_AUTH,), expired: bool = False,
              not_yet_valid: bool = False) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        """A client certificate with ``subject`` (RFC 4514), valid a year from now, or already expired."""
        key = _p256()
        start = now() - dt.timedelta(minutes=5)
        if expired:
            start = now() - dt.timedelta(days=400)
        if not_yet_valid:
            start = now() + dt.timedelta(days=2)
        builder = (
            x509.CertificateBuilder().subject_name(x509.Name.from_rfc4514_string(subject))
            .issuer_name(self.issuing.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + dt.timedelta(days=365))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("epd.leverancier.example")]), critical=False)
            .add_extension(key_usage("authentication"), critical=True)
        )
        if usages:
            builder = builder.add_extension(x509.ExtendedKeyUsage(list(usages)), critical=False)
        return builder.sign(self.issuing_key, hashes.SHA256()), key

    def crl(self, revoked=(), *, next_update: dt.datetime | None = None) -> x509.CertificateRevocationList:
        this_update = now() - dt.timedelta(hours=1)
        return x509.load_der_x509_crl(make_crl(
            self.issuing, self.issuing_key, {certificate.serial_number: this_update for certificate in revoked},
            this_update=this_update, next_update=next_update or this_update + dt.timedelta(hours=48)))

    def install(self, trust_dir: Path, *, with_intermediate: bool = True) -> Path:
        """The trust directory the operator makes: the root, and the issuing CA (the header carries the leaf)."""
        trust_dir.mkdir(parents=True, exist_ok=True)
        (trust_dir / "root.pem").write_bytes(self.root.public_bytes(serialization.Encoding.PEM))
        if with_intermediate:
            (trust_dir / "issuing.pem").write_bytes(self.issuing.public_bytes(serialization.Encoding.PEM))
        return trust_dir


def write_crl(directory: Path, crl: x509.CertificateRevocationList, name: str = "ca.crl") -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(crl.public_bytes(serialization.Encoding.DER))


@contextlib.contextmanager
def trusting(settings, directory: Path, ov_ca: OvCa, uzi_ca):
    """The OV CA in ZORGID_TLS_CLIENT_TRUST_DIR, the test UZI CA in ZORGID_UZI_TRUST_DIR, empty CRL directories
    (``tls-crl`` and ``uzi-crl`` in ``directory``), read afresh before and after."""
    settings.ZORGID_TLS_CLIENT_TRUST_DIR = str(ov_ca.install(directory / "tls-trust"))
    settings.ZORGID_TLS_CLIENT_CRL_DIR = str(directory / "tls-crl")
    settings.ZORGID_UZI_TRUST_DIR = str(uzi_ca.trust_dir)
    settings.ZORGID_UZI_CRL_DIR = str(directory / "uzi-crl")
    client_certificates.forget()
    uzi_installation.forget()
    try:
        yield directory
    finally:
        client_certificates.forget()
        uzi_installation.forget()


@pytest.fixture(scope="session")
def ov_ca() -> OvCa:
    return OvCa()


@pytest.fixture(scope="session")
def uzi_ca(tmp_path_factory):
    return ensure_test_uzi_ca(tmp_path_factory.mktemp("client-cert-uzi-ca") / "ca")
