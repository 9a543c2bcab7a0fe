"""The test UZI CA: its hierarchy, and card certificates in the UZI profile as the CPS and the real test card
(tests/vectors/uzi/jan-*.cer) have them. Certificates are parsed here with cryptography and asn1crypto,
independently of the code that made them."""

import datetime as dt
import stat
import subprocess
import sys

import pytest
from asn1crypto import core
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509 import verification
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from zorgid.devtools.test_uzi_ca import CARD_CA_NAME, ROOT_NAME, SERVER_CA_NAME, ensure_test_uzi_ca
from zorgid.devtools.uzi_profile import CardHolder, CertificateKind

UZI_OTHER_NAME = x509.ObjectIdentifier("2.5.5.5")
UPN = x509.ObjectIdentifier("1.3.6.1.4.1.311.20.2.3")
DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.4.1.311.10.3.12")
EFS = x509.ObjectIdentifier("1.3.6.1.4.1.311.10.3.4")


def other_names(cert) -> dict[str, str]:
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    found = {}
    for name in san.get_values_for_type(x509.OtherName):
        if name.type_id == UZI_OTHER_NAME:
            found["uzi"] = core.IA5String.load(name.value).native
        elif name.type_id == UPN:
            found["upn"] = core.UTF8String.load(name.value).native
    return found


def ext(cert, kind):
    return cert.extensions.get_extension_for_class(kind)


def key_usages(cert) -> set[str]:
    usage = ext(cert, x509.KeyUsage).value
    names = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment", "key_agreement",
             "key_cert_sign", "crl_sign")
    return {name for name in names if getattr(usage, name)}


def issue(uzi_ca, holder, kind, **options):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return uzi_ca.issue_card_certificate(holder, kind, key.public_key(), **options)


def verify_chain(uzi_ca, cert, at=None):
    verifier = (
        verification.PolicyBuilder().store(verification.Store([uzi_ca.root.certificate]))
        .time(at or dt.datetime.now(dt.UTC))
        .extension_policies(ca_policy=verification.ExtensionPolicy.webpki_defaults_ca(),
                            ee_policy=verification.ExtensionPolicy.permit_all())
        .build_client_verifier()
    )
    return verifier.verify(cert, [uzi_ca.cards.certificate, uzi_ca.server.certificate]).chain


JAN = CardHolder("Z", "Jan de Vries", "900016528", "90000382", organisation="Tést Zorginstelling 03")


def test_the_ca_is_made_once_with_a_trust_dir_and_owner_only_keys(uzi_ca, ca_dir):
    again = ensure_test_uzi_ca(ca_dir)
    assert again.root.certificate == uzi_ca.root.certificate
    assert sorted(p.name for p in uzi_ca.trust_dir.iterdir()) == ["root.pem", "server-ca.pem", "zorgverlener-ca.pem"]
    assert stat.S_IMODE(ca_dir.stat().st_mode) == 0o700
    for key in (ca_dir / "private").iterdir():
        assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_two_processes_making_the_ca_at_once_get_the_same_ca(tmp_path):
    code = ("import sys; from pathlib import Path; from zorgid.devtools.test_uzi_ca import ensure_test_uzi_ca;"
            "print(ensure_test_uzi_ca(Path(sys.argv[1])).root.certificate.serial_number)")
    runs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "ca")], stdout=subprocess.PIPE, text=True)
            for _ in range(3)]
    serials = {run.communicate(timeout=60)[0].strip() for run in runs}
    assert len(serials) == 1 and serials != {""}


def test_ca_certificates_pass_the_web_pki_ca_checks(uzi_ca):
    root, cards, server = uzi_ca.root.certificate, uzi_ca.cards.certificate, uzi_ca.server.certificate
    assert root.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == ROOT_NAME
    assert cards.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == CARD_CA_NAME
    assert server.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == SERVER_CA_NAME
    for cert in (root, cards, server):
        assert ext(cert, x509.BasicConstraints).critical and ext(cert, x509.BasicConstraints).value.ca
        assert ext(cert, x509.KeyUsage).critical and key_usages(cert) == {"key_cert_sign", "crl_sign"}
        assert ext(cert, x509.SubjectKeyIdentifier)
        assert cert.public_key().key_size == 2048
    for cert in (cards, server):
        assert ext(cert, x509.BasicConstraints).value.path_length == 0
        assert ext(cert, x509.AuthorityKeyIdentifier).value.key_identifier == \
            ext(root, x509.SubjectKeyIdentifier).value.digest
        cert.verify_directly_issued_by(root)


