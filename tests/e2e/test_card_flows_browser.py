"""Manual §3–5 end to end: Chromium, ``zorgid-desktop`` with a SoftHSM2 UZI-pas, ``zorgid-app``.

Self-registration from "Registreren" to a logged-in overview with the UZI attributes, then organisation
validation with the same card, then a refused card of another person for "Attributen registreren".
"""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from zorgid.identities.models import UziRegistration
from zorgid.organisations.models import Role
from zorgid.organisations.services import add_organisation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def read_qr(page) -> str:
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(page.screenshot(full_page=True))))
    assert len(found) == 1
    return found[0].text


def run_card_step(page, card, *args: str, check: bool = True):
    """The card page: the browser would launch the Desktop App with this address; the test runs it."""
    address = page.get_by_test_id("desktop-link").get_attribute("href")
    assert address.startswith("zorgid-desktop://card?v=1&server=")
    return card.desktop("open", address, "--pin", card.pin, "--yes", *args, check=check)


def log_in(page, app_client, live_server):
    page.goto(live_server.url + "/")
    app_client.run("scan", read_qr(page), "--accept")
    page.wait_for_url("**/overzicht", timeout=15_000)


def test_register_validate_and_log_in_with_a_uzi_pas(page, live_server, settings, make_uzi_pas, app_client):
    settings.ZORGID_LOGIN_WAIT_SECONDS = 3
    organisation = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678",
                                    actor="test")
    card = make_uzi_pas(name="Jan Jansen")
    app_client.run("setup", "--pin", app_client.pin)

    # Registreren onder de QR-code → voorwaarden → Volgende → UZI-pas
    page.goto(live_server.url + "/")
    page.get_by_test_id("register").click()
    page.get_by_test_id("terms").wait_for()
    page.get_by_test_id("next").click()
    page.get_by_test_id("desktop-link").wait_for()
    shown = run_card_step(page, card)
    assert "Gelukt" in shown.stdout
    # de gegevens van de pas → geboortedatum (date picker) → samenvatting → Bevestigen
    page.wait_for_url("**/gegevens", timeout=15_000)
    assert page.get_by_test_id("card-name").inner_text() == "Jan Jansen"
    assert page.get_by_test_id("card-uzi").inner_text() == "900016528"
    page.get_by_test_id("next").click()
    page.get_by_label("Geboortedatum").fill("1980-02-14")
    page.get_by_test_id("next").click()
    assert page.get_by_test_id("summary-birth-date").inner_text() == "14-02-1980"
    page.get_by_test_id("confirm").click()
    # de registratie-QR (10 dagen, één keer): de app scant een schermafbeelding ervan
    page.get_by_test_id("registration-qr").wait_for()
    screenshot = page.screenshot(full_page=True)
    payload = zxingcpp.read_barcodes(Image.open(io.BytesIO(screenshot)))[0].text
    assert payload.startswith("zorgid://activate?v=1&")
    png = app_client.home.parent / "schermafbeelding.png"
    png.write_bytes(screenshot)
    assert "Jan Jansen" in app_client.run("scan", str(png)).stdout
    page.get_by_test_id("next").click()
    page.get_by_test_id("next").click()
    page.get_by_test_id("login").click()
    # Inloggen met het nieuwe ID: de UZI-attributen zijn gekoppeld
    app_client.run("scan", read_qr(page), "--accept")
    page.wait_for_url("**/overzicht", timeout=15_000)
    assert page.get_by_test_id("person-name").inner_text() == "Jan Jansen"
    assert "900016528" in page.get_by_test_id("uzi-registrations").inner_text()
    assert UziRegistration.objects.get().ura == "90000382"

    # Organisatie valideren met dezelfde pas: administrator, voor welk Mobile ID
    page.get_by_test_id("logout").click()
    page.get_by_test_id("validate").click()
    page.get_by_test_id("next").click()
    page.get_by_test_id("desktop-link").wait_for()
    run_card_step(page, card)
    page.wait_for_url("**/organisatie", timeout=15_000)
    assert page.get_by_test_id("organisation-name").inner_text() == "Huisartsenpraktijk De Linde"
    assert page.get_by_test_id("organisation-ura").inner_text() == "90000382"
    page.get_by_test_id("next").click()
    mobile_id = UziRegistration.objects.get().mobile_id
    assert mobile_id.id[:8] in page.get_by_test_id("validation-mobile-ids").inner_text()
    assert mobile_id.person.roles.filter(role=Role.ADMINISTRATOR, organisation=organisation).exists()


def test_attributes_of_another_persons_card_are_refused(page, live_server, settings, make_uzi_pas, app_client):
    from typer.testing import CliRunner

    from zorgid.cli import app as zorgid_cli

    settings.ZORGID_LOGIN_WAIT_SECONDS = 3
    settings.ZORGID_BASE_URL = live_server.url
    png = app_client.home.parent / "activatie.png"
    result = CliRunner().invoke(zorgid_cli, ["operator", "add", "--first-names", "Fatma", "--last-name", "Yılmaz",
                                             "--birth-date", "29-02-1988", "--png", str(png)])
    assert result.exit_code == 0
    app_client.run("setup", "--pin", app_client.pin)
    app_client.run("scan", str(png))
    log_in(page, app_client, live_server)
    page.get_by_test_id("attributes").click()
    page.get_by_test_id("register-attributes").click()
    page.get_by_test_id("desktop-link").wait_for()
    card = make_uzi_pas(name="Jan Jansen")
    refused = run_card_step(page, card, check=False)  # the Desktop App shows the refusal too
    assert refused.returncode == 1 and "ZID-CARD-OTHER-PERSON" in refused.stderr
    error = page.get_by_test_id("card-error")
    error.wait_for(state="visible", timeout=15_000)
    assert "ZID-CARD-OTHER-PERSON" in error.inner_text()
    assert UziRegistration.objects.count() == 0


def test_a_wrong_security_code_is_refused_by_the_card(page, live_server, make_uzi_pas):
    add_organisation(name="Praktijk", ura="90000382", kvk="12345678", actor="test")
    card = make_uzi_pas()
    page.goto(live_server.url + "/registreren")
    page.get_by_test_id("next").click()
    address = page.get_by_test_id("desktop-link").get_attribute("href")
    result = card.desktop("open", address, "--pin", "654321", "--yes", check=False)
    assert result.returncode == 1 and "ZID-DESKTOP-PIN-WRONG" in result.stderr
    assert page.get_by_test_id("card-error").is_hidden()
