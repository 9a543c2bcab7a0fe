"""Making a ZORG-ID Smartcard through HTTP and the database (smartcards.making; docs/uzi.md "ZORG-ID Smartcard"):
the portal starts a card session of purpose ``smartcard`` for one of his organisations, his own UZI-pas answers
(software UZI cards, tests/integration/cards.py), the blank card's keys (software RSA keys with their real proofs)
are certified, the session completes and the page shows the card number. Every refusal is tried against the
server's real checks, with its exact status and code."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.test import Client

from tests.integration.cards import ANSWER_DIGESTS
from tests.integration.test_card_flows import start
from tests.integration.test_card_purposes import log_in
from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.flows.models import CardFlow, CardFlowState
from zorgid.identities.models import Smartcard, SmartcardStatus, UziRegistration
from zorgid.organisations.models import Role, SmartcardLink
from zorgid.organisations.roles import grant_role
from zorgid.pki.smartcard_ca import get_smartcard_ca
from zorgid.protocol.bodies import SmartcardKeysResponse
from zorgid.protocol.card_keys import CARD_KEY_ROLES, CardKeyProof
from zorgid.protocol.messages import b64encode, smartcard_keys_path

pytestmark = pytest.mark.django_db

_KEYS: list[rsa.RSAPrivateKey] = []


def card_keys() -> dict[str, rsa.RSAPrivateKey]:
    """Three RSA-2048 keys, as the blank card makes them (made once for the module: keys are slow)."""
    if not _KEYS:
        _KEYS.extend(rsa.generate_private_key(65537, 2048) for _ in CARD_KEY_ROLES)
    return dict(zip(CARD_KEY_ROLES, _KEYS, strict=True))


def der(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def keys_body(challenge: str, *, proof_challenge: str | None = None, answer_digest: bytes | None = None) -> dict:
    """The Desktop App's SmartcardKeysRequest: each key's public half and its signature over its CardKeyProof, and
    the digest of the signature with which (the test's software card of) this Desktop App answered the session."""
    keys = []
    for role, key in card_keys().items():
        proof = CardKeyProof(proof_challenge or challenge, role, der(key)).canonical_bytes()
        keys.append({"role": role, "public_key": b64encode(der(key)),
                     "proof": b64encode(key.sign(proof, padding.PKCS1v15(), hashes.SHA256()))})
    digest = answer_digest if answer_digest is not None else ANSWER_DIGESTS.get(challenge, bytes(32))
    return {"v": 1, "keys": keys, "answer_digest": b64encode(digest)}


def send_keys(client: Client, flow_id: str, body: dict | str):
    return client.post(smartcard_keys_path(flow_id), body, content_type="application/json")


def code(response) -> str:
    return response.json()["error"]["code"]


@pytest.fixture
def jan(operator, organisation):
    """The logged-in employee: the operator (Jan Willem de Vries) works at De Linde (URA 90000001)."""
    grant_role(operator.person, Role.MEDEWERKER, organisation, actor="test")
    return operator.person


@pytest.fixture
def browser(client, device, jan) -> Client:
    return log_in(client, device)


def his_card(issuer, **changes):
    return issuer.card(**{"given_name": "Jan Willem", "surname": "de Vries", "common_name": "Jan Willem de Vries",
                          **changes})


def started(browser: Client, ura: str = "90000001") -> str:
    response = browser.post("/smartcard/aanmaken", {"ura": ura})
    assert response.status_code == 302, response.content
    assert response["Location"].startswith("/smartcard/aanmaken/")
    return response["Location"].rsplit("/", 1)[-1]


def answered(client, browser, issuer, **changes) -> CardFlow:
    flow_id = started(browser)
    assert his_card(issuer, **changes).answer(client, flow_id).json() == {"state": "answered"}
    return CardFlow.objects.get(id=flow_id)


def test_his_uzi_pas_and_the_blank_cards_keys_make_his_smartcard(client, browser, issuer, organisation, jan):
    page = browser.get("/smartcard/aanmaken").content.decode()
    assert "Huisartsenpraktijk De Linde (URA 90000001)" in page and "PUK" in page and "transportcode" in page
    flow_id = started(browser)
    page = browser.get(f"/smartcard/aanmaken/{flow_id}").content.decode()
    assert f"zorgid-desktop://card?v=1&amp;server=http%3A%2F%2Ftestserver&amp;flow={flow_id}" in page
    assert 'data-done-state="completed"' in page
    flow = client.get(f"/api/v1/card-flows/{flow_id}").json()
    assert flow["purpose"] == "smartcard"
    assert his_card(issuer).answer(client, flow_id).json() == {"state": "answered"}
    waiting = browser.get(f"/smartcard/aanmaken/{flow_id}/status?wait=1").json()
    assert waiting == {"state": "answered", "retry_after": 2}  # the page asks again while the card is made

    response = send_keys(client, flow_id, keys_body(flow["challenge"]))
    assert response.status_code == 201, response.content
    answer = SmartcardKeysResponse.from_json(response.json())
    card = Smartcard.objects.get()
    assert (answer.card_number, answer.state) == (card.card_number, "completed")
    assert card.person == jan and card.ura == "90000001" and card.status == SmartcardStatus.ACTIVE
    assert card.uzi_number == "900000001"
    ca = get_smartcard_ca()
    for certificate in answer.certificates:
        issued = x509.load_der_x509_certificate(certificate.certificate)
        issued.verify_directly_issued_by(ca.issuing)
        assert issued.public_key().public_bytes(serialization.Encoding.DER,
                                                serialization.PublicFormat.SubjectPublicKeyInfo) == \
            der(card_keys()[certificate.role])
    assert answer.chain == tuple(ca.chain_pem())
    assert SmartcardLink.objects.get(smartcard=card).organisation == organisation
    assert CardFlow.objects.get(id=flow_id).state == CardFlowState.COMPLETED
    assert AuditEvent.objects.filter(event="smartcard.made", subject=f"card_flow:{flow_id}").count() == 1

    status = browser.get(f"/smartcard/aanmaken/{flow_id}/status?wait=1").json()
    assert status == {"state": "completed", "next": f"/smartcard/aanmaken/{flow_id}/klaar"}
    done = browser.get(status["next"]).content.decode()
    assert "Uw ZORG-ID Smartcard is aangemaakt" in done and card.card_number in done


def test_the_keys_after_the_confirmation_time_are_refused(client, browser, issuer):
    flow = answered(client, browser, issuer)
    clock.move(dt.timedelta(minutes=30, seconds=1))
    response = send_keys(client, flow.id, keys_body(flow.challenge))
    assert response.status_code == 410 and code(response) == "ZID-CARD-EXPIRED"
    assert browser.get(f"/smartcard/aanmaken/{flow.id}/status").json() == {"state": "expired"}
    assert Smartcard.objects.count() == 0


def test_the_keys_come_within_the_confirmation_time_after_the_sessions_five_minutes(client, browser, issuer):
    flow = answered(client, browser, issuer)
    clock.move(dt.timedelta(minutes=29))
    assert send_keys(client, flow.id, keys_body(flow.challenge)).status_code == 201


def test_the_keys_of_a_session_whose_uzi_pas_did_not_answer_are_refused(client, browser, issuer):
    flow_id = started(browser)
    challenge = CardFlow.objects.get(id=flow_id).challenge
    response = send_keys(client, flow_id, keys_body(challenge))
    assert response.status_code == 409 and code(response) == "ZID-SMARTCARD-NOT-READ"
    clock.move(dt.timedelta(minutes=5, seconds=1))
    response = send_keys(client, flow_id, keys_body(challenge))
    assert response.status_code == 410 and code(response) == "ZID-CARD-EXPIRED"
    assert Smartcard.objects.count() == 0


def test_the_keys_for_a_session_of_another_purpose_are_refused(client, browser, issuer):
    flow_id = start(browser, "/attributen")
    assert his_card(issuer).answer(client, flow_id).status_code == 200
    challenge = CardFlow.objects.get(id=flow_id).challenge
    response = send_keys(client, flow_id, keys_body(challenge))
    assert response.status_code == 400 and code(response) == "ZID-CARD-PURPOSE"
    assert CardFlow.objects.get(id=flow_id).state == CardFlowState.ANSWERED
    assert browser.get(f"/smartcard/aanmaken/{flow_id}").status_code == 400


def test_an_unknown_session_is_refused(client):
    response = send_keys(client, "0" * 32, keys_body("a" * 32))
    assert response.status_code == 404 and code(response) == "ZID-CARD-UNKNOWN"


@pytest.mark.parametrize("changes", [
    {"given_name": "Piet", "common_name": "Piet de Vries"},
    {"surname": "Jansen", "common_name": "Jan Willem Jansen"},
])
def test_the_uzi_pas_of_another_person_ends_the_session_refused(client, browser, issuer, changes):
    flow_id = started(browser)
    response = his_card(issuer, **changes).answer(client, flow_id)
    assert response.status_code == 403 and code(response) == "ZID-SMARTCARD-UZI-PERSON"
    status = browser.get(f"/smartcard/aanmaken/{flow_id}/status").json()
    assert status["state"] == "refused" and status["error"]["code"] == "ZID-SMARTCARD-UZI-PERSON"
    response = send_keys(client, flow_id, keys_body(CardFlow.objects.get(id=flow_id).challenge))
    assert response.status_code == 409 and code(response) == "ZID-CARD-USED"
    assert Smartcard.objects.count() == 0


def test_a_uzi_pas_with_another_uzi_number_than_his_registered_ones_is_refused(client, browser, issuer, device):
    flow_id = start(browser, "/attributen")
    assert his_card(issuer, uzi_number="900000777").answer(client, flow_id).status_code == 200
    assert browser.post(f"/attributen/{flow_id}/koppelen").status_code == 302
    assert UziRegistration.objects.get().uzi_number == "900000777"
    response = his_card(issuer).answer(client, started(browser))  # 900000001: not his
    assert response.status_code == 403 and code(response) == "ZID-SMARTCARD-UZI-PERSON"
    assert his_card(issuer, uzi_number="900000777").answer(client, started(browser)).status_code == 200


def test_an_expired_uzi_pas_is_refused(client, browser, issuer):
    flow_id = started(browser)
    response = his_card(issuer, not_before=dt.datetime(2019, 1, 1, tzinfo=dt.UTC),
                        not_after=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)).answer(client, flow_id)
    assert response.status_code == 403 and code(response) == "ZID-UZI-EXPIRED"
    assert browser.get(f"/smartcard/aanmaken/{flow_id}/status").json()["error"]["code"] == "ZID-UZI-EXPIRED"


