"""The smartcard CA and the ZORG-ID Smartcard certificate profile (docs/uzi.md "ZORG-ID Smartcard"): read back with
the UZI reader as a UZI-pas is, the chain verified with cryptography's verifier, shown by openssl, the CA made once
next to the Mobile ID CA, the certificates' status on the smartcard CA's own CRL and OCSP."""

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509 import ocsp as x509_ocsp
from cryptography.x509 import verification
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from typer.testing import CliRunner

from zorgid import clock
from zorgid.devtools import uzi_profile
from zorgid.pki import certificate_status, ocsp
from zorgid.pki.ca import ensure_ca
from zorgid.pki.errors import SmartcardHolderInvalid, SmartcardKeyNotAllowed
from zorgid.pki.smartcard_ca import CERT_FILE, KEY_FILE, SMARTCARD_CA, ensure_smartcard_ca, get_smartcard_ca
from zorgid.pki.smartcard_profile import (
    AUTHENTICATION,
    ENCRYPTION,
    SIGNING,
    SMARTCARD_POLICIES,
    SmartcardHolder,
    smartcard_certificates,
    smartcard_number,
)
from zorgid.pki.uzi import read_uzi_certificate
from zorgid.pki.uzi.cli import uzi_app
from zorgid.pki.uzi.othername import ZORGID_SMARTCARD_CA_OIDS, is_zorgid_smartcard
from zorgid.protocol.card_keys import CARD_KEY_ROLES

ROLES = (AUTHENTICATION, SIGNING, ENCRYPTION)
UZI_KIND = {AUTHENTICATION: uzi_profile.CertificateKind.AUTHENTICATION,
            SIGNING: uzi_profile.CertificateKind.SIGNATURE,
            ENCRYPTION: uzi_profile.CertificateKind.CONFIDENTIALITY}
BASE_URL = "https://zorgid.example"


@pytest.fixture(scope="module")
def card_keys():
    """The card's three key pairs (on a real card they never leave it; here only the public halves are used)."""
    return {role: rsa.generate_private_key(public_exponent=65537, key_size=2048) for role in CARD_KEY_ROLES}


@pytest.fixture
def ca(tmp_path):
    return ensure_smartcard_ca(tmp_path / "ca", "acceptatie")[0]


def holder(**changes) -> SmartcardHolder:
    values = {"card_number": smartcard_number(17), "given_name": "Anna", "surname": "de Boer", "ura": "90000382",
              "organisation": "Zorginstelling De Linde", "card_type": "N"} | changes
    return SmartcardHolder(**values)


def issue(ca, keys, who=None, days=3 * 365, base_url=BASE_URL):
    public = {role: key.public_key() for role, key in keys.items()}
    return smartcard_certificates(public, holder=who or holder(), start=clock.now() - dt.timedelta(minutes=5),
                                  days=days, base_url=base_url, ca=ca)


def test_three_certificates_read_back_with_the_uzi_reader_as_a_uzi_pas(ca, card_keys):
    certificates = issue(ca, card_keys)
    assert set(certificates) == set(ROLES)
    for role, cert in certificates.items():
        read = read_uzi_certificate(cert)
        assert (read.uzi_number, read.card_type, read.ura, read.role, read.agb, read.version) == (
            "980000017", "N", "90000382", "00.000", "00000000", "1")
        assert read.ca_oid == ZORGID_SMARTCARD_CA_OIDS["acceptatie"] and is_zorgid_smartcard(read.ca_oid)
        assert (read.given_name, read.surname, read.common_name, read.organisation) == (
            "Anna", "de Boer", "Anna de Boer", "Zorginstelling De Linde")
        assert read.upn == ("980000017@90000382" if role == AUTHENTICATION else None)
        assert cert.public_key().public_numbers() == card_keys[role].public_key().public_numbers()
        assert cert.issuer == ca.issuing.subject
        policies = cert.extensions.get_extension_for_class(x509.CertificatePolicies).value
        assert [p.policy_identifier.dotted_string for p in policies] == [SMARTCARD_POLICIES[role]]
    assert len({c.serial_number for c in certificates.values()}) == 3


