"""Login over HTTP (R-FLOW-LOGIN): the browser's flow, the app's signed approval, the browser logged in."""

import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client

from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.flows.models import LoginFlow
from zorgid.identities.models import MobileId
from zorgid.identities.services import revoke_mobile_id
from zorgid.protocol.messages import login_approval_path, login_flow_path
from zorgid.protocol.payloads import parse_payload

pytestmark = pytest.mark.django_db


def start_flow(browser: Client) -> str:
    """Open the start page like a browser and read the flow id from the payload link."""
    response = browser.get("/")
    assert response.status_code == 200
    link = response.context["payload"]
    return parse_payload(link).flow


def fetch(client, flow_id):
    return client.get(login_flow_path(flow_id))


def approve(client, flow_id, body):
    return client.post(login_approval_path(flow_id), body, content_type="application/json")


def status(browser, flow_id):
    return browser.get(f"/inloggen/status/{flow_id}")


def error_code(response):
    return response.json()["error"]["code"]


def test_complete_login(client, device):
    browser = Client()
    flow_id = start_flow(browser)
    assert status(browser, flow_id).json() == {"state": "pending"}
    flow = fetch(client, flow_id).json()
    assert flow["requester"] == {"name": "ZORG-ID Portaal", "origin": "http://testserver"}
    assert flow["state"] == "pending"
    response = approve(client, flow_id, device.approval(flow))
    assert response.status_code == 200 and response.json() == {"state": "approved"}
    done = status(browser, flow_id).json()
    assert done == {"state": "done", "next": "/overzicht"}
    page = browser.get("/overzicht")
    assert page.status_code == 200
    assert "Jan Willem de Vries" in page.content.decode()
    assert "Operator (servicedesk)" in page.content.decode()
    assert AuditEvent.objects.filter(event="login.approved").count() == 1


def test_another_browser_cannot_finish_the_flow(client, device):
    browser, thief = Client(), Client()
    flow_id = start_flow(browser)
    thief.get("/")
    approve(client, flow_id, device.approval(fetch(client, flow_id).json()))
    response = status(thief, flow_id)
    assert response.status_code == 403 and error_code(response) == "ZID-LOGIN-OTHER-BROWSER"
    assert thief.get("/overzicht").status_code == 403
    assert status(browser, flow_id).json()["state"] == "done"


def test_a_flow_is_approved_at_most_once(client, device):
    flow_id = start_flow(Client())
    flow = fetch(client, flow_id).json()
    assert approve(client, flow_id, device.approval(flow)).status_code == 200
    again = approve(client, flow_id, device.approval(flow))
    assert again.status_code == 409 and error_code(again) == "ZID-LOGIN-USED"
    assert error_code(fetch(client, flow_id)) == "ZID-LOGIN-USED"


def test_the_browser_side_completes_once(client, device):
    browser = Client()
    flow_id = start_flow(browser)
    approve(client, flow_id, device.approval(fetch(client, flow_id).json()))
    assert status(browser, flow_id).json()["state"] == "done"
    assert error_code(status(browser, flow_id)) == "ZID-LOGIN-USED"


def test_an_expired_flow_is_refused_and_the_page_says_expired(client, device):
    browser = Client()
    flow_id = start_flow(browser)
    flow = fetch(client, flow_id).json()
    clock.move(dt.timedelta(minutes=5, seconds=1))
    response = approve(client, flow_id, device.approval(flow))
    assert response.status_code == 410 and error_code(response) == "ZID-LOGIN-EXPIRED"
    assert error_code(fetch(client, flow_id)) == "ZID-LOGIN-EXPIRED"
    assert status(browser, flow_id).json() == {"state": "expired"}
    assert LoginFlow.objects.get(id=flow_id).state == "pending"


def test_a_flow_is_still_valid_just_before_five_minutes(client, device):
    flow_id = start_flow(Client())
    flow = fetch(client, flow_id).json()
    clock.move(dt.timedelta(minutes=4, seconds=58))
    assert approve(client, flow_id, device.approval(flow)).status_code == 200


def test_an_unknown_flow_is_refused(client, device):
    assert error_code(fetch(client, "0" * 32)) == "ZID-LOGIN-UNKNOWN"
    response = approve(client, "0" * 32, device.approval({"flow": "0" * 32, "nonce": "1" * 32,
                                                          "origin": "http://testserver"}))
    assert response.status_code == 404 and error_code(response) == "ZID-LOGIN-UNKNOWN"
    assert fetch(client, "x" * 500).status_code == 404


def test_a_signature_by_another_key_is_refused(client, device):
    flow_id = start_flow(Client())
    flow = fetch(client, flow_id).json()
    other = ec.generate_private_key(ec.SECP256R1())
    response = approve(client, flow_id, device.approval(flow, key=other))
    assert response.status_code == 403 and error_code(response) == "ZID-SIGNATURE-INVALID"
    assert LoginFlow.objects.get(id=flow_id).state == "pending"
    assert AuditEvent.objects.filter(event="login.refused").count() == 1


def test_a_signature_over_another_flow_is_refused(client, device):
    first, second = start_flow(Client()), start_flow(Client())
    body = device.approval(fetch(client, first).json())
    response = approve(client, second, body)
    assert error_code(response) == "ZID-SIGNATURE-INVALID"