def test_a_card_not_in_a_persons_name_is_refused(client, browser, issuer):
    card = issuer.card(card_type="M", role="00.000", given_name=None, surname=None, title=None,
                       common_name="Jan Willem de Vries", policies=("2.16.528.1.1007.99.211",))
    response = card.answer(client, started(browser))
    assert response.status_code == 403 and code(response) == "ZID-CARD-TYPE"


@pytest.mark.parametrize("case", ["another challenge", "swapped proofs", "one key twice"])
def test_bad_proofs_are_refused_and_end_the_session(client, browser, issuer, case):
    flow = answered(client, browser, issuer)
    body = keys_body(flow.challenge)
    expected = ("ZID-SMARTCARD-PROOF", 400)
    if case == "another challenge":
        body = keys_body(flow.challenge, proof_challenge="b" * 32)
    elif case == "swapped proofs":
        body["keys"][0]["proof"], body["keys"][1]["proof"] = body["keys"][1]["proof"], body["keys"][0]["proof"]
    else:
        body["keys"][1] = {**body["keys"][0]}
        expected = ("ZID-SMARTCARD-KEYS", 400)
    response = send_keys(client, flow.id, body)
    assert (code(response), response.status_code) == expected
    assert Smartcard.objects.count() == 0 and SmartcardLink.objects.count() == 0
    status = browser.get(f"/smartcard/aanmaken/{flow.id}/status").json()
    assert status["state"] == "refused" and status["error"]["code"] == expected[0]
    assert AuditEvent.objects.filter(event="smartcard.keys_refused").count() == 1
    again = send_keys(client, flow.id, keys_body(flow.challenge))  # the session is over: no second try
    assert again.status_code == 409 and code(again) == "ZID-CARD-USED"


