"""Self-made certificates in the UZI profile (docs/uzi.md, CPS §7.1), for tests that real vectors cannot cover.

A ``LeafSpec`` describes a holder certificate with sensible defaults (a Z card in the test environment);
tests change one field with ``dataclasses.replace`` to make exactly the defect they test.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from zorgid.pki.uzi.othername import UPN_OID, UZI_OTHER_NAME_OID

UTC = dt.UTC
START = dt.datetime(2024, 1, 1, tzinfo=UTC)
END = dt.datetime(2027, 1, 1, tzinfo=UTC)
AT = dt.datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
TEST_CA_OID = "2.16.528.1.1007.99.217"
TEST_AUTH_POLICY = "2.16.528.1.1007.99.211"
TEST_SIGNATURE_POLICY = "2.16.528.1.1007.99.212"
PROD_AUTH_POLICY = "2.16.528.1.1003.1.2.5.1"

KEY_USAGES = {
    "authentication": {"digital_signature": True},
    "signature": {"content_commitment": True},
    "confidentiality": {"key_encipherment": True, "data_encipherment": True},
    "ca": {"key_cert_sign": True, "crl_sign": True},
}


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def der(tag: int, contents: bytes) -> bytes:
    """One DER tag-length-value (short or long form length)."""
    length = len(contents)
    if length < 0x80:
        return bytes([tag, length]) + contents
    size = (length.bit_length() + 7) // 8
    return bytes([tag, 0x80 | size]) + length.to_bytes(size, "big") + contents


def ia5(text: str) -> bytes:
    return der(0x16, text.encode("ascii"))


def utf8(text: str) -> bytes:
    return der(0x0C, text.encode("utf-8"))


def oid(dotted: str) -> bytes:
    """DER OBJECT IDENTIFIER (X.690 §8.19), written independently of the reader under test."""
    arcs = [int(arc) for arc in dotted.split(".")]
    contents = b""
    for arc in [40 * arcs[0] + arcs[1], *arcs[2:]]:
        chunk = [arc & 0x7F]
        while arc > 0x7F:
            arc >>= 7
            chunk.insert(0, 0x80 | (arc & 0x7F))
        contents += bytes(chunk)
    return der(0x06, contents)


def permanent_identifier(value: str, assigner: str = "2.16.528.1.1007.3.3") -> bytes:
    """RFC 4043 permanentIdentifier; the default assigner is the URA's OID."""
    return der(0x30, utf8(value) + oid(assigner))


def key_usage(kind: str) -> x509.KeyUsage:
    flags = dict.fromkeys(("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
                           "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only"), False)
    return x509.KeyUsage(**{**flags, **KEY_USAGES[kind]})


def make_ca(
    key: rsa.RSAPrivateKey, name: str = "Test UZI Root CA", issuer: x509.Certificate | None = None,
    issuer_key: rsa.RSAPrivateKey | None = None, not_before: dt.datetime = START,
    not_after: dt.datetime = dt.datetime(2030, 1, 1, tzinfo=UTC),
) -> x509.Certificate:
    """A root (no issuer given) or an intermediate CA that passes the Web PKI CA checks."""
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "zorgid tests"),
                         x509.NameAttribute(NameOID.COMMON_NAME, name)])
    signer_key = issuer_key or key
    builder = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(issuer.subject if issuer else subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(not_before).not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(key_usage("ca"), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer_key.public_key()), critical=False)
    return builder.sign(signer_key, hashes.SHA256())


@dataclass(frozen=True)
class LeafSpec:
    """A UZI holder certificate; ``other_name`` overrides the 2.5.5.5 value's raw DER."""

    ca_oid: str = TEST_CA_OID
    version: str = "1"
    uzi_number: str = "900000001"
    card_type: str = "Z"
    ura: str = "90000001"
    role: str = "01.015"
    agb: str = "00000000"
    subject_serial: str | None = None  # default: the UZI number
    given_name: str | None = "Jan"
    surname: str | None = "Jansen"
    common_name: str = "Jan Jansen"
    organisation: str = "Zorginstelling De Test"
    title: str | None = "Arts"
    other_name: bytes | None = None
    with_uzi_other_name: bool = True
    upn: str | None = "default"
    extra_other_names: tuple[x509.OtherName, ...] = ()
    policies: tuple[str, ...] = (TEST_AUTH_POLICY,)
    usage: str = "authentication"
    extended_key_usages: tuple[x509.ObjectIdentifier, ...] = field(
        default=(ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION))
    not_before: dt.datetime = START
    not_after: dt.datetime = END
    serial_number: int | None = None

    @property
    def other_name_text(self) -> str:
        return "-".join((self.ca_oid, self.version, self.uzi_number, self.card_type, self.ura, self.role, self.agb))


def _subject(spec: LeafSpec) -> x509.Name:
    values = [(NameOID.COUNTRY_NAME, "NL"), (NameOID.ORGANIZATION_NAME, spec.organisation),
              (NameOID.TITLE, spec.title), (NameOID.SURNAME, spec.surname), (NameOID.GIVEN_NAME, spec.given_name),
              (NameOID.SERIAL_NUMBER, spec.subject_serial or spec.uzi_number), (NameOID.COMMON_NAME, spec.common_name)]
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in values if value is not None])


def _other_names(spec: LeafSpec) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = []
    if spec.upn is not None:
        upn = f"{spec.uzi_number}@{spec.ura}" if spec.upn == "default" else spec.upn
        names.append(x509.OtherName(UPN_OID, utf8(upn)))
    if spec.with_uzi_other_name:
        names.append(x509.OtherName(UZI_OTHER_NAME_OID, spec.other_name or ia5(spec.other_name_text)))
    return [*names, *spec.extra_other_names]


def make_leaf(
    spec: LeafSpec, key: rsa.RSAPrivateKey, issuer: x509.Certificate, issuer_key: rsa.RSAPrivateKey
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder().subject_name(_subject(spec)).issuer_name(issuer.subject)
        .public_key(key.public_key()).serial_number(spec.serial_number or x509.random_serial_number())
        .not_valid_before(spec.not_before).not_valid_after(spec.not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(key_usage(spec.usage), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    )
    names = _other_names(spec)
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    if spec.extended_key_usages:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(spec.extended_key_usages)), critical=False)
    if spec.policies:
        policies = [x509.PolicyInformation(x509.ObjectIdentifier(oid), None) for oid in spec.policies]
        builder = builder.add_extension(x509.CertificatePolicies(policies), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def make_crl(
    issuer: x509.Certificate, issuer_key: rsa.RSAPrivateKey, revoked: dict[int, dt.datetime] | None = None,
    this_update: dt.datetime = AT - dt.timedelta(hours=1), next_update: dt.datetime = AT + dt.timedelta(hours=47),
    encoding: serialization.Encoding = serialization.Encoding.DER,
) -> bytes:
    """A CRL of ``issuer`` listing ``revoked`` (serial → revocation date), published hourly like the UZI CAs'."""
    builder = (x509.CertificateRevocationListBuilder().issuer_name(issuer.subject).last_update(this_update)
               .next_update(next_update))
    for serial, when in (revoked or {}).items():
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build())
    return builder.sign(issuer_key, hashes.SHA256()).public_bytes(encoding)


def pem(*certificates: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates)


def write_trust_dir(directory: Path, *certificates: x509.Certificate) -> Path:
    """A trust store directory holding ``certificates``, one PEM file each."""
    directory.mkdir(parents=True, exist_ok=True)
    for index, cert in enumerate(certificates):
        (directory / f"ca-{index}.pem").write_bytes(pem(cert))
    return directory

