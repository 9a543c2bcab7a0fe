"""Reading UZI attributes: the real test card exactly as its README states, and every malformed field."""

import dataclasses
import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from zorgid.pki.uzi import load_certificate, read_uzi_certificate
from zorgid.pki.uzi.errors import UziCertificateUnreadable, UziMalformed, UziNotUzi
from zorgid.pki.uzi.othername import PERMANENT_IDENTIFIER_OID, UZI_OTHER_NAME_OID, UziOtherName

from .conftest import vector
from .factory import LeafSpec, ia5, pem, permanent_identifier, utf8

JAN = {
    "uzi_number": "900016528", "card_type": "Z", "ura": "90000382", "role": "01.000", "role_name": "Arts",
    "agb": "00000000", "ca_oid": "2.16.528.1.1007.99.217", "version": "1", "given_name": "Jan",
    "surname": "test-90014548", "common_name": "Jan test-90014548", "organisation": "Tést Zorginstelling 03",
    "title": "Arts", "permanent_identifier": None,
    "not_valid_before": dt.datetime(2017, 7, 13, 11, 39, tzinfo=dt.UTC),
    "not_valid_after": dt.datetime(2020, 7, 12, 11, 39, tzinfo=dt.UTC),
}


@pytest.mark.parametrize(("name", "upn", "serial"), [
    ("jan-authenticiteit.cer", "900016528@90000382", "102EEAE84E94DB65"),
    ("jan-handtekening.cer", None, "324A7D0987255220"),
    ("jan-vertrouwelijkheid.cer", None, "351D7F25467EA44A"),
])
def test_the_real_jan_certificates_read_to_the_values_of_their_readme(name, upn, serial):
    attributes = read_uzi_certificate(load_certificate(vector(name)))
    read = dataclasses.asdict(attributes)
    for moment in ("not_valid_before", "not_valid_after"):
        read[moment] = read[moment].replace(second=0)
    assert read == {**JAN, "upn": upn, "serial_number": serial}


def test_pem_and_der_read_the_same():
    cert = load_certificate(vector("jan-authenticiteit.cer"))
    again = load_certificate(cert.public_bytes(serialization.Encoding.DER))
    assert read_uzi_certificate(again) == read_uzi_certificate(cert)


@pytest.mark.parametrize(("data", "detail"), [
    (b"", "no certificate data"),
    (b"not a certificate", "not a PEM or DER"),
    (b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "not a PEM or DER"),
    (b"0" * (64 * 1024 + 1), "larger than"),
])
def test_unreadable_data_is_refused(data, detail):
    with pytest.raises(UziCertificateUnreadable, match=detail):
        load_certificate(data)


def test_a_chain_is_not_one_certificate():
    with pytest.raises(UziCertificateUnreadable, match="found 3"):
        load_certificate(vector("test-private-server-ca-chain-g1.pem"))


def test_the_other_name_value_round_trips():
    text = "2.16.528.1.1007.99.217-1-900016528-Z-90000382-01.000-00000000"
    value = UziOtherName(*text.split("-"))
    assert str(value) == text and value.uzi_number == "900016528"


SPEC = LeafSpec()
TEXT = SPEC.other_name_text


@pytest.mark.parametrize(("change", "detail"), [
    ({"other_name": ia5(TEXT.rsplit("-", 1)[0])}, "has 6 fields, expected 7"),
    ({"other_name": ia5(TEXT + "-00000000")}, "has 8 fields, expected 7"),
    ({"other_name": utf8(TEXT)}, "not a DER IA5String"),
    ({"uzi_number": "90000001"}, "uzi_number '90000001'"),
    ({"uzi_number": "9000000011"}, "uzi_number"),
    ({"ura": "9000000A"}, "ura '9000000A'"),
    ({"ura": "9000001"}, "ura"),
    ({"agb": "1234567"}, "agb"),
    ({"card_type": "X"}, "card_type 'X'"),
    ({"card_type": "z"}, "card_type"),
    ({"role": "1.015"}, "NN.NNN"),
    ({"role": "01015"}, "NN.NNN"),
    ({"role": "00.000"}, "a Z card carries a beroep"),
    ({"card_type": "N", "role": "01.015"}, "card type N carries 00.000"),
    ({"version": "2"}, "version '2'"),
    ({"ca_oid": "2.16.528.x"}, "ca_oid"),
    ({"ca_oid": ""}, "ca_oid"),
    ({"subject_serial": "900000002"}, "serialNumber '900000002' differs"),
    ({"given_name": None}, "givenName is missing"),
    ({"card_type": "N", "role": "00.000", "surname": None}, "surname is missing"),
    ({"upn": "900000001@12345678"}, "UPN"),
    ({"extra_other_names": (x509.OtherName(UZI_OTHER_NAME_OID, ia5(TEXT)),)}, "2 2.5.5.5 otherNames"),
    ({"extra_other_names": (x509.OtherName(PERMANENT_IDENTIFIER_OID, permanent_identifier("12345678")),)},
     "permanentIdentifier"),
    ({"extra_other_names": (x509.OtherName(PERMANENT_IDENTIFIER_OID, permanent_identifier("90000001", "1.2.3")),)},
     "permanentIdentifier"),
])
def test_a_malformed_field_is_refused_naming_it(hierarchy, change, detail):
    cert = hierarchy.leaf(dataclasses.replace(SPEC, **change))
    with pytest.raises(UziMalformed, match=detail.replace("(", r"\(")) as refused:
        read_uzi_certificate(cert)
    assert refused.value.code == "ZID-UZI-MALFORMED"


@pytest.mark.parametrize(("change", "detail"), [
    ({"with_uzi_other_name": False}, "no otherName 2.5.5.5"),
    ({"with_uzi_other_name": False, "upn": None}, "no subjectAltName"),
])
def test_a_certificate_without_the_uzi_other_name_is_not_uzi(hierarchy, change, detail):
    with pytest.raises(UziNotUzi, match=detail) as refused:
        read_uzi_certificate(hierarchy.leaf(dataclasses.replace(SPEC, **change)))
    assert refused.value.code == "ZID-UZI-NOT-UZI"


def test_an_employee_card_not_on_name_reads_without_person_names(hierarchy):
    spec = dataclasses.replace(SPEC, card_type="M", role="00.000", given_name=None, surname=None, title=None,
                               common_name="Baliemedewerker")
    attributes = read_uzi_certificate(hierarchy.leaf(spec))
    assert (attributes.card_type, attributes.role, attributes.role_name) == ("M", "00.000",
                                                                            "Geen beroep (medewerker of server)")
    assert attributes.given_name is None and attributes.common_name == "Baliemedewerker"


def test_a_server_certificate_reads_its_permanent_identifier(hierarchy):
    spec = dataclasses.replace(
        SPEC, card_type="S", role="00.000", given_name=None, surname=None, title=None, upn=None,
        common_name="zorg.example.nl", ca_oid="2.16.528.1.1007.99.2110",
        extra_other_names=(x509.OtherName(PERMANENT_IDENTIFIER_OID, permanent_identifier("90000001")),))
    attributes = read_uzi_certificate(hierarchy.leaf(spec))
    assert attributes.permanent_identifier == "90000001" and attributes.card_type == "S"


def test_a_pem_file_of_a_self_made_certificate_loads(hierarchy):
    cert = hierarchy.leaf()
    assert load_certificate(pem(cert)) == cert