def test_authentication_certificate_is_in_the_uzi_profile(uzi_ca):
    cert = issue(uzi_ca, JAN, CertificateKind.AUTHENTICATION)
    assert other_names(cert) == {
        "uzi": "2.16.528.1.1007.99.217-1-900016528-Z-90000382-01.015-00000000",
        "upn": "900016528@90000382",
    }
    policies = ext(cert, x509.CertificatePolicies).value
    assert [p.policy_identifier.dotted_string for p in policies] == ["2.16.528.1.1007.99.211"]
    assert key_usages(cert) == {"digital_signature"} and ext(cert, x509.KeyUsage).critical
    assert list(ext(cert, x509.ExtendedKeyUsage).value) == [
        ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING]
    constraints = ext(cert, x509.BasicConstraints)
    assert constraints.critical and not constraints.value.ca
    assert verify_chain(uzi_ca, cert)[-1] == uzi_ca.root.certificate


def test_extensions_and_subject_are_in_the_real_cards_order(uzi_ca):
    cert = issue(uzi_ca, JAN, CertificateKind.AUTHENTICATION)
    assert [e.oid._name for e in cert.extensions] == [
        "subjectAltName", "subjectKeyIdentifier", "basicConstraints", "authorityKeyIdentifier",
        "certificatePolicies", "keyUsage", "extendedKeyUsage"]
    assert [(a.oid, a.value) for a in cert.subject] == [
        (NameOID.COUNTRY_NAME, "NL"), (NameOID.ORGANIZATION_NAME, "Tést Zorginstelling 03"), (NameOID.TITLE, "Arts"),
        (NameOID.SURNAME, "de Vries"), (NameOID.GIVEN_NAME, "Jan"), (NameOID.SERIAL_NUMBER, "900016528"),
        (NameOID.COMMON_NAME, "Jan de Vries")]


def test_signature_and_confidentiality_certificates(uzi_ca):
    signature = issue(uzi_ca, JAN, CertificateKind.SIGNATURE)
    assert other_names(signature) == {"uzi": "2.16.528.1.1007.99.217-1-900016528-Z-90000382-01.015-00000000"}
    assert key_usages(signature) == {"content_commitment"}
    assert [p.policy_identifier.dotted_string for p in ext(signature, x509.CertificatePolicies).value] == [
        "2.16.528.1.1007.99.212"]
    confidentiality = issue(uzi_ca, JAN, CertificateKind.CONFIDENTIALITY)
    assert "upn" not in other_names(confidentiality)
    assert key_usages(confidentiality) == {"key_encipherment", "data_encipherment"}
    assert list(ext(confidentiality, x509.ExtendedKeyUsage).value) == [ExtendedKeyUsageOID.EMAIL_PROTECTION, EFS]
    assert [p.policy_identifier.dotted_string for p in ext(confidentiality, x509.CertificatePolicies).value] == [
        "2.16.528.1.1007.99.213"]


def test_card_types_n_and_m(uzi_ca):
    named = issue(uzi_ca, CardHolder("N", "Els Bakker", "900000001", "90000382"), CertificateKind.AUTHENTICATION)
    assert other_names(named)["uzi"].endswith("-N-90000382-00.000-00000000")
    assert not named.subject.get_attributes_for_oid(NameOID.TITLE)
    assert named.subject.get_attributes_for_oid(NameOID.GIVEN_NAME)[0].value == "Els"
    unnamed_holder = CardHolder("M", "Baliemedewerker", "900000002", "90000382", agb="12345678")
    unnamed = issue(uzi_ca, unnamed_holder, CertificateKind.AUTHENTICATION)
    assert other_names(unnamed)["uzi"].endswith("-M-90000382-00.000-12345678")
    assert [a.oid for a in unnamed.subject] == [NameOID.COUNTRY_NAME, NameOID.ORGANIZATION_NAME,
                                                NameOID.SERIAL_NUMBER, NameOID.COMMON_NAME]
    with pytest.raises(Exception, match="ZID-DEV-CARD-TYPE"):
        issue(uzi_ca, unnamed_holder, CertificateKind.SIGNATURE)  # M cards have no signature certificate


def test_title_follows_the_role(uzi_ca):
    holder = CardHolder("Z", "Piet Pil", "900000003", "90000382", role="17.075")
    assert holder.title == "Apotheker"
    cert = issue(uzi_ca, holder, CertificateKind.AUTHENTICATION)
    assert cert.subject.get_attributes_for_oid(NameOID.TITLE)[0].value == "Apotheker"