def test_a_signature_by_an_unknown_mobile_id_is_refused(client, device):
    flow_id = start_flow(Client())
    body = device.approval(fetch(client, flow_id).json())
    body["mobile_id"] = "f" * 32
    assert error_code(approve(client, flow_id, body)) == "ZID-MOBILE-ID-UNKNOWN"


def test_a_revoked_mobile_id_is_refused(client, device):
    revoke_mobile_id(MobileId.objects.get(id=device.mobile_id), actor="test", reason="lost phone")
    flow_id = start_flow(Client())
    response = approve(client, flow_id, device.approval(fetch(client, flow_id).json()))
    assert response.status_code == 403 and error_code(response) == "ZID-MOBILE-ID-REVOKED"
    assert error_code(device.unlock()) == "ZID-MOBILE-ID-REVOKED"  # the app stops here: no share, no key


def test_an_expired_mobile_id_is_refused(client, device):
    clock.move(dt.timedelta(days=3 * 365 + 1))
    flow_id = start_flow(Client())
    response = approve(client, flow_id, device.approval(fetch(client, flow_id).json()))
    assert error_code(response) == "ZID-MOBILE-ID-EXPIRED"


def test_a_signing_time_far_from_the_server_clock_is_refused(client, device):
    flow_id = start_flow(Client())
    flow = fetch(client, flow_id).json()
    signed_at = int(clock.now().timestamp()) - 3600
    assert error_code(approve(client, flow_id, device.approval(flow, signed_at=signed_at))) == "ZID-LOGIN-CLOCK"


def test_a_revoked_mobile_id_ends_the_portal_session(client, device):
    browser = Client()
    flow_id = start_flow(browser)
    approve(client, flow_id, device.approval(fetch(client, flow_id).json()))
    status(browser, flow_id)
    assert browser.get("/overzicht").status_code == 200
    revoke_mobile_id(MobileId.objects.get(id=device.mobile_id), actor="test", reason="stolen")
    assert browser.get("/overzicht").status_code == 403


@pytest.mark.parametrize("body", [
    {},
    {"v": 2, "mobile_id": "a" * 32, "signed_at": 1, "signature": "!!", "unlock_token": "t" * 32},
    {"v": 2, "mobile_id": "a" * 32, "signed_at": "now", "signature": "AAAA", "unlock_token": "t" * 32},
    {"v": 2, "mobile_id": "not valid!", "signed_at": 1, "signature": "AAAA", "unlock_token": "t" * 32},
    {"v": 2, "mobile_id": "a" * 32, "signed_at": 1, "signature": "A" * 300, "unlock_token": "t" * 32},
    {"v": 2, "mobile_id": "a" * 32, "signed_at": 1, "signature": "AAAA"},
    {"v": 1, "mobile_id": "a" * 32, "signed_at": 1, "signature": "AAAA", "unlock_token": "t" * 32},
])
def test_malformed_approvals_are_refused(client, device, body):
    flow_id = start_flow(Client())
    response = approve(client, flow_id, body)
    assert response.status_code == 400 and error_code(response) == "ZID-REQUEST-MALFORMED"
    assert LoginFlow.objects.get(id=flow_id).state == "pending"


def test_logout(client, device):
    browser = Client()
    flow_id = start_flow(browser)
    approve(client, flow_id, device.approval(fetch(client, flow_id).json()))
    status(browser, flow_id)
    assert browser.get("/").status_code == 302
    response = browser.post("/uitloggen")
    assert response.status_code == 302
    assert browser.get("/overzicht").status_code == 403
    assert AuditEvent.objects.filter(event="logout").count() == 1


def test_a_forged_browser_cookie_is_not_a_binding(client, device):
    browser = Client()
    flow_id = start_flow(browser)
    forger = Client()
    forger.cookies["zorgid_browser"] = browser.cookies["zorgid_browser"].value.split(":")[0] + ":forged"
    response = status(forger, flow_id)
    assert response.status_code == 403 and error_code(response) == "ZID-LOGIN-OTHER-BROWSER"


def test_a_qr_code_replaced_by_a_reloaded_page_logs_no_one_in(client, device):
    """The page loaded again shows a new QR code; the old one is refused with its own code, the new one works."""
    browser = Client()
    old_flow = start_flow(browser)
    new_flow = start_flow(browser)  # the same browser loads the start page again
    refused = fetch(client, old_flow)
    assert refused.status_code == 409 and error_code(refused) == "ZID-LOGIN-REPLACED"
    body = device.approval({"flow": old_flow, "nonce": LoginFlow.objects.get(id=old_flow).nonce,
                            "origin": "http://testserver"})
    refused = approve(client, old_flow, body)
    assert refused.status_code == 409 and error_code(refused) == "ZID-LOGIN-REPLACED"
    assert LoginFlow.objects.get(id=old_flow).state == "pending"
    assert "ZID-LOGIN-REPLACED" in AuditEvent.objects.filter(event="login.refused").values_list("details", flat=True)[0]
    flow = fetch(client, new_flow).json()
    assert approve(client, new_flow, device.approval(flow)).json() == {"state": "approved"}
    assert status(browser, new_flow).json()["state"] == "done"


def test_another_browsers_page_does_not_replace_a_qr_code(client, device):
    first, second = Client(), Client()
    flow_id = start_flow(first)
    start_flow(second)
    flow = fetch(client, flow_id).json()
    assert approve(client, flow_id, device.approval(flow)).json() == {"state": "approved"}
    assert status(first, flow_id).json()["state"] == "done"
