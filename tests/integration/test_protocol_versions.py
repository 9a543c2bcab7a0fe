"""The app's protocol has one version: its requests say ``v: 3`` and so do the messages they carry and sign.

The login approval request said v 3 while the approval it carried was signed as version 1; now the signed
approval names the request's version, and an approval signed as version 1 is refused.
"""

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client

from tests.integration.test_login_api import approve, fetch, start_flow
from zorgid import clock
from zorgid.protocol.bodies import LoginApprovalRequest
from zorgid.protocol.messages import APP_VERSION, b64encode, canonical_json

pytestmark = pytest.mark.django_db


def approval_signed_as(device, flow: dict, version: int) -> dict:
    signed_at = int(clock.now().timestamp())
    message = canonical_json({"type": "zorgid.login.approval", "v": version, "flow": flow["flow"],
                              "nonce": flow["nonce"], "origin": flow["origin"], "mobile_id": device.mobile_id,
                              "signed_at": signed_at})
    token = device.unlock().json()["unlock_token"]
    return LoginApprovalRequest(unlock_token=token, mobile_id=device.mobile_id, signed_at=signed_at,
                                signature=b64encode(device.key.sign(message, ec.ECDSA(hashes.SHA256())))).to_json()


def test_the_approval_is_signed_in_the_version_of_its_request(client, device):
    flow = fetch(client, start_flow(Client())).json()
    assert flow["v"] == APP_VERSION == 3
    body = approval_signed_as(device, flow, APP_VERSION)
    assert body["v"] == APP_VERSION
    response = approve(client, flow["flow"], body)
    assert response.status_code == 200 and response.json() == {"state": "approved"}


def test_an_approval_signed_as_version_1_is_refused(client, device):
    flow = fetch(client, start_flow(Client())).json()
    response = approve(client, flow["flow"], approval_signed_as(device, flow, 1))
    assert response.status_code == 403 and response.json()["error"]["code"] == "ZID-SIGNATURE-INVALID"
