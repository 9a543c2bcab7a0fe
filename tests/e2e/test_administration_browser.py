"""Administration paths in Chromium (R-ROLE-ADM, R-ROLE-BEH): the administrator appoints a beheerder; the beheerder
registers an employee with a WID check (an expired identity document is shown at its field, the rest kept); the
employee's ``zorgid-app`` scans the hand-over QR from the page and logs in; the beheerder revokes the ID (the app
can no longer log in) and hands over a new QR after a new WID check; blocks and unblocks him (his app follows at
once), and deletes him from the organisation (his last one: the ID is revoked). Every destructive step has its
confirmation page first (Annuleren changes nothing) and every action a banner saying what it did.

With ``ZORGID_SCREENSHOTS`` set to a folder, the pages are also saved there at 1280 and 390 pixels wide."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from tests.e2e.conftest import AppClient
from tests.e2e.screenshots import screenshot
from zorgid import clock
from zorgid.administration import importing
from zorgid.identities.models import Person
from zorgid.organisations.models import Role
from zorgid.organisations.roles import add_operator, grant_role
from zorgid.organisations.services import add_organisation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def qr_on(page) -> str:
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(page.screenshot(full_page=True))))
    assert len(found) == 1
    return found[0].text


def log_in(page, app: AppClient, live_server) -> None:
    page.goto(live_server.url + "/")
    app.run("scan", qr_on(page), "--accept")
    page.wait_for_url("**/overzicht", timeout=15_000)


def person_app(tmp_path, name: str, role: str, organisation, live_server) -> AppClient:
    issued = add_operator(name, "Test", clock.parse_date("01-01-1980"), actor="test")
    issued.person.roles.all().delete()
    grant_role(issued.person, role, organisation, actor="test")
    app = AppClient(tmp_path / f"app-{name}")
    app.run("setup", "--pin", app.pin)
    app.run("scan", issued.payload(live_server.url).to_uri())
    return app


def banner(page) -> str:
    return " ".join(page.get_by_test_id("messages").inner_text().split())


def confirm(page, question: str) -> None:
    """The confirmation page of a destructive step: it asks, and Bevestigen does it."""
    assert "Weet u het zeker?" in page.get_by_test_id("confirm-question").inner_text()
    assert question in page.get_by_test_id("confirm-question").inner_text()
    page.get_by_test_id("confirm-button").click()


def fill_wid(page, expiry: str = "2031-05-01") -> None:
    page.get_by_label("Soort identiteitsbewijs").select_option("identiteitskaart")
    page.get_by_label("Laatste 4 tekens van het documentnummer").fill("K7Q2")
    page.get_by_label("Geldig tot").fill(expiry)
    page.get_by_label("Ik heb het identiteitsbewijs persoonlijk gecontroleerd", exact=False).check()


def test_administrator_and_beheerder_paths(chromium, live_server, settings, tmp_path):
    settings.ZORGID_LOGIN_WAIT_SECONDS = 3
    linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")
    admin_app = person_app(tmp_path, "Anna", Role.ADMINISTRATOR, linde, live_server)
    beheerder_app = person_app(tmp_path, "Beppie", Role.MEDEWERKER, linde, live_server)
    beppie = Person.objects.get(first_names="Beppie")

    admin = chromium.new_context(locale="nl-NL").new_page()
    log_in(admin, admin_app, live_server)
    admin.get_by_test_id("organisation-90000382").click()
    admin.get_by_test_id("employees").click()
    admin.get_by_role("link", name="Test, Beppie").click()
    screenshot(admin, "employee-page-as-administrator")
    admin.get_by_test_id("make-beheerder").click()
    assert banner(admin) == "Beppie Test is nu beheerder."
    assert beppie.roles.filter(role=Role.BEHEERDER, organisation=linde).exists()
    assert admin.get_by_test_id("remove-beheerder").is_visible() and not admin.get_by_test_id("make-beheerder").count()

    beheerder = chromium.new_context(locale="nl-NL").new_page()
    log_in(beheerder, beheerder_app, live_server)
    beheerder.goto(f"{live_server.url}/organisatie/{linde.ura}/medewerkers/nieuw")
    beheerder.get_by_label("Voornamen (zoals in het identiteitsbewijs)").fill("Bram")
    beheerder.get_by_label("Achternaam (zoals in het identiteitsbewijs)").fill("Bakker")
    beheerder.get_by_label("Geboortedatum").fill("1990-06-01")
    fill_wid(beheerder, expiry="2020-01-01")  # expired: shown at its field, everything else kept
    beheerder.get_by_test_id("submit").click()
    assert "ZID-WID-EXPIRED" in beheerder.locator("#id_expiry_date_error, #id_expiry_date-error").inner_text()
    assert beheerder.get_by_label("Voornamen (zoals in het identiteitsbewijs)").input_value() == "Bram"
    assert beheerder.get_by_label("Laatste 4 tekens van het documentnummer").input_value() == "K7Q2"
    assert beheerder.get_by_label("Ik heb het identiteitsbewijs persoonlijk gecontroleerd", exact=False).is_checked()
    screenshot(beheerder, "employee-form-with-an-error")
    beheerder.get_by_label("Geldig tot").fill("2031-05-01")
    beheerder.get_by_test_id("submit").click()
    beheerder.get_by_test_id("handover-qr").wait_for()
    assert banner(beheerder) == "Bram Bakker is geregistreerd."
    bram_app = AppClient(tmp_path / "app-bram")
    bram_app.run("setup", "--pin", bram_app.pin)
    assert "Bram Bakker" in bram_app.run("scan", qr_on(beheerder)).stdout

    bram = chromium.new_context(locale="nl-NL").new_page()
    log_in(bram, bram_app, live_server)
    assert bram.get_by_test_id("person-name").inner_text() == "Bram Bakker"

    # lost phone: revoke, and the copy of the app can log in nowhere; then a new QR after a new WID check
    beheerder.get_by_role("link", name="Terug naar de medewerker").click()
    screenshot(beheerder, "employee-page-as-beheerder")
    beheerder.get_by_test_id("revoke").click()
    screenshot(beheerder, "confirm-revoke")
    confirm(beheerder, "van Bram Bakker wordt ingetrokken.")
    assert banner(beheerder).endswith("van Bram Bakker is ingetrokken.")
    bram.goto(live_server.url + "/")
    refused = bram_app.run("scan", qr_on(bram), "--accept", check=False)
    assert refused.returncode == 1 and "ZID-MOBILE-ID-REVOKED" in refused.stderr
    fill_wid(beheerder)
    beheerder.get_by_test_id("reissue").click()
    beheerder.get_by_test_id("handover-qr").wait_for()
    assert banner(beheerder) == "Nieuwe QR-code gemaakt voor Bram Bakker."
    new_phone = AppClient(tmp_path / "app-bram-new")
    new_phone.run("setup", "--pin", new_phone.pin)
    new_phone.run("scan", qr_on(beheerder))
    log_in(bram, new_phone, live_server)
    assert "Bram Bakker" in bram.get_by_test_id("person-name").inner_text()

    # blocked: no login anywhere, at once; the app is told so by the server before it asks for anything else
    beheerder.get_by_role("link", name="Terug naar de medewerker").click()
    beheerder.get_by_test_id("block").click()
    screenshot(beheerder, "confirm-block")
    beheerder.get_by_test_id("cancel").click()  # Annuleren: back, nothing done
    assert beheerder.get_by_test_id("employee-status").inner_text() == "Actief"
    beheerder.get_by_test_id("block").click()
    confirm(beheerder, "Bram Bakker wordt geblokkeerd.")
    assert banner(beheerder).startswith("Bram Bakker is geblokkeerd")
    assert "Geblokkeerd" in beheerder.get_by_test_id("employee-status").inner_text()
    assert not beheerder.get_by_test_id("block").count()
    bram.goto(live_server.url + "/")
    blocked = new_phone.run("scan", qr_on(bram), "--accept", check=False)
    assert blocked.returncode == 1 and "ZID-PERSON-BLOCKED" in blocked.stderr
    beheerder.get_by_test_id("unblock").click()
    assert beheerder.get_by_test_id("employee-status").inner_text() == "Actief"
    assert banner(beheerder) == "Bram Bakker is gedeblokkeerd en kan weer inloggen met zijn ZORG-ID."
    screenshot(beheerder, "employee-page-with-a-banner")
    log_in(bram, new_phone, live_server)

    # deleted from his only organisation: off the list, and his Mobile ID revoked
    beheerder.get_by_test_id("delete").click()
    screenshot(beheerder, "confirm-delete")
    confirm(beheerder, "Bram Bakker wordt uit Huisartsenpraktijk De Linde verwijderd.")
    beheerder.wait_for_url(f"**/organisatie/{linde.ura}/medewerkers")
    assert banner(beheerder) == "Bram Bakker is uit Huisartsenpraktijk De Linde verwijderd."
    assert "Bakker" not in beheerder.get_by_test_id("employee-list").inner_text()

    # imported employees wait for their WID check; the list leads to it, and after it they are active
    importing.import_employees(linde, [("Ilse", "Import", "01-02-1988"), ("Karel", "Klaassen", "03-04-1975")],
                               actor="test")
    beheerder.reload()
    row = beheerder.get_by_role("row", name="Import, Ilse")
    assert "Wacht op WID-controle" in row.inner_text()
    screenshot(beheerder, "employee-list")
    row.get_by_test_id("wid-check-link").click()
    assert "Wacht op WID-controle" in beheerder.get_by_test_id("employee-status").inner_text()
    screenshot(beheerder, "employee-page-imported")
    fill_wid(beheerder)
    beheerder.get_by_test_id("reissue").click()
    beheerder.get_by_test_id("handover-qr").wait_for()
    beheerder.goto(f"{live_server.url}/organisatie/{linde.ura}/medewerkers")
    assert "Actief" in beheerder.get_by_role("row", name="Import, Ilse").inner_text()
    bram.goto(live_server.url + "/")
    deleted = new_phone.run("scan", qr_on(bram), "--accept", check=False)
    assert deleted.returncode == 1 and "ZID-MOBILE-ID-REVOKED" in deleted.stderr
