"""The key share over HTTP (docs/security.md, R-SEC-PIN): the server takes part in every use of the key, and only
the app's device key can have a PIN proof counted."""

import datetime as dt
import secrets

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client

from tests.conftest import activate_code, public_der
from tests.integration.test_login_api import approve, fetch, start_flow, status
from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.identities.models import KeyShare, MobileId
from zorgid.identities.services import issue_activation_code, revoke_mobile_id
from zorgid.protocol.bodies import KeySharePinRequest
from zorgid.protocol.messages import PinChange, b64decode, b64encode

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(client, operator):
    device = activate_code(client, operator.code)
    assert len(device.share) == 32
    return device, device.proof, device.share


def error_code(response) -> str:
    return response.json()["error"]["code"]


def test_the_share_for_the_right_proof_and_a_one_time_token_for_the_approval(client, holder):
    device, proof, share = holder
    browser = Client()
    flow_id = start_flow(browser)
    flow = fetch(client, flow_id).json()
    without = approve(client, flow_id, device.approval(flow, unlock_token="never-unlocked-000000"))
    assert without.status_code == 403 and error_code(without) == "ZID-UNLOCK-TOKEN"
    answer = device.unlock(proof).json()
    assert b64decode(answer["key_share"]) == share
    assert answer["wrong_tries_since_last_use"] == 0 and answer["last_use_at"] is None
    assert answer["new_activation_codes"] == []
    body = device.approval(flow, unlock_token=answer["unlock_token"])
    assert approve(client, flow_id, body).status_code == 200
    assert status(browser, flow_id).json()["state"] == "done"
    second = start_flow(Client())
    again = approve(client, second, device.approval(fetch(client, second).json(), unlock_token=answer["unlock_token"]))
    assert error_code(again) == "ZID-UNLOCK-TOKEN"  # once only


def test_three_tries_then_a_doubling_wait(client, holder):
    device, proof, share = holder
    wrong = secrets.token_bytes(32)
    for _ in range(3):
        response = device.unlock(wrong)
        assert response.status_code == 403 and error_code(response) == "ZID-PIN-WRONG"
    waiting = device.unlock(proof)  # even the right PIN waits now
    assert waiting.status_code == 429 and error_code(waiting) == "ZID-PIN-WAIT"
    clock.move(dt.timedelta(seconds=61))
    assert device.unlock(wrong).status_code == 403  # 4th failure: 2 minutes
    clock.move(dt.timedelta(seconds=90))
    assert device.unlock(proof).status_code == 429
    clock.move(dt.timedelta(seconds=31))
    answer = device.unlock(proof)
    assert answer.status_code == 200 and answer.json()["wrong_tries_since_last_use"] == 4
    assert AuditEvent.objects.filter(event="keyshare.pin_wrong").count() == 4


def test_the_right_pin_does_not_wipe_the_wrong_tries_of_the_last_day(client, holder):
    """Two wrong tries before each of the holder's logins used to be free; now they add up for 24 hours."""
    device, proof, _ = holder
    wrong = secrets.token_bytes(32)
    for _ in range(2):
        assert error_code(device.unlock(wrong)) == "ZID-PIN-WRONG"
    first = device.unlock(proof).json()
    assert first["wrong_tries_since_last_use"] == 2 and first["last_use_at"] is None
    clock.move(dt.timedelta(hours=1))
    assert error_code(device.unlock(wrong)) == "ZID-PIN-WRONG"  # the third in 24 hours: now a wait
    assert error_code(device.unlock(proof)) == "ZID-PIN-WAIT"
    clock.move(dt.timedelta(minutes=1, seconds=1))
    second = device.unlock(proof).json()
    assert second["wrong_tries_since_last_use"] == 1
    assert dt.datetime.fromisoformat(second["last_use_at"]) < clock.now() - dt.timedelta(minutes=59)
    assert device.unlock(proof).json()["wrong_tries_since_last_use"] == 0
    clock.move(dt.timedelta(hours=23))  # the first two have left the window: one in it, no wait after another
    assert error_code(device.unlock(wrong)) == "ZID-PIN-WRONG"
    assert device.unlock(proof).status_code == 200


