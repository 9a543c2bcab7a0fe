"""Every refusal of the provider, each with its own test and its ZID code (docs/koppelen.md §7): at the authorization
request (zorgid's page when the client or the redirect_uri cannot be trusted, else an OAuth error at the
redirect_uri), at the continue page, at the token endpoint and at userinfo. None of them is a server error."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from tests.integration.oidc.relying_party import (
    REDIRECT_URI,
    approve_in_app,
    code_of,
    log_in,
    new_key,
    redirect_params,
    register,
    start,
    wait_done,
)
from tests.integration.test_login_api import start_flow
from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.care_apps.services import refuse_version, suspend
from zorgid.identities.models import Person
from zorgid.oidc.models import AppSession, AuthorizationCode
from zorgid.organisations.models import Role
from zorgid.organisations.roles import grant_role
from zorgid.organisations.services import add_organisation

pytestmark = pytest.mark.django_db


def page_code(response) -> str:
    text = response.content.decode()
    return text.split('data-testid="error-code">', 1)[1].split("<", 1)[0]


def refused(response, error: str, code: str, *, state: str | None) -> dict[str, str]:
    """An OAuth error at the application's redirect_uri: ``error``, the ZID code first in the description, state."""
    params = redirect_params(response)
    assert params["error"] == error, params
    assert params["error_description"].startswith(f"{code}: "), params
    assert params.get("state") == state
    assert "code" not in params
    return params


def token_error(response, status: int, error: str, code: str) -> None:
    assert response.status_code == status, response.content
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["error"] == error and body["error_description"].startswith(f"{code}: "), body


def audited_refusals() -> list[dict]:
    return [json.loads(event.details) for event in AuditEvent.objects.filter(event="oidc.authorize.refused")]


# -- the authorization request: zorgid's own page, no redirect ----------------------------------------------------


@pytest.mark.parametrize("client_id", [None, "", "0" * 32, "x" * 500, ["a", "b"]])
def test_an_unknown_client_gets_zorgids_page_and_no_redirect(client, rp, client_id):
    params = rp.authorize_params()
    if isinstance(client_id, list):
        response = client.get("/oidc/authorize", {**params, "client_id": [rp.client_id, rp.client_id]})
    else:
        response = client.get("/oidc/authorize", {**params, "client_id": client_id} if client_id is not None else
                              {k: v for k, v in params.items() if k != "client_id"})
    assert response.status_code == 400 and "Location" not in response
    assert page_code(response) == "ZID-CARE-APP-UNKNOWN"
    assert audited_refusals() == []  # anyone can send it: the access log has it, not the audit log


@pytest.mark.parametrize("redirect_uri", [None, "https://evil.example/cb", REDIRECT_URI + "/", REDIRECT_URI + "?x=1",
                                          [REDIRECT_URI, REDIRECT_URI]])
def test_a_redirect_uri_not_registered_gets_zorgids_page_and_no_redirect(client, rp, redirect_uri):
    params = rp.authorize_params(redirect_uri=redirect_uri)
    response = client.get("/oidc/authorize", params)
    assert response.status_code == 400 and "Location" not in response
    assert page_code(response) == "ZID-CARE-APP-REDIRECT-URI"
    assert audited_refusals() == []  # anyone can send it: the access log has it, not the audit log


# -- the authorization request: an OAuth error at the redirect_uri ------------------------------------------------


