"""Card sessions through HTTP (docs/architecture.md, card session; R-FLOW-SELFREG, R-FLOW-UZIORG, R-FLOW-ATTR).

Each refusal the issue names is tried against the server's real checks: trust, validity, revocation,
signature, purpose, replay, the binding to the browser, the card's URA and type.
"""

import datetime as dt

import pytest
from django.test import Client

from tests.integration.cards import CardIssuer, issuer_keys
from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.flows.models import CardFlow
from zorgid.pki import uzi_installation

pytestmark = pytest.mark.django_db


def start(browser: Client, path: str = "/registreren") -> str:
    response = browser.post(path)
    assert response.status_code == 302, response.content
    return response["Location"].rsplit("/", 1)[-1]


def code(response) -> str:
    return response.json()["error"]["code"]


def test_a_trusted_card_answers_the_session(client, issuer, organisation):
    browser = Client()
    flow_id = start(browser)
    page = browser.get(f"/uzi-pas/{flow_id}").content.decode()
    assert f"zorgid-desktop://card?v=1&amp;server=http%3A%2F%2Ftestserver&amp;flow={flow_id}" in page
    assert "Opnieuw beginnen" in page
    flow = client.get(f"/api/v1/card-flows/{flow_id}").json()
    assert flow["purpose"] == "self-registration" and flow["purpose_text"] == "Registreren met uw UZI-pas"
    response = issuer.card().answer(client, flow_id)
    assert response.status_code == 200 and response.json() == {"state": "answered"}
    assert browser.get(f"/uzi-pas/{flow_id}/status").json() == {"state": "answered"}
    stored = CardFlow.objects.get(id=flow_id)
    assert stored.attributes["uzi_number"] == "900000001" and stored.attributes["ura"] == "90000001"
    assert AuditEvent.objects.filter(event="card.answered").count() == 1


def test_a_replayed_answer_is_refused(client, issuer, organisation):
    flow_id = start(Client())
    card = issuer.card()
    assert card.answer(client, flow_id).status_code == 200
    again = card.post(client, flow_id, card.last_body)
    assert again.status_code == 409 and code(again) == "ZID-CARD-USED"
    assert code(client.get(f"/api/v1/card-flows/{flow_id}")) == "ZID-CARD-USED"


def test_another_browser_cannot_follow_the_session(client, issuer, organisation):
    flow_id = start(Client())
    thief = Client()
    thief.get("/")
    response = thief.get(f"/uzi-pas/{flow_id}/status")
    assert response.status_code == 403 and code(response) == "ZID-CARD-OTHER-BROWSER"
    assert thief.get(f"/uzi-pas/{flow_id}").status_code == 403
    issuer.card().answer(client, flow_id)
    assert thief.post(f"/registreren/{flow_id}/pas-gelezen").status_code == 403


@pytest.mark.parametrize("change, expected", [
    ({"not_before": dt.datetime(2019, 1, 1, tzinfo=dt.UTC), "not_after": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)},
     "ZID-UZI-EXPIRED"),
    ({"other_name": b"\x16\x05bogus"}, "ZID-UZI-MALFORMED"),
    ({"usage": "signature"}, "ZID-UZI-KEY-USAGE"),
    ({"policies": ("2.16.528.1.1003.1.2.5.1",)}, "ZID-UZI-POLICY"),
])
def test_a_bad_certificate_is_refused_with_its_code(client, issuer, organisation, change, expected):
    browser = Client()
    flow_id = start(browser)
    response = issuer.card(**change).answer(client, flow_id)
    assert response.status_code in (400, 403) and code(response) == expected
    status = browser.get(f"/uzi-pas/{flow_id}/status").json()
    assert status["state"] == "refused" and status["error"]["code"] == expected


def test_a_card_of_an_untrusted_ca_is_refused(client, issuer, organisation, tmp_path):
    stranger = CardIssuer(tmp_path / "stranger", tuple(reversed(issuer_keys())))
    response = stranger.card().answer(client, start(Client()))
    assert code(response) == "ZID-UZI-UNTRUSTED"


def test_a_revoked_card_is_refused(client, issuer, organisation, settings, tmp_path):
    card = issuer.card()
    (tmp_path / "crl").mkdir()
    (tmp_path / "crl" / "root.crl").write_bytes(issuer.crl(card))
    uzi_installation.forget()
    assert code(card.answer(client, start(Client()))) == "ZID-UZI-REVOKED"
    other = issuer.card(serial_number=12345)
    assert other.answer(client, start(Client())).status_code == 200