def test_an_unlock_not_signed_by_the_device_key_is_refused_and_not_counted(client, holder):
    device, proof, _ = holder
    stranger = ec.generate_private_key(ec.SECP256R1())
    for key in (stranger, device.key):  # the Mobile ID's own key is not the device key either
        for _ in range(5):
            response = device.unlock(secrets.token_bytes(32), device_key=key)
            assert response.status_code == 403 and error_code(response) == "ZID-DEVICE-SIGNATURE"
    body = {**device.unlock_body(secrets.token_bytes(32)), "signature": b64encode(b"\x30\x00")}
    refused = client.post(f"/api/v1/key-shares/{device.mobile_id}/unlock", body, content_type="application/json")
    assert refused.status_code == 403 and error_code(refused) == "ZID-DEVICE-SIGNATURE"
    signed_for_another_proof = {**device.unlock_body(proof), "pin_proof": b64encode(secrets.token_bytes(32))}
    refused = client.post(f"/api/v1/key-shares/{device.mobile_id}/unlock", signed_for_another_proof,
                          content_type="application/json")
    assert error_code(refused) == "ZID-DEVICE-SIGNATURE"
    answer = device.unlock(proof)
    assert answer.status_code == 200 and answer.json()["wrong_tries_since_last_use"] == 0
    assert not AuditEvent.objects.filter(event="keyshare.pin_wrong").exists()


def test_a_recorded_unlock_cannot_be_sent_again(client, holder):
    device, proof, _ = holder
    path = f"/api/v1/key-shares/{device.mobile_id}/unlock"
    wrong = device.unlock_body(secrets.token_bytes(32))
    assert error_code(client.post(path, wrong, content_type="application/json")) == "ZID-PIN-WRONG"
    for _ in range(3):  # the same wrong try again: refused, not counted
        again = client.post(path, wrong, content_type="application/json")
        assert again.status_code == 403 and error_code(again) == "ZID-DEVICE-SIGNATURE"
    right = device.unlock_body(proof)
    assert client.post(path, right, content_type="application/json").status_code == 200
    assert error_code(client.post(path, right, content_type="application/json")) == "ZID-DEVICE-SIGNATURE"
    earlier = device.unlock(proof, signed_at_ms=right["signed_at_ms"] - 1)  # signed before the last one taken
    assert error_code(earlier) == "ZID-DEVICE-SIGNATURE"
    assert len(KeyShare.objects.get(mobile_id=device.mobile_id).failure_times) == 1


@pytest.mark.parametrize("skew", [-301, 301])
def test_an_unlock_signed_far_from_the_server_clock_is_refused(client, holder, skew):
    device, proof, _ = holder
    at = int((clock.now().timestamp() + skew) * 1000)
    response = device.unlock(secrets.token_bytes(32), signed_at_ms=at)
    assert response.status_code == 400 and error_code(response) == "ZID-DEVICE-CLOCK"
    assert device.unlock(proof).json()["wrong_tries_since_last_use"] == 0


def test_the_unlock_tells_of_activation_codes_issued_since_the_last_use(client, holder, operator):
    device, proof, _ = holder
    assert device.unlock(proof).json()["new_activation_codes"] == []  # his own code is not news
    clock.move(dt.timedelta(hours=2))
    issue_activation_code(operator.person, actor="test")
    other = issue_activation_code(operator.person, actor="test")
    activate_code(Client(), other.code)  # used: by another Mobile ID
    answer = device.unlock(proof).json()
    assert [code["used"] for code in answer["new_activation_codes"]] == [False, True]
    issued = dt.datetime.fromisoformat(answer["new_activation_codes"][0]["issued_at"])
    assert abs(issued - clock.now()) < dt.timedelta(seconds=5)
    assert device.unlock(proof).json()["new_activation_codes"] == []  # told once


