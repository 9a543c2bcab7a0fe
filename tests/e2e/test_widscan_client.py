"""``zorgid-app link-widscan`` and ``zorgid-widscan`` as programs against the live server (R-FLOW-WIDSCAN).

The two programs run at the same time, as the two phones do: the ZORG-ID app shows the link QR (saved as a PNG)
and waits; the WID scan app scans that file, claims the link and waits for the holder's answer; both show the same
confirmation code. Then the linked WID scan app checks and records documents.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import BIN
from zorgid import clock
from zorgid.clients.widscan.mrz import compose_driving_licence, compose_td3
from zorgid.organisations.roles import add_operator
from zorgid.widscan.models import WidScanCheck, WidScanLink

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CODE = re.compile(r"Controlecode:? \(?(\d{3} \d{3})\)?")


class WidScanClient:
    """``zorgid-widscan`` run as the employee runs it, with its own home directory."""

    def __init__(self, home: Path):
        self.home = home

    def run(self, *args: str, check: bool = True, stdin: str = "") -> subprocess.CompletedProcess:
        result = subprocess.run([str(BIN / "zorgid-widscan"), "--home", str(self.home), *args], input=stdin,
                                capture_output=True, text=True, timeout=60, env=dict(os.environ))
        if check and result.returncode != 0:
            raise AssertionError(f"zorgid-widscan {' '.join(args)} failed ({result.returncode}):\n"
                                 f"{result.stdout}\n{result.stderr}")
        return result


@pytest.fixture
def activated(app_client, live_server):
    issued = add_operator("Fatma", "Yılmaz", clock.parse_date("29-02-1988"), actor="test")
    app_client.run("setup", "--pin", app_client.pin)
    app_client.run("scan", issued.payload(live_server.url).to_uri())
    return app_client


def start_link(app_client, qr_file: Path, *, accept: bool = False, typed: str = "") -> subprocess.Popen:
    """``zorgid-app link-widscan --qr-file`` in the background, returned once the QR file exists; ``typed`` is what
    the holder types at the question (nothing: the end of input, a no)."""
    args = [str(BIN / "zorgid-app"), "--home", str(app_client.home), "link-widscan", "--qr-file", str(qr_file),
            *(["--accept"] if accept else [])]
    process = subprocess.Popen(args, env={**os.environ, "ZORGID_PIN": app_client.pin}, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.stdin.write(typed)
    process.stdin.close()
    deadline = time.monotonic() + 60
    while not qr_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            out, err = process.communicate()
            raise AssertionError(f"zorgid-app link-widscan showed no QR ({process.returncode}):\n{out}\n{err}")
        time.sleep(0.1)
    return process


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out = process.stdout.read()
    err = process.stderr.read()
    return process.wait(timeout=60), out, err


def test_the_linked_wid_scan_app_records_a_valid_and_an_expired_passport(activated, tmp_path):
    qr_file = tmp_path / "koppel.png"
    app = start_link(activated, qr_file, accept=True)
    widscan = WidScanClient(tmp_path / "widscan")
    linked = widscan.run("link", "--qr", str(qr_file), "--accept", "--toestel", "Balie 1")
    status, out, err = finish(app)
    assert status == 0, out + err
    assert "zorgid-widscan://link?v=1&server=" in out
    assert "WID scan app «Balie 1» wil koppelen" in out and "Gekoppeld: WID scan app «Balie 1»." in out
    assert CODE.search(out).group(1) == CODE.search(linked.stdout).group(1)  # both phones show the same code
    assert "Ziet u dezelfde controlecode" in linked.stdout and "in de ZORG-ID app van Fatma Yılmaz" in linked.stdout
    assert "Gekoppeld aan het ZORG-ID van Fatma Yılmaz." in linked.stdout
    link = WidScanLink.objects.get()
    assert link.state == "linked" and link.device_name == "Balie 1"
    assert "Gekoppeld aan het ZORG-ID van Fatma Yılmaz (geboren 29-02-1988)" in widscan.run("status").stdout

    valid = "\n".join(compose_td3(number="XK12AB345", expiry_date=dt.date.today() + dt.timedelta(days=365)))
    recorded = widscan.run("scan", "--mrz", valid, "--record")
    assert "Geldig document" in recorded.stdout and "Vastgelegd op" in recorded.stdout
    expired = "\n".join(compose_td3(number="XK98CD765", expiry_date=dt.date.today() - dt.timedelta(days=1)))
    refused = widscan.run("scan", "--mrz", expired, "--record", "--purpose", "medewerker", check=False)
    assert refused.returncode == 1 and "Ongeldig: Verlopen op" in refused.stdout
    assert "Vastgelegd op" in refused.stdout and "Referentiecode" in refused.stdout
    assert "ZID-WID-MRZ-EXPIRED" in refused.stderr

    checks = list(WidScanCheck.objects.filter(person=link.mobile_id.person).order_by("checked_at")
                  .values_list("number_last4", "outcome", "purpose", "failed_checks"))
    assert checks == [("B345", "geldig", "patient", []), ("D765", "ongeldig", "medewerker", ["expiry"])]


def test_the_holder_who_declines_leaves_the_wid_scan_app_unlinked(activated, tmp_path):
    qr_file = tmp_path / "koppel.png"
    app = start_link(activated, qr_file, typed="nee\n")
    widscan = WidScanClient(tmp_path / "widscan")
    result = widscan.run("link", "--qr", str(qr_file), "--accept", check=False)
    status, out, err = finish(app)
    assert status == 1 and "Geweigerd: de WID scan app is niet gekoppeld." in out, out + err
    assert result.returncode == 1 and "ZID-WIDSCAN-APP-LINK-DECLINED" in result.stderr
    assert not (tmp_path / "widscan" / "link.json").exists()
    assert "Niet gekoppeld" in widscan.run("status").stdout
    assert WidScanLink.objects.get().state == "declined"


def test_an_employee_who_sees_another_code_ends_the_link(activated, tmp_path):
    qr_file = tmp_path / "koppel.png"
    app = start_link(activated, qr_file)  # the holder does not answer
    widscan = WidScanClient(tmp_path / "widscan")
    result = widscan.run("link", "--qr", str(qr_file), stdin="nee\n", check=False)
    assert result.returncode == 1 and "Kies ook in de ZORG-ID app Nee" in result.stdout
    status, out, err = finish(app)
    assert status == 1 and "Gekoppeld" not in out, out + err
    assert WidScanLink.objects.get().state == "declined"
    assert not (tmp_path / "widscan" / "link.json").exists()


def test_a_driving_licence_is_recorded_with_its_typed_expiry_and_a_specimen_passport_from_its_picture(activated,
                                                                                                     tmp_path):
    qr_file = tmp_path / "koppel.png"
    app = start_link(activated, qr_file, accept=True)
    widscan = WidScanClient(tmp_path / "widscan")
    widscan.run("link", "--qr", str(qr_file), "--accept")
    assert finish(app)[0] == 0

    licence = compose_driving_licence(number="1234567890")[0]
    today = dt.date.today()
    future, past = today + dt.timedelta(days=365), today - dt.timedelta(days=1)
    valid = widscan.run("scan", "--mrz", licence, "--expiry", f"{future:%d-%m-%Y}", "--record")
    assert "Geldig document" in valid.stdout and "Vastgelegd op" in valid.stdout
    expired = widscan.run("scan", "--mrz", licence, "--expiry", f"{past:%d-%m-%Y}", "--record", check=False)
    assert expired.returncode == 1 and f"Ongeldig: Verlopen op {past:%d-%m-%Y}" in expired.stdout
    assert "Vastgelegd op" in expired.stdout and "ZID-WID-MRZ-EXPIRED" in expired.stderr
    strange = widscan.run("scan", "--mrz", licence, "--expiry", "31-02-2030", "--record", check=False)
    assert strange.returncode == 1 and "ZID-WIDSCAN-APP-EXPIRY-DATE" in strange.stderr
    assert "Vastgelegd" not in strange.stdout
    untyped = widscan.run("scan", "--mrz", licence, "--record", check=False)  # not a terminal: nothing is asked
    assert untyped.returncode == 1 and "ZID-WIDSCAN-APP-NOT-RECORDABLE" in untyped.stderr
    assert "Vastgelegd" not in untyped.stdout

    picture = tmp_path / "paspoort.png"
    made = widscan.run("specimen", "paspoort", str(picture))
    passport = widscan.run("scan", str(picture), "--record")
    assert "Geldig document" in passport.stdout and "Vastgelegd op" in passport.stdout
    passport_expiry = dt.datetime.strptime(made.stdout.split("Geldig tot en met: ")[1][:10], "%d-%m-%Y").date()

    checks = list(WidScanCheck.objects.order_by("checked_at")
                  .values_list("document_type", "number_last4", "expiry_date", "outcome", "failed_checks"))
    assert checks == [("rijbewijs", "7890", future, "geldig", []), ("rijbewijs", "7890", past, "ongeldig", ["expiry"]),
                      ("paspoort", "2014", passport_expiry, "geldig", [])]