def test_a_z_card_carries_its_profession_as_a_uzi_pas_does(ca, card_keys):
    cert = issue(ca, card_keys, holder(card_type="Z", role="01.015", agb="01234567"))[SIGNING]
    read = read_uzi_certificate(cert)
    assert (read.card_type, read.role, read.agb, read.title, read.role_name) == (
        "Z", "01.015", "01234567", "Arts", read.role_name)
    assert [a.oid for a in cert.subject] == [NameOID.COUNTRY_NAME, NameOID.ORGANIZATION_NAME, NameOID.TITLE,
                                             NameOID.SURNAME, NameOID.GIVEN_NAME, NameOID.SERIAL_NUMBER,
                                             NameOID.COMMON_NAME]


def test_key_usages_and_extended_key_usages_are_those_of_the_uzi_pas_of_the_same_kind(ca, card_keys):
    """Compared with the test UZI-pas's certificates (zorgid.devtools.uzi_profile), kind by kind."""
    certificates = issue(ca, card_keys)
    uzi_holder = uzi_profile.CardHolder("N", "Anna de Boer", "900016528", "90000382")
    signer = ec.generate_private_key(ec.SECP256R1())
    window = (clock.now(), clock.now() + dt.timedelta(days=1))
    for role, cert in certificates.items():
        uzi_cert = uzi_profile.card_builder(uzi_holder, UZI_KIND[role], card_keys[role].public_key(), ca.issuing,
                                            window).sign(signer, hashes.SHA256())
        for kind in (x509.KeyUsage, x509.ExtendedKeyUsage, x509.BasicConstraints):
            ours, theirs = (c.extensions.get_extension_for_class(kind) for c in (cert, uzi_cert))
            assert (ours.value, ours.critical) == (theirs.value, theirs.critical), (role, kind)
        assert [a.oid for a in cert.subject] == [a.oid for a in uzi_cert.subject]
    usage = {role: cert.extensions.get_extension_for_class(x509.KeyUsage).value for role, cert in certificates.items()}
    assert usage[AUTHENTICATION].digital_signature and not usage[AUTHENTICATION].content_commitment
    assert usage[SIGNING].content_commitment and not usage[SIGNING].digital_signature
    assert usage[ENCRYPTION].key_encipherment and usage[ENCRYPTION].data_encipherment
    assert ExtendedKeyUsageOID.CLIENT_AUTH in certificates[AUTHENTICATION].extensions.get_extension_for_class(
        x509.ExtendedKeyUsage).value


def test_every_certificate_names_the_smartcard_cas_crl_and_the_ocsp_address(ca, card_keys):
    for cert in issue(ca, card_keys).values():
        points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
        assert points[0].full_name[0].value == f"{BASE_URL}/pki/crl/smartcard.crl"
        access = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
        assert access[0].access_location.value == f"{BASE_URL}/pki/ocsp"


def test_the_chain_verifies_to_the_root_with_cryptographys_verifier(ca, card_keys):
    certificates = issue(ca, card_keys)
    store = verification.Store([ca.root])
    client = verification.PolicyBuilder().store(store).time(clock.now()).build_client_verifier()
    result = client.verify(certificates[AUTHENTICATION], [ca.issuing])
    assert result.chain == [certificates[AUTHENTICATION], ca.issuing, ca.root]
    # signing and encryption are no client certificates: the same chain, with their own key usages allowed
    any_usage = (verification.PolicyBuilder().store(store).time(clock.now()).extension_policies(
        ca_policy=verification.ExtensionPolicy.webpki_defaults_ca(),
        ee_policy=verification.ExtensionPolicy.permit_all()).build_client_verifier())
    for role in (SIGNING, ENCRYPTION):
        with pytest.raises(verification.VerificationError):
            client.verify(certificates[role], [ca.issuing])  # no clientAuth: not a login certificate
        assert any_usage.verify(certificates[role], [ca.issuing]).chain[-1] == ca.root


