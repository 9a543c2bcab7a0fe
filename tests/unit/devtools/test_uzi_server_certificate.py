"""UZI server certificates (card type S) from the test UZI CA, and the files ``zorgid dev uzi-server-cert``
writes."""

import stat

import pytest
from asn1crypto import core
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .tokens import dev_cli


class PermanentIdentifier(core.Sequence):
    _fields = [("value", core.UTF8String, {"optional": True}), ("assigner", core.ObjectIdentifier, {"optional": True})]


def san_values(cert):
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    other = {name.type_id.dotted_string: name.value for name in san.get_values_for_type(x509.OtherName)}
    return san.get_values_for_type(x509.DNSName), other


def test_server_certificate_profile(uzi_ca):
    issued = uzi_ca.issue_server_certificate("90000382", "portaal.zorg.example", uzi_number="900099999",
                                             locality="Den Haag", province="Zuid-Holland")
    cert = issued.certificate
    dns, other = san_values(cert)
    assert dns == ["portaal.zorg.example"]
    assert core.IA5String.load(other["2.5.5.5"]).native == \
        "2.16.528.1.1007.99.2110-1-900099999-S-90000382-00.000-00000000"
    permanent = PermanentIdentifier.load(other["1.3.6.1.5.5.7.8.3"]).native
    assert permanent == {"value": "90000382", "assigner": "2.16.528.1.1007.3.3"}
    assert [(a.oid, a.value) for a in cert.subject] == [
        (NameOID.COUNTRY_NAME, "NL"), (NameOID.STATE_OR_PROVINCE_NAME, "Zuid-Holland"),
        (NameOID.LOCALITY_NAME, "Den Haag"), (NameOID.ORGANIZATION_NAME, "Zorginstelling 90000382"),
        (NameOID.SERIAL_NUMBER, "900099999"), (NameOID.COMMON_NAME, "portaal.zorg.example")]
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.key_encipherment
    assert not usage.value.content_commitment
    assert list(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value) == [
        ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
    policies = cert.extensions.get_extension_for_class(x509.CertificatePolicies).value
    assert [p.policy_identifier.dotted_string for p in policies] == ["2.16.528.1.1007.99.12"]
    cert.verify_directly_issued_by(uzi_ca.server.certificate)
    assert issued.key.public_key().public_numbers() == cert.public_key().public_numbers()


def test_a_plain_name_gets_no_dns_name_and_a_random_uzi_number(uzi_ca):
    cert = uzi_ca.issue_server_certificate("90000382", "Validatietool").certificate
    dns, other = san_values(cert)
    assert dns == []
    uzi = core.IA5String.load(other["2.5.5.5"]).native.split("-")[2]
    assert len(uzi) == 9 and uzi.isdigit()
    assert cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == uzi


@pytest.mark.parametrize(("ura", "name", "code"), [
    ("1234", "portaal.example", "ZID-DEV-URA"), ("90000382", "", "ZID-DEV-SERVER-NAME"),
])
def test_bad_input_is_refused(uzi_ca, ura, name, code):
    with pytest.raises(Exception, match=code):
        uzi_ca.issue_server_certificate(ura, name)


def test_cli_writes_pem_key_and_pkcs12(tmp_path, ca_dir):
    out = tmp_path / "server"
    result = dev_cli("uzi-server-cert", "--ura", "90000382", "--name", "portaal.zorg.example", "--out", str(out),
                     "--password", "geheim123", "--ca-dir", str(ca_dir))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["chain.pem", "server.cert.pem", "server.key.pem", "server.p12"]
    assert stat.S_IMODE((out / "server.key.pem").stat().st_mode) == 0o600
    cert = x509.load_pem_x509_certificate((out / "server.cert.pem").read_bytes())
    key = serialization.load_pem_private_key((out / "server.key.pem").read_bytes(), None)
    assert key.public_key().public_numbers() == cert.public_key().public_numbers()
    loaded = pkcs12.load_pkcs12((out / "server.p12").read_bytes(), b"geheim123")
    assert loaded.cert.certificate == cert and len(loaded.additional_certs) == 2
    assert str(ca_dir / "trust") in result.stdout


def test_cli_without_password_shows_a_random_one_and_never_overwrites(tmp_path, ca_dir):
    args = ("uzi-server-cert", "--ura", "90000382", "--name", "portaal.zorg.example", "--ca-dir", str(ca_dir))
    first = dev_cli(*args, home=tmp_path / "home")
    assert first.returncode == 0, first.stderr
    password = first.stdout.split("Wachtwoord van server.p12: ")[1].split()[0]
    p12 = tmp_path / "home" / "uzi-server" / "90000382" / "server.p12"
    assert pkcs12.load_pkcs12(p12.read_bytes(), password.encode()).key is not None
    again = dev_cli(*args, home=tmp_path / "home")
    assert again.returncode == 1 and "Fout ZID-DEV-FILE-EXISTS" in again.stderr
