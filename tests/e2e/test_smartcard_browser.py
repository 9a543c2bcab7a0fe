"""Making a ZORG-ID Smartcard end to end (docs/uzi.md "ZORG-ID Smartcard"): Chromium on the portal's "Smartcard
aanmaken", ONE ``zorgid-desktop open`` run with a SoftHSM2 UZI-pas and a blank card in the same token directory
(both "in the reader"): the UZI-pas answers, the blank card gets its keys and PIN, the server certifies them, the
Desktop App writes the certificates and shows the PUK once; the page shows the card number. Then the world asks
the independent ``openssl ocsp`` about the new authentication certificate: good."""

from __future__ import annotations

import os
import re
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests.e2e.conftest import BIN
from tests.e2e.test_card_flows_browser import log_in
from zorgid.clients.desktop.card import DEFAULT_MODULE
from zorgid.identities.models import Person, Smartcard, SmartcardStatus
from zorgid.organisations.models import Role, SmartcardLink
from zorgid.organisations.roles import grant_role
from zorgid.organisations.services import add_organisation
from zorgid.pki.ca import get_ca
from zorgid.pki.smartcard_ca import get_smartcard_ca

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PIN = "13572468"


def blank_card(token_dir, settings) -> dict[str, str]:
    """``zorgid dev blank-card`` in the UZI-pas's token directory: the letter's transport codes."""
    made = subprocess.run([str(BIN / "zorgid"), "dev", "blank-card", "--token-dir", str(token_dir)],
                          env={**os.environ, "ZORGID_HOME": str(settings.ZORGID_HOME)}, capture_output=True,
                          text=True, timeout=60)
    assert made.returncode == 0, made.stdout + made.stderr
    return {"transport_pin": re.search(r"Transport-PIN: (\d+)", made.stdout).group(1),
            "transport_so_pin": re.search(r"Transport-SO-PIN: (\d+)", made.stdout).group(1)}


def ocsp_status(certificate_pem: str, url: str, tmp_path) -> str:
    """What ``openssl ocsp`` says about the certificate, after verifying the answer against the CA chain."""
    pem = serialization.Encoding.PEM
    issuing, chain, cert = tmp_path / "issuing.pem", tmp_path / "chain.pem", tmp_path / "auth.pem"
    ca = get_smartcard_ca()
    issuing.write_bytes(ca.issuing.public_bytes(pem))
    chain.write_bytes(get_ca().root.public_bytes(pem) + ca.issuing.public_bytes(pem))
    cert.write_text(certificate_pem)
    run = subprocess.run(["openssl", "ocsp", "-issuer", str(issuing), "-cert", str(cert), "-url", f"{url}/pki/ocsp",
                          "-CAfile", str(chain)], capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0 and "Response verify OK" in run.stdout + run.stderr, run.stdout + run.stderr
    return next(line for line in run.stdout.splitlines() if line.startswith(f"{cert}: ")).split(": ", 1)[1]


def employee_of_de_linde(settings):
    """The activated operator (Jan Willem de Vries) works at De Linde too."""
    settings.ZORGID_LOGIN_WAIT_SECONDS = 3
    linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="test")
    jan = Person.objects.get(last_name="de Vries")
    grant_role(jan, Role.MEDEWERKER, linde, actor="test")
    return jan, linde


def test_smartcard_aanmaken_from_the_portal_with_one_desktop_run(page, live_server, settings, make_uzi_pas,
                                                                 activated_app, tmp_path):
    jan, linde = employee_of_de_linde(settings)
    card = make_uzi_pas(name="Jan de Vries")
    letter = blank_card(card.token_dir, settings)

    log_in(page, activated_app, live_server)
    page.goto(live_server.url + "/smartcard/aanmaken")
    assert "Huisartsenpraktijk De Linde (URA 90000382)" in page.get_by_test_id("smartcard-organisation").inner_text()
    assert "PUK" in page.get_by_test_id("smartcard-steps").inner_text()
    page.get_by_test_id("smartcard-start").click()
    address = page.get_by_test_id("desktop-link").get_attribute("href")
    assert address.startswith("zorgid-desktop://card?v=1&server=")

    made = card.desktop("open", address, "--pin", card.pin, "--yes", "--transport-pin", letter["transport_pin"],
                        "--transport-so-pin", letter["transport_so_pin"], "--new-pin", NEW_PIN)
    smartcard = Smartcard.objects.get()
    assert f"Kaartnummer {smartcard.card_number}" in made.stdout
    assert re.search(r"PUK-code: \S+", made.stdout) and made.stdout.count("PUK-code:") == 1

    page.wait_for_url("**/klaar", timeout=20_000)
    assert page.get_by_test_id("smartcard-done").inner_text() == "Uw ZORG-ID Smartcard is aangemaakt"
    assert page.get_by_test_id("smartcard-number").inner_text() == smartcard.card_number
    assert smartcard.person == jan and smartcard.status == SmartcardStatus.ACTIVE and smartcard.ura == linde.ura
    assert SmartcardLink.objects.get(smartcard=smartcard).organisation == linde

    # the certificate on the card is the one issued (pkcs11-tool reads it beside key 01), and OCSP says good
    on_card = subprocess.run(
        ["pkcs11-tool", "--module", DEFAULT_MODULE, "--token-label", made_label(made.stdout),
         "--read-object", "--type", "cert", "--id", "01"],
        env={**os.environ, "SOFTHSM2_CONF": str(card.conf)}, capture_output=True, timeout=60, check=False)
    assert on_card.returncode == 0, on_card.stderr
    assert x509.load_der_x509_certificate(on_card.stdout).public_bytes(serialization.Encoding.PEM).decode() \
        == smartcard.authentication_pem
    assert ocsp_status(smartcard.authentication_pem, live_server.url, tmp_path) == "good"


def made_label(stdout: str) -> str:
    return re.search(r"\(kaart ([^)]+)\)", stdout).group(1)


def test_the_uzi_pas_of_another_person_is_refused_on_the_page_and_the_blank_card_stays_blank(
        page, live_server, settings, make_uzi_pas, activated_app):
    employee_of_de_linde(settings)
    card = make_uzi_pas(name="Piet Jansen")
    letter = blank_card(card.token_dir, settings)
    log_in(page, activated_app, live_server)
    page.goto(live_server.url + "/smartcard/aanmaken")
    page.get_by_test_id("smartcard-start").click()
    address = page.get_by_test_id("desktop-link").get_attribute("href")
    refused = card.desktop("open", address, "--pin", card.pin, "--yes", "--transport-pin", letter["transport_pin"],
                           "--transport-so-pin", letter["transport_so_pin"], "--new-pin", NEW_PIN, check=False)
    assert refused.returncode == 1 and "ZID-SMARTCARD-UZI-PERSON" in refused.stderr
    error = page.get_by_test_id("card-error")
    error.wait_for(state="visible", timeout=15_000)
    assert "ZID-SMARTCARD-UZI-PERSON" in error.inner_text() and "Gebruik uw eigen UZI-pas." in error.inner_text()
    assert Smartcard.objects.count() == 0
    assert "blanco kaart: geen sleutels" in card.desktop("cards").stdout  # the blank card was not touched