def test_openssl_shows_the_other_name_the_upn_and_the_key_usages(ca, card_keys, tmp_path):
    shown = {}
    for role, cert in issue(ca, card_keys).items():
        path = tmp_path / f"{role}.pem"
        path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        shown[role] = subprocess.run(["openssl", "x509", "-in", str(path), "-noout", "-text"], check=True,
                                     capture_output=True, text=True).stdout
    other_name = f"{ZORGID_SMARTCARD_CA_OIDS['acceptatie']}-1-980000017-N-90000382-00.000-00000000"
    for role, text in shown.items():
        assert f"othername: 2.5.5.5::{other_name}" in text, text
        assert "X509v3 Key Usage: critical" in text
        assert "Subject: C = NL, O = Zorginstelling De Linde, SN = de Boer, GN = Anna, serialNumber = 980000017, " \
               "CN = Anna de Boer" in text
    assert "othername: UPN::980000017@90000382" in shown[AUTHENTICATION]
    assert "Digital Signature" in shown[AUTHENTICATION] and "TLS Web Client Authentication" in shown[AUTHENTICATION]
    assert "Non Repudiation" in shown[SIGNING] and "Digital Signature" not in shown[SIGNING]
    assert "Key Encipherment, Data Encipherment" in shown[ENCRYPTION]
    assert "Public-Key: (2048 bit)" in shown[ENCRYPTION]


def test_zorgid_uzi_show_names_a_zorgid_smartcard(ca, card_keys, tmp_path):
    path = tmp_path / "auth.cer"
    path.write_bytes(issue(ca, card_keys)[AUTHENTICATION].public_bytes(serialization.Encoding.DER))
    result = CliRunner().invoke(uzi_app, ["show", str(path)])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["card"] == "ZORG-ID Smartcard" and list(shown)[-1] == "card"
    assert (shown["uzi_number"], shown["card_type"], shown["ura"], shown["upn"]) == (
        "980000017", "N", "90000382", "980000017@90000382")


@pytest.mark.parametrize("changes", [
    {"card_number": "900016528"}, {"card_number": "98000001"}, {"card_number": 980000017}, {"card_type": "M"},
    {"card_type": "S"}, {"ura": "9000038"}, {"agb": "x"}, {"card_type": "Z"}, {"role": "01.015"},
    {"card_type": "Z", "role": "00.000"}, {"given_name": ""}, {"surname": "a\x00b"}, {"organisation": "O" * 65},
    {"environment": "test"},
])
def test_bad_holder_data_is_refused_with_a_code(changes):
    with pytest.raises(SmartcardHolderInvalid) as refused:
        holder(**changes)
    assert refused.value.code == "ZID-SMARTCARD-HOLDER"


def test_keys_other_than_three_distinct_rsa_2048_keys_are_refused(ca, card_keys):
    public = {role: key.public_key() for role, key in card_keys.items()}
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    cases = [
        {k: v for k, v in public.items() if k != ENCRYPTION},
        public | {"other": public[SIGNING]},
        public | {SIGNING: ec.generate_private_key(ec.SECP256R1()).public_key()},
        public | {SIGNING: small},
        public | {SIGNING: public[AUTHENTICATION]},
        [public[AUTHENTICATION]],
    ]
    for keys in cases:
        with pytest.raises(SmartcardKeyNotAllowed) as refused:
            smartcard_certificates(keys, holder=holder(), start=clock.now(), days=30, base_url=BASE_URL, ca=ca)
        assert refused.value.code == "ZID-SMARTCARD-KEY"
    with pytest.raises(ValueError):
        issue(ca, card_keys, days=0)


def test_the_smartcard_ca_is_made_once_under_the_root_with_owner_only_files(tmp_path):
    directory = tmp_path / "ca"
    first, created = ensure_smartcard_ca(directory, "acceptatie")
    again, created_again = ensure_smartcard_ca(directory, "acceptatie")
    assert created and not created_again
    assert first.issuing == again.issuing and first.root == again.root
    assert first.issuing.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == \
        "zorgid acceptatie Smartcard CA"
    first.issuing.verify_directly_issued_by(first.root)
    constraints = first.issuing.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert constraints.ca and constraints.path_length == 0
    for name in (CERT_FILE, KEY_FILE):
        assert (directory / name).stat().st_mode & 0o777 == 0o600
    mobile = ensure_ca(directory, "acceptatie")[0]
    assert mobile.root == first.root and mobile.issuing != first.issuing