@pytest.mark.parametrize("overrides, error, code", [
    ({"code_challenge": None}, "invalid_request", "ZID-OIDC-PKCE"),
    ({"code_challenge_method": None}, "invalid_request", "ZID-OIDC-PKCE"),
    ({"code_challenge_method": "plain"}, "invalid_request", "ZID-OIDC-PKCE"),
    ({"code_challenge": "short"}, "invalid_request", "ZID-OIDC-PKCE"),
    ({"nonce": None}, "invalid_request", "ZID-OIDC-NONCE"),
    ({"nonce": "n" * 256}, "invalid_request", "ZID-OIDC-NONCE"),
    ({"response_type": "token"}, "unsupported_response_type", "ZID-OIDC-RESPONSE-TYPE"),
    ({"response_type": "code id_token"}, "unsupported_response_type", "ZID-OIDC-RESPONSE-TYPE"),
    ({"response_type": None}, "unsupported_response_type", "ZID-OIDC-RESPONSE-TYPE"),
    ({"scope": "profile uzi"}, "invalid_scope", "ZID-OIDC-SCOPE"),
    ({"scope": "openid email"}, "invalid_scope", "ZID-OIDC-SCOPE"),
    ({"scope": None}, "invalid_scope", "ZID-OIDC-SCOPE"),
    ({"application_version": None}, "unauthorized_client", "ZID-CARE-APP-VERSION"),
    ({"application_version": "9.9"}, "unauthorized_client", "ZID-CARE-APP-VERSION"),
    ({"ura": "1234"}, "invalid_request", "ZID-URA-INVALID"),
    ({"ura": "9000038A"}, "invalid_request", "ZID-URA-INVALID"),
    ({"request": "eyJhbGciOiJub25lIn0.e30."}, "invalid_request", "ZID-OIDC-REQUEST"),
    ({"response_mode": "form_post"}, "invalid_request", "ZID-OIDC-REQUEST"),
    ({"prompt": "none"}, "login_required", "ZID-OIDC-REQUEST"),
])
def test_a_request_the_application_must_correct_goes_back_to_it(client, rp, overrides, error, code):
    response = client.get("/oidc/authorize", rp.authorize_params(**overrides))
    refused(response, error, code, state=rp.state)
    assert audited_refusals()[-1] == {"client_id": rp.client_id, "code": code, "stage": "request"}


def test_a_request_without_state_goes_back_without_state(client, rp):
    refused(client.get("/oidc/authorize", rp.authorize_params(state=None)), "invalid_request", "ZID-OIDC-STATE",
            state=None)


def test_a_repeated_parameter_is_refused(client, rp):
    params = rp.authorize_params()
    response = client.get("/oidc/authorize", {**params, "nonce": [params["nonce"], "other"]})
    refused(response, "invalid_request", "ZID-OIDC-REQUEST", state=rp.state)
    response = client.get("/oidc/authorize", {**params, "application_version": ["1.0", "1.0"]})
    refused(response, "invalid_request", "ZID-OIDC-REQUEST", state=rp.state)


def test_a_suspended_application_is_refused(client, rp):
    suspend(rp.client_id, actor="test")
    refused(client.get(rp.authorize_url()), "unauthorized_client", "ZID-CARE-APP-SUSPENDED", state=rp.state)


def test_an_application_not_accepted_for_mobiel_is_refused(client):
    rp = register(products=["smartcard"])
    refused(client.get(rp.authorize_url()), "unauthorized_client", "ZID-CARE-APP-PRODUCT", state=rp.state)


def test_a_refused_version_is_refused(client, rp):
    refuse_version(rp.client_id, "1.0", actor="test")
    refused(client.get(rp.authorize_url()), "unauthorized_client", "ZID-CARE-APP-VERSION", state=rp.state)


def test_a_nonce_used_in_an_earlier_login_is_refused(client, device, employee, rp):
    code_of(Client(), client, device, rp)
    refused(client.get(rp.authorize_url()), "invalid_request", "ZID-OIDC-NONCE", state=rp.state)


def test_the_authorize_page_is_rate_limited_like_the_start_page(client, rp, settings):
    settings.ZORGID_RATE_LIMIT_FACTOR = 1
    settings.ZORGID_RATE_LIMITS = {**settings.ZORGID_RATE_LIMITS, "login-start": (2, 60)}
    assert client.get(rp.authorize_url()).status_code == 200
    assert client.get(rp.authorize_url()).status_code == 200
    response = client.get(rp.authorize_url())
    assert response.status_code == 429 and page_code(response) == "ZID-RATE-LIMIT" and response["Retry-After"]


# -- the status and the continue page -----------------------------------------------------------------------------


