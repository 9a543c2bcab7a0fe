"""Administration paths in Chromium (R-ROLE-ADM, R-ROLE-BEH): the administrator appoints a beheerder; the beheerder
registers an employee with a WID check; the employee's ``zorgid-app`` scans the hand-over QR from the page and
logs in; the beheerder revokes the ID (the app can no longer log in) and hands over a new QR after a new WID
check; blocks and unblocks him (his app follows at once), and deletes him from the organisation (his last one: the
ID is revoked)."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from tests.e2e.conftest import AppClient
from zorgid import clock
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


def fill_wid(page) -> None:
    page.get_by_label("Soort identiteitsbewijs").select_option("identiteitskaart")
    page.get_by_label("Laatste 4 tekens van het documentnummer").fill("K7Q2")
    page.get_by_label("Geldig tot").fill("2031-05-01")
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
    admin.get_by_test_id("make-beheerder").click()
    assert beppie.roles.filter(role=Role.BEHEERDER, organisation=linde).exists()

    beheerder = chromium.new_context(locale="nl-NL").new_page()
    log_in(beheerder, beheerder_app, live_server)
    beheerder.goto(f"{live_server.url}/organisatie/{linde.ura}/medewerkers/nieuw")
    beheerder.get_by_label("Voornamen (zoals in het identiteitsbewijs)").fill("Bram")
    beheerder.get_by_label("Achternaam (zoals in het identiteitsbewijs)").fill("Bakker")
    beheerder.get_by_label("Geboortedatum").fill("1990-06-01")
    fill_wid(beheerder)
    beheerder.get_by_test_id("submit").click()
    beheerder.get_by_test_id("handover-qr").wait_for()
    bram_app = AppClient(tmp_path / "app-bram")
    bram_app.run("setup", "--pin", bram_app.pin)
    assert "Bram Bakker" in bram_app.run("scan", qr_on(beheerder)).stdout

    bram = chromium.new_context(locale="nl-NL").new_page()
    log_in(bram, bram_app, live_server)
    assert bram.get_by_test_id("person-name").inner_text() == "Bram Bakker"

    # lost phone: revoke, and the copy of the app can log in nowhere; then a new QR after a new WID check
    beheerder.get_by_role("link", name="Terug naar de medewerker").click()
    beheerder.get_by_test_id("revoke").click()
    bram.goto(live_server.url + "/")
    refused = bram_app.run("scan", qr_on(bram), "--accept", check=False)
    assert refused.returncode == 1 and "ZID-MOBILE-ID-REVOKED" in refused.stderr
    fill_wid(beheerder)
    beheerder.get_by_test_id("reissue").click()
    beheerder.get_by_test_id("handover-qr").wait_for()
    new_phone = AppClient(tmp_path / "app-bram-new")
    new_phone.run("setup", "--pin", new_phone.pin)
    new_phone.run("scan", qr_on(beheerder))
    log_in(bram, new_phone, live_server)
    assert "Bram Bakker" in bram.get_by_test_id("person-name").inner_text()

    # blocked: no login anywhere, at once; the app is told so by the server before it asks for anything else
    beheerder.get_by_role("link", name="Terug naar de medewerker").click()
    beheerder.get_by_test_id("block").click()
    assert "Geblokkeerd" in beheerder.get_by_test_id("employee-status").inner_text()
    bram.goto(live_server.url + "/")
    blocked = new_phone.run("scan", qr_on(bram), "--accept", check=False)
    assert blocked.returncode == 1 and "ZID-PERSON-BLOCKED" in blocked.stderr
    beheerder.get_by_test_id("unblock").click()
    assert beheerder.get_by_test_id("employee-status").inner_text() == "Actief"
    log_in(bram, new_phone, live_server)

    # deleted from his only organisation: off the list, and his Mobile ID revoked
    beheerder.get_by_test_id("delete-confirm").check()
    beheerder.get_by_test_id("delete").click()
    beheerder.wait_for_url(f"**/organisatie/{linde.ura}/medewerkers")
    beheerder.goto(f"{live_server.url}/organisatie/{linde.ura}/medewerkers")
    assert "Bakker" not in beheerder.content()
    bram.goto(live_server.url + "/")
    deleted = new_phone.run("scan", qr_on(bram), "--accept", check=False)
    assert deleted.returncode == 1 and "ZID-MOBILE-ID-REVOKED" in deleted.stderr