def test_a_signature_over_another_challenge_or_purpose_is_refused(client, issuer, organisation):
    flow_id = start(Client())
    card = issuer.card()
    response = card.answer(client, flow_id, challenge="f" * 32)
    assert response.status_code == 403 and code(response) == "ZID-CARD-SIGNATURE"
    response = card.answer(client, flow_id, purpose="attributes")
    assert code(response) == "ZID-CARD-SIGNATURE"
    response = card.answer(client, flow_id, key=issuer.other_key)
    assert code(response) == "ZID-CARD-SIGNATURE"
    assert CardFlow.objects.get(id=flow_id).state == "pending"  # a bad signature changes nothing
    assert card.answer(client, flow_id).status_code == 200


def test_an_expired_session_is_refused_and_verversen_starts_a_new_one(client, issuer, organisation):
    browser = Client()
    flow_id = start(browser)
    fetched = client.get(f"/api/v1/card-flows/{flow_id}").json()
    clock.move(dt.timedelta(minutes=5, seconds=1))
    assert code(client.get(f"/api/v1/card-flows/{flow_id}")) == "ZID-CARD-EXPIRED"
    assert code(issuer.card().answer(client, flow_id, flow=fetched)) == "ZID-CARD-EXPIRED"
    assert browser.get(f"/uzi-pas/{flow_id}/status").json() == {"state": "expired"}
    response = browser.post(f"/uzi-pas/{flow_id}/verversen")
    assert response.status_code == 302
    fresh = response["Location"].rsplit("/", 1)[-1]
    assert fresh != flow_id
    assert issuer.card().answer(client, fresh).status_code == 200


def test_a_card_of_an_unregistered_organisation_is_refused(client, issuer):
    browser = Client()
    flow_id = start(browser)
    response = issuer.card().answer(client, flow_id)
    assert response.status_code == 403 and code(response) == "ZID-ORG-NOT-REGISTERED"
    status = browser.get(f"/uzi-pas/{flow_id}/status").json()
    assert status["error"]["code"] == "ZID-ORG-NOT-REGISTERED"
    assert "eerst aanmelden" in status["error"]["solution"]["nl"]


@pytest.mark.parametrize("card_type, policy, expected", [
    ("M", "2.16.528.1.1007.99.211", "ZID-CARD-TYPE"),  # medewerkerpas niet op naam
    ("S", "2.16.528.1.1007.99.12", "ZID-CARD-TYPE"),  # a server certificate is no card
])
def test_cards_not_in_a_persons_name_are_refused(client, issuer, organisation, card_type, policy, expected):
    card = issuer.card(card_type=card_type, role="00.000", given_name=None, surname=None, title=None,
                       common_name="Baliemedewerker", policies=(policy,))
    assert code(card.answer(client, start(Client(), "/valideren"))) == expected


def test_malformed_answers_are_refused(client, issuer, organisation):
    flow_id = start(Client())
    post = lambda body: client.post(f"/api/v1/card-flows/{flow_id}/response", body,  # noqa: E731
                                    content_type="application/json")
    assert code(post({})) == "ZID-REQUEST-MALFORMED"
    body = {"v": 1, "certificate": "not a certificate", "chain": [], "signed_at": int(clock.now().timestamp()),
            "signature": "AAAA"}
    assert code(post(body)) == "ZID-UZI-UNREADABLE"
    assert code(post({**body, "chain": ["x"] * 6})) == "ZID-REQUEST-MALFORMED"
    assert code(post({**body, "signed_at": 5})) == "ZID-CARD-CLOCK"  # the card answer's own code, not the login's
    assert CardFlow.objects.get(id=flow_id).state == "pending"


def test_an_answered_session_is_said_at_once_also_without_a_wait_slot(client, issuer, organisation, settings):
    """The card page goes on when the card was read; "ask again later" is only for a session still pending."""
    settings.ZORGID_WAITS_PER_CLIENT = 0
    browser = Client()
    flow_id = start(browser)
    pending = browser.get(f"/uzi-pas/{flow_id}/status?wait=1").json()
    assert pending == {"state": "pending", "retry_after": settings.ZORGID_WAIT_RETRY_SECONDS}
    assert issuer.card().answer(client, flow_id).status_code == 200
    assert browser.get(f"/uzi-pas/{flow_id}/status?wait=1").json() == {"state": "answered"}