def test_another_browsers_flow_is_refused_at_status_and_continue(client, device, employee, rp):
    browser, thief = Client(), Client()
    flow_id = start(browser, rp)
    thief.get(rp.authorize_url())
    approve_in_app(client, device, flow_id)
    response = thief.get(f"/oidc/authorize/{flow_id}/status")
    assert response.status_code == 403 and response.json()["error"]["code"] == "ZID-LOGIN-OTHER-BROWSER"
    response = thief.get(f"/oidc/authorize/{flow_id}/verder")
    assert response.status_code == 403 and page_code(response) == "ZID-LOGIN-OTHER-BROWSER"
    assert "Location" not in response
    assert AuthorizationCode.objects.count() == 0
    redirect_params(browser.get(wait_done(browser, flow_id)))  # the browser that started it still goes on


def test_the_continue_page_before_the_approval_and_after_the_code(client, device, employee, rp):
    browser = Client()
    flow_id = start(browser, rp)
    response = browser.get(f"/oidc/authorize/{flow_id}/verder")
    assert response.status_code == 409 and page_code(response) == "ZID-OIDC-LOGIN-NOT-DONE"
    approve_in_app(client, device, flow_id)
    response = browser.get(f"/oidc/authorize/{flow_id}/verder")  # approved, but the page did not collect it
    assert response.status_code == 409 and page_code(response) == "ZID-OIDC-LOGIN-NOT-DONE"
    next_url = wait_done(browser, flow_id)
    redirect_params(browser.get(next_url))
    again = browser.get(next_url)
    assert again.status_code == 409 and page_code(again) == "ZID-OIDC-LOGIN-USED"
    assert AuthorizationCode.objects.count() == 1 and AppSession.objects.count() == 1


