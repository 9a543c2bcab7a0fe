"""Logging in with a ZORG-ID Smartcard through HTTP (docs/koppelen.md "Inloggen met een ZORG-ID Smartcard"):
the start page's button, the card session smartcard-login answered with the card's authentication key (software
keys, smartcard_keys.py), the card page's next step, /overzicht; every refusal with its code; a login at a
healthcare application ending with its code and an ID token whose amr says "smartcard"."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.integration.oidc.relying_party import redirect_params, register
from tests.integration.smartcards.smartcard_keys import make_smartcard
from zorgid import clock
from zorgid.administration.employees import set_blocked
from zorgid.audit.models import AuditEvent
from zorgid.flows.models import CardFlow, CardFlowState, LoginFlow
from zorgid.flows.signals import login_completed
from zorgid.identities.smartcards import revoke_smartcard
from zorgid.oidc.models import AppSession
from zorgid.organisations.models import Role
from zorgid.organisations.roles import add_operator, grant_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def jan(device, operator, linde):
    """Jan Willem de Vries: an activated Mobile ID (device), medewerker of De Linde."""
    grant_role(operator.person, Role.MEDEWERKER, linde, actor="test")
    return operator.person


@pytest.fixture
def smartcard(jan, linde):
    return make_smartcard(jan, linde)


@pytest.fixture
def blocker(db):
    return add_operator("Bram", "Bakker", clock.parse_date("01-02-1980"), actor="test").person


def code(response) -> str:
    return response.json()["error"]["code"]


def start(browser: Client, path: str = "/inloggen/smartcard") -> str:
    response = browser.post(path)
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"].startswith("/uzi-pas/")
    return response["Location"].rsplit("/", 1)[-1]


def read(browser: Client, client: Client, card, path: str = "/inloggen/smartcard"):
    """Start, let the Desktop App answer with ``card``; the Desktop App's answer and the flow id."""
    flow_id = start(browser, path)
    return card.answer(client, flow_id), flow_id


def test_the_start_page_offers_the_smartcard(client):
    page = client.get("/").content.decode()
    assert 'action="/inloggen/smartcard"' in page and "Inloggen met ZORG-ID Smartcard" in page


def test_a_login_with_the_smartcard_opens_the_overview(client, jan, smartcard):
    issued, card = smartcard
    browser = Client()
    completed = []
    login_completed.connect(receiver := lambda sender, person_id, **kw: completed.append(person_id), weak=False)
    try:
        answer, flow_id = read(browser, client, card)
        assert answer.status_code == 200 and answer.json() == {"state": "answered"}, answer.content
        page = browser.get(f"/uzi-pas/{flow_id}").content.decode()
        assert "Inloggen met ZORG-ID Smartcard" in page and f"/inloggen/smartcard/{flow_id}/gelezen" in page
        assert "Plaats uw ZORG-ID Smartcard in de lezer." in page and "UZI-pas" not in page
        assert browser.get("/overzicht").status_code == 403
        done = browser.post(f"/inloggen/smartcard/{flow_id}/gelezen")
        assert done.status_code == 302 and done["Location"] == "/overzicht"
    finally:
        login_completed.disconnect(receiver)
    assert browser.get("/overzicht").status_code == 200
    assert completed == [jan.id]
    assert CardFlow.objects.get(id=flow_id).state == CardFlowState.COMPLETED
    event = AuditEvent.objects.get(event="login.smartcard")
    assert event.subject == f"smartcard:{issued.smartcard.id}" and json.loads(event.details)["method"] == "smartcard"
    again = browser.post(f"/inloggen/smartcard/{flow_id}/gelezen")
    assert again.status_code == 409  # at most once


def test_a_blocked_holders_card_is_refused_and_works_again_after_the_unblock(client, jan, smartcard, linde, blocker):
    _, card = smartcard
    set_blocked(linde, jan, True, by=blocker)
    browser = Client()
    answer, flow_id = read(browser, client, card)
    assert answer.status_code == 403 and code(answer) == "ZID-CARD-SMARTCARD-BLOCKED"
    status = browser.get(f"/uzi-pas/{flow_id}/status").json()
    assert status["state"] == "refused" and status["error"]["code"] == "ZID-CARD-SMARTCARD-BLOCKED"
    assert status["error"]["cause"] and status["error"]["solution"]
    set_blocked(linde, jan, False, by=blocker)
    answer, flow_id = read(browser, client, card)
    assert answer.status_code == 200
    assert browser.post(f"/inloggen/smartcard/{flow_id}/gelezen")["Location"] == "/overzicht"


