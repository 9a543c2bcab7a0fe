"""The phone's name (zorgid.protocol.device_names) from ``zorgid-app setup --toestel`` to the practice manager's
pages: the app sends it with the activation and with the restore's new device key, the server checks and stores
it on the Mobile ID, and the employee page, the revoke confirmation, the "Nieuwe QR-code" hand-over and the audit
log name the Mobile ID by it (administration.display_names). An older app sends none: the page shows the date and
the short id. A bad name is refused with its code and nothing is stored.
"""

from __future__ import annotations

import html
import json
import time

import pytest
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone

from tests.integration.administration.test_administration import WID, handover_payload, person_with_role, register
from zorgid.clients.app import keycrypt
from zorgid.identities.models import ActivationCode, MobileId, Person
from zorgid.organisations.models import Role
from zorgid.organisations.services import add_organisation
from zorgid.protocol.errors import ZorgidError
from zorgid.protocol.messages import PinChange
from zorgid.protocol.payloads import parse_payload

PIN = "123456"
PASSWORD = "paard batterij nietje correct"


@pytest.fixture
def linde(db):
    return add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")


class Browser:
    """The practice manager's browser beside the app: Django's test client connects the closing of the database
    connection again after each request, which the app's requests through the WSGI handler must not do (conftest's
    ``server``)."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self._apart()

    @staticmethod
    def _apart() -> None:
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)

    def get(self, *args, **kwargs):
        response = self.client.get(*args, **kwargs)
        self._apart()
        return response

    def post(self, *args, **kwargs):
        response = self.client.post(*args, **kwargs)
        self._apart()
        return response


@pytest.fixture
def beheerder(client, linde, server) -> Browser:
    return Browser(person_with_role(client, Role.BEHEERDER, linde, "Beppie")[0])


def employee_page(browser: Browser, organisation, person: Person) -> str:
    response = browser.get(f"/organisatie/{organisation.ura}/medewerkers/{person.id}")
    assert response.status_code == 200
    return response.content.decode()


def named_cell(page: str) -> list[str]:
    """The texts of the Mobile ID column of the employee page, unescaped."""
    cells = page.split('data-testid="mobile-id-name">')[1:]
    return [html.unescape(cell.split("</td>", 1)[0]) for cell in cells]


def activated_with(run, beheerder, linde, *setup_args) -> tuple[Person, MobileId]:
    payload = handover_payload(register(beheerder, linde.ura))
    setup = run("setup", "--pin", PIN, *setup_args)
    assert setup.exit_code == 0, setup.output + setup.stderr
    scan = run("scan", payload, "--pin", PIN)
    assert scan.exit_code == 0, scan.output + scan.stderr
    bram = Person.objects.get(last_name="Bakker")
    return bram, bram.mobile_ids.get()


def test_the_phone_named_at_setup_is_on_the_employee_page_and_in_the_app(run, server, home, beheerder, linde):
    bram, mobile_id = activated_with(run, beheerder, linde, "--toestel", "  Telefoon Jan ")
    assert mobile_id.device_name == "Telefoon Jan"
    assert json.loads((home / "config.json").read_text())["device_name"] == "Telefoon Jan"
    page = employee_page(beheerder, linde, bram)
    date = timezone.localtime(mobile_id.activated_at).strftime("%d-%m-%Y")
    assert named_cell(page) == [f"Mobile ID van {date}, toestel “Telefoon Jan”"]  # the name instead of the short id
    assert "Telefoon Jan" in run("id").stdout
    # the audit log on the same page names it so too
    assert html.unescape(page).count(f"Mobile ID van {date}, toestel “Telefoon Jan” (Bram Bakker)") >= 1


def test_the_name_is_escaped_on_every_page_that_names_the_mobile_id(run, server, beheerder, linde):
    bram, mobile_id = activated_with(run, beheerder, linde, "--toestel", "<b>Jan's</b> & \"Pixel\"")
    assert mobile_id.device_name == "<b>Jan's</b> & \"Pixel\""
    shown = "toestel “&lt;b&gt;Jan&#x27;s&lt;/b&gt; &amp; &quot;Pixel&quot;”"
    page = employee_page(beheerder, linde, bram)
    assert shown in page and "<b>Jan" not in page
    revoke = beheerder.get(f"/organisatie/{linde.ura}/medewerkers/{bram.id}/revoke?mobile_id={mobile_id.id}")
    handover = beheerder.post(f"/organisatie/{linde.ura}/medewerkers/{bram.id}/nieuwe-qr", WID)
    for response in (revoke, handover):
        assert response.status_code == 200 and shown in response.content.decode() and "<b>Jan" not in \
            response.content.decode()


def test_the_default_name_comes_from_the_machine(run, server, home, beheerder, linde, monkeypatch):
    monkeypatch.setattr("socket.gethostname", lambda: "praktijk-pc\u200b-3")
    _, mobile_id = activated_with(run, beheerder, linde)
    assert mobile_id.device_name == "zorgid-app op praktijk-pc-3"


def test_an_older_app_sends_no_name_and_the_page_shows_the_date_and_short_id(server, beheerder, linde):
    payload = parse_payload(handover_payload(register(beheerder, linde.ura)))
    key, device_key = keycrypt.new_private_key(), keycrypt.new_private_key()
    secret = keycrypt.PinSecret.fresh(PIN)
    with server.factory(payload.server) as client:  # the request of an app before the field: without it
        client.activate(payload.code, keycrypt.make_csr(key), secret.proof, keycrypt.public_key_der(device_key))
    bram = Person.objects.get(last_name="Bakker")
    mobile_id = bram.mobile_ids.get()
    assert mobile_id.device_name == ""
    date = timezone.localtime(mobile_id.activated_at).strftime("%d-%m-%Y")
    assert named_cell(employee_page(beheerder, linde, bram)) == [
        f'Mobile ID van {date} <small title="kenmerk">({mobile_id.id[:8]})</small>']


@pytest.mark.parametrize(("name", "code"), [
    ("x" * 65, "ZID-DEVICE-NAME-INVALID"),
    ("Telefoon\u200bJan", "ZID-DEVICE-NAME-INVALID"),  # a format character (zero-width space)
    ("Telefoon\u202eJan", "ZID-DEVICE-NAME-INVALID"),  # a bidirectional override
    ("Telefoon\tJan", "ZID-DEVICE-NAME-INVALID"),
    ("Telefoon\x07Jan", "ZID-INPUT-CONTROL-CHARACTER"),  # refused as every API body's control character
    ("   ", "ZID-DEVICE-NAME-INVALID"),
])
def test_a_bad_name_is_refused_by_the_server_with_its_code_and_nothing_is_stored(server, beheerder, linde, name,
                                                                                 code):
    payload = parse_payload(handover_payload(register(beheerder, linde.ura)))
    key, device_key = keycrypt.new_private_key(), keycrypt.new_private_key()
    with server.factory(payload.server) as client, pytest.raises(ZorgidError) as refused:
        client.activate(payload.code, keycrypt.make_csr(key), keycrypt.PinSecret.fresh(PIN).proof,
                        keycrypt.public_key_der(device_key), name)
    assert refused.value.code == code and refused.value.status == 400
    assert not MobileId.objects.filter(person__last_name="Bakker").exists()
    assert ActivationCode.objects.get(person__last_name="Bakker").used_at is None  # still works, with a good name
    with server.factory(payload.server) as client:
        client.activate(payload.code, keycrypt.make_csr(key), keycrypt.PinSecret.fresh(PIN).proof,
                        keycrypt.public_key_der(device_key), "Telefoon Jan")
    assert MobileId.objects.get(person__last_name="Bakker").device_name == "Telefoon Jan"


@pytest.mark.parametrize("name", ["x" * 65, "Telefoon\u200bJan", "Telefoon\nJan"])
@pytest.mark.parametrize("command", ["setup", "restore"])
def test_the_app_refuses_a_bad_name_before_anything_is_asked_or_written(run, home, tmp_path, name, command):
    args = ("setup", "--pin", PIN) if command == "setup" else ("restore", str(tmp_path / "none"))
    result = run(*args, "--toestel", name)
    assert result.exit_code == 1 and "ZID-DEVICE-NAME-INVALID" in result.stderr
    assert not home.exists()


def test_a_restore_names_the_new_phone(run, server, home, tmp_path, beheerder,
                                                                           linde):
    bram, mobile_id = activated_with(run, beheerder, linde, "--toestel", "Oude telefoon")
    backup = tmp_path / "id.zorgid-backup"
    assert run("backup", str(backup), "--pin", PIN, "--password", PASSWORD).exit_code == 0
    new_home = tmp_path / "new-phone"
    restored = run("restore", str(backup), "--password", PASSWORD, "--pin", "654321", "--accept",
                   "--toestel", "Nieuwe telefoon", at=new_home)
    assert restored.exit_code == 0, restored.output + restored.stderr
    assert MobileId.objects.get(pk=mobile_id.pk).device_name == "Nieuwe telefoon"
    assert json.loads((new_home / "config.json").read_text())["device_name"] == "Nieuwe telefoon"
    assert "toestel “Nieuwe telefoon”" in html.unescape(employee_page(beheerder, linde, bram))


def test_a_restore_refused_for_its_name_changes_nothing_and_an_older_apps_restore_clears_it(installed, server):
    store, identity, key = installed
    before = MobileId.objects.get(pk=identity.mobile_id).device_name
    new_device = keycrypt.public_key_der(keycrypt.new_private_key())
    message = PinChange(identity.mobile_id, keycrypt.PinSecret.fresh("654321").proof, int(time.time()), new_device)
    with server.factory(identity.server) as client, pytest.raises(ZorgidError) as refused:
        client.register_pin(message, keycrypt.sign(key, message.canonical_bytes()), "x" * 65)
    assert refused.value.code == "ZID-DEVICE-NAME-INVALID"
    assert MobileId.objects.get(pk=identity.mobile_id).device_name == before
    with server.factory(identity.server) as client:  # the old phone still opens the ID: nothing was taken
        assert store.unlock_key(PIN, client.unlock).identity == identity
    message = PinChange(identity.mobile_id, keycrypt.PinSecret.fresh("654321").proof, int(time.time()), new_device)
    with server.factory(identity.server) as client:  # an app before the field: the old phone's name is gone
        client.register_pin(message, keycrypt.sign(key, message.canonical_bytes()))
    assert before and MobileId.objects.get(pk=identity.mobile_id).device_name == ""
