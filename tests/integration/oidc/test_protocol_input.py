"""Odd input at the provider's endpoints (docs/koppelen.md §3, §7): a state over the limit is refused and not sent
back; an ``ura`` with spaces around it is the URA without them, at the check and at the login; a token request
whose body is too large or has too many fields is the JSON error of RFC 6749 §5.2 with its code."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client, RequestFactory

from tests.integration.oidc.relying_party import code_of, register
from zorgid.identities.models import MobileId
from zorgid.oidc.models import AppSession
from zorgid.organisations.models import Role
from zorgid.organisations.roles import grant_role
from zorgid.portal import oidc_views

pytestmark = pytest.mark.django_db


def test_an_over_long_state_is_refused_and_not_echoed(client):
    rp = register()
    response = client.get("/oidc/authorize", rp.authorize_params(state="s" * 256))
    assert response.status_code == 302
    params = parse_qs(urlsplit(response["Location"]).query)
    assert params["error"] == ["invalid_request"] and params["error_description"][0].startswith("ZID-OIDC-STATE: ")
    assert "state" not in params and len(response["Location"]) < 600


def test_a_state_of_the_limit_is_echoed_on_a_refusal(client):
    rp = register()
    response = client.get("/oidc/authorize", rp.authorize_params(state="s" * 255, nonce=None))
    assert parse_qs(urlsplit(response["Location"]).query)["state"] == ["s" * 255]


def test_an_ura_with_spaces_around_it_is_that_ura(client, device, linde, oost):
    person = MobileId.objects.get(id=device.mobile_id).person
    grant_role(person, Role.MEDEWERKER, linde, actor="test")
    grant_role(person, Role.MEDEWERKER, oost, actor="test")
    rp = register()
    code = code_of(Client(), client, device, rp, ura=f"  {oost.ura} ")  # two organisations: no choice asked
    assert rp.token(client, code).status_code == 200
    assert AppSession.objects.get().organisation == oost


def test_an_ura_with_spaces_inside_is_refused(client):
    rp = register()
    response = client.get("/oidc/authorize", rp.authorize_params(ura="9000 0382"))
    params = parse_qs(urlsplit(response["Location"]).query)
    assert params["error"] == ["invalid_request"] and params["error_description"][0].startswith("ZID-URA-INVALID")


@pytest.mark.parametrize("form", [
    {"grant_type": "authorization_code", "code": "x" * (70 * 1024)},
    {f"f{number}": "1" for number in range(1100)},
], ids=["too-large", "too-many-fields"])
def test_a_token_request_body_over_the_limits_is_the_json_error(db, form):
    """The view's own answer when it reads the form (portal.middleware.ControlCharacterMiddleware reads the form of
    a real request first)."""
    request = RequestFactory().post("/oidc/token", form)
    response = oidc_views.token(request)
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    body = json.loads(response.content)
    assert body["error"] == "invalid_request" and body["error_description"].startswith("ZID-OIDC-TOKEN-REQUEST: ")