def test_a_portal_login_and_a_login_at_an_application_do_not_mix(client, device, employee, rp):
    browser = Client()
    portal_flow = start_flow(browser)
    approve_in_app(client, device, portal_flow)
    response = browser.get(f"/oidc/authorize/{portal_flow}/status")
    assert response.status_code == 404 and response.json()["error"]["code"] == "ZID-LOGIN-UNKNOWN"
    response = browser.get(f"/oidc/authorize/{portal_flow}/verder")
    assert response.status_code == 404 and page_code(response) == "ZID-LOGIN-UNKNOWN"
    app_flow = start(browser, rp)
    approve_in_app(client, device, app_flow)
    response = browser.get(f"/inloggen/status/{app_flow}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "ZID-LOGIN-UNKNOWN"
    assert browser.get("/overzicht").status_code == 403


def test_a_login_whose_five_minutes_passed_goes_back_as_an_error(client, device, employee, rp):
    browser = Client()
    flow_id = start(browser, rp)
    approve_in_app(client, device, flow_id)
    next_url = wait_done(browser, flow_id)
    clock.move(dt.timedelta(minutes=5))
    refused(browser.get(next_url), "access_denied", "ZID-LOGIN-EXPIRED", state=rp.state)


def test_a_person_blocked_after_the_approval_is_refused(client, device, employee, rp):
    browser = Client()
    flow_id = start(browser, rp)
    approve_in_app(client, device, flow_id)
    next_url = wait_done(browser, flow_id)
    Person.objects.filter(id=employee.id).update(blocked_at=clock.now())
    refused(browser.get(next_url), "access_denied", "ZID-PERSON-BLOCKED", state=rp.state)
    assert audited_refusals()[-1]["code"] == "ZID-PERSON-BLOCKED"


def test_a_person_of_no_organisation_is_refused(client, device, person, rp):
    refused(log_in(Client(), client, device, rp), "access_denied", "ZID-OIDC-NO-ORGANISATION", state=rp.state)


def test_an_organisation_he_has_no_role_in_is_refused(client, device, employee, oost, rp):
    refused(log_in(Client(), client, device, rp, ura="90000999"), "access_denied", "ZID-OIDC-ORGANISATION",
            state=rp.state)


def test_choosing_an_organisation_he_has_no_role_in_is_refused(client, device, employee, linde, oost, rp):
    other = add_organisation(name="Apotheek Zuid", ura="90000555", kvk="11223344", actor="t")
    grant_role(employee, Role.MEDEWERKER, oost, actor="test")
    browser = Client()
    flow_id = start(browser, rp)
    approve_in_app(client, device, flow_id)
    assert browser.get(wait_done(browser, flow_id)).status_code == 200
    response = browser.post(f"/oidc/authorize/{flow_id}/verder", {"ura": other.ura})
    refused(response, "access_denied", "ZID-OIDC-ORGANISATION", state=rp.state)
    response = browser.post(f"/oidc/authorize/{flow_id}/verder", {"ura": "x" * 300})
    refused(response, "access_denied", "ZID-OIDC-ORGANISATION", state=rp.state)


def test_the_choice_needs_the_forms_csrf_token(client, device, employee, linde, oost, rp):
    grant_role(employee, Role.MEDEWERKER, oost, actor="test")
    browser = Client(enforce_csrf_checks=True)
    flow_id = start(browser, rp)
    approve_in_app(client, device, flow_id)
    wait_done(browser, flow_id)
    response = browser.post(f"/oidc/authorize/{flow_id}/verder", {"ura": oost.ura})
    assert response.status_code == 403 and page_code(response) == "ZID-PORTAL-CSRF"


def test_an_application_bound_to_one_ura_logs_in_for_that_organisation_only(client, device, employee, oost):
    rp = register(jwks=None, tls_ura="90000999")
    refused(log_in(Client(), client, device, rp), "access_denied", "ZID-OIDC-ORGANISATION-BOUND", state=rp.state)
    grant_role(employee, Role.MEDEWERKER, oost, actor="test")
    refused(log_in(Client(), client, device, rp, ura="90000382"), "access_denied", "ZID-OIDC-ORGANISATION-BOUND",
            state=rp.state)
    params = redirect_params(log_in(Client(), client, device, rp))  # two organisations, but bound to one: no choice
    assert "code" in params and AppSession.objects.get().organisation == oost


def test_a_version_refused_during_the_login_is_refused_at_the_continue_page(client, device, employee, rp):
    browser = Client()
    flow_id = start(browser, rp)
    approve_in_app(client, device, flow_id)
    next_url = wait_done(browser, flow_id)
    refuse_version(rp.client_id, "1.0", actor="test")
    refused(browser.get(next_url), "unauthorized_client", "ZID-CARE-APP-VERSION", state=rp.state)
    assert AuthorizationCode.objects.count() == 0 and AppSession.objects.count() == 0


# -- the token endpoint -------------------------------------------------------------------------------------------


def test_a_wrong_or_missing_code_verifier_is_refused(client, device, employee, rp):
    code = code_of(Client(), client, device, rp)
    token_error(rp.token(client, code, code_verifier="x" * 50), 400, "invalid_grant", "ZID-OIDC-PKCE-VERIFIER")
    token_error(rp.token(client, code, code_verifier=None), 400, "invalid_grant", "ZID-OIDC-PKCE-VERIFIER-MISSING")
    assert rp.token(client, code).status_code == 200  # a wrong verifier does not use the code up


def test_a_code_used_twice_is_refused_and_revokes_the_tokens_of_the_first(client, device, employee, rp):
    code = code_of(Client(), client, device, rp)
    first = rp.token(client, code).json()
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {first['access_token']}"}
    assert client.get("/oidc/userinfo", **bearer).status_code == 200
    token_error(rp.token(client, code), 400, "invalid_grant", "ZID-OIDC-CODE-USED")
    answer = client.get("/oidc/userinfo", **bearer)
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_token"
    assert AppSession.objects.get().end_reason == "code-reused"
    assert AuditEvent.objects.filter(event="oidc.code.reused").count() == 1


def test_a_code_older_than_sixty_seconds_is_refused(client, device, employee, rp):
    code = code_of(Client(), client, device, rp)
    clock.move(dt.timedelta(seconds=60))
    token_error(rp.token(client, code), 400, "invalid_grant", "ZID-OIDC-CODE-EXPIRED")


def test_a_code_just_within_sixty_seconds_is_accepted(client, device, employee, rp):
    code = code_of(Client(), client, device, rp)
    clock.move(dt.timedelta(seconds=59))
    assert rp.token(client, code).status_code == 200


def test_an_unknown_code_another_clients_code_and_another_redirect_uri(client, device, employee, rp):
    other = register(name="Zorgapp Oost")
    code = code_of(Client(), client, device, rp)
    token_error(rp.token(client, "nonsense"), 400, "invalid_grant", "ZID-OIDC-CODE-UNKNOWN")
    token_error(rp.token(client, "x" * 5000), 400, "invalid_grant", "ZID-OIDC-CODE-UNKNOWN")
    token_error(other.token(client, code), 400, "invalid_grant", "ZID-OIDC-CODE-CLIENT")
    token_error(rp.token(client, code, redirect_uri="https://epd.example.nl/other"), 400, "invalid_grant",
                "ZID-OIDC-REDIRECT-URI")
    token_error(rp.token(client, code, redirect_uri=None), 400, "invalid_grant", "ZID-OIDC-REDIRECT-URI")
    token_error(rp.token(client, None), 400, "invalid_request", "ZID-OIDC-TOKEN-REQUEST")
    assert rp.token(client, code).status_code == 200


def test_an_assertion_signed_with_another_key_is_refused(client, device, employee, rp):
    code = code_of(Client(), client, device, rp)
    forged = rp.assertion(key=new_key())  # the application's kid, another key
    token_error(rp.token(client, code, client_assertion=forged), 401, "invalid_client", "ZID-OIDC-ASSERTION")
    token_error(rp.token(client, code, client_assertion=rp.assertion(kid="unknown")), 401, "invalid_client",
                "ZID-OIDC-ASSERTION")
    assert rp.token(client, code).status_code == 200


def test_a_replayed_assertion_is_refused(client, device, employee, rp):
    assertion = rp.assertion()
    assert rp.token(client, code_of(Client(), client, device, rp), client_assertion=assertion).status_code == 200
    rp.nonce += "-2"
    code = code_of(Client(), client, device, rp)
    token_error(rp.token(client, code, client_assertion=assertion), 401, "invalid_client",
                "ZID-OIDC-ASSERTION-REPLAYED")
    assert rp.token(client, code).status_code == 200


@pytest.mark.parametrize("assertion_of", [
    lambda rp: rp.assertion(aud="https://elsewhere.example/token"),
    lambda rp: rp.assertion(lifetime=-120),
    lambda rp: rp.assertion(lifetime=3700),
    lambda rp: rp.assertion(iss="someone-else"),
    lambda rp: rp.assertion(jti=""),
    lambda rp: "not.a.jwt",
    lambda rp: "e30.e30.e30",
])
def test_a_bad_assertion_is_refused(client, device, employee, rp, assertion_of):
    code = code_of(Client(), client, device, rp)
    token_error(rp.token(client, code, client_assertion=assertion_of(rp)), 401, "invalid_client",
                "ZID-OIDC-ASSERTION")


def test_the_issuer_is_an_accepted_audience(client, device, employee, rp):
    code = code_of(Client(), client, device, rp)
    assert rp.token(client, code, client_assertion=rp.assertion(aud="http://testserver")).status_code == 200


def test_no_client_authentication_and_no_client_secrets(client, device, employee, rp):
    code = code_of(Client(), client, device, rp)
    token_error(rp.token(client, code, client_assertion=None, client_assertion_type=None), 401, "invalid_client",
                "ZID-OIDC-CLIENT-AUTH")
    token_error(rp.token(client, code, client_assertion=None, client_assertion_type=None, client_id=rp.client_id,
                         client_secret="geheim"), 401, "invalid_client", "ZID-OIDC-CLIENT-AUTH")
    token_error(rp.token(client, code, client_id="someone-else"), 401, "invalid_client", "ZID-OIDC-CLIENT-AUTH")


def test_other_grant_types_and_repeated_parameters_are_refused(client, device, employee, rp):
    code = code_of(Client(), client, device, rp)
    token_error(rp.token(client, code, grant_type="refresh_token"), 400, "unsupported_grant_type",
                "ZID-OIDC-GRANT-TYPE")
    token_error(rp.token(client, code, grant_type="client_credentials"), 400, "unsupported_grant_type",
                "ZID-OIDC-GRANT-TYPE")
    token_error(client.post("/oidc/token", {**rp.token_form(code), "code": [code, code]}), 400, "invalid_request",
                "ZID-OIDC-TOKEN-REQUEST")
    assert client.get("/oidc/token").status_code == 405


def test_an_application_suspended_after_the_login_gets_no_tokens(client, device, employee, rp):
    code = code_of(Client(), client, device, rp)
    suspend(rp.client_id, actor="test")
    token_error(rp.token(client, code), 400, "unauthorized_client", "ZID-CARE-APP-SUSPENDED")


def test_a_person_blocked_after_the_code_gets_no_tokens(client, device, employee, rp):
    code = code_of(Client(), client, device, rp)
    Person.objects.filter(id=employee.id).update(blocked_at=clock.now())
    token_error(rp.token(client, code), 400, "invalid_grant", "ZID-OIDC-LOGIN-ENDED")


# -- userinfo -----------------------------------------------------------------------------------------------------


def userinfo_error(response, code: str, *, with_error: bool = True) -> None:
    assert response.status_code == 401, response.content
    challenge = response["WWW-Authenticate"]
    assert challenge.startswith('Bearer realm="zorgid"')
    assert ('error="invalid_token"' in challenge) == with_error
    assert response.json()["error_description"].startswith(f"{code}: ")


def test_userinfo_without_a_usable_token(client, device, employee, rp):
    userinfo_error(client.get("/oidc/userinfo"), "ZID-OIDC-TOKEN-MISSING", with_error=False)
    userinfo_error(client.get("/oidc/userinfo", HTTP_AUTHORIZATION="Basic YTpi"), "ZID-OIDC-TOKEN-MISSING",
                   with_error=False)
    userinfo_error(client.get("/oidc/userinfo", HTTP_AUTHORIZATION="Bearer"), "ZID-OIDC-TOKEN-MISSING",
                   with_error=False)
    userinfo_error(client.get("/oidc/userinfo", HTTP_AUTHORIZATION="Bearer nonsense"), "ZID-OIDC-TOKEN-INVALID")
    userinfo_error(client.get("/oidc/userinfo", HTTP_AUTHORIZATION="Bearer " + "x" * 5000), "ZID-OIDC-TOKEN-INVALID")
    token = rp.token(client, code_of(Client(), client, device, rp)).json()["access_token"]
    clock.move(dt.timedelta(seconds=300))
    userinfo_error(client.get("/oidc/userinfo", HTTP_AUTHORIZATION=f"Bearer {token}"), "ZID-OIDC-TOKEN-INVALID")


def test_userinfo_after_the_session_ended(client, device, employee, rp):
    token = rp.token(client, code_of(Client(), client, device, rp)).json()["access_token"]
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    Person.objects.filter(id=employee.id).update(blocked_at=clock.now())
    userinfo_error(client.get("/oidc/userinfo", **bearer), "ZID-OIDC-SESSION-ENDED")
    Person.objects.filter(id=employee.id).update(blocked_at=None)
    assert client.get("/oidc/userinfo", **bearer).status_code == 200
    suspend(rp.client_id, actor="test")
    userinfo_error(client.get("/oidc/userinfo", **bearer), "ZID-OIDC-SESSION-ENDED")


def test_an_assertion_valid_for_an_hour_as_common_client_libraries_make_it_is_accepted(client, device, employee, rp):
    code = code_of(Client(), client, device, rp)
    assert rp.token(client, code, client_assertion=rp.assertion(lifetime=3600)).status_code == 200