def files(directory):
    """The CA files, as they are (the lock file, which every start opens, left out)."""
    return {path.name: (path.read_bytes(), path.stat().st_mtime_ns) for path in directory.iterdir()
            if path.name != ".lock"}


def test_an_installation_made_before_gets_a_smartcard_ca_without_its_mobile_id_ca_changing(tmp_path):
    directory = tmp_path / "ca"
    mobile, _ = ensure_ca(directory, "acceptatie")
    before = files(directory)
    smartcard, created = ensure_smartcard_ca(directory, "acceptatie")
    assert created
    after = files(directory)
    assert {name: after[name] for name in before} == before
    assert set(after) - set(before) == {CERT_FILE, KEY_FILE}
    assert smartcard.root == mobile.root
    smartcard.issuing.verify_directly_issued_by(mobile.root)


def test_an_interrupted_creation_keeps_its_key_and_finishes(tmp_path):
    directory = tmp_path / "ca"
    smartcard, _ = ensure_smartcard_ca(directory, "acceptatie")
    (directory / CERT_FILE).unlink()
    again, created = ensure_smartcard_ca(directory, "acceptatie")
    assert created and again.issuing.public_key() == smartcard.issuing.public_key()


_PROCESS = """
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "zorgid.settings"
django.setup()
from zorgid.pki.smartcard_ca import get_smartcard_ca
ca = get_smartcard_ca()
assert get_smartcard_ca() is ca  # once per process
print(ca.issuing.fingerprint(__import__("cryptography.hazmat.primitives.hashes").hazmat.primitives.hashes.SHA256()).hex())
"""


def test_the_installations_smartcard_ca_survives_a_restart(tmp_path):
    env = os.environ | {"ZORGID_HOME": str(tmp_path / "home"), "ZORGID_ENVIRONMENT": "acceptatie"}
    env.pop("DATABASE_URL", None)
    runs = [subprocess.run([sys.executable, "-c", _PROCESS], env=env, check=True, capture_output=True, text=True)
            for _ in range(2)]
    assert runs[0].stdout == runs[1].stdout and len(runs[0].stdout.strip()) == 64
    on_disk = x509.load_pem_x509_certificate((tmp_path / "home" / "ca" / CERT_FILE).read_bytes())
    assert on_disk.fingerprint(hashes.SHA256()).hex() == runs[0].stdout.strip()


@pytest.mark.django_db
def test_the_installations_certificates_have_their_status_on_the_smartcard_cas_crl_and_in_ocsp(card_keys):
    ca = get_smartcard_ca()
    assert certificate_status.authority(SMARTCARD_CA)[0].issuing == ca.issuing
    certificates = smartcard_certificates({role: key.public_key() for role, key in card_keys.items()},
                                          holder=holder(), start=clock.now() - dt.timedelta(minutes=5), days=30)
    for cert in certificates.values():
        certificate_status.record_issued(SMARTCARD_CA, cert)
        assert cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value[0].full_name[0].value \
            .endswith("/pki/crl/smartcard.crl")
    revoked = certificates[SIGNING]
    certificate_status.revoke(SMARTCARD_CA, [format(revoked.serial_number, "x")], reason="keyCompromise")
    crl = x509.load_der_x509_crl(bytes(certificate_status.current_crl(SMARTCARD_CA).der))
    assert crl.issuer == ca.issuing.subject and crl.is_signature_valid(ca.issuing.public_key())
    assert [entry.serial_number for entry in crl] == [revoked.serial_number]
    for role, cert in certificates.items():
        request = x509_ocsp.OCSPRequestBuilder().add_certificate(cert, ca.issuing, hashes.SHA256()).build()
        answer = x509_ocsp.load_der_ocsp_response(ocsp.respond(request.public_bytes(serialization.Encoding.DER)))
        expected = x509_ocsp.OCSPCertStatus.REVOKED if role == SIGNING else x509_ocsp.OCSPCertStatus.GOOD
        assert answer.certificate_status == expected, role


@pytest.mark.django_db
def test_the_installations_issuing_refuses_a_holder_of_another_environment(card_keys, settings):
    with pytest.raises(SmartcardHolderInvalid):
        smartcard_certificates({role: key.public_key() for role, key in card_keys.items()},
                               holder=holder(environment="productie"), start=clock.now(), days=30)
