"""Test material for the organisation document, all made here by code (no binary fixtures).

Certificates come from the project's test UZI CA (zorgid.devtools), made in a temporary directory;
signatures are real: signxml (``raw_sign``, which may be told to allow SHA-1 or to sign any tree, so that
hostile documents carry genuine signatures), xmlsec1, or the code under test.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from lxml import etree
from signxml import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureConstructionMethod,
    SignatureMethod,
    XMLSigner,
)

from zorgid.devtools import uzi_profile as profile
from zorgid.devtools.server_profile import ServerCertificate, server_builder, server_other_name
from zorgid.devtools.test_uzi_ca import TestUziCa, validity_window
from zorgid.devtools.uzi_profile import CardHolder, CertificateKind
from zorgid.orgdoc import NAMESPACE, OrganisationDocument, build
from zorgid.pki.uzi import TrustStore

URA = "90000382"
OTHER_URA = "90000999"
REFERENCE = "ZID-2026-ABCD2345"
NAME = "Huisartsenpraktijk De Linde"
KVK = "12345678"
DS = "http://www.w3.org/2000/09/xmldsig#"
O = {"o": NAMESPACE, "ds": DS}  # noqa: E741


def document(**changes: str) -> OrganisationDocument:
    fields = dict(reference=REFERENCE, name=NAME, ura=URA, kvk=KVK, street="Lindelaan", house_number="12a",
                  postcode="3511 AB", city="Utrecht", tb_name="Piet de Beheerder", tb_email="piet@linde.example",
                  tb_phone="0612345678")
    fields.update(changes)
    return OrganisationDocument(**fields)


@dataclass(frozen=True)
class Kit:
    """The test UZI CA, a trust store of acceptatie trusting it, and a server certificate of URA."""

    ca: TestUziCa
    store: TrustStore
    server: ServerCertificate
    signed: bytes

    @property
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class Sha1Signer(XMLSigner):
    """signxml's signer without its refusal of SHA-1, to make SHA-1 signatures that must be refused."""

    def check_deprecated_methods(self) -> None:
        pass


def raw_sign(
    data: bytes | etree._Element, key, certificates, *, method=SignatureMethod.RSA_SHA256,
    digest=DigestAlgorithm.SHA256, c14n=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    reference_uri=None, construction=SignatureConstructionMethod.enveloped,
) -> bytes:
    """Sign anything with signxml, no questions asked: the hostile corpus needs real signatures."""
    root = etree.fromstring(data) if isinstance(data, bytes) else data
    signer = Sha1Signer(method=construction, signature_algorithm=method, digest_algorithm=digest, c14n_algorithm=c14n)
    signed = signer.sign(root, key=key, cert=list(certificates), reference_uri=reference_uri)
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def unsigned(**changes: str) -> bytes:
    return build(document(**changes))


def m_card(ca: TestUziCa, card_type: str = "M") -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """The authentication certificate of an M (or Z) card of URA, with its key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = "Baliemedewerker" if card_type == "M" else "Jan de Vries"
    holder = CardHolder(card_type, name, "900000123", URA)
    return key, ca.issue_card_certificate(holder, CertificateKind.AUTHENTICATION, key.public_key())


def server_with_key(ca: TestUziCa, key, ura: str = URA) -> x509.Certificate:
    """A UZI server certificate from the test CA for a key of the caller's choosing (EC, weak RSA, a token's)."""
    builder = server_builder(ura, "portaal.zorg.example", key.public_key(), ca.server.certificate,
                             validity_window(dt.timedelta(days=365)))
    return ca.server.sign(builder)


def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def self_signed_server(ura: str = URA) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A certificate in the UZI server profile (card type S, the URA) that signs itself."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"Zorginstelling {ura}"),
                         x509.NameAttribute(NameOID.SERIAL_NUMBER, "900077777"),
                         x509.NameAttribute(NameOID.COMMON_NAME, "zelf.zorg.example")])
    san = [x509.OtherName(profile.UZI_OTHER_NAME, profile.ia5_string(server_other_name("900077777", ura))),
           x509.OtherName(profile.PERMANENT_IDENTIFIER, profile.permanent_identifier(ura))]
    start, end = validity_window(dt.timedelta(days=365))
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
            .add_extension(x509.SubjectAlternativeName(san), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(profile.key_usage("digital_signature", "key_encipherment"), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(profile.policies(profile.TEST_SERVER_POLICY), critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def tree(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def text(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