def test_a_block_after_the_card_was_read_logs_no_one_in_and_ends_the_session(client, jan, smartcard, linde, blocker):
    _, card = smartcard
    browser = Client()
    _, flow_id = read(browser, client, card)
    set_blocked(linde, jan, True, by=blocker)
    refused = browser.post(f"/inloggen/smartcard/{flow_id}/gelezen")
    assert refused.status_code == 403 and "ZID-SMARTCARD-LOGIN-BLOCKED" in refused.content.decode()
    assert browser.get("/overzicht").status_code == 403


def test_a_revoked_card_is_refused_and_its_session_ends(client, jan, smartcard):
    issued, card = smartcard
    browser = Client()
    _, flow_id = read(browser, client, card)
    assert browser.post(f"/inloggen/smartcard/{flow_id}/gelezen").status_code == 302
    assert browser.get("/overzicht").status_code == 200
    revoke_smartcard(issued.smartcard, actor="test", reason="lost")
    assert browser.get("/overzicht").status_code == 403
    answer, _ = read(Client(), client, card)
    assert answer.status_code == 403 and code(answer) == "ZID-CARD-SMARTCARD-REVOKED"


def test_a_superseded_card_is_refused_and_the_new_one_works(client, jan, smartcard, linde):
    _, old = smartcard
    _, new = make_smartcard(jan, linde, second=True)
    answer, _ = read(Client(), client, old)
    assert answer.status_code == 403 and code(answer) == "ZID-CARD-SMARTCARD-SUPERSEDED"
    browser = Client()
    answer, flow_id = read(browser, client, new)
    assert answer.status_code == 200
    assert browser.post(f"/inloggen/smartcard/{flow_id}/gelezen")["Location"] == "/overzicht"


def test_a_superseded_card_read_before_the_new_one_was_made_is_refused_as_superseded(client, jan, smartcard, linde):
    _, old = smartcard
    browser = Client()
    _, flow_id = read(browser, client, old)
    make_smartcard(jan, linde, second=True)
    refused = browser.post(f"/inloggen/smartcard/{flow_id}/gelezen")
    assert refused.status_code == 403 and "ZID-SMARTCARD-LOGIN-SUPERSEDED" in refused.content.decode()


def test_a_uzi_pas_is_refused_for_a_smartcard_login(client, jan, issuer):
    answer, _ = read(Client(), client, issuer.card())
    assert answer.status_code == 403 and code(answer) == "ZID-SMARTCARD-LOGIN-UZI"


@pytest.mark.parametrize("path", ["/registreren", "/valideren"])
def test_a_smartcard_is_refused_for_the_uzi_purposes(client, jan, smartcard, issuer, path):
    _, card = smartcard
    browser = Client()
    flow_id = start(browser, path)
    answer = card.answer(client, flow_id)
    assert answer.status_code == 403 and code(answer) == "ZID-CARD-SMARTCARD"
    assert browser.get(f"/uzi-pas/{flow_id}/status").json()["error"]["code"] == "ZID-CARD-SMARTCARD"


def test_a_smartcard_cannot_make_a_smartcard(client, jan, smartcard, linde):
    _, card = smartcard
    flow = CardFlow.begin(browser_secret="x" * 32, purpose="smartcard", origin="http://testserver",
                          requester_name="ZORG-ID Portaal", person=jan)
    answer = card.answer(client, flow.id)
    assert answer.status_code == 403 and code(answer) == "ZID-CARD-SMARTCARD"


def test_another_browser_cannot_log_in_with_the_flow(client, jan, smartcard):
    _, card = smartcard
    _, flow_id = read(Client(), client, card)
    thief = Client()
    thief.get("/")
    stolen = thief.post(f"/inloggen/smartcard/{flow_id}/gelezen")
    assert stolen.status_code == 403 and "ZID-CARD-OTHER-BROWSER" in stolen.content.decode()
    assert thief.get("/overzicht").status_code == 403
    assert CardFlow.objects.get(id=flow_id).state == CardFlowState.ANSWERED


def test_an_unknown_smartcard_certificate_is_refused(client, jan, smartcard):
    issued, card = smartcard
    from zorgid.pki.models import IssuedCertificate

    IssuedCertificate.objects.filter(serial=issued.smartcard.authentication_serial).delete()
    answer, _ = read(Client(), client, card)
    assert answer.status_code == 403 and code(answer) == "ZID-CARD-SMARTCARD-UNKNOWN"


