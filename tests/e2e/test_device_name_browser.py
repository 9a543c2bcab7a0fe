"""A practice manager tells an employee's two phones apart (administration.display_names): each ``zorgid-app`` is
set up with ``--toestel``, scans a hand-over QR from the page, and the employee page, the revoke confirmation and
the "Nieuwe QR-code" hand-over name each Mobile ID by its date and its phone.

With ``ZORGID_SCREENSHOTS`` set to a folder, the pages are also saved there at 1280 and 390 pixels wide."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import AppClient
from tests.e2e.test_administration_browser import fill_wid, log_in, person_app, qr_on, screenshot
from zorgid.identities.models import Person
from zorgid.organisations.models import Role
from zorgid.organisations.services import add_organisation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_two_phones_of_one_employee_are_told_apart(chromium, live_server, settings, tmp_path):
    settings.ZORGID_LOGIN_WAIT_SECONDS = 3
    linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")
    beheerder_app = person_app(tmp_path, "Beppie", Role.BEHEERDER, linde, live_server)
    beheerder = chromium.new_context(locale="nl-NL").new_page()
    log_in(beheerder, beheerder_app, live_server)

    beheerder.goto(f"{live_server.url}/organisatie/{linde.ura}/medewerkers/nieuw")
    beheerder.get_by_label("Voornamen (zoals in het identiteitsbewijs)").fill("Jan")
    beheerder.get_by_label("Achternaam (zoals in het identiteitsbewijs)").fill("Bakker")
    beheerder.get_by_label("Geboortedatum").fill("1990-06-01")
    fill_wid(beheerder)
    beheerder.get_by_test_id("submit").click()
    beheerder.get_by_test_id("handover-qr").wait_for()
    iphone = AppClient(tmp_path / "app-iphone")
    assert "iPhone van Jan" in iphone.run("setup", "--toestel", "iPhone van Jan").stdout
    iphone.run("scan", qr_on(beheerder))

    beheerder.get_by_role("link", name="Terug naar de medewerker").click()
    fill_wid(beheerder)
    beheerder.get_by_test_id("reissue").click()
    beheerder.get_by_test_id("handover-qr").wait_for()
    assert "toestel “iPhone van Jan”" in beheerder.get_by_test_id("existing-ids").inner_text()
    screenshot(beheerder, "handover-with-a-named-phone")
    werk = AppClient(tmp_path / "app-werk")
    werk.run("setup", "--toestel", "Werktelefoon <praktijk>")
    werk.run("scan", qr_on(beheerder))

    beheerder.get_by_role("link", name="Terug naar de medewerker").click()
    names = [" ".join(cell.split()) for cell in beheerder.get_by_test_id("mobile-id-name").all_inner_texts()]
    date = names[0].split(",")[0]
    assert sorted(names) == sorted([f"{date}, toestel “iPhone van Jan”", f"{date}, toestel “Werktelefoon <praktijk>”"])
    screenshot(beheerder, "employee-with-two-named-phones")
    jan = Person.objects.get(first_names="Jan")
    first = jan.mobile_ids.get(device_name="iPhone van Jan")
    beheerder.goto(f"{live_server.url}/organisatie/{linde.ura}/medewerkers/{jan.id}/revoke?mobile_id={first.id}")
    assert "toestel “iPhone van Jan”" in beheerder.get_by_test_id("confirm-question").inner_text()
    screenshot(beheerder, "confirm-revoke-named-phone")
