"""What a practice manager reads in Chromium (R-SEC-AUDIT): the audit log (the organisation's and the operator's)
and an employee's page show people by name, Mobile IDs by their activation date and events by their label, never
a 32-hex id, a ``person:`` reference or an English event code. The filters work by the label chosen from the list
and by a name typed, and keep their values; and by a request number, taken here from a real answer's X-Request-ID,
which a row shows when asked (its disclosure).

With ``ZORGID_SCREENSHOTS`` set to a folder, the pages are also saved there at 1280 and 390 pixels wide."""

from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from django.utils import timezone
from PIL import Image

from tests.e2e.conftest import AppClient
from tests.e2e.screenshots import screenshot
from zorgid import clock
from zorgid.administration import employees
from zorgid.audit.labels import KINDS
from zorgid.identities.models import MobileId, UziRegistration
from zorgid.organisations.models import Role
from zorgid.organisations.roles import add_operator, grant_role
from zorgid.organisations.services import add_organisation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEX_ID = re.compile(r"\b[0-9a-f]{32}\b")
CODES = re.compile(r"\b(" + "|".join(re.escape(kind) for kind in KINDS if "." in kind or "_" in kind) + r")\b")


def readable(text: str) -> None:
    """No id, reference or code a manager cannot read."""
    assert not HEX_ID.search(text), HEX_ID.search(text).group(0)
    assert "person:" not in text and "mobile_id:" not in text and "organisation:" not in text
    assert not CODES.search(text), CODES.search(text).group(0)


def log_in(page, app: AppClient, live_server) -> None:
    page.goto(live_server.url + "/")
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(page.screenshot(full_page=True))))
    app.run("scan", found[0].text, "--accept")
    page.wait_for_url("**/overzicht", timeout=15_000)


def app_of(tmp_path, issued, name: str, live_server) -> AppClient:
    app = AppClient(tmp_path / f"app-{name}")
    app.run("setup", "--pin", app.pin)
    app.run("scan", issued.payload(live_server.url).to_uri())
    return app


@pytest.fixture
def practice(tmp_path, live_server):
    """De Linde with its administrator Anna, and Bram, an employee whose first Mobile ID was revoked (phone lost),
    who has a new one, and who was blocked; Ziekenhuis Oost with its own employee."""
    linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="test")
    oost = add_organisation(name="Ziekenhuis Oost", ura="90000999", kvk="87654321", actor="test")
    issued = add_operator("Anna", "de Vries", clock.parse_date("01-01-1980"), actor="test")
    anna = issued.person
    anna.roles.all().delete()
    grant_role(anna, Role.ADMINISTRATOR, linde, actor="test")
    anna_app = app_of(tmp_path, issued, "anna", live_server)
    wid = employees.Wid("identiteitskaart", "K7Q2", clock.parse_date("01-05-2031"))
    handover = employees.register_employee(linde, first_names="Bram", last_name="Bakker",
                                           birth_date=clock.parse_date("01-06-1990"), wid=wid, by=anna)
    app_of(tmp_path, handover.issued, "bram-old", live_server)
    bram = handover.person
    employees.revoke(linde, MobileId.objects.get(person=bram).id, by=anna)
    app_of(tmp_path, employees.reissue(linde, bram, wid, by=anna).issued, "bram", live_server)
    employees.set_blocked(linde, bram, True, by=anna)
    for person, uzi, card_type, role in ((anna, "900000001", "Z", "01.015"), (bram, "900000002", "N", "00.000")):
        UziRegistration.objects.create(  # as attributes.services links them after a card session
            mobile_id=MobileId.objects.filter(person=person, status="active").get(), uzi_number=uzi,
            card_type=card_type, ura=linde.ura, role=role, agb="00000000", common_name=person.full_name,
            organisation_name=linde.name, certificate_serial="1", registered_at=clock.now())
    employees.register_employee(oost, first_names="Olga", last_name="Oostveen",
                                birth_date=clock.parse_date("02-02-1992"), wid=wid, by=anna)
    return linde, anna_app, bram


