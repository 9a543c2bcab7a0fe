"""A login at a healthcare application through HTTP (docs/koppelen.md §3): the authorization request, zorgid's QR
page naming the application, the app's approval, the status, the organisation, the code, the token exchanged with
a client assertion made by PyJWT, the ID token verified against /oidc/jwks, and userinfo."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.integration.oidc.relying_party import (
    ISSUER,
    approve_in_app,
    code_of,
    log_in,
    redirect_params,
    register,
    start,
    wait_done,
)
from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.care_apps.models import CareApplication
from zorgid.flows.models import LoginFlow
from zorgid.identities.models import MobileId, UziRegistration
from zorgid.oidc.claims import subject
from zorgid.oidc.models import AccessToken, AppSession, AuthorizationCode
from zorgid.organisations.models import Role
from zorgid.organisations.roles import grant_role

pytestmark = pytest.mark.django_db


def test_a_whole_login_from_authorize_to_userinfo(client, device, employee, linde, rp):
    browser = Client()
    page = browser.get(rp.authorize_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "Inloggen bij EPD De Linde" in text and "Voorbeeld B.V." in text
    assert "<svg" in text and "zorgid://login?v=1&amp;server=http%3A%2F%2Ftestserver" in text
    flow = LoginFlow.objects.get()
    assert flow.application == rp.application and flow.requester_name == "EPD De Linde"
    assert browser.get(f"/oidc/authorize/{flow.id}/status").json() == {"state": "pending"}
    seen = client.get(f"/api/v1/login-flows/{flow.id}").json()
    assert seen["requester"]["name"] == "EPD De Linde"
    approve_in_app(client, device, flow.id)
    next_url = wait_done(browser, flow.id)
    assert next_url == f"/oidc/authorize/{flow.id}/verder"
    assert browser.get("/overzicht").status_code == 403  # the portal is not logged in by it
    params = redirect_params(browser.get(next_url))
    assert params["state"] == rp.state and len(params["code"]) >= 40

    answer = rp.token(client, params["code"])
    assert answer.status_code == 200, answer.content
    assert answer["Cache-Control"] == "no-store"
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 300 and body["scope"] == "openid profile uzi"
    assert "refresh_token" not in body
    claims = rp.verify_id_token(client, body["id_token"])
    session = AppSession.objects.get()
    assert claims["iss"] == ISSUER and claims["aud"] == rp.client_id
    assert claims["sub"] == subject(rp.application, employee.id) == session.subject and len(claims["sub"]) == 64
    assert claims["exp"] - claims["iat"] == 300 and "at_hash" in claims
    assert claims["auth_time"] == int(flow_approved_at(flow.id).timestamp())
    assert claims["acr"] == claims["loa_authn"] == "http://eidas.europa.eu/LoA/substantial"
    assert claims["amr"] == ["pin", "swk", "mfa"] and claims["sid"] == session.sid
    assert (claims["given_name"], claims["family_name"], claims["initials"], claims["surname_prefix"],
            claims["surname"], claims["name"]) == ("Jan Willem", "de Vries", "J.W.", "de", "Vries",
                                                   "Jan Willem de Vries")
    assert (claims["ura"], claims["entity_name"]) == ("90000382", "Huisartsenpraktijk De Linde")
    assert claims["relations"] == [{"ura": "90000382", "entity_name": "Huisartsenpraktijk De Linde", "roles": [],
                                    "zorgid_roles": ["medewerker"]}]
    assert "uzi_id" not in claims and "loa_uzi" not in claims

    info = client.get("/oidc/userinfo", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert info.status_code == 200, info.content
    assert info.json()["sub"] == claims["sub"] and info.json()["name"] == "Jan Willem de Vries"
    assert info.json()["relations"] == claims["relations"]
    posted = client.post("/oidc/userinfo", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert posted.status_code == 200

    login = AuditEvent.objects.get(event="oidc.login")
    assert json.loads(login.details) == {"client_id": rp.client_id, "ura": "90000382", "mobile_id": device.mobile_id,
                                         "sid": session.sid, "login_flow": flow.id}
    assert login.actor == f"person:{employee.id}" and login.organisation == "90000382"
    assert AuditEvent.objects.filter(event="oidc.token").count() == 1
    stored = AuthorizationCode.objects.get()
    assert stored.code_hash != params["code"] and stored.used_at is not None
    assert AccessToken.objects.get().token_hash != body["access_token"]


def flow_approved_at(flow_id):
    return LoginFlow.objects.get(id=flow_id).approved_at


def test_the_uzi_claims_of_linked_attributes_and_several_organisations(client, device, employee, linde, oost, rp):
    grant_role(employee, Role.BEHEERDER, oost, actor="test")
    grant_role(employee, Role.ADMINISTRATOR, oost, actor="test")
    holder = MobileId.objects.get(id=device.mobile_id)
    for ura, role in (("90000999", "01.015"), ("90000999", "30.000"), ("90000382", "01.015")):
        UziRegistration.objects.create(mobile_id=holder, uzi_number="900016528", card_type="Z", ura=ura, role=role,
                                       agb="00000000", common_name="Jan Willem de Vries", organisation_name="x",
                                       certificate_serial="1", registered_at=clock.now())
    browser = Client()
    page = log_in(browser, client, device, rp, ura="90000999")
    code = redirect_params(page)["code"]
    claims = rp.verify_id_token(client, rp.token(client, code).json()["id_token"])
    assert claims["uzi_id"] == "900016528" and claims["loa_uzi"] == "http://eidas.europa.eu/LoA/high"
    assert (claims["ura"], claims["entity_name"]) == ("90000999", "Ziekenhuis Oost")
    assert claims["relations"] == [
        {"ura": "90000999", "entity_name": "Ziekenhuis Oost", "roles": ["01.015", "30.000"],
         "zorgid_roles": ["administrator", "beheerder"]},
        {"ura": "90000382", "entity_name": "Huisartsenpraktijk De Linde", "roles": ["01.015"],
         "zorgid_roles": ["medewerker"]}]


def test_a_person_of_several_organisations_chooses_one(client, device, employee, linde, oost, rp):
    grant_role(employee, Role.MEDEWERKER, oost, actor="test")
    browser = Client()
    flow_id = start(browser, rp)
    approve_in_app(client, device, flow_id)
    page = browser.get(wait_done(browser, flow_id))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Kies uw organisatie" in text and "Ziekenhuis Oost" in text and "Huisartsenpraktijk De Linde" in text
    assert "form-action 'self' https://epd.example.nl" in page["Content-Security-Policy"]
    params = redirect_params(browser.post(f"/oidc/authorize/{flow_id}/verder", {"ura": "90000999"}))
    claims = rp.verify_id_token(client, rp.token(client, params["code"]).json()["id_token"])
    assert claims["ura"] == "90000999"
    assert [relation["ura"] for relation in claims["relations"]] == ["90000999", "90000382"]


def test_the_pairwise_subject_differs_per_application(client, device, employee, rp):
    other = register(name="Zorgapp Oost")
    first = rp.verify_id_token(client, rp.token(client, code_of(Client(), client, device, rp)).json()["id_token"])
    second = other.verify_id_token(client, other.token(client, code_of(Client(), client, device, other)).json()[
        "id_token"])
    assert first["sub"] != second["sub"]
    assert second["sub"] == subject(CareApplication.objects.get(name="Zorgapp Oost"), employee.id)


def test_a_scope_of_openid_only_gives_no_names(client, device, employee, rp):
    code = code_of(Client(), client, device, rp, scope="openid")
    body = rp.token(client, code).json()
    claims = rp.verify_id_token(client, body["id_token"])
    assert "name" not in claims and "ura" not in claims and body["scope"] == "openid"
    info = client.get("/oidc/userinfo", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}").json()
    assert info == {"sub": claims["sub"]}
