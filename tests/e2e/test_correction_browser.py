"""Correcting a person's names and birth date in Chromium (docs/security.md, "Correcting a person's data"): the
administrator finds the employee, opens "Gegevens corrigeren", is refused a birth date in the future with its
code, sees the data before and after, confirms, and the employee's page says it was done; the employee's own
``zorgid-app`` tells him at its next login and his overview once; the operator reaches the same page from his list
of organisations.

With ``ZORGID_SCREENSHOTS`` set to a folder, the pages are also saved there at 1280 and 390 pixels wide."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from tests.e2e.conftest import AppClient
from tests.e2e.screenshots import screenshot
from zorgid import clock
from zorgid.identities.models import Person
from zorgid.organisations.models import Role
from zorgid.organisations.roles import add_operator, grant_role
from zorgid.organisations.services import add_organisation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _qr_on(page) -> str:
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(page.screenshot(full_page=True))))
    assert len(found) == 1
    return found[0].text


def _log_in(page, app: AppClient, live_server) -> str:
    """Log the browser in with the app; the app's own output."""
    page.goto(live_server.url + "/")
    scanned = app.run("scan", _qr_on(page), "--accept")
    page.wait_for_url("**/overzicht", timeout=15_000)
    return scanned.stdout


def _person_app(tmp_path, first_names: str, last_name: str, role: str, organisation, live_server) -> AppClient:
    issued = add_operator(first_names, last_name, clock.parse_date("01-06-1990"), actor="test")
    if role != Role.OPERATOR:
        issued.person.roles.all().delete()
        grant_role(issued.person, role, organisation, actor="test")
    app = AppClient(tmp_path / f"app-{first_names}")
    app.run("setup", "--pin", app.pin)
    app.run("scan", issued.payload(live_server.url).to_uri())
    return app


def _fill(page, *, first_names: str, last_name: str, born: str) -> None:
    page.get_by_label("Voornamen (zoals in het identiteitsbewijs)").fill(first_names)
    page.get_by_label("Achternaam, met tussenvoegsel (zoals in het identiteitsbewijs)").fill(last_name)
    page.get_by_label("Geboortedatum").fill(born)
    page.get_by_label("Soort identiteitsbewijs").select_option("paspoort")
    page.get_by_label("Laatste 4 tekens van het documentnummer").fill("K7Q2")
    page.get_by_label("Geldig tot").fill("2031-05-01")
    page.get_by_label("Ik heb het identiteitsbewijs persoonlijk gecontroleerd").check()
    page.get_by_label("Reden van de correctie").fill("Geboortedatum en achternaam verkeerd overgenomen bij de "
                                                      "registratie; paspoort aan de balie gezien.")


def test_the_administrator_corrects_and_the_employee_is_told(page, live_server, tmp_path, settings):
    settings.ZORGID_BASE_URL = live_server.url
    linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")
    admin = _person_app(tmp_path, "Anna", "Admin", Role.ADMINISTRATOR, linde, live_server)
    bram_app = _person_app(tmp_path, "Bram", "Bakker", Role.MEDEWERKER, linde, live_server)
    bram = Person.objects.get(first_names="Bram")

    _log_in(page, admin, live_server)
    page.goto(f"{live_server.url}/organisatie/{linde.ura}/medewerkers/{bram.id}")
    page.get_by_test_id("correct").click()
    page.wait_for_url(f"**/medewerkers/{bram.id}/gegevens")
    assert page.get_by_label("Voornamen (zoals in het identiteitsbewijs)").input_value() == "Bram"
    assert page.get_by_label("Geboortedatum").input_value() == "01-06-1990"
    screenshot(page, "correct-form")

    _fill(page, first_names="Bram Jan", last_name="van der Bakker", born="11-06-2999")
    page.get_by_test_id("correct-check").click()
    assert page.get_by_test_id("error-code").inner_text() == "ZID-PERSON-INVALID"
    assert page.get_by_label("Achternaam, met tussenvoegsel (zoals in het identiteitsbewijs)").input_value() == (
        "van der Bakker")  # what was typed is kept
    screenshot(page, "correct-refused")

    page.get_by_label("Geboortedatum").fill("11-06-1990")
    page.get_by_label("Ik heb het identiteitsbewijs persoonlijk gecontroleerd").check()
    page.get_by_test_id("correct-check").click()
    changes = " ".join(page.get_by_test_id("correction-changes").inner_text().split())
    assert "Achternaam Bakker → van der Bakker" in changes and "Geboortedatum 01-06-1990 → 11-06-1990" in changes
    assert Person.objects.get(pk=bram.pk).last_name == "Bakker"  # nothing changed before the confirmation
    screenshot(page, "correct-confirm")

    page.get_by_test_id("correct-confirm").click()
    page.wait_for_url(f"**/medewerkers/{bram.id}")
    assert "De gegevens zijn gecorrigeerd: Bram Jan van der Bakker, geboren 11-06-1990." in (
        page.get_by_test_id("messages").inner_text())
    assert page.get_by_test_id("employee-name").inner_text() == "Bram Jan van der Bakker"
    screenshot(page, "correct-done")

    employee = page.context.browser.new_context(locale="nl-NL").new_page()
    told = _log_in(employee, bram_app, live_server)
    assert "Uw gegevens zijn gecorrigeerd door Huisartsenpraktijk De Linde op " in told
    assert "naam Bram Jan van der Bakker, geboortedatum 11-06-1990." in told
    assert "ID: Bram Jan van der Bakker" in bram_app.run("id").stdout
    assert "gecorrigeerd door Huisartsenpraktijk De Linde" in employee.get_by_test_id("messages").inner_text()
    screenshot(employee, "correct-overview")
    employee.reload()
    assert employee.get_by_test_id("messages").count() == 0  # told once


def test_the_operator_reaches_the_page_from_his_organisations(page, live_server, tmp_path, settings):
    settings.ZORGID_BASE_URL = live_server.url
    linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")
    olga = _person_app(tmp_path, "Olga", "Operator", Role.OPERATOR, linde, live_server)
    _person_app(tmp_path, "Bram", "Bakker", Role.MEDEWERKER, linde, live_server)
    _log_in(page, olga, live_server)
    page.goto(live_server.url + "/beheer/organisaties")
    page.get_by_test_id(f"organisation-{linde.ura}").click()
    page.goto(f"{live_server.url}/organisatie/{linde.ura}/medewerkers")
    page.get_by_role("link", name="Bakker, Bram").click()
    page.get_by_test_id("correct").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Gegevens corrigeren")