def test_a_second_submission_is_refused_and_makes_no_second_card(client, browser, issuer):
    flow = answered(client, browser, issuer)
    body = keys_body(flow.challenge)
    assert send_keys(client, flow.id, body).status_code == 201
    again = send_keys(client, flow.id, body)
    assert again.status_code == 409 and code(again) == "ZID-CARD-USED"
    assert Smartcard.objects.count() == 1 and AuditEvent.objects.filter(event="smartcard.issued").count() == 1


def test_another_browser_cannot_follow_or_refresh_the_session(client, browser, issuer, device):
    flow_id = started(browser)
    thief = log_in(client, device)  # even the same person, in another browser
    for response in (thief.get(f"/smartcard/aanmaken/{flow_id}"), thief.get(f"/smartcard/aanmaken/{flow_id}/status"),
                     thief.post(f"/smartcard/aanmaken/{flow_id}/verversen"),
                     thief.get(f"/smartcard/aanmaken/{flow_id}/klaar")):
        assert response.status_code == 403 and "ZID-CARD-OTHER-BROWSER" in response.content.decode()
    anonymous = Client()
    anonymous.get("/")
    response = anonymous.get(f"/smartcard/aanmaken/{flow_id}/status")
    assert response.status_code == 403 and code(response) == "ZID-CARD-OTHER-BROWSER"


