"""A beheerder's scanned WID check in Chromium (R-FLOW-WIDSCAN, R-FLOW-BEHREG): Beppie links her ``zorgid-widscan``
to her ``zorgid-app``, scans the new employee's identity card with it as a check of an employee's document, and types
the code it shows into the registration form instead of the document's data; the employee's page says the check was
scanned with the WID scan app, and her own overview lists the check. axe-core checks each page the test loads."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.e2e.screenshots import screenshot
from tests.e2e.test_administration_browser import banner, log_in, person_app, qr_on
from tests.e2e.test_widscan_client import WidScanClient, finish, start_link
from zorgid.clients.widscan.mrz import compose_td1
from zorgid.identities.models import Person, WidCheck
from zorgid.organisations.models import Role
from zorgid.organisations.services import add_organisation
from zorgid.widscan.models import WidScanCheck

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
REFERENCE = re.compile(r"Referentiecode voor het registratieformulier van de beheerder: ([A-Z2-9]{8})")


def test_a_beheerder_registers_an_employee_with_the_code_of_her_wid_scan_app(chromium, live_server, settings,
                                                                            tmp_path):
    settings.ZORGID_LOGIN_WAIT_SECONDS = 3
    linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")
    beppie_app = person_app(tmp_path, "Beppie", Role.BEHEERDER, linde, live_server)
    qr_file = tmp_path / "koppel.png"
    linking = start_link(beppie_app, qr_file, accept=True)
    widscan = WidScanClient(tmp_path / "widscan")
    widscan.run("link", "--qr", str(qr_file), "--accept", "--toestel", "Balie 1")
    assert finish(linking)[0] == 0

    card = "\n".join(compose_td1(number="BK34Q7RD2", surname="BAKKER", given_names="BRAM",
                                 birth_date=dt.date(1990, 6, 1),  # as the form has it: the server compares them
                                 expiry_date=dt.date.today() + dt.timedelta(days=3 * 365)))
    scanned = widscan.run("scan", "--mrz", card, "--record", "--purpose", "medewerker")
    assert "Geldig document" in scanned.stdout
    code = REFERENCE.search(scanned.stdout).group(1)

    page = chromium.new_context(locale="nl-NL").new_page()
    log_in(page, beppie_app, live_server)
    page.goto(f"{live_server.url}/organisatie/{linde.ura}/medewerkers/nieuw")
    page.get_by_label("Voornamen (zoals in het identiteitsbewijs)").fill("Bram")
    page.get_by_label("Achternaam (zoals in het identiteitsbewijs)").fill("Bakker")
    page.get_by_label("Geboortedatum").fill("1990-06-01")
    page.get_by_label("WID scan-code").fill(code.lower())  # typed as it comes, in lower case
    page.get_by_label("Ik heb het identiteitsbewijs persoonlijk gecontroleerd", exact=False).check()
    screenshot(page, "employee-form-with-a-scan-code")
    page.get_by_test_id("submit").click()
    page.get_by_test_id("handover-qr").wait_for()
    assert banner(page) == "Bram Bakker is geregistreerd."
    assert qr_on(page).startswith("zorgid://activate?")

    bram = Person.objects.get(first_names="Bram")
    check = WidCheck.objects.get(person=bram)
    assert (check.method, check.number_last4, check.document_type) == ("gescand", "7RD2", "identiteitskaart")
    assert WidScanCheck.objects.get(reference=code).used_for_id == check.id
    page.get_by_role("link", name="Terug naar de medewerker").click()
    assert page.get_by_test_id("wid-check-method").all_inner_texts() == ["gescand met de WID scan app"]
    screenshot(page, "employee-with-a-scanned-wid-check")

    # the same code a second time: refused at its field, with its code, the form kept
    page.goto(f"{live_server.url}/organisatie/{linde.ura}/medewerkers/nieuw")
    page.get_by_label("Voornamen (zoals in het identiteitsbewijs)").fill("Carla")
    page.get_by_label("Achternaam (zoals in het identiteitsbewijs)").fill("Bakker")
    page.get_by_label("Geboortedatum").fill("1992-01-01")
    page.get_by_label("WID scan-code").fill(code)
    page.get_by_label("Ik heb het identiteitsbewijs persoonlijk gecontroleerd", exact=False).check()
    page.get_by_test_id("submit").click()
    page.get_by_text("ZID-WIDSCAN-REFERENCE-USED").first.wait_for()
    assert page.get_by_label("Voornamen (zoals in het identiteitsbewijs)").input_value() == "Carla"
    assert not Person.objects.filter(first_names="Carla").exists()

    page.goto(f"{live_server.url}/overzicht")
    rows = page.get_by_test_id("widscan-check")
    assert rows.count() == 1 and "7RD2" in rows.first.inner_text()
    assert "Balie 1" in page.get_by_test_id("widscan-link").inner_text()
    screenshot(page, "overview-with-a-wid-check")
