"""R-FLOW-APPLY end to end, as seeds 000/001 tell it: the technisch beheerder's form in Chromium, the confirmation
over real SMTP with the XML attached, ``zorgid-validatietool`` fill/sign/verify, the signed document back as a
reply to ``zorgid mail-in``, the operator's approval in the browser, the follow-up form, the activation QR read
from the mail's PNG by ``zorgid-app``, and the administrator's first login; the VTW's last status mail."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from tests.e2e.conftest import BIN
from tests.e2e.test_browser_login import read_qr
from tests.integration.applications.smtp import Sink, send
from zorgid.applications.models import Application
from zorgid.organisations.models import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]



def tool(*args: str, cwd) -> subprocess.CompletedProcess:
    result = subprocess.run([str(BIN / "zorgid-validatietool"), *args], capture_output=True, text=True, cwd=cwd,
                            env={**os.environ}, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def mail_to(sink: Sink, address: str, count: int):
    sink.wait_for(count)
    return [m for m in sink.messages if m["To"] == address]


def test_from_application_form_to_the_administrators_first_login(page, live_server, settings, smtp, tmp_path,
                                                                  activated_app, app_client):
    sink, mail_in_port = smtp
    settings.ZORGID_BASE_URL = live_server.url
    settings.ZORGID_LOGIN_WAIT_SECONDS = 3
    # 1. Aanvraagformulier
    page.goto(live_server.url + "/aanvragen/nieuw")
    for label, value in (("Naam van de organisatie", "Huisartsenpraktijk De Linde"), ("URA", "90000382"),
                         ("KvK-nummer", "12345678"), ("Straat", "Lindelaan"), ("Huisnummer", "12a"),
                         ("Postcode", "3511 AB"), ("Plaats", "Utrecht")):
        page.get_by_label(label, exact=True).fill(value)
    for who, name, mail in (("technisch beheerder", "Tom Beheer", "tb@linde.example"),
                            ("vertegenwoordiger", "Vera Vertegenwoordiger", "vtw@linde.example"),
                            ("portaal administrator", "Anna Admin", "adm@linde.example")):
        page.get_by_label(f"Naam ({who})").fill(name)
        page.get_by_label(f"E-mailadres ({who})").fill(mail)
        page.get_by_label(f"Telefoonnummer ({who})").fill("030 123 4567")
    page.get_by_label("ZORG-ID Mobiel / Smart").check()
    page.get_by_test_id("submit").click()
    reference = page.get_by_test_id("reference").inner_text()
    status_url = page.url.split("?")[0]
    (confirmation,) = mail_to(sink, "tb@linde.example", 2)
    assert reference in confirmation["Subject"]
    (attachment,) = list(confirmation.iter_attachments())
    blank = tmp_path / attachment.get_filename()
    blank.write_bytes(attachment.get_payload(decode=True))

    # 2. Validatietool: aanvullen, ondertekenen met het UZI-servercertificaat, zelf controleren
    cert = subprocess.run([str(BIN / "zorgid"), "dev", "uzi-server-cert", "--ura", "90000382", "--name",
                           "portaal.linde.example", "--out", str(tmp_path / "cert"), "--password", "geheim123"],
                          env={**os.environ, "ZORGID_HOME": str(settings.ZORGID_HOME)}, capture_output=True,
                          text=True, timeout=60)
    assert cert.returncode == 0, cert.stdout + cert.stderr
    tool("fill", str(blank), "--telefoon", "030 765 4321", "-o", "ingevuld.xml", cwd=tmp_path)
    tool("sign", "ingevuld.xml", "--pkcs12", str(tmp_path / "cert" / "server.p12"), "--password", "geheim123",
         "-o", "ondertekend.xml", cwd=tmp_path)
    checked = tool("verify", "ondertekend.xml", "--environment", "acceptatie", "--trust-dir",
                   str(settings.ZORGID_HOME / "test-uzi-ca" / "trust"), cwd=tmp_path)
    assert "portaal.linde.example" in checked.stdout + checked.stderr
    # 3. Terug als antwoord op de bevestigingsmail
    send(mail_in_port, subject=f"RE: {confirmation['Subject']}", body="Zie bijlage.",
         attachments=(("ondertekend.xml", (tmp_path / "ondertekend.xml").read_bytes()),))
    answers = mail_to(sink, "tb@linde.example", 4)
    assert any("ontvangen en geverifieerd" in m["Subject"] for m in answers), [m["Subject"] for m in answers]
    page.goto(status_url)
    assert page.get_by_test_id("state").inner_text() == "Document geverifieerd"

    # 4. De operator keurt goed (ingelogd met de app)
    page.goto(live_server.url + "/")
    activated_app.run("scan", read_qr(page.screenshot(full_page=True)), "--accept")
    page.wait_for_url("**/overzicht", timeout=15_000)
    page.goto(f"{live_server.url}/beheer/aanvragen/{reference}")
    assert "portaal.linde.example" in page.get_by_test_id("verification").inner_text()
    page.get_by_test_id("approve").click()
    assert page.get_by_test_id("state").inner_text() == "Vervolgformulier verstuurd"

    # 5. Vervolgformulier door de portaal administrator
    followup = mail_to(sink, "adm@linde.example", 1)[-1]
    link = re.search(r"http://\S+/vervolgformulier/\S+", followup.get_content()).group(0)
    admin_page = page.context.browser.new_context(locale="nl-NL").new_page()
    admin_page.goto(link)
    admin_page.get_by_label("Voornamen (zoals in uw identiteitsbewijs)").fill("Anna")
    admin_page.get_by_label("Achternaam (zoals in uw identiteitsbewijs)").fill("Admin")
    admin_page.get_by_label("Geboortedatum").fill("1985-05-05")
    admin_page.get_by_label("E-mailadres").fill("anna@linde.example")
    admin_page.get_by_label("Telefoonnummer").fill("06 1234 5678")
    admin_page.get_by_test_id("submit").click()
    admin_page.get_by_test_id("followup-done").wait_for()

    # 6. De operator verstuurt de activatie-QR; de app scant de PNG uit de mail
    page.get_by_test_id("send-activation").click()
    activation = mail_to(sink, "anna@linde.example", 1)[-1]
    (png,) = [p for p in activation.iter_attachments() if p.get_content_type() == "image/png"]
    qr_file = tmp_path / "activatie.png"
    qr_file.write_bytes(png.get_payload(decode=True))
    from tests.e2e.conftest import AppClient

    admin_app = AppClient(tmp_path / "app-anna")
    admin_app.run("setup", "--pin", admin_app.pin)
    assert "Anna Admin" in admin_app.run("scan", str(qr_file)).stdout

    # 7. De eerste login van de administrator rondt de registratie af
    admin_page.goto(live_server.url + "/")
    admin_app.run("scan", read_qr(admin_page.screenshot(full_page=True)), "--accept")
    admin_page.wait_for_url("**/overzicht", timeout=15_000)
    assert "Portaal administrator" in admin_page.get_by_test_id("roles").inner_text()
    application = Application.objects.get(reference=reference)
    assert application.state == "completed"
    assert application.administrator.roles.filter(role=Role.ADMINISTRATOR, organisation__ura="90000382").exists()
    closing = mail_to(sink, "vtw@linde.example", 1)[-1]
    assert "Registratie afgerond" in closing["Subject"]
