"""The employee import in Chromium (R-FLOW-BEHREG): the administrator finds "Medewerkers importeren" on the
organisation's page, uploads a CSV file with a wrong row and sees every refused row (nothing imported), then the
corrected file and sees the employees imported, each awaiting the WID check.

With ZORGID_SCREENSHOTS set to a folder, the pages are also saved there as screenshots, 1280 and 390 pixels wide.
"""

from __future__ import annotations

import pytest

from tests.e2e.screenshots import screenshot
from tests.e2e.test_administration_browser import log_in, person_app
from zorgid.administration import importing
from zorgid.organisations.models import Role, RoleAssignment
from zorgid.organisations.services import add_organisation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADER = "voornamen;achternaam;geboortedatum\n"
GOOD = ("Jan Willem;de Vries;12-03-1975\nÉlodie;Şahin-Öztürk;01-02-1990\nAnna Maria;van den Berg;28-11-1968\n"
        "Mohammed;El Amrani;05-09-1984\n")
BAD = "Piet;Puk;31-02-1980\nKees;Con\x07trol;01-01-1980\nTe;Weinig\nOud;Opa;01-01-1850\n"


def choose(page, name: str, text: str) -> None:
    page.get_by_label("CSV-bestand met medewerkers").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8")})


def test_an_administrator_uploads_a_file_and_sees_the_report(chromium, live_server, settings, tmp_path, monkeypatch):
    settings.ZORGID_LOGIN_WAIT_SECONDS = 3
    linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")
    admin_app = person_app(tmp_path, "Anna", Role.ADMINISTRATOR, linde, live_server)
    page = chromium.new_context(locale="nl-NL", viewport={"width": 1100, "height": 1000}).new_page()
    log_in(page, admin_app, live_server)
    page.goto(f"{live_server.url}/organisatie/{linde.ura}")
    page.get_by_test_id("import-employees").click()
    page.wait_for_url("**/medewerkers/importeren")
    assert "voornamen;achternaam;geboortedatum" in page.get_by_test_id("example").inner_text()
    assert page.get_by_test_id("too-large").is_hidden()
    screenshot(page, "upload")

    monkeypatch.setattr(importing, "MAX_FILE_BYTES", 2_000)  # the page tells its script the importer's limit
    page.reload()
    choose(page, "groot.csv", HEADER + GOOD * 30)
    assert "ZID-IMPORT-TOO-LARGE" in page.get_by_test_id("too-large").inner_text()  # refused before it is sent
    assert page.get_by_test_id("import-submit").is_disabled()
    screenshot(page, "too-large")
    choose(page, "klein.csv", HEADER + GOOD)
    assert page.get_by_test_id("too-large").is_hidden() and page.get_by_test_id("import-submit").is_enabled()
    monkeypatch.undo()
    page.reload()

    windows = (HEADER + "René;Müller;01-01-1980\n").encode("cp1252")
    page.get_by_label("CSV-bestand met medewerkers").set_input_files(
        {"name": "export.csv", "mimeType": "text/csv", "buffer": windows})
    page.get_by_test_id("import-submit").click()
    page.get_by_test_id("file-error").wait_for()
    assert "ZID-IMPORT-ENCODING" in page.get_by_test_id("file-error").inner_text()
    screenshot(page, "file-error")

    choose(page, "medewerkers.csv", HEADER + GOOD + BAD)
    page.get_by_test_id("import-submit").click()
    refused = page.get_by_test_id("refused-rows")
    refused.wait_for()
    assert "4 van 8 regels geweigerd in medewerkers.csv" in page.get_by_test_id("refused").inner_text()
    table = refused.inner_text()
    for line, code in ((6, "ZID-IMPORT-ROW-DATE"), (7, "ZID-IMPORT-ROW-CONTROL"), (8, "ZID-IMPORT-ROW-COLUMNS"),
                       (9, "ZID-IMPORT-ROW-AGE")):
        row = page.locator(f'[data-testid="refused-rows"] tr[data-line="{line}"]').inner_text()
        assert code in row, (line, row)
    assert "'Con\\x07trol'" in table
    assert not RoleAssignment.objects.filter(organisation=linde, role=Role.MEDEWERKER).exists()
    screenshot(page, "refused")

    choose(page, "medewerkers.csv", HEADER + GOOD)
    page.get_by_test_id("import-submit").click()
    page.get_by_test_id("imported").wait_for()
    assert "4 medewerkers geïmporteerd" in page.get_by_test_id("messages").inner_text()
    assert page.get_by_test_id("awaiting-wid").count() == 4
    assert RoleAssignment.objects.filter(organisation=linde, role=Role.MEDEWERKER).count() == 4
    screenshot(page, "imported")
    page.get_by_role("link", name="El Amrani, Mohammed").click()
    page.wait_for_url("**/medewerkers/*")
    assert "El Amrani" in page.content()
