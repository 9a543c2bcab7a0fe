"""Signing with the UZI server certificate from PEM files, PKCS#12 and software keys (R-CRED-UZISERVER)."""

import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree

from zorgid.orgdoc import build, load_pem_files, load_pkcs12_file, sign, verify_document
from zorgid.orgdoc.errors import CertificateType, CertificateUnreadable, DocumentIncomplete, UraMismatch
from zorgid.orgdoc.key_errors import KeyMismatch, KeyUnreadable
from zorgid.pki.uzi.errors import UziExpired

from .factory import DS, OTHER_URA, O, document, ec_key, m_card, server_with_key, unsigned


def test_the_signature_has_the_agreed_shape(kit):
    root = etree.fromstring(kit.signed)
    signature = root[-1]
    assert signature.tag == f"{{{DS}}}Signature"
    algorithms = [e.get("Algorithm") for e in signature.iter() if e.get("Algorithm")]
    assert algorithms == [
        "http://www.w3.org/2001/10/xml-exc-c14n#", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "http://www.w3.org/2000/09/xmldsig#enveloped-signature", "http://www.w3.org/2001/10/xml-exc-c14n#",
        "http://www.w3.org/2001/04/xmlenc#sha256",
    ]
    assert signature.find("ds:SignedInfo/ds:Reference", O).get("URI") == ""
    assert len(signature.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", O)) == 1


@pytest.mark.parametrize("algorithm", ["rsa-sha384", "rsa-sha512", "rsa-pss-sha256", "rsa-pss-sha512"])
def test_stronger_rsa_algorithms_verify(kit, algorithm):
    signed = sign(unsigned(), kit.server.key, kit.server.certificate, algorithm=algorithm)
    verified = verify_document(signed, kit.store, kit.now)
    assert algorithm.split("-")[-1] in verified.signature_method


def test_an_ecdsa_key_signs_with_ecdsa_sha256(kit):
    key = ec_key()
    signed = sign(unsigned(), key, server_with_key(kit.ca, key))
    assert verify_document(signed, kit.store, kit.now).signature_method.endswith("ecdsa-sha256")


def test_the_chain_may_travel_in_keyinfo_and_is_only_a_hint(kit):
    signed = sign(unsigned(), kit.server.key, kit.server.certificate, kit.server.chain)
    root = etree.fromstring(signed)
    assert len(root.findall(".//ds:X509Certificate", O)) == 3
    assert verify_document(signed, kit.store, kit.now).signer.card_type == "S"


def test_pem_files_and_pkcs12_load(kit, tmp_path):
    files = kit.server.write(tmp_path / "server", "geheim123")
    pem = load_pem_files(files["certificaat"], files["sleutel"])
    assert pem.certificate == kit.server.certificate
    p12 = load_pkcs12_file(files["pkcs12"], "geheim123")
    assert p12.certificate == kit.server.certificate and len(p12.chain) == 2
    with pytest.raises(KeyUnreadable):
        load_pkcs12_file(files["pkcs12"], "fout")
    with pytest.raises(KeyUnreadable):
        load_pem_files(files["certificaat"], files["certificaat"])
    with pytest.raises(CertificateUnreadable):
        load_pem_files(files["sleutel"], files["sleutel"])
    with pytest.raises(KeyUnreadable):
        load_pkcs12_file(tmp_path / "bestaat-niet.p12", "x")


def test_signing_refuses_what_the_server_would_refuse(kit):
    with pytest.raises(DocumentIncomplete):
        sign(build(document(tb_phone="")), kit.server.key, kit.server.certificate)
    with pytest.raises(KeyMismatch):
        sign(unsigned(), rsa.generate_private_key(public_exponent=65537, key_size=2048), kit.server.certificate)
    key, card = m_card(kit.ca)
    with pytest.raises(CertificateType):
        sign(unsigned(), key, card)
    with pytest.raises(UraMismatch):
        sign(unsigned(ura=OTHER_URA), kit.server.key, kit.server.certificate)
    expired = kit.ca.issue_server_certificate("90000382", "oud.zorg.example", expired=True)
    with pytest.raises(UziExpired):
        sign(unsigned(), expired.key, expired.certificate)


def test_an_unknown_algorithm_is_a_programming_error(kit):
    with pytest.raises(ValueError):
        sign(unsigned(), kit.server.key, kit.server.certificate, algorithm="rsa-md5")


def test_signing_at_a_past_moment_is_possible_for_tests_only(kit):
    expired = kit.ca.issue_server_certificate("90000382", "oud.zorg.example", expired=True)
    during = expired.certificate.not_valid_before_utc + dt.timedelta(days=1)
    assert sign(unsigned(), expired.key, expired.certificate, at=during).count(b"SignatureValue") == 2
