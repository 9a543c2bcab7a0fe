"""The project's own test UZI CA: made on first use in a directory, then issues UZI-profile certificates.

Development and tests need UZI certificates for keys of their own choosing (a SoftHSM2
token's keys, a server's key), which the UZI register's test CA will not issue. This CA mirrors the real
hierarchy (docs/uzi.md "Chains") with a root and two issuing CAs, and the profile in :mod:`.uzi_profile`::

    <directory>/          0700, with a .lock for creation across processes (like pki/ca.py ensure_ca)
      trust/              the three CA certificates: a trust-store directory the server can be pointed at
      private/            their RSA keys, 0600

CA certificates carry what ``cryptography.x509.verification`` demands of a CA:
critical basicConstraints, critical keyUsage keyCertSign+cRLSign, subject and authority key identifiers.
They start four years in the past, so that an already-expired card (``expired=True``) still chains to a
CA that was valid during the card's own validity.
"""

from __future__ import annotations

import datetime as dt
import fcntl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from zorgid.config import write_private_file

from . import uzi_profile as profile
from .errors import UziCaUnusable
from .server_profile import ServerCertificate, server_builder

ROOT_NAME = "TEST zorgid UZI Root CA"
CARD_CA_NAME = "TEST zorgid UZI-register Zorgverlener CA"
SERVER_CA_NAME = "TEST zorgid UZI-register Private Server CA"
CA_ORGANISATION = "zorgid test-UZI-CA"
KEY_SIZE = 2048
CA_BACKDATE = dt.timedelta(days=4 * 365)
ROOT_VALIDITY = dt.timedelta(days=25 * 365)
ISSUING_VALIDITY = dt.timedelta(days=15 * 365)
CARD_VALIDITY = dt.timedelta(days=3 * 365)  # docs/uzi.md: "RSA-2048, 3 years"
CRL_VALIDITY = dt.timedelta(hours=48)  # docs/uzi.md: "nextUpdate 48 h"
ISSUERS = {"root": "root", "cards": "zorgverlener-ca", "server": "server-ca"}


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass(frozen=True)
class Authority:
    """One CA of the hierarchy: its certificate and its private key."""

    certificate: x509.Certificate
    key: rsa.RSAPrivateKey

    def sign(self, builder: x509.CertificateBuilder) -> x509.Certificate:
        return builder.sign(self.key, hashes.SHA256())