def test_a_new_pin_after_a_restore_needs_the_keys_signature_and_brings_a_new_device_key(client, holder):
    device, proof, share = holder
    new_proof, new_device = secrets.token_bytes(32), ec.generate_private_key(ec.SECP256R1())
    signed_at = int(clock.now().timestamp())
    message = PinChange(device.mobile_id, new_proof, signed_at, public_der(new_device))
    forged = ec.generate_private_key(ec.SECP256R1()).sign(message.canonical_bytes(), ec.ECDSA(hashes.SHA256()))
    body = KeySharePinRequest(pin_proof=new_proof, signed_at=signed_at, signature=b"-",
                              device_key=message.device_key).to_json()
    path = f"/api/v1/key-shares/{device.mobile_id}/pin"
    refused = client.post(path, {**body, "signature": b64encode(forged)}, content_type="application/json")
    assert refused.status_code == 403 and error_code(refused) == "ZID-SIGNATURE-INVALID"
    signature = b64encode(device.key.sign(message.canonical_bytes(), ec.ECDSA(hashes.SHA256())))
    other_device = {**body, "device_key": b64encode(public_der(ec.generate_private_key(ec.SECP256R1())))}
    refused = client.post(path, {**other_device, "signature": signature}, content_type="application/json")
    assert error_code(refused) == "ZID-SIGNATURE-INVALID"  # the device key is signed too
    response = client.post(path, {**body, "signature": signature}, content_type="application/json")
    assert b64decode(response.json()["key_share"]) == share
    # the old phone's device key: told that the ID moved, whatever its proof, and nothing is counted
    assert error_code(device.unlock(new_proof)) == "ZID-ID-MOVED"
    assert error_code(device.unlock(proof)) == "ZID-ID-MOVED"
    assert KeyShare.objects.get(mobile_id_id=device.mobile_id).failure_times == []
    other = ec.generate_private_key(ec.SECP256R1())
    assert error_code(device.unlock(proof, device_key=other)) == "ZID-DEVICE-SIGNATURE"  # a key it never had
    device.device_key, device.signed_at_ms = new_device, 0
    assert error_code(device.unlock(proof)) == "ZID-PIN-WRONG"
    assert device.unlock(new_proof).status_code == 200


def test_a_revoked_id_gets_no_share(client, holder):
    device, proof, _ = holder
    revoke_mobile_id(MobileId.objects.get(id=device.mobile_id), actor="test", reason="lost phone")
    response = device.unlock(proof)
    assert response.status_code == 403 and error_code(response) == "ZID-MOBILE-ID-REVOKED"


@pytest.mark.parametrize("change", [
    {"pin_proof": ""}, {"pin_proof": "AAAA"}, {"pin_proof": "x" * 80},
    {"signed_at_ms": 0}, {"signed_at_ms": "now"}, {"signed_at_ms": 2**60}, {"signature": "!!"},
    {"signature": "A" * 300}, {"signature": None}, {"v": 2},
])
def test_malformed_unlocks(client, holder, change):
    device, _, _ = holder
    response = client.post(f"/api/v1/key-shares/{device.mobile_id}/unlock", {**device.unlock_body(), **change},
                           content_type="application/json")
    assert response.status_code == 400 and error_code(response) == "ZID-REQUEST-MALFORMED"


def test_an_older_app_without_a_device_signature_is_told_to_update(client, holder):
    device, proof, _ = holder
    response = client.post(f"/api/v1/key-shares/{device.mobile_id}/unlock", {"v": 2, "pin_proof": b64encode(proof)},
                           content_type="application/json")
    assert response.status_code == 400 and error_code(response) == "ZID-REQUEST-MALFORMED"
    assert "bij" in response.json()["error"]["solution"]["nl"]  # "Werk de ZORG-ID app bij"


