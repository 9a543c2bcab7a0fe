"""A ZORG-ID Smartcard made from a real SoftHSM2 blank card: the Desktop App personalises it
(clients.desktop.personalise), the server checks every proof of possession and the UZI-pas and issues the three
certificates from the smartcard CA (identities.smartcards), and the Desktop App writes them to the card."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from tests.unit.clients.desktop.cards import MODULE
from tests.unit.clients.desktop.test_personalise import CHALLENGE, NEW_PIN, call, inspect, make_blank, personalise
from zorgid import clock
from zorgid.administration.employees import set_blocked
from zorgid.audit.models import AuditEvent
from zorgid.identities.errors import (
    SmartcardKeysInvalid,
    SmartcardProofInvalid,
    SmartcardUziInvalid,
    SmartcardUziNotHis,
)
from zorgid.identities.models import Smartcard, SmartcardStatus
from zorgid.identities.smartcards import issue_smartcard, revoke_smartcard
from zorgid.organisations.models import Role
from zorgid.organisations.roles import add_operator, grant_role
from zorgid.pki import certificate_status
from zorgid.pki import ocsp as pki_ocsp
from zorgid.pki.models import CertificateStatus, IssuedCertificate
from zorgid.pki.smartcard_ca import SMARTCARD_CA, get_smartcard_ca
from zorgid.pki.uzi.attributes import read_uzi_certificate
from zorgid.protocol.card_keys import CARD_KEY_ROLES

pytestmark = pytest.mark.django_db


def _made(tmp_path_factory, name: str) -> tuple:
    conf, transport_pin, so_pin = make_blank(tmp_path_factory.mktemp(name))
    answer = personalise(conf, transport_pin, so_pin)
    assert "ok" in answer, answer
    return conf, answer["ok"]


@pytest.fixture(scope="module")
def card(tmp_path_factory):
    return _made(tmp_path_factory, "card")


@pytest.fixture(scope="module")
def second_card(tmp_path_factory):
    return _made(tmp_path_factory, "second")


def keys_of(made: dict) -> dict[str, tuple[bytes, bytes]]:
    return {key["role"]: (base64.b64decode(key["public_key"]), base64.b64decode(key["proof"])) for key in made["keys"]}


def uzi_pas(**changes) -> dict:
    now = clock.now()
    return {"uzi_number": "900016528", "card_type": "Z", "ura": "90000382", "role": "01.015", "agb": "00000000",
            "given_name": "Jan", "surname": "de Vries", "common_name": "Jan de Vries",
            "organisation": "Huisartsenpraktijk De Linde", "ca_oid": "2.16.528.1.1003.1.3.5.5.2",
            "not_valid_before": now - dt.timedelta(days=30), "not_valid_after": now + dt.timedelta(days=300),
            **changes}


@pytest.fixture
def jan(operator, linde):
    grant_role(operator.person, Role.MEDEWERKER, linde, actor="test")
    return operator.person


def issue(person, linde, made, **changes):
    arguments = {"challenge": CHALLENGE, "keys": keys_of(made), "uzi": uzi_pas(), "actor": "test",
                 "ip": "127.0.0.1", "label": made["label"], **changes}
    return issue_smartcard(person, linde, **arguments)


def status(serial: str) -> str:
    return IssuedCertificate.objects.get(ca=SMARTCARD_CA, serial=serial).status


def test_the_certificates_certify_the_cards_keys_and_read_as_uzi(jan, linde, card, settings):
    _, made = card
    issued = issue(jan, linde, made)
    smartcard = Smartcard.objects.get()
    assert issued.smartcard == smartcard and smartcard.status == SmartcardStatus.ACTIVE
    assert smartcard.card_number.startswith("98") and len(smartcard.card_number) == 9
    assert (smartcard.ura, smartcard.uzi_number, smartcard.label) == ("90000382", "900016528", made["label"])
    assert set(issued.certificates) == set(CARD_KEY_ROLES)
    ca = get_smartcard_ca()
    for role, (public_der, _) in keys_of(made).items():
        certificate = x509.load_der_x509_certificate(issued.certificates[role])
        assert certificate.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo) == public_der
        certificate.verify_directly_issued_by(ca.issuing)
        attributes = read_uzi_certificate(certificate)
        assert (attributes.uzi_number, attributes.ura, attributes.card_type, attributes.role) == (
            smartcard.card_number, "90000382", "Z", "01.015")
        assert (attributes.given_name, attributes.surname) == ("Jan Willem", "de Vries")
        assert status(certificate_status.serial_hex(certificate.serial_number)) == CertificateStatus.GOOD
    assert AuditEvent.objects.filter(event="smartcard.issued", subject=f"smartcard:{smartcard.id}").count() == 1


@pytest.mark.parametrize("case", ["another challenge", "swapped key", "equal keys", "missing role", "not rsa proof"])
def test_a_bad_proof_is_refused_and_nothing_is_written(jan, linde, card, case):
    _, made = card
    keys = keys_of(made)
    arguments: dict = {}
    expected = SmartcardProofInvalid
    if case == "another challenge":
        arguments["challenge"] = "another-challenge-0123456789abcdef"
    elif case == "swapped key":
        keys["signing"] = (keys["authentication"][0], keys["signing"][1])
    elif case == "equal keys":
        keys["signing"] = keys["authentication"]
        expected = SmartcardProofInvalid  # the proof was made for the authentication role
    elif case == "missing role":
        del keys["encryption"]
        expected = SmartcardKeysInvalid
    else:
        keys["encryption"] = (b"\x30\x03\x02\x01\x01", keys["encryption"][1])
        expected = SmartcardKeysInvalid
    with pytest.raises(expected):
        issue(jan, linde, made, keys=keys, **arguments)
    assert not Smartcard.objects.exists()
    assert not IssuedCertificate.objects.filter(ca=SMARTCARD_CA).exists()
    assert not AuditEvent.objects.filter(event="smartcard.issued").exists()


@pytest.mark.parametrize("changes, error", [
    ({"surname": "Jansen"}, SmartcardUziNotHis),
    ({"not_valid_after": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}, SmartcardUziInvalid),
    ({"ca_oid": "1.3.6.1.4.1.59999.1.1.2"}, None),
    ({}, None),
])
def test_the_uzi_pas_must_be_his_and_valid(jan, linde, card, changes, error):
    _, made = card
    if error is None:
        issue(jan, linde, made, uzi=uzi_pas(**changes))
        assert Smartcard.objects.count() == 1
    else:
        with pytest.raises(error):
            issue(jan, linde, made, uzi=uzi_pas(**changes))
        assert not Smartcard.objects.exists()


def test_a_second_card_supersedes_the_first(jan, linde, card, second_card):
    first = issue(jan, linde, card[1]).smartcard
    second = issue(jan, linde, second_card[1]).smartcard
    first.refresh_from_db()
    assert (first.status, second.status) == (SmartcardStatus.REVOKED, SmartcardStatus.ACTIVE)
    assert second.card_number != first.card_number
    assert {status(s) for s in first.serials} == {CertificateStatus.REVOKED}
    assert {status(s) for s in second.serials} == {CertificateStatus.GOOD}
    crl = x509.load_der_x509_crl(bytes(certificate_status.current_crl(SMARTCARD_CA).der))
    on_crl = {format(entry.serial_number, "x") for entry in crl}
    assert set(first.serials) <= on_crl and not set(second.serials) & on_crl
    assert AuditEvent.objects.filter(event="smartcard.revoked", subject=f"smartcard:{first.id}").count() == 1
    issuer = get_smartcard_ca().issuing
    for card_, expected in ((first, ocsp.OCSPCertStatus.REVOKED), (second, ocsp.OCSPCertStatus.GOOD)):
        certificate = x509.load_pem_x509_certificate(card_.authentication_pem.encode())
        request = ocsp.OCSPRequestBuilder().add_certificate(certificate, issuer, hashes.SHA256()).build()
        assert pki_ocsp.answer(SMARTCARD_CA, request, None).certificate_status == expected


def test_a_block_holds_the_unblock_releases_a_revoke_is_final(jan, linde, card):
    smartcard = issue(jan, linde, card[1]).smartcard
    olga = add_operator("Olga", "Operator", clock.parse_date("01-01-1975"), actor="test").person
    set_blocked(linde, jan, True, by=olga)
    assert {status(s) for s in smartcard.serials} == {CertificateStatus.HOLD}
    set_blocked(linde, jan, False, by=olga)
    assert {status(s) for s in smartcard.serials} == {CertificateStatus.GOOD}
    revoke_smartcard(smartcard, actor="test", reason="lost")
    smartcard.refresh_from_db()
    assert smartcard.status == SmartcardStatus.REVOKED and smartcard.revoked_at is not None
    set_blocked(linde, jan, True, by=olga)
    set_blocked(linde, jan, False, by=olga)
    assert {status(s) for s in smartcard.serials} == {CertificateStatus.REVOKED}


def test_a_blocked_persons_new_card_is_on_hold(jan, linde, card):
    olga = add_operator("Olga", "Operator", clock.parse_date("01-01-1975"), actor="test").person
    set_blocked(linde, jan, True, by=olga)
    smartcard = issue(jan, linde, card[1]).smartcard
    assert {status(s) for s in smartcard.serials} == {CertificateStatus.HOLD}


def test_the_desktop_app_writes_the_certificates_to_the_card(jan, linde, tmp_path_factory):
    conf, made = _made(tmp_path_factory, "written")
    issued = issue(jan, linde, made)
    certificates = {role: base64.b64encode(der).decode() for role, der in issued.certificates.items()}
    answer = call(conf, f"p.write_certificates({MODULE!r}, pin={NEW_PIN!r}, certificates="
                        f"{{r: base64.b64decode(d) for r, d in {certificates!r}.items()}})")
    assert answer == {"ok": None}, answer
    written = inspect(conf, NEW_PIN, label=made["label"])["certificates"]
    assert {key_id: bytes.fromhex(value) for key_id, (_, value) in written.items()} == {
        "01": issued.certificates["authentication"], "02": issued.certificates["signing"],
        "03": issued.certificates["encryption"]}
