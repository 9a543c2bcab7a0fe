"""One whole login against the running server over real HTTP (httpx), as an application with an OIDC library
would do it: discovery, the QR page, the app's approval, the code, the token, the ID token verified by PyJWT's
PyJWKClient from the published jwks_uri, userinfo."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest

from tests.integration.oidc.relying_party import REDIRECT_URI
from tests.integration.test_login_api import approve, fetch

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_login_over_http_verified_with_pyjwkclient(live_server, client, device, employee, rp):
    issuer = live_server.url
    with httpx.Client(base_url=issuer, timeout=30) as browser, httpx.Client(timeout=30) as application:
        metadata = application.get(f"{issuer}/.well-known/openid-configuration").json()
        assert metadata["issuer"] == issuer
        page = browser.get(metadata["authorization_endpoint"], params=rp.authorize_params())
        assert page.status_code == 200 and "Inloggen bij EPD De Linde" in page.text
        flow_id = re.search(r"flow=([0-9a-f]{32})", page.text).group(1)
        assert approve(client, flow_id, device.approval(fetch(client, flow_id).json())).status_code == 200
        status = browser.get(f"/oidc/authorize/{flow_id}/status", params={"wait": "1"}).json()
        assert status["state"] == "done"
        back = browser.get(status["next"], follow_redirects=False)
        assert back.status_code == 302 and back.headers["location"].startswith(REDIRECT_URI)
        query = parse_qs(urlsplit(back.headers["location"]).query)
        assert query["state"] == [rp.state]
        form = rp.token_form(query["code"][0], client_assertion=rp.assertion(aud=metadata["token_endpoint"]))
        answer = application.post(metadata["token_endpoint"], data=form)
        assert answer.status_code == 200, answer.text
        tokens = answer.json()
        signing_key = jwt.PyJWKClient(metadata["jwks_uri"]).get_signing_key_from_jwt(tokens["id_token"])
        claims = jwt.decode(tokens["id_token"], signing_key.key, algorithms=["RS256"], audience=rp.client_id,
                            issuer=issuer)
        assert claims["nonce"] == rp.nonce and claims["ura"] == "90000382"
        info = application.get(metadata["userinfo_endpoint"],
                               headers={"Authorization": f"Bearer {tokens['access_token']}"})
        assert info.status_code == 200 and info.json()["sub"] == claims["sub"]