def test_an_application_login_with_the_smartcard_ends_with_a_code_and_amr_smartcard(client, jan, smartcard, linde):
    issued, card = smartcard
    rp = register(products=["mobiel", "smartcard"])
    browser = Client()
    page = browser.get(rp.authorize_url())
    login_flow = LoginFlow.objects.get()
    assert f'action="/oidc/authorize/{login_flow.id}/smartcard"' in page.content.decode()
    answer, flow_id = read(browser, client, card, f"/oidc/authorize/{login_flow.id}/smartcard")
    assert answer.status_code == 200, answer.content
    done = browser.post(f"/inloggen/smartcard/{flow_id}/gelezen")
    assert done.status_code == 200 and done["Refresh"] == f"0;url=/oidc/authorize/{login_flow.id}/verder"
    assert f'href="/oidc/authorize/{login_flow.id}/verder"' in done.content.decode()
    params = redirect_params(browser.get(f"/oidc/authorize/{login_flow.id}/verder"))
    assert params["state"] == rp.state
    assert browser.get("/overzicht").status_code == 403  # no portal login
    tokens = rp.token(client, params["code"])
    assert tokens.status_code == 200, tokens.content
    claims = rp.verify_id_token(client, tokens.json()["id_token"])
    assert claims["amr"][0] == "smartcard" and "sc" in claims["amr"] and claims["ura"] == linde.ura
    # the UZI-pas the card was made with (smartcard_keys.uzi_pas), for the organisation it was made for
    assert claims["uzi_id"] == "900016528" and claims["loa_uzi"] == "http://eidas.europa.eu/LoA/high"
    assert claims["relations"][0]["roles"] == ["01.015"]
    session = AppSession.objects.get()
    assert session.smartcard_id == issued.smartcard.id
    assert json.loads(AuditEvent.objects.get(event="oidc.login").details)["method"] == "smartcard"
    assert json.loads(AuditEvent.objects.get(event="login.smartcard").details)["client_id"] == rp.client_id


def test_the_apps_login_keeps_its_amr(client, device, jan, linde):
    from tests.integration.oidc.relying_party import code_of

    rp = register()
    tokens = rp.token(client, code_of(Client(), client, device, rp))
    assert rp.verify_id_token(client, tokens.json()["id_token"])["amr"] == ["pin", "swk", "mfa"]


def test_another_browser_cannot_start_a_smartcard_login_for_an_applications_flow(client, jan, rp_login):
    thief = Client()
    thief.get("/")
    refused = thief.post(f"/oidc/authorize/{rp_login}/smartcard")
    assert refused.status_code == 403 and "ZID-LOGIN-OTHER-BROWSER" in refused.content.decode()


def test_an_application_not_accepted_for_the_smartcard_does_not_offer_it(client, jan, smartcard):
    rp = register()  # ZORG-ID Mobiel only
    browser = Client()
    page = browser.get(rp.authorize_url()).content.decode()
    login_flow = LoginFlow.objects.get()
    assert "Inloggen met ZORG-ID Smartcard" not in page and "/smartcard" not in page
    refused = browser.post(f"/oidc/authorize/{login_flow.id}/smartcard")
    assert refused.status_code == 403 and "ZID-CARE-APP-PRODUCT" in refused.content.decode()
    assert not CardFlow.objects.exists()


def test_a_card_read_for_an_applications_login_that_was_used_meanwhile_logs_in_nowhere(client, jan, smartcard,
                                                                                      device):
    from tests.integration.oidc.relying_party import approve_in_app

    _, card = smartcard
    rp = register(products=["mobiel", "smartcard"])
    browser = Client()
    browser.get(rp.authorize_url())
    login_flow = LoginFlow.objects.get()
    answer, flow_id = read(browser, client, card, f"/oidc/authorize/{login_flow.id}/smartcard")
    assert answer.status_code == 200
    approve_in_app(client, device, login_flow.id)  # the app approved it in the meantime
    refused = browser.post(f"/inloggen/smartcard/{flow_id}/gelezen")
    assert refused.status_code == 409 and "ZID-LOGIN-USED" in refused.content.decode()
    assert CardFlow.objects.get(id=flow_id).state == CardFlowState.ANSWERED  # nothing completed


@pytest.fixture
def rp_login(db):
    rp = register(products=["mobiel", "smartcard"])
    Client().get(rp.authorize_url())
    return LoginFlow.objects.get().id


