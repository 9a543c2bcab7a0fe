"""``zorgid-app`` as a program against the live server: activation refusals and the PIN lockout."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from django.test import Client

from tests.e2e.conftest import AppClient
from tests.integration.test_login_api import start_flow
from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.clients.app import keycrypt
from zorgid.clients.app.errors import StorageError
from zorgid.flows.models import LoginFlow
from zorgid.organisations.roles import add_operator
from zorgid.protocol.payloads import LoginPayload

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def activation(live_server):
    issued = add_operator("Fatma", "Yılmaz", clock.parse_date("29-02-1988"), actor="test")
    return issued.payload(live_server.url).to_uri()


def test_a_reused_activation_code_is_refused(app_client, tmp_path, activation):
    app_client.run("setup", "--pin", app_client.pin)
    assert "Fatma Yılmaz" in app_client.run("scan", activation).stdout
    second = AppClient(tmp_path / "second-phone")
    second.run("setup", "--pin", second.pin)
    result = second.run("scan", activation, check=False)
    assert result.returncode == 1 and "ZID-ACTIVATION-USED" in result.stderr
    assert second.run("id", check=False).returncode == 1


def test_an_expired_activation_code_is_refused(app_client, activation):
    app_client.run("setup", "--pin", app_client.pin)
    clock.move(dt.timedelta(days=10, minutes=1))
    result = app_client.run("scan", activation, check=False)
    assert result.returncode == 1 and "ZID-ACTIVATION-EXPIRED" in result.stderr


def test_a_malformed_payload_is_refused(app_client):
    app_client.run("setup", "--pin", app_client.pin)
    result = app_client.run("scan", "zorgid://login?v=1&flow=nope", check=False)
    assert result.returncode != 0 and "ZID-QR-MALFORMED" in result.stderr
    assert "Traceback" not in result.stderr


def login_payload(live_server) -> tuple[str, str]:
    flow_id = start_flow(Client(SERVER_NAME="localhost"))
    return flow_id, LoginPayload(server=live_server.url, flow=flow_id).to_uri()


def test_five_wrong_pins_lock_the_id(app_client, activation, live_server):
    app_client.run("setup", "--pin", app_client.pin)
    app_client.run("scan", activation)
    flow_id, payload = login_payload(live_server)
    for attempt in range(1, 6):
        if attempt >= 4:  # the server's wait after 3 wrong PINs: 1 minute, then 2
            waiting = app_client.run("scan", payload, "--accept", check=False, pin="000000")
            assert "ZID-PIN-WAIT" in waiting.stderr
            clock.move(dt.timedelta(minutes=2 ** (attempt - 4), seconds=1))
        result = app_client.run("scan", payload, "--accept", check=False, pin="000000")
        assert result.returncode == 1
        expected = "ZID-APP-LOCKED" if attempt == 5 else "ZID-APP-PIN-WRONG"
        assert expected in result.stderr, (attempt, result.stderr)
    assert "246810" not in "".join(p.read_text(errors="ignore") for p in app_client.home.rglob("*") if p.is_file())
    result = app_client.run("scan", payload, "--accept", check=False)  # the right PIN no longer helps
    assert result.returncode == 1 and "ZID-APP-LOCKED" in result.stderr
    assert LoginFlow.objects.get(id=flow_id).state == "pending"


def test_a_copied_app_home_cannot_log_in_once_the_online_tries_are_spent(app_client, activation, live_server,
                                                                          tmp_path):
    """docs/security.md: a copy of the app's files is not enough. Offline the key does not open even with the
    right PIN (the server's share is missing), and online the server counts every guess: after 3 wrong PINs
    the right one waits too, however often the copy is made afresh (which resets the app's own count)."""
    app_client.run("setup", "--pin", app_client.pin)
    app_client.run("scan", activation)
    copy = tmp_path / "copy"
    shutil.copytree(app_client.home, copy)

    data = json.loads((copy / "key.json").read_text())
    sealed = keycrypt.SealedKey.from_dict(data)
    secret = keycrypt.PinSecret.of(app_client.pin, sealed.salt)  # even the right PIN, offline
    for share in (bytes(32), secret.proof, secret.stretched):
        with pytest.raises(StorageError):
            keycrypt.unseal(sealed, secret, share, data["mobile_id"])
    config = json.loads((copy / "config.json").read_text())
    assert "pin_verifier" not in config  # nothing on the device tells a right PIN from a wrong one

    flow_id, payload = login_payload(live_server)
    for guess in ("000000", "111111", "222222"):
        shutil.rmtree(copy)
        shutil.copytree(app_client.home, copy)  # a fresh copy: the app's own count starts again
        result = AppClient(copy).run("scan", payload, "--accept", check=False, pin=guess)
        assert result.returncode == 1 and "ZID-APP-PIN-WRONG" in result.stderr
    shutil.rmtree(copy)
    shutil.copytree(app_client.home, copy)
    result = AppClient(copy).run("scan", payload, "--accept", check=False, pin=app_client.pin)  # the right PIN
    assert result.returncode == 1 and "ZID-PIN-WAIT" in result.stderr
    assert LoginFlow.objects.get(id=flow_id).state == "pending"
    assert AuditEvent.objects.filter(event="keyshare.pin_wrong").count() == 3
    result = app_client.run("scan", payload, "--accept", check=False)  # the holder's own phone waits as well
    assert "ZID-PIN-WAIT" in result.stderr
    clock.move(dt.timedelta(minutes=1, seconds=1))
    logged_in = app_client.run("scan", payload, "--accept").stdout
    assert "Ingelogd" in logged_in
    assert "sinds de activatie is er 3 keer een verkeerde pincode voor uw ZORG-ID ingevoerd" in logged_in  # he sees


def test_knowing_the_mobile_id_is_not_enough_to_spend_the_holders_tries(app_client, activation, live_server):
    """docs/security.md: only an unlock signed by the app's device key counts; a stranger's tries are refused."""
    from tests.integration.red_team.test_unlock_lockout import anonymous_unlock

    app_client.run("setup", "--pin", app_client.pin)
    app_client.run("scan", activation)
    mobile_id = json.loads((app_client.home / "id.json").read_text())["mobile_id"]
    refused = [anonymous_unlock(live_server.url, mobile_id) for _ in range(4)]
    assert {answer.json()["error"]["code"] for answer in refused} == {"ZID-DEVICE-SIGNATURE"}
    flow_id, payload = login_payload(live_server)
    result = app_client.run("scan", payload, "--accept")
    assert "Ingelogd" in result.stdout and "Let op" not in result.stdout
    assert LoginFlow.objects.get(id=flow_id).state == "approved"
