"""The portal by keyboard alone: the skip link, the header's navigation, and registering an employee from the
overview to the hand-over QR with Tab, typing, Space and Enter only (the hand-over then prints its content only).
Every focused control shows where the focus is (an outline or a ring). The pages are also checked by axe-core
(accessibility.py, through conftest)."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from zorgid.identities.models import Person
from zorgid.organisations.models import Role
from zorgid.organisations.roles import grant_role
from zorgid.organisations.services import add_organisation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MAX_TABS = 60

FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const style = getComputedStyle(e);
  return {tag: e.tagName.toLowerCase(), id: e.id, testid: e.dataset.testid || "", text: (e.innerText || "").trim(),
          label: e.labels && e.labels.length ? e.labels[0].innerText.trim() : "", type: e.type || "",
          outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
          ring: style.boxShadow !== "none"};
}"""


def focused(page) -> dict | None:
    return page.evaluate(FOCUSED)


def tab_to(page, matches, what: str) -> dict:
    """Press Tab until the focused element matches; it must show its focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        element = focused(page)
        if element and matches(element):
            assert element["outline"] or element["ring"], f"{what} has the focus but shows no focus indicator"
            return element
    raise AssertionError(f"{what} not reached with {MAX_TABS} presses of Tab")


def by_testid(testid: str):
    return lambda element: element["testid"] == testid


def by_label(label: str):
    return lambda element: element["label"].startswith(label)


def log_in(page, app, live_server) -> None:
    page.goto(live_server.url + "/")
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(page.screenshot(full_page=True))))
    assert len(found) == 1
    app.run("scan", found[0].text, "--accept")
    page.wait_for_url("**/overzicht", timeout=15_000)


def test_the_skip_link_is_the_first_stop_and_moves_the_focus_to_the_content(page, live_server):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["testid"] == "skip-link" and first["outline"]
    box = page.get_by_test_id("skip-link").bounding_box()
    assert box and box["y"] >= 0 and box["width"] > 0, "the skip link is not visible when it has the focus"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "inhoud"
    page.keyboard.press("Tab")  # the next stop is inside the content, past the header's links
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_a_visitor_reaches_every_header_link_and_the_login_choices_by_keyboard(page, live_server):
    page.goto(live_server.url + "/")
    assert page.get_by_test_id("logout").count() == 0, "a visitor is not logged in: no Uitloggen"
    tab_to(page, by_testid("smartcard-login"), "the smartcard login")
    tab_to(page, by_testid("register"), "Registreren")
    page.goto(live_server.url + "/")
    tab_to(page, by_testid("nav-error-codes"), "Foutmeldingen in the navigation")
    page.keyboard.press("Enter")
    page.wait_for_url("**/foutmeldingen")
    assert page.get_by_test_id("nav-error-codes").get_attribute("aria-current") == "page"


def test_from_the_overview_to_a_registered_employee_by_keyboard(page, live_server, activated_app, settings):
    settings.ZORGID_LOGIN_WAIT_SECONDS = 3
    linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")
    grant_role(Person.objects.get(first_names="Jan Willem"), Role.ADMINISTRATOR, linde, actor="t")
    log_in(page, activated_app, live_server)

    tab_to(page, by_testid("nav-organisations"), "Mijn organisaties")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/organisatie/{linde.ura}")
    tab_to(page, by_testid("register-employee"), "Medewerker registreren")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/organisatie/{linde.ura}/medewerkers/nieuw")

    tab_to(page, by_label("Voornamen"), "the first names")
    page.keyboard.type("Bram")
    tab_to(page, by_label("Achternaam"), "the last name")
    page.keyboard.type("Bakker")
    tab_to(page, by_label("Geboortedatum"), "the birth date")
    page.locator(":focus").fill("1990-06-01")  # a date field's segments follow the browser's own locale
    tab_to(page, by_label("Soort identiteitsbewijs"), "the kind of identity document")
    page.keyboard.type("Identiteitskaart")  # a closed select takes the typed start of an option
    assert page.locator(":focus").input_value() == "identiteitskaart"
    tab_to(page, by_label("Laatste 4 tekens"), "the document number")
    page.keyboard.type("K7Q2")
    tab_to(page, by_label("Geldig tot"), "the expiry date")
    page.locator(":focus").fill("2031-05-01")
    tab_to(page, lambda e: e["type"] == "checkbox" and "persoonlijk gecontroleerd" in e["label"], "the WID check")
    page.keyboard.press("Space")
    tab_to(page, by_testid("submit"), "the submit button")
    page.keyboard.press("Enter")
    page.get_by_test_id("handover-qr").wait_for()
    assert Person.objects.filter(first_names="Bram", last_name="Bakker").exists()

    # printed, the hand-over page is its content only: the QR and its instructions, no header, menu or buttons
    page.emulate_media(media="print")
    assert page.get_by_test_id("handover-qr").is_visible() and page.locator("h1").is_visible()
    for hidden in ("header", "nav", "footer", "button", ".messages", "main a"):
        assert not any(element.is_visible() for element in page.locator(hidden).all()), f"{hidden} is printed"
