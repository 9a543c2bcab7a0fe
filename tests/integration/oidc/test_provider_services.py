"""The provider's services without HTTP (docs/architecture.md: services testable without HTTP): the authorization
request checked and kept on a LoginFlow, the code issued after the approval, the token and userinfo answers."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.integration.oidc.relying_party import ISSUER
from zorgid import clock
from zorgid.flows.models import LoginFlow, LoginFlowState
from zorgid.identities.models import MobileId
from zorgid.oidc import authorize, tokens
from zorgid.oidc.errors import LoginNotDone

pytestmark = pytest.mark.django_db


def as_lists(params: dict[str, str]) -> dict[str, list[str]]:
    return {name: [value] for name, value in params.items()}


def test_the_services_of_one_login(device, employee, rp):
    holder = MobileId.objects.get(id=device.mobile_id)
    started = authorize.begin(as_lists(rp.authorize_params(scope="profile openid")), issuer=ISSUER,
                              browser_secret="browser-1", origin=ISSUER)
    assert isinstance(started, authorize.Started) and started.application == rp.application
    flow = started.flow
    assert flow.authorization == {
        "client_id": rp.client_id, "redirect_uri": rp.redirect_uri, "response_type": "code",
        "scope": "openid profile", "state": rp.state, "nonce": rp.nonce, "code_challenge": rp.challenge,
        "code_challenge_method": "S256", "application_version": "1.0"}
    with pytest.raises(LoginNotDone):
        authorize.proceed(flow.id, issuer=ISSUER, browser_secret="browser-1")
    now = clock.now()
    LoginFlow.objects.filter(id=flow.id).update(state=LoginFlowState.COMPLETED, mobile_id=holder, approved_at=now,
                                                completed_at=now)  # as the app's approval and the status do it
    granted = authorize.proceed(flow.id, issuer=ISSUER, browser_secret="browser-1")
    assert isinstance(granted, authorize.Granted)
    query = parse_qs(urlsplit(granted.location).query)
    answer = tokens.token(as_lists(rp.token_form(query["code"][0])), issuer=ISSUER)
    assert answer.status == 200 and ("Cache-Control", "no-store") in answer.headers
    claims = answer.body
    assert claims["scope"] == "openid profile" and claims["token_type"] == "Bearer"
    info = tokens.userinfo({"Authorization": f"Bearer {claims['access_token']}"})
    assert info.status == 200 and info.body["family_name"] == "de Vries" and "ura" not in info.body


def test_a_refused_request_is_an_answer_for_the_application(rp):
    refused = authorize.begin(as_lists(rp.authorize_params(code_challenge=None)), issuer=ISSUER,
                              browser_secret="browser-1", origin=ISSUER)
    assert isinstance(refused, authorize.Refused) and refused.code == "ZID-OIDC-PKCE"
    assert refused.location.startswith(rp.redirect_uri + "?error=invalid_request&error_description=ZID-OIDC-PKCE")
    assert not LoginFlow.objects.exists()