@dataclass(frozen=True)
class TestUziCa:
    """The loaded test UZI CA. ``cards`` issues UZI-passen (Z, N, M), ``server`` UZI server certificates."""

    __test__ = False  # not a pytest test class, despite its name

    directory: Path
    root: Authority
    cards: Authority
    server: Authority

    @property
    def trust_dir(self) -> Path:
        """A directory of the three CA certificates only: what a UZI trust store is configured with."""
        return self.directory / "trust"

    def chain(self, issuer: str = "cards") -> list[x509.Certificate]:
        """The issuing CA and the root, for the chain a holder certificate is sent or stored with."""
        return [self._authority(issuer).certificate, self.root.certificate]

    def issue_card_certificate(
        self, holder: profile.CardHolder, kind: profile.CertificateKind, public_key, *,
        validity: dt.timedelta = CARD_VALIDITY, expired: bool = False, crl_url: str | None = None,
    ) -> x509.Certificate:
        """One certificate of a UZI-pas (authentication, signature or confidentiality) for ``public_key``."""
        window = validity_window(validity, expired)
        builder = profile.card_builder(holder, kind, public_key, self.cards.certificate, window, crl_url)
        return self.cards.sign(builder)

    def issue_card_certificates(
        self, holder: profile.CardHolder, public_keys: Mapping[profile.CertificateKind, object], **options,
    ) -> dict[profile.CertificateKind, x509.Certificate]:
        """Every certificate the holder's card type has (Z, N: three; M: two), one per given public key."""
        kinds = profile.CARD_KINDS[holder.card_type]
        if set(public_keys) != set(kinds):
            raise ValueError(f"card type {holder.card_type} needs public keys for {', '.join(kinds)}")
        return {kind: self.issue_card_certificate(holder, kind, public_keys[kind], **options) for kind in kinds}

    def issue_server_certificate(
        self, ura: str, name: str, *, organisation: str | None = None, uzi_number: str | None = None,
        locality: str | None = None, province: str | None = None, validity: dt.timedelta = CARD_VALIDITY,
        expired: bool = False,
    ) -> ServerCertificate:
        """A UZI server certificate (card type S) with a fresh RSA key made in software."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
        builder = server_builder(
            ura, name, key.public_key(), self.server.certificate, validity_window(validity, expired),
            organisation=organisation, uzi_number=uzi_number, locality=locality, province=province,
        )
        return ServerCertificate(self.server.sign(builder), key, tuple(self.chain("server")))

    def issue_crl(
        self, revoked: Iterable[int | x509.Certificate] = (), *, issuer: str = "cards",
        this_update: dt.datetime | None = None, next_update: dt.datetime | None = None,
        revoked_at: dt.datetime | None = None,
    ) -> x509.CertificateRevocationList:
        """A CRL of ``issuer`` listing ``revoked`` (serials or certificates), valid 48 hours by default."""
        authority = self._authority(issuer)
        this_update = this_update or now()
        ski = authority.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(authority.certificate.subject)
            .last_update(this_update)
            .next_update(next_update or this_update + CRL_VALIDITY)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False)
            .add_extension(x509.CRLNumber(int(this_update.timestamp() * 1_000_000)), critical=False)
        )
        for item in revoked:
            serial = item.serial_number if isinstance(item, x509.Certificate) else int(item)
            entry = x509.RevokedCertificateBuilder().serial_number(serial)
            builder = builder.add_revoked_certificate(entry.revocation_date(revoked_at or this_update).build())
        return builder.sign(authority.key, hashes.SHA256())

    def _authority(self, issuer: str) -> Authority:
        if issuer not in ISSUERS:
            raise ValueError(f"issuer must be one of {', '.join(ISSUERS)}, not {issuer!r}")
        return getattr(self, issuer)


def validity_window(validity: dt.timedelta, expired: bool = False) -> tuple[dt.datetime, dt.datetime]:
    """From five minutes ago (clock skew) for ``validity``; or, expired, ending yesterday."""
    if validity <= dt.timedelta(0):
        raise ValueError("validity must be positive")
    if expired:
        end = now() - dt.timedelta(days=1)
        return end - validity, end
    start = now() - dt.timedelta(minutes=5)
    return start, start + validity


def ensure_test_uzi_ca(directory: Path) -> TestUziCa:
    """Load the test UZI CA in ``directory``, making it first if needed. Safe across processes."""
    directory = Path(directory).resolve()
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open(directory / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (directory / "trust" / f"{ISSUERS['server']}.pem").exists():
                _create(directory)
            return load_test_uzi_ca(directory)
    except OSError as exc:
        raise UziCaUnusable(f"{directory}: {exc.strerror or exc}") from exc


def load_test_uzi_ca(directory: Path) -> TestUziCa:
    """Read a test UZI CA made by :func:`ensure_test_uzi_ca`."""
    directory = Path(directory).resolve()
    authorities = {}
    for attribute, stem in ISSUERS.items():
        try:
            cert = x509.load_pem_x509_certificate((directory / "trust" / f"{stem}.pem").read_bytes())
            key = serialization.load_pem_private_key((directory / "private" / f"{stem}.key.pem").read_bytes(), None)
        except (OSError, ValueError) as exc:
            raise UziCaUnusable(f"{directory}: {stem}: {exc}") from exc
        if not isinstance(key, rsa.RSAPrivateKey):
            raise UziCaUnusable(f"{directory}: {stem} key is not an RSA key")
        authorities[attribute] = Authority(cert, key)
    return TestUziCa(directory, **authorities)


def _create(directory: Path) -> None:
    """Make the root and the two issuing CAs. A half-made CA (a crash before the last file) is discarded."""
    for sub in ("trust", "private"):
        for leftover in (directory / sub).glob("*.pem"):
            leftover.unlink()
    root = _make_authority(ROOT_NAME, None, None)
    made = {
        "root": root,
        "cards": _make_authority(CARD_CA_NAME, root, ["2.16.528.1.1007.99.211", "2.16.528.1.1007.99.212",
                                                      "2.16.528.1.1007.99.213"]),
        "server": _make_authority(SERVER_CA_NAME, root, [profile.TEST_SERVER_POLICY]),
    }
    for attribute, stem in ISSUERS.items():  # server last: its certificate marks a complete CA
        authority = made[attribute]
        key_pem = authority.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        write_private_file(directory / "private" / f"{stem}.key.pem", key_pem)
        cert_pem = authority.certificate.public_bytes(serialization.Encoding.PEM)
        write_private_file(directory / "trust" / f"{stem}.pem", cert_pem)


def _ca_name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, CA_ORGANISATION),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _make_authority(common_name: str, parent: Authority | None, policy_oids: list[str] | None) -> Authority:
    """A CA certificate like the UZI register's: the root without, issuing CAs with path length 0."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    start = now() - CA_BACKDATE
    subject = _ca_name(common_name)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(parent.certificate.subject if parent else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + (ISSUING_VALIDITY if parent else ROOT_VALIDITY))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0 if parent else None), critical=True)
    )
    if parent is not None:
        ski = parent.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
    if policy_oids:
        infos = [x509.PolicyInformation(x509.ObjectIdentifier(oid), None) for oid in policy_oids]
        builder = builder.add_extension(x509.CertificatePolicies(infos), critical=False)
    builder = builder.add_extension(profile.key_usage("key_cert_sign", "crl_sign"), critical=True)
    certificate = builder.sign(parent.key if parent else key, hashes.SHA256())
    return Authority(certificate, key)