def test_the_audit_log_and_the_employee_page_read_without_ids_or_codes(page, practice, live_server):
    linde, anna_app, bram = practice
    log_in(page, anna_app, live_server)
    page.goto(f"{live_server.url}/organisatie/{linde.ura}/audit")
    table = page.get_by_test_id("audit-events").inner_text()
    assert "Medewerker geblokkeerd" in table and "Mobile ID ingetrokken" in table and "Bram Bakker" in table
    assert "Oostveen" not in table
    readable(page.locator("main").inner_text())
    screenshot(page, "audit-organisation")

    page.get_by_label("Soort gebeurtenis").select_option(label="Mobile ID ingetrokken")
    page.get_by_label("Naam van de persoon").fill("bakker")
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_url("**soort=mobile_id.revoked**")
    labels = {text.strip() for text in page.get_by_test_id("event-label").all_inner_texts()}
    assert labels == {"Mobile ID ingetrokken"}
    assert page.get_by_label("Naam van de persoon").input_value() == "bakker"  # the filters keep their values
    assert page.get_by_label("Soort gebeurtenis").evaluate("e => e.selectedOptions[0].text") == "Mobile ID ingetrokken"
    readable(page.locator("main").inner_text())
    screenshot(page, "audit-organisation-filtered")

    export = page.request.get(f"{live_server.url}/organisatie/{linde.ura}/audit?formaat=csv")  # the page's cookies
    assert export.ok and export.headers["content-type"].startswith("text/csv")
    request_id = export.headers["x-request-id"]  # the export recorded its own event in that request
    page.get_by_role("link", name="Filters wissen").click()
    page.get_by_label("Verzoeknummer").fill(request_id)
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_url(f"**verzoek={request_id}**")
    labels = [text.strip() for text in page.get_by_test_id("event-label").all_inner_texts()]
    assert labels == ["Auditlog geëxporteerd"]
    readable(page.locator("main").inner_text())  # the row's request id waits in its closed disclosure
    page.get_by_test_id("audit-events").get_by_text("Verzoeknummer").click()
    assert page.get_by_test_id("row-request-id").inner_text() == request_id
    screenshot(page, "audit-organisation-request")

    page.goto(f"{live_server.url}/organisatie/{linde.ura}/medewerkers/{bram.id}")
    text = page.locator("main").inner_text()
    first = MobileId.objects.filter(person=bram).order_by("activated_at").first()
    assert f"Mobile ID van {clock.format_date(timezone.localtime(first.activated_at).date())}" in text
    assert "Mobile ID ingetrokken" in page.get_by_test_id("transactions").inner_text()
    assert "UZI-nummer 900000002 – Medewerkerpas op naam (N) – Geen beroepsrol (00.000)" in text
    readable(text)
    screenshot(page, "employee")

    page.goto(f"{live_server.url}/overzicht")
    uzi = page.get_by_test_id("uzi-registrations").inner_text()
    assert "UZI-nummer 900000001 – Zorgverlenerpas (Z) – Arts – huisarts (01.015)" in uzi
    readable(page.locator("main").inner_text())
    screenshot(page, "overview")


def test_the_operators_audit_log_reads_without_ids_or_codes(page, practice, live_server, tmp_path):
    linde, _, _ = practice
    issued = add_operator("Olga", "Operator", clock.parse_date("01-01-1975"), actor="test")
    log_in(page, app_of(tmp_path, issued, "operator", live_server), live_server)
    page.goto(f"{live_server.url}/beheer/audit")
    table = page.get_by_test_id("audit-events").inner_text()
    assert "Huisartsenpraktijk De Linde (URA 90000382)" in table and "Olga Oostveen" in table
    readable(page.locator("main").inner_text())
    screenshot(page, "audit-operator")
    page.goto(f"{live_server.url}/beheer/organisaties")
    assert "ja" not in page.get_by_test_id("validated-90000382").inner_text()  # entered by hand, never validated
    screenshot(page, "operator-organisations")