def test_an_id_of_an_older_app_without_a_device_key_is_told_to_restore_or_activate_again(client, holder):
    device, proof, _ = holder
    KeyShare.objects.filter(mobile_id=device.mobile_id).update(device_key="")
    response = device.unlock(proof)
    assert response.status_code == 409 and error_code(response) == "ZID-DEVICE-KEY-NONE"
    assert "back-up" in response.json()["error"]["solution"]["nl"]


def test_an_id_of_an_older_app_without_a_share_is_told_to_activate_again(client, holder):
    """IDs activated before the key share have none: no unlock, so no approval (docs/security.md)."""
    device, proof, _ = holder
    KeyShare.objects.filter(mobile_id=device.mobile_id).delete()
    response = device.unlock(proof)
    assert response.status_code == 409 and error_code(response) == "ZID-KEYSHARE-NONE"
    assert "nieuwe QR-code" in response.json()["error"]["solution"]["nl"]
    flow_id = start_flow(Client())
    refused = approve(client, flow_id, device.approval(fetch(client, flow_id).json()))
    assert refused.status_code == 403 and error_code(refused) == "ZID-UNLOCK-TOKEN"


def test_a_new_pin_signed_too_far_from_the_server_clock_is_refused_as_a_pin_change(client, holder):
    """The PIN change has its own clock error (not the login's): the app tells to restore the backup again."""
    device, proof, _ = holder
    new_proof, new_device = secrets.token_bytes(32), ec.generate_private_key(ec.SECP256R1())
    signed_at = int(clock.now().timestamp()) - 301
    message = PinChange(device.mobile_id, new_proof, signed_at, public_der(new_device))
    body = KeySharePinRequest(pin_proof=new_proof, signed_at=signed_at, device_key=message.device_key,
                              signature=device.key.sign(message.canonical_bytes(), ec.ECDSA(hashes.SHA256())))
    response = client.post(f"/api/v1/key-shares/{device.mobile_id}/pin", body.to_json(),
                           content_type="application/json")
    assert response.status_code == 400 and error_code(response) == "ZID-PIN-CHANGE-CLOCK"
    assert "back-up" in response.json()["error"]["solution"]["nl"]
    assert device.unlock(proof).status_code == 200  # the old PIN and device key still hold
    assert not AuditEvent.objects.filter(event="keyshare.pin_replaced").exists()


def test_the_pin_change_service_checks_signature_and_clock_without_http(holder):
    """keyshare.change_pin holds the rules the view used to hold: signed by the Mobile ID's key, within the skew."""
    from zorgid.identities import keyshare
    from zorgid.identities.errors import PinChangeClockSkew
    from zorgid.identities.services import usable_mobile_id
    from zorgid.pki.errors import SignatureInvalid

    device, _, share = holder
    mobile_id, certificate = usable_mobile_id(device.mobile_id)
    new_proof, new_device = secrets.token_bytes(32), public_der(ec.generate_private_key(ec.SECP256R1()))
    now = int(clock.now().timestamp())

    def signed(at: int, key=device.key) -> bytes:
        return key.sign(PinChange(device.mobile_id, new_proof, at, new_device).canonical_bytes(),
                        ec.ECDSA(hashes.SHA256()))

    with pytest.raises(PinChangeClockSkew):
        keyshare.change_pin(mobile_id, certificate, new_proof, new_device, signed_at=now + 301, signature=signed(now))
    with pytest.raises(SignatureInvalid):
        keyshare.change_pin(mobile_id, certificate, new_proof, new_device, signed_at=now,
                            signature=signed(now, ec.generate_private_key(ec.SECP256R1())))
    assert keyshare.change_pin(mobile_id, certificate, new_proof, new_device, signed_at=now,
                               signature=signed(now)) == share