def test_an_application_session_of_a_card_revoked_before_the_token_is_refused(client, jan, smartcard):
    issued, card = smartcard
    rp = register(products=["mobiel", "smartcard"])
    browser = Client()
    browser.get(rp.authorize_url())
    login_flow = LoginFlow.objects.get()
    _, flow_id = read(browser, client, card, f"/oidc/authorize/{login_flow.id}/smartcard")
    assert browser.post(f"/inloggen/smartcard/{flow_id}/gelezen").status_code == 200
    params = redirect_params(browser.get(f"/oidc/authorize/{login_flow.id}/verder"))
    revoke_smartcard(issued.smartcard, actor="test", reason="lost")
    refused = rp.token(client, params["code"])
    assert refused.status_code == 400 and refused.json()["error_description"].startswith("ZID-OIDC-LOGIN-ENDED")


def test_starting_smartcard_logins_counts_against_the_login_start_budget(client, settings):
    settings.ZORGID_RATE_LIMIT_FACTOR = 1
    settings.ZORGID_RATE_LIMITS = {**settings.ZORGID_RATE_LIMITS, "login-start": (2, 60)}
    assert [Client().post("/inloggen/smartcard").status_code for _ in range(2)] == [302, 302]
    refused = Client().post("/inloggen/smartcard")
    assert refused.status_code == 429 and "ZID-RATE-LIMIT" in refused.content.decode()
    assert CardFlow.objects.count() == 2


def test_the_card_logs_in_without_an_active_mobile_id_and_a_revoked_mobile_id_leaves_its_session(client, jan,
                                                                                                 smartcard):
    from zorgid.identities.models import MobileId
    from zorgid.identities.services import revoke_mobile_id

    _, card = smartcard
    browser = Client()
    _, flow_id = read(browser, client, card)
    assert browser.post(f"/inloggen/smartcard/{flow_id}/gelezen")["Location"] == "/overzicht"
    for mobile_id in MobileId.objects.filter(person=jan):
        revoke_mobile_id(mobile_id, actor="test", reason="lost")
    assert browser.get("/overzicht").status_code == 200  # the card's session stands on the card alone
    again = Client()
    _, flow_id = read(again, client, card)
    assert again.post(f"/inloggen/smartcard/{flow_id}/gelezen")["Location"] == "/overzicht"
    page = again.get("/overzicht")
    assert page.status_code == 200 and "Jan Willem" in page.content.decode()


def test_a_smartcard_session_is_refused_the_pages_of_the_apps_id(client, jan, smartcard):
    _, card = smartcard
    browser = Client()
    _, flow_id = read(browser, client, card)
    browser.post(f"/inloggen/smartcard/{flow_id}/gelezen")
    refused = browser.get("/attributen/gekoppeld")
    assert refused.status_code == 403 and "ZID-PORTAL-FORBIDDEN" in refused.content.decode()


def test_an_application_login_with_the_card_needs_no_mobile_id_and_userinfo_answers(client, jan, smartcard):
    from zorgid.identities.models import MobileId
    from zorgid.identities.services import revoke_mobile_id

    _, card = smartcard
    for mobile_id in MobileId.objects.filter(person=jan):
        revoke_mobile_id(mobile_id, actor="test", reason="lost")
    rp = register(products=["mobiel", "smartcard"])
    browser = Client()
    browser.get(rp.authorize_url())
    login_flow = LoginFlow.objects.get()
    _, flow_id = read(browser, client, card, f"/oidc/authorize/{login_flow.id}/smartcard")
    assert browser.post(f"/inloggen/smartcard/{flow_id}/gelezen").status_code == 200
    params = redirect_params(browser.get(f"/oidc/authorize/{login_flow.id}/verder"))
    tokens = rp.token(client, params["code"])
    assert tokens.status_code == 200, tokens.content
    session = AppSession.objects.get()
    assert session.mobile_id_id is None and session.smartcard_id is not None
    info = client.get("/oidc/userinfo", HTTP_AUTHORIZATION=f"Bearer {tokens.json()['access_token']}")
    assert info.status_code == 200 and info.json()["given_name"] == "Jan Willem"


def test_a_smartcard_session_counts_under_the_logged_in_budget_of_its_card(client, jan, smartcard, settings):
    _, card = smartcard
    browser = Client()
    _, flow_id = read(browser, client, card)
    browser.post(f"/inloggen/smartcard/{flow_id}/gelezen")
    settings.ZORGID_RATE_LIMIT_FACTOR = 1
    settings.ZORGID_RATE_LIMITS = {**settings.ZORGID_RATE_LIMITS, "logged-in": (2, 60), "client-read": (1000, 60)}
    assert [browser.get("/overzicht").status_code for _ in range(2)] == [200, 200]
    assert browser.get("/overzicht").status_code == 429
    assert Client().get("/foutmeldingen").status_code == 200  # the address's anonymous budget is not spent