def test_validity_is_three_years_or_already_over(uzi_ca):
    cert = issue(uzi_ca, JAN, CertificateKind.AUTHENTICATION)
    now = dt.datetime.now(dt.UTC)  # not at import: the suite runs for minutes, the certificates start 5 min back
    assert cert.not_valid_before_utc <= now < cert.not_valid_after_utc
    assert (cert.not_valid_after_utc - cert.not_valid_before_utc).days == 3 * 365
    expired = issue(uzi_ca, JAN, CertificateKind.AUTHENTICATION, expired=True)
    assert expired.not_valid_after_utc < now
    # the CA was valid during the expired card's validity, so it fails only for being expired
    assert verify_chain(uzi_ca, expired, at=expired.not_valid_after_utc - dt.timedelta(days=1))
    short = issue(uzi_ca, JAN, CertificateKind.AUTHENTICATION, validity=dt.timedelta(days=1))
    assert (short.not_valid_after_utc - short.not_valid_before_utc) == dt.timedelta(days=1)


def test_crl_distribution_point_only_when_asked(uzi_ca):
    cert = issue(uzi_ca, JAN, CertificateKind.AUTHENTICATION, crl_url="http://127.0.0.1:8000/crl/cards.crl")
    point = ext(cert, x509.CRLDistributionPoints).value[0]
    assert point.full_name[0].value == "http://127.0.0.1:8000/crl/cards.crl"


def test_crl_lists_the_revoked_serials(uzi_ca):
    revoked = issue(uzi_ca, JAN, CertificateKind.AUTHENTICATION)
    kept = issue(uzi_ca, JAN, CertificateKind.SIGNATURE)
    crl = uzi_ca.issue_crl([revoked, 12345])
    assert crl.issuer == uzi_ca.cards.certificate.subject
    assert crl.is_signature_valid(uzi_ca.cards.certificate.public_key())
    assert crl.get_revoked_certificate_by_serial_number(revoked.serial_number) is not None
    assert crl.get_revoked_certificate_by_serial_number(12345) is not None
    assert crl.get_revoked_certificate_by_serial_number(kept.serial_number) is None
    assert crl.next_update_utc - crl.last_update_utc == dt.timedelta(hours=48)
    assert crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number > 0


def test_crl_times_and_issuer_can_be_chosen(uzi_ca):
    this_update = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    crl = uzi_ca.issue_crl([7], issuer="server", this_update=this_update,
                           next_update=this_update + dt.timedelta(hours=1))
    assert crl.issuer == uzi_ca.server.certificate.subject
    assert crl.last_update_utc == this_update and crl.next_update_utc == this_update + dt.timedelta(hours=1)
    with pytest.raises(ValueError):
        uzi_ca.issue_crl([], issuer="nobody")


@pytest.mark.parametrize(("fields", "code"), [
    ({"card_type": "X"}, "ZID-DEV-CARD-TYPE"),
    ({"uzi_number": "12345678"}, "ZID-DEV-UZI-NUMBER"),
    ({"uzi_number": "12345678a"}, "ZID-DEV-UZI-NUMBER"),
    ({"ura": "9000038"}, "ZID-DEV-URA"),
    ({"agb": "1234"}, "ZID-DEV-AGB"),
    ({"role": "1.015"}, "ZID-DEV-ROLE"),
    ({"role": "00.000"}, "ZID-DEV-ROLE"),
    ({"role": "55.000"}, "ZID-DEV-ROLE"),
    ({"name": "Jan"}, "ZID-DEV-NAME"),
    ({"name": "x" * 65}, "ZID-DEV-NAME"),
    ({"name": "Jan\nde Vries"}, "ZID-DEV-NAME"),
    ({"organisation": " "}, "ZID-DEV-ORGANISATION"),
    ({"card_type": "N", "role": "01.015"}, "ZID-DEV-ROLE"),
    ({"card_type": "M", "given_name": "Jan"}, "ZID-DEV-NAME"),
])
def test_card_holder_refuses_bad_input_with_its_code(fields, code):
    values = {"card_type": "Z", "name": "Jan de Vries", "uzi_number": "900016528", "ura": "90000382", **fields}
    with pytest.raises(Exception, match=code):
        CardHolder(**values)


def test_given_name_and_surname_can_be_given():
    holder = CardHolder("Z", "Anne Marie de Vries", "900016528", "90000382", given_name="Anne Marie",
                        surname="de Vries")
    assert (holder.given_name, holder.surname) == ("Anne Marie", "de Vries")