def test_a_huge_or_malformed_body_is_refused_and_changes_nothing(client, browser, issuer):
    flow = answered(client, browser, issuer)
    good = keys_body(flow.challenge)
    huge = send_keys(client, flow.id, {"v": 1, "keys": [good["keys"][0]] * 3, "padding": "x" * 100_000})
    assert huge.status_code == 413 and code(huge) == "ZID-REQUEST-TOO-LARGE"
    for body in ("{not json", {"v": 1}, {"v": 2, "keys": good["keys"]}, {"v": 1, "keys": good["keys"] * 2},
                 {"v": 1, "keys": [{**good["keys"][0], "public_key": "***"}, *good["keys"][1:]]},
                 {"v": 1, "keys": [{**good["keys"][0], "role": "decryption"}, *good["keys"][1:]]},
                 {"v": 1, "keys": "three"}):
        response = send_keys(client, flow.id, body)
        assert response.status_code == 400 and code(response) == "ZID-REQUEST-MALFORMED", body
    assert CardFlow.objects.get(id=flow.id).state == CardFlowState.ANSWERED
    assert send_keys(client, flow.id, good).status_code == 201


def test_an_organisation_he_does_not_work_for_is_refused(client, browser, oost):
    for ura in (oost.ura, "99999999", ""):
        response = browser.post("/smartcard/aanmaken", {"ura": ura})
        assert response.status_code == 403 and "ZID-SMARTCARD-NO-ORGANISATION" in response.content.decode()
    assert CardFlow.objects.count() == 0


def test_someone_without_an_organisation_is_told_so(client, device):
    browser = log_in(client, device)
    page = browser.get("/smartcard/aanmaken").content.decode()
    assert 'data-testid="smartcard-no-organisation"' in page and "smartcard-start" not in page


def test_he_chooses_among_his_organisations_and_the_card_is_for_the_chosen_one(client, browser, issuer, jan, oost):
    grant_role(jan, Role.MEDEWERKER, oost, actor="test")
    page = browser.get("/smartcard/aanmaken").content.decode()
    assert 'data-testid="smartcard-organisation-90000999"' in page and "smartcard-organisation-90000001" in page
    flow_id = started(browser, oost.ura)
    assert his_card(issuer).answer(client, flow_id).status_code == 200
    challenge = CardFlow.objects.get(id=flow_id).challenge
    assert send_keys(client, flow_id, keys_body(challenge)).status_code == 201
    card = Smartcard.objects.get()
    assert (card.ura, card.card_type) == (oost.ura, "N")  # a Z card of another URA speaks as N for Oost
    assert SmartcardLink.objects.get(smartcard=card).organisation == oost


def test_verversen_starts_a_new_session_for_the_same_organisation(client, browser, jan, oost):
    grant_role(jan, Role.MEDEWERKER, oost, actor="test")
    flow_id = started(browser, oost.ura)
    response = browser.post(f"/smartcard/aanmaken/{flow_id}/verversen")
    new_id = response["Location"].rsplit("/", 1)[-1]
    assert response.status_code == 302 and new_id != flow_id
    assert CardFlow.objects.get(id=new_id).page_state == {"ura": oost.ura}


def test_the_shared_card_page_leads_to_this_purposes_own_page(client, browser, issuer):
    flow = answered(client, browser, issuer)
    page = browser.get(f"/uzi-pas/{flow.id}").content.decode()
    assert "Smartcard aanmaken" in page and f"/smartcard/aanmaken/{flow.id}/pas-gelezen" in page
    response = browser.post(f"/smartcard/aanmaken/{flow.id}/pas-gelezen")
    assert response.status_code == 302 and response["Location"] == f"/smartcard/aanmaken/{flow.id}"


def test_the_done_page_before_the_card_is_made_sends_back_to_the_waiting_page(client, browser, issuer):
    flow = answered(client, browser, issuer)
    response = browser.get(f"/smartcard/aanmaken/{flow.id}/klaar")
    assert response.status_code == 302 and response["Location"] == f"/smartcard/aanmaken/{flow.id}"
