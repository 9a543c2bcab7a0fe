"""Logging in with a ZORG-ID Smartcard end to end: Chromium, ``zorgid-desktop open`` with a real SoftHSM2 card.

The card is made as the Desktop App makes it (clients.desktop.personalise: keys generated on a blank SoftHSM2
token, their proofs of possession), certified by the server's identities.smartcards.issue_smartcard and written
back with write_certificates; then the browser's "Inloggen met ZORG-ID Smartcard" on the start page, the card
page's zorgid-desktop:// address run as the browser would run it, and /overzicht. A block refuses the card, and the
card page shows the code. The example application (examples/zorgapplicatie) accepted for the product smartcard
gets its user logged in with the card, and its ID token's amr says "smartcard".
"""

from __future__ import annotations

import base64

import httpx
import jwt
import pytest

from tests.e2e.conftest import UziPas
from tests.e2e.test_oidc_login_browser import example  # noqa: F401 (the fixture: the example application)
from tests.integration.smartcards.smartcard_keys import uzi_pas
from tests.unit.clients.desktop.cards import MODULE
from tests.unit.clients.desktop.test_personalise import CHALLENGE, NEW_PIN, call, make_blank, personalise
from zorgid.administration.employees import set_blocked
from zorgid.identities.models import Person
from zorgid.identities.smartcards import issue_smartcard
from zorgid.organisations.models import Role
from zorgid.organisations.roles import add_operator, grant_role
from zorgid.organisations.services import add_organisation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def make_smartcard(tmp_path, person, organisation) -> UziPas:
    """A SoftHSM2 blank card made a ZORG-ID Smartcard of ``person``: keys on the card, certificates from the server."""
    conf, transport_pin, so_pin = make_blank(tmp_path / "smartcard")
    made = personalise(conf, transport_pin, so_pin)
    assert "ok" in made, made
    made = made["ok"]
    keys = {key["role"]: (base64.b64decode(key["public_key"]), base64.b64decode(key["proof"]))
            for key in made["keys"]}
    issued = issue_smartcard(person, organisation, challenge=CHALLENGE, keys=keys, uzi=uzi_pas(organisation.ura),
                             actor="test", label=made["label"])
    certificates = {role: der for role, der in issued.certificates.items()}
    written = call(conf, f"p.write_certificates({MODULE!r}, pin={NEW_PIN!r}, certificates={certificates!r}, "
                         f"token_label={made['label']!r})")
    assert written == {"ok": None}, written
    return UziPas(conf.parent, NEW_PIN)


def read_card(page, card: UziPas, *, check: bool = True):
    address = page.get_by_test_id("desktop-link").get_attribute("href")
    assert address.startswith("zorgid-desktop://card?v=1&server=")
    return card.desktop("open", address, "--pin", card.pin, "--yes", check=check)


def start(page, live_server) -> None:
    page.goto(live_server.url + "/")
    page.get_by_test_id("smartcard-login").click()
    page.get_by_test_id("desktop-link").wait_for()
    assert "Inloggen met ZORG-ID Smartcard" in page.content()


def test_log_in_with_a_zorgid_smartcard_and_be_refused_while_blocked(page, live_server, settings, tmp_path,
                                                                      activated_app):
    settings.ZORGID_LOGIN_WAIT_SECONDS = 3
    linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="test")
    jan = Person.objects.get(last_name="de Vries")
    grant_role(jan, Role.MEDEWERKER, linde, actor="test")
    card = make_smartcard(tmp_path, jan, linde)

    start(page, live_server)
    shown = read_card(page, card)
    assert "Gelukt" in shown.stdout, shown.stdout
    page.wait_for_url("**/overzicht", timeout=15_000)
    assert page.get_by_test_id("person-name").inner_text() == "Jan Willem de Vries"

    page.get_by_role("button", name="Uitloggen").click()
    bram = add_operator("Bram", "Bakker", jan.birth_date, actor="test").person
    set_blocked(linde, jan, True, by=bram)
    start(page, live_server)
    refused = read_card(page, card, check=False)
    assert refused.returncode != 0
    error = page.get_by_test_id("card-error")
    error.wait_for(timeout=15_000)
    assert "ZID-CARD-SMARTCARD-BLOCKED" in error.inner_text()
    assert "/overzicht" not in page.url


def test_log_in_at_the_example_application_with_a_zorgid_smartcard(page, live_server, settings, tmp_path,
                                                                    activated_app, example):  # noqa: F811
    settings.ZORGID_LOGIN_WAIT_SECONDS = 3
    linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="test")
    jan = Person.objects.get(last_name="de Vries")
    grant_role(jan, Role.MEDEWERKER, linde, actor="test")
    card = make_smartcard(tmp_path, jan, linde)
    client_id = example.register("--product", "smartcard")
    example.start()

    page.goto(example.url + "/")
    page.get_by_test_id("login").click()
    page.get_by_test_id("login-qr").wait_for()
    page.get_by_test_id("smartcard-login").click()
    page.get_by_test_id("desktop-link").wait_for()
    read_card(page, card)
    page.wait_for_url(example.url + "/profiel", timeout=15_000)
    assert page.get_by_test_id("person-name").inner_text() == "Jan Willem de Vries"
    assert page.get_by_test_id("organisation-ura").inner_text() == "90000382"

    id_token = page.get_by_test_id("id-token").text_content().strip()
    configuration = httpx.get(live_server.url + "/.well-known/openid-configuration").json()
    key_set = jwt.PyJWKSet.from_dict(httpx.get(configuration["jwks_uri"]).json())
    kid = jwt.get_unverified_header(id_token)["kid"]
    key = next(key for key in key_set.keys if key.key_id == kid)
    claims = jwt.decode(id_token, key=key, algorithms=["RS256"], audience=client_id, issuer=configuration["issuer"])
    assert claims["amr"] == ["smartcard", "sc", "hwk", "pin", "mfa"]
