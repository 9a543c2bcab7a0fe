"""``zorgid-app`` as a program against the live server: activation refusals and the PIN lockout."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.integration.test_login_api import start_flow
from zorgid import clock
from zorgid.flows.models import LoginFlow
from zorgid.identities.services import add_operator
from zorgid.protocol.payloads import LoginPayload

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def activation(live_server):
    issued = add_operator("Fatma", "Yılmaz", clock.parse_date("29-02-1988"), actor="test")
    return issued.payload(live_server.url).to_uri()


def test_a_reused_activation_code_is_refused(app_client, tmp_path, activation):
    app_client.run("setup", "--pin", app_client.pin)
    assert "Fatma Yılmaz" in app_client.run("scan", activation).stdout
    from tests.e2e.conftest import AppClient

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


def test_five_wrong_pins_lock_the_id(app_client, activation, live_server):
    app_client.run("setup", "--pin", app_client.pin)
    app_client.run("scan", activation)
    flow_id = start_flow(Client(SERVER_NAME="localhost"))
    payload = LoginPayload(server=live_server.url, flow=flow_id).to_uri()
    for attempt in range(1, 6):
        result = app_client.run("scan", payload, "--accept", check=False, pin="000000")
        assert result.returncode == 1
        expected = "ZID-APP-LOCKED" if attempt == 5 else "ZID-APP-PIN-WRONG"
        assert expected in result.stderr, (attempt, result.stderr)
    assert "246810" not in "".join(p.read_text(errors="ignore") for p in app_client.home.rglob("*") if p.is_file())
    result = app_client.run("scan", payload, "--accept", check=False)  # the right PIN no longer helps
    assert result.returncode == 1 and "ZID-APP-LOCKED" in result.stderr
    assert LoginFlow.objects.get(id=flow_id).state == "pending"
