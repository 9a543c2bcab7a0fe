"""The UZI server certificate profile (card type S) and how its files are written.

docs/uzi.md: a server certificate's subject has C=NL, ST, L, O, serialNumber (its UZI number) and CN (the
FQDN); subjectAltName holds the otherName 2.5.5.5 with card type S, role 00.000 and the test server CA OID
2.16.528.1.1007.99.2110, and (since 8-11-2023) a permanentIdentifier: the URA, assigner
2.16.528.1.1007.3.3. Key usage digitalSignature + keyEncipherment; EKU serverAuth and clientAuth, so the
certificate serves TLS on both ends; the test policy 2.16.528.1.1007.99.12 of the test Private Services CA
G1. The key is made in software: a server keeps its key in a file (0600) or its own HSM.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from zorgid.config import write_private_file

from . import uzi_profile as profile
from .errors import FileExists, OrganisationInvalid, PlaceInvalid, ServerNameInvalid, UraInvalid, UziNumberInvalid

_FQDN = re.compile(r"(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


def random_uzi_number() -> str:
    """A 9-digit number in the 9xxxxxxxx range the UZI register's test environment uses."""
    return "9" + "".join(secrets.choice("0123456789") for _ in range(8))


def server_other_name(uzi_number: str, ura: str) -> str:
    return "-".join(
        (profile.TEST_SERVER_CA_OID, profile.VERSION, uzi_number, "S", ura, profile.NO_ROLE, profile.NO_AGB)
    )


def server_builder(
    ura: str, name: str, public_key, issuer: x509.Certificate, window: tuple[dt.datetime, dt.datetime], *,
    organisation: str | None = None, uzi_number: str | None = None, locality: str | None = None,
    province: str | None = None,
) -> x509.CertificateBuilder:
    """A server certificate for ``name`` (an FQDN also becomes a dNSName) of the organisation ``ura``."""
    ura = profile.check_digits(ura, 8, UraInvalid)
    name = profile.check_text(name, ServerNameInvalid)
    uzi_number = profile.check_digits(uzi_number or random_uzi_number(), 9, UziNumberInvalid)
    organisation = profile.check_text(organisation or f"Zorginstelling {ura}", OrganisationInvalid)
    attributes = [(NameOID.COUNTRY_NAME, "NL")]
    if province:
        attributes.append((NameOID.STATE_OR_PROVINCE_NAME, profile.check_text(province, PlaceInvalid)))
    if locality:
        attributes.append((NameOID.LOCALITY_NAME, profile.check_text(locality, PlaceInvalid)))
    attributes += [(NameOID.ORGANIZATION_NAME, organisation), (NameOID.SERIAL_NUMBER, uzi_number),
                   (NameOID.COMMON_NAME, name)]
    subject = x509.Name([x509.NameAttribute(oid, value) for oid, value in attributes])
    san: list[x509.GeneralName] = [x509.DNSName(name.lower())] if _FQDN.fullmatch(name) else []
    san += [
        x509.OtherName(profile.UZI_OTHER_NAME, profile.ia5_string(server_other_name(uzi_number, ura))),
        x509.OtherName(profile.PERMANENT_IDENTIFIER, profile.permanent_identifier(ura)),
    ]
    builder = profile.leaf_builder(subject, san, public_key, issuer, window)
    ekus = (ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH)
    return profile.finish(builder, profile.TEST_SERVER_POLICY, ("digital_signature", "key_encipherment"), ekus, None)


@dataclass(frozen=True)
class ServerCertificate:
    """An issued server certificate, its private key and its chain (issuing CA, root)."""

    certificate: x509.Certificate
    key: rsa.RSAPrivateKey
    chain: tuple[x509.Certificate, ...]

    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def chain_pem(self) -> bytes:
        return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in self.chain)

    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    def pkcs12(self, password: str) -> bytes:
        """Key, certificate and chain in one PKCS#12 file (AES-256, as current OpenSSL and Java read it)."""
        return pkcs12.serialize_key_and_certificates(
            b"uzi-server", self.key, self.certificate, list(self.chain),
            serialization.BestAvailableEncryption(password.encode("utf-8")),
        )

    def write(self, directory: Path, password: str) -> dict[str, Path]:
        """Write the four files into ``directory`` (0700), each 0600; refuses to overwrite any of them."""
        files = {
            "certificaat": (directory / "server.cert.pem", self.certificate_pem()),
            "keten": (directory / "chain.pem", self.chain_pem()),
            "sleutel": (directory / "server.key.pem", self.key_pem()),
            "pkcs12": (directory / "server.p12", self.pkcs12(password)),
        }
        existing = [str(path) for path, _ in files.values() if path.exists()]
        if existing:
            raise FileExists(", ".join(existing))
        for path, data in files.values():
            try:
                write_private_file(path, data)
            except FileExistsError as exc:
                raise FileExists(str(path)) from exc
        return {what: path for what, (path, _) in files.items()}
