"""R-FLOW-BACKUP and R-FLOW-PIN end to end: ``zorgid-app`` as a program against the live server.

Manual §7.2: the holder reinstalls the app (a new, empty app home), sets a new PIN, restores the backup
with its own password, and logs in again. A backup of a revoked Mobile ID restores (without its key: the
server refuses to register a new PIN for it), its login is refused, and the app says why.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil

import httpx
import pytest

from tests.e2e.conftest import AppClient
from zorgid import clock
from zorgid.flows.models import LoginFlow
from zorgid.identities.models import MobileId
from zorgid.identities.services import revoke_mobile_id
from zorgid.protocol.payloads import parse_payload

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "zomer aan zee 2024!"
_LOGIN_LINK = re.compile(r'href="(zorgid://login\?[^"]+)"')


def login_payload(live_server) -> str:
    """Open the portal's start page as a browser does and read the login QR's payload from its link."""
    page = httpx.get(live_server.url + "/", timeout=10)
    assert page.status_code == 200
    found = _LOGIN_LINK.search(page.text)
    assert found, "no zorgid://login link on the start page"
    return html.unescape(found.group(1))


def flow_state(payload: str) -> str:
    return LoginFlow.objects.get(id=parse_payload(payload).flow).state


def mobile_id_of(app: AppClient) -> str:
    line = next(line for line in app.run("id").stdout.splitlines() if line.startswith("Mobile ID:"))
    return line.split(":", 1)[1].strip()


def test_backup_reinstall_restore_and_log_in(activated_app, live_server, tmp_path):
    backup = tmp_path / "zorg-id.backup"
    activated_app.run("backup", str(backup), "--password", PASSWORD)
    mobile_id = mobile_id_of(activated_app)

    shutil.rmtree(activated_app.home)  # reinstall: the app's data is gone
    phone = AppClient(activated_app.home, pin="135790")
    wrong = phone.run("restore", str(backup), "--password", "niet het goede wachtwoord", "--accept", check=False)
    assert wrong.returncode == 1 and "ZID-APP-BACKUP-PASSWORD" in wrong.stderr
    assert not phone.home.exists()
    restored = phone.run("restore", str(backup), "--password", PASSWORD, "--accept")
    assert "ID teruggezet: Jan Willem de Vries" in restored.stdout
    assert mobile_id_of(phone) == mobile_id

    payload = login_payload(live_server)
    refused = phone.run("scan", payload, "--accept", check=False, pin=activated_app.pin)  # the old PIN
    assert refused.returncode == 1 and "ZID-APP-PIN-WRONG" in refused.stderr
    assert "Ingelogd bij ZORG-ID Portaal" in phone.run("scan", payload, "--accept").stdout
    assert flow_state(payload) == "approved"


def test_a_locked_app_is_recovered_from_its_backup(activated_app, live_server, tmp_path):
    backup = tmp_path / "zorg-id.backup"
    activated_app.run("backup", str(backup), "--password", PASSWORD)
    payload = login_payload(live_server)
    for attempt in range(5):
        if attempt >= 3:  # the server's waits after 3 wrong PINs: 1 minute, then 2
            clock.move(dt.timedelta(minutes=2 ** (attempt - 3), seconds=1))
        result = activated_app.run("scan", payload, "--accept", check=False, pin="000000")
    assert "ZID-APP-LOCKED" in result.stderr
    in_place = activated_app.run("restore", str(backup), "--password", PASSWORD, "--accept", check=False)
    assert in_place.returncode == 1 and "ZID-APP-LOCKED" in in_place.stderr

    new_phone = AppClient(tmp_path / "new-phone", pin="135790")
    new_phone.run("restore", str(backup), "--password", PASSWORD, "--accept")
    assert "Ingelogd bij" in new_phone.run("scan", payload, "--accept").stdout
    assert flow_state(payload) == "approved"


def test_a_backup_of_a_revoked_id_restores_but_cannot_log_in(activated_app, live_server, tmp_path):
    backup = tmp_path / "zorg-id.backup"
    activated_app.run("backup", str(backup), "--password", PASSWORD)
    revoke_mobile_id(MobileId.objects.get(id=mobile_id_of(activated_app)), actor="test", reason="lost phone")

    new_phone = AppClient(tmp_path / "new-phone", pin="135790")
    restored = new_phone.run("restore", str(backup), "--password", PASSWORD, "--accept")
    assert "ID teruggezet" in restored.stdout and "ZID-MOBILE-ID-REVOKED" in restored.stdout  # the server said so
    payload = login_payload(live_server)
    result = new_phone.run("scan", payload, "--accept", check=False)
    assert result.returncode == 1
    assert "Fout ZID-MOBILE-ID-REVOKED: Dit ZORG-ID is ingetrokken" in result.stderr
    assert "Oplossing: Vraag uw beheerder om een nieuw certificaat" in result.stderr
    assert flow_state(payload) == "pending"
