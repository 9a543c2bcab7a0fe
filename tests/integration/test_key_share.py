"""The key share over HTTP (docs/security.md, R-SEC-PIN): the server takes part in every use of the key."""

import datetime as dt
import secrets

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client

from tests.conftest import activate_code
from tests.integration.test_login_api import approve, fetch, start_flow, status
from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.identities.models import KeyShare, MobileId
from zorgid.identities.services import revoke_mobile_id
from zorgid.protocol.messages import PinChange, b64decode, b64encode

pytestmark = pytest.mark.django_db


def unlock(client, mobile_id: str, proof: bytes):
    return client.post(f"/api/v1/key-shares/{mobile_id}/unlock", {"v": 2, "pin_proof": b64encode(proof)},
                       content_type="application/json")


@pytest.fixture
def holder(client, operator):
    device = activate_code(client, operator.code)
    assert len(device.share) == 32
    return device, device.proof, device.share


def test_the_share_for_the_right_proof_and_a_one_time_token_for_the_approval(client, holder):
    device, proof, share = holder
    browser = Client()
    flow_id = start_flow(browser)
    flow = fetch(client, flow_id).json()
    without = approve(client, flow_id, device.approval(flow, unlock_token="never-unlocked-000000"))
    assert without.status_code == 403 and without.json()["error"]["code"] == "ZID-UNLOCK-TOKEN"
    answer = unlock(client, device.mobile_id, proof).json()
    assert b64decode(answer["key_share"]) == share
    body = device.approval(flow, unlock_token=answer["unlock_token"])
    assert approve(client, flow_id, body).status_code == 200
    assert status(browser, flow_id).json()["state"] == "done"
    second = start_flow(Client())
    again = approve(client, second, device.approval(fetch(client, second).json(), unlock_token=answer["unlock_token"]))
    assert again.json()["error"]["code"] == "ZID-UNLOCK-TOKEN"  # once only


def test_three_tries_then_a_doubling_wait(client, holder):
    device, proof, share = holder
    wrong = secrets.token_bytes(32)
    for _ in range(3):
        response = unlock(client, device.mobile_id, wrong)
        assert response.status_code == 403 and response.json()["error"]["code"] == "ZID-PIN-WRONG"
    waiting = unlock(client, device.mobile_id, proof)  # even the right PIN waits now
    assert waiting.status_code == 429 and waiting.json()["error"]["code"] == "ZID-PIN-WAIT"
    clock.move(dt.timedelta(seconds=61))
    assert unlock(client, device.mobile_id, wrong).status_code == 403  # 4th failure: 2 minutes
    clock.move(dt.timedelta(seconds=90))
    assert unlock(client, device.mobile_id, proof).status_code == 429
    clock.move(dt.timedelta(seconds=31))
    assert unlock(client, device.mobile_id, proof).status_code == 200  # and the count starts again
    assert AuditEvent.objects.filter(event="keyshare.pin_wrong").count() == 4


def test_a_new_pin_after_a_restore_needs_the_keys_signature(client, holder):
    device, proof, share = holder
    new_proof = secrets.token_bytes(32)
    signed_at = int(clock.now().timestamp())
    message = PinChange(device.mobile_id, b64encode(new_proof), signed_at)
    forged = ec.generate_private_key(ec.SECP256R1()).sign(message.canonical_bytes(), ec.ECDSA(hashes.SHA256()))
    body = {"v": 2, "pin_proof": b64encode(new_proof), "signed_at": signed_at}
    refused = client.post(f"/api/v1/key-shares/{device.mobile_id}/pin", {**body, "signature": b64encode(forged)},
                          content_type="application/json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "ZID-SIGNATURE-INVALID"
    signature = device.key.sign(message.canonical_bytes(), ec.ECDSA(hashes.SHA256()))
    response = client.post(f"/api/v1/key-shares/{device.mobile_id}/pin", {**body, "signature": b64encode(signature)},
                           content_type="application/json")
    assert b64decode(response.json()["key_share"]) == share
    assert unlock(client, device.mobile_id, proof).status_code == 403
    assert unlock(client, device.mobile_id, new_proof).status_code == 200


def test_a_revoked_id_gets_no_share(client, holder):
    device, proof, _ = holder
    revoke_mobile_id(MobileId.objects.get(id=device.mobile_id), actor="test", reason="lost phone")
    response = unlock(client, device.mobile_id, proof)
    assert response.status_code == 403 and response.json()["error"]["code"] == "ZID-MOBILE-ID-REVOKED"


@pytest.mark.parametrize("proof", ["", "AAAA", "x" * 80])
def test_malformed_proofs(client, holder, proof):
    device, _, _ = holder
    response = client.post(f"/api/v1/key-shares/{device.mobile_id}/unlock", {"v": 2, "pin_proof": proof},
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "ZID-REQUEST-MALFORMED"


def test_an_id_of_an_older_app_without_a_share_is_told_to_activate_again(client, holder):
    """IDs activated before the key share (v1) have none: no unlock, so no approval (docs/security.md)."""
    device, proof, _ = holder
    KeyShare.objects.filter(mobile_id=device.mobile_id).delete()
    response = unlock(client, device.mobile_id, proof)
    assert response.status_code == 409 and response.json()["error"]["code"] == "ZID-KEYSHARE-NONE"
    assert "nieuwe QR-code" in response.json()["error"]["solution"]["nl"]
    flow_id = start_flow(Client())
    refused = approve(client, flow_id, device.approval(fetch(client, flow_id).json()))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "ZID-UNLOCK-TOKEN"
