"""Who the authorization endpoint answers by a redirect, and what it audits (docs/koppelen.md §7, docs/security.md):
a withdrawn application gets zorgid's own error page (before the login and after the approval), a suspended one
its OAuth error at its redirect_uri; refusals of unknown clients and unregistered addresses write no audit row,
refusals of a known application at its own address do."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from tests.integration.oidc.relying_party import approve_in_app, register, start, wait_done
from zorgid.audit.models import AuditEvent
from zorgid.care_apps.services import suspend, withdraw
from zorgid.identities.models import MobileId
from zorgid.organisations.models import Role
from zorgid.organisations.roles import grant_role

pytestmark = pytest.mark.django_db


def refusals() -> list[dict]:
    return [json.loads(event.details) for event in AuditEvent.objects.filter(event="oidc.authorize.refused")]


def test_a_withdrawn_application_gets_the_error_page_audited(client):
    rp = register()
    withdraw(rp.client_id, actor="test")
    response = client.get("/oidc/authorize", rp.authorize_params())
    assert response.status_code == 403 and "Location" not in response
    assert "ZID-CARE-APP-WITHDRAWN" in response.content.decode()
    assert refusals() == [{"client_id": rp.client_id, "code": "ZID-CARE-APP-WITHDRAWN", "stage": "client"}]


def test_a_withdrawn_application_at_an_unregistered_address_is_that_refusal(client):
    rp = register()
    withdraw(rp.client_id, actor="test")
    response = client.get("/oidc/authorize", rp.authorize_params(redirect_uri="https://evil.example/cb"))
    assert response.status_code == 400 and "ZID-CARE-APP-REDIRECT-URI" in response.content.decode()
    assert refusals() == []


def test_a_suspended_application_is_redirected_with_unauthorized_client(client):
    rp = register()
    suspend(rp.client_id, actor="test")
    response = client.get("/oidc/authorize", rp.authorize_params())
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    params = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == rp.redirect_uri
    assert params["error"] == ["unauthorized_client"] and params["state"] == [rp.state]
    assert params["error_description"][0].startswith("ZID-CARE-APP-SUSPENDED: ")
    assert refusals() == [{"client_id": rp.client_id, "code": "ZID-CARE-APP-SUSPENDED", "stage": "request"}]


def test_an_application_withdrawn_during_the_login_gets_no_redirect(client, device, linde):
    grant_role(MobileId.objects.get(id=device.mobile_id).person, Role.MEDEWERKER, linde, actor="test")
    rp = register()
    browser = Client()
    flow_id = start(browser, rp)
    approve_in_app(client, device, flow_id)
    next_url = wait_done(browser, flow_id)
    withdraw(rp.client_id, actor="test")
    response = browser.get(next_url)
    assert response.status_code == 403 and "Location" not in response
    assert "ZID-CARE-APP-WITHDRAWN" in response.content.decode()
    assert refusals()[-1] == {"client_id": rp.client_id, "code": "ZID-CARE-APP-WITHDRAWN", "stage": "continue"}


@pytest.mark.parametrize("query", [
    {"client_id": "nobody"},
    {"client_id": "x" * 500, "redirect_uri": "https://x.example/"},
    {"client_id": ["a", "b"]},
    {},
])
def test_unknown_clients_write_no_audit_row(client, query):
    response = client.get("/oidc/authorize", query)
    assert response.status_code == 400 and "Location" not in response
    assert refusals() == []


def test_unregistered_addresses_of_a_known_client_write_no_audit_row(client):
    rp = register()
    for redirect_uri in ("https://evil.example/cb", [rp.redirect_uri, rp.redirect_uri], None):
        response = client.get("/oidc/authorize", rp.authorize_params(redirect_uri=redirect_uri))
        assert response.status_code == 400 and "Location" not in response
    assert refusals() == []


def test_a_refusal_at_a_known_applications_own_address_is_audited(client):
    rp = register()
    response = client.get("/oidc/authorize", rp.authorize_params(nonce=None))
    assert response.status_code == 302
    assert refusals() == [{"client_id": rp.client_id, "code": "ZID-OIDC-NONCE", "stage": "request"}]
