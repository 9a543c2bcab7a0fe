"""The Desktop App's own checks around a ZORG-ID Smartcard, without a card: telling a smartcard from a UZI-pas,
choosing the card for a purpose, the wording of the request, and the server's answer to the new keys."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from cryptography.hazmat.primitives import serialization
from tests.unit.pki.uzi.factory import LeafSpec, make_ca, make_leaf, rsa_key

from zorgid.clients.desktop import certificate as desktop_certificate
from zorgid.clients.desktop.actions import choose_card, describe_card
from zorgid.clients.desktop.answers import CardFlow, read_smartcard_keys_answer
from zorgid.clients.desktop.card import Card
from zorgid.clients.desktop.certificate import card_identity, is_authentication_certificate
from zorgid.clients.desktop.errors import NoCard, ServerAnswerInvalid, TwoCards
from zorgid.clients.desktop.smartcard_errors import NoSmartcard, SmartcardNotUziPas
from zorgid.pki.smartcard_ca import ensure_smartcard_ca
from zorgid.pki.smartcard_profile import SmartcardHolder, smartcard_certificates
from zorgid.pki.uzi.othername import ZORGID_OID_ARC, ZORGID_SMARTCARD_CA_OIDS
from zorgid.protocol.card_keys import CARD_KEY_ROLES

HOLDER = SmartcardHolder(card_number="980000042", given_name="Jan", surname="de Vries", ura="90000382",
                         organisation="Huisartsenpraktijk De Linde", name="Jan de Vries")


@pytest.fixture(scope="module")
def keys():
    return {role: rsa_key() for role in CARD_KEY_ROLES}


@pytest.fixture(scope="module")
def issued(tmp_path_factory, keys):
    ca = ensure_smartcard_ca(tmp_path_factory.mktemp("smartcard-ca"), "acceptatie")[0]
    now = dt.datetime.now(dt.UTC)
    return smartcard_certificates({role: key.public_key() for role, key in keys.items()}, holder=HOLDER,
                                  start=now, days=30, base_url="https://zorgid.example", ca=ca)


@pytest.fixture(scope="module")
def uzi_certificate():
    root_key, leaf_key = rsa_key(), rsa_key()
    root = make_ca(root_key)
    return make_leaf(LeafSpec(uzi_number="900016528"), leaf_key, root, root_key)


def as_card(label: str, certificate) -> Card:
    return Card(label, certificate, b"\x01", card_identity(certificate), slot=None)


def test_the_zorgid_arc_is_the_one_the_smartcard_ca_uses():
    assert desktop_certificate.ZORGID_OID_ARC == ZORGID_OID_ARC
    assert all(oid.startswith(desktop_certificate.ZORGID_SMARTCARD_CA_OID_PREFIX)
               for oid in ZORGID_SMARTCARD_CA_OIDS.values())


def test_a_smartcards_authentication_certificate_is_found_and_told_from_a_uzi_pas(issued, uzi_certificate):
    assert is_authentication_certificate(issued["authentication"])
    assert not is_authentication_certificate(issued["signing"])
    assert not is_authentication_certificate(issued["encryption"])
    smartcard = card_identity(issued["authentication"])
    assert (smartcard.is_smartcard, smartcard.kind, smartcard.uzi_number, smartcard.name) == (
        True, "ZORG-ID Smartcard", "980000042", "Jan de Vries")
    uzi = card_identity(uzi_certificate)
    assert (uzi.is_smartcard, uzi.kind) == (False, "UZI-pas")
    assert describe_card(as_card("Kaart", issued["authentication"])) == (
        "ZORG-ID Smartcard gevonden: Jan de Vries, kaartnummer 980000042 (label Kaart)")


def test_the_card_is_chosen_for_the_purpose(issued, uzi_certificate):
    smartcard, uzi = as_card("S", issued["authentication"]), as_card("U", uzi_certificate)
    both = [uzi, smartcard]
    assert choose_card(both, "smartcard") is uzi
    assert choose_card(both, "smartcard-login") is smartcard
    with pytest.raises(TwoCards):
        choose_card(both, "self-registration")
    with pytest.raises(SmartcardNotUziPas):
        choose_card([smartcard], "smartcard")
    with pytest.raises(SmartcardNotUziPas):
        choose_card(both, "smartcard", "S")
    with pytest.raises(NoSmartcard):
        choose_card([uzi], "smartcard-login")
    with pytest.raises(NoSmartcard):
        choose_card(both, "smartcard-login", "U")
    with pytest.raises(NoCard):
        choose_card([], "smartcard-login")
    assert choose_card([smartcard], "attributes") is smartcard  # the server decides for the other purposes


def test_the_request_says_uw_pas_where_it_may_be_a_smartcard():
    def flow(purpose: str) -> CardFlow:
        return CardFlow("f", "c", purpose, "iets doen", "https://z.example", "Portaal", "https://z.example", "")

    assert "vraagt toegang tot uw pas om: iets doen" in flow("smartcard-login").request_text()
    for purpose in ("smartcard", "self-registration", "organisation-validation", "attributes"):
        assert "vraagt toegang tot uw UZI-pas om" in flow(purpose).request_text()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _answer(certificates: dict, **fields) -> dict:
    return {"v": 1, "card_number": "980000042", "state": "completed", "not_after": "2027-12-01T00:00:00Z",
            "chain": [], "certificates": [
                {"role": role, "certificate": _b64(cert.public_bytes(serialization.Encoding.DER))}
                for role, cert in certificates]} | fields


def _spki(key) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def test_the_answer_to_the_keys_holds_one_certificate_per_role_each_for_its_key(issued, keys):
    sent = {role: _spki(key) for role, key in keys.items()}
    good = list(issued.items())
    read = read_smartcard_keys_answer(_answer(good), sent)
    assert read.card_number == "980000042" and read.state == "completed"
    assert read.certificates == {role: cert.public_bytes(serialization.Encoding.DER) for role, cert in good}
    wrong = [
        _answer(good[:2]),  # a role missing
        _answer([*good[:2], ("signing", issued["signing"])]),  # a role twice, one missing
        _answer([("authentication", issued["signing"]), *good[1:]]),  # a certificate for another key
        _answer(good, state="answered"),
        _answer(good, card_number="kaart"),
        {"v": 1, "card_number": "980000042"},  # not a SmartcardKeysResponse
    ]
    for answer in wrong:
        with pytest.raises(ServerAnswerInvalid):
            read_smartcard_keys_answer(answer, sent)
    broken = _answer(good)
    broken["certificates"][0]["certificate"] = _b64(b"not DER")
    with pytest.raises(ServerAnswerInvalid):
        read_smartcard_keys_answer(broken, sent)
