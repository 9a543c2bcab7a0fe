"""The ZORG-ID Smartcard from a blank card to revoked for good, as a newcomer walks it, through real parts only
(docs/uzi.md "ZORG-ID Smartcard" and "Managing a smartcard"; docs/security.md).

A beheerder of Huisartsenpraktijk De Linde registers Jan de Vries in the portal; Jan's ``zorgid-app`` scans the
hand-over QR. ``zorgid dev blank-card`` puts a blank card beside his test UZI-pas (``zorgid dev uzi-pas``) in one
SoftHSM2 token directory: both are "in the reader". Jan logs in with his Mobile ID in Chromium, "Smartcard
aanmaken", ONE ``zorgid-desktop open`` run makes the card; he logs in with it; the beheerder (a second browser)
blocks and unblocks him, and the world sees it with ``openssl ocsp`` and ``openssl verify -crl_check``; at last Jan
revokes the card himself and it works nowhere any more.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests.e2e.conftest import BIN, AppClient
from tests.e2e.test_administration_browser import fill_wid, log_in, person_app, qr_on
from zorgid.clients.desktop.card import DEFAULT_MODULE
from zorgid.organisations.models import Role
from zorgid.organisations.services import add_organisation
from zorgid.pki.ca import get_ca
from zorgid.pki.smartcard_ca import get_smartcard_ca

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PIN = "13572468"
BLANK_LABEL = "Blanco kaart van Jan"


def zorgid(settings, *args: str) -> subprocess.CompletedProcess:
    """The server's command line, as an administrator of the installation runs it."""
    run = subprocess.run([str(BIN / "zorgid"), *args], env={**os.environ, "ZORGID_HOME": str(settings.ZORGID_HOME)},
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    return run


def desktop(conf: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """``zorgid-desktop`` as the browser starts it, with every card of the token directory in the reader."""
    run = subprocess.run([str(BIN / "zorgid-desktop"), *args], env={**os.environ, "SOFTHSM2_CONF": str(conf)},
                         capture_output=True, text=True, timeout=120)
    if check:
        assert run.returncode == 0, run.stdout + run.stderr
    return run


class World:
    """What anyone outside zorgid checks a certificate with: the CA files, the OCSP responder, the CRL."""

    def __init__(self, url: str, folder: Path):
        self.url, self.folder = url, folder
        pem = serialization.Encoding.PEM
        ca = get_smartcard_ca()
        self.issuer, self.chain = folder / "smartcard-ca.pem", folder / "chain.pem"
        self.issuer.write_bytes(ca.issuing.public_bytes(pem))
        self.chain.write_bytes(get_ca().root.public_bytes(pem) + ca.issuing.public_bytes(pem))

    def ocsp(self, certificate: Path) -> tuple[str, str]:
        """``openssl ocsp`` at the address the certificate names (AIA): the status line and the whole answer."""
        address = subprocess.run(["openssl", "x509", "-in", str(certificate), "-noout", "-ocsp_uri"],
                                 capture_output=True, text=True, timeout=60, check=True).stdout.strip()
        assert address == f"{self.url}/pki/ocsp", address
        run = subprocess.run(["openssl", "ocsp", "-issuer", str(self.issuer), "-cert", str(certificate),
                              "-url", address, "-CAfile", str(self.chain), "-resp_text"],
                             capture_output=True, text=True, timeout=60, check=False)
        assert run.returncode == 0 and "Response verify OK" in run.stdout + run.stderr, run.stdout + run.stderr
        line = next(x for x in run.stdout.splitlines() if x.startswith(f"{certificate}: "))
        return line.split(": ", 1)[1], run.stdout

    def verify_with_crl(self, certificate: Path) -> subprocess.CompletedProcess:
        """``openssl verify -crl_check`` with the CRL just downloaded from the address in the certificate."""
        cert = x509.load_pem_x509_certificate(certificate.read_bytes())
        points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
        address = points[0].full_name[0].value
        assert address == f"{self.url}/pki/crl/smartcard.crl", address
        answer = httpx.get(address)
        assert answer.status_code == 200, answer.text
        crl = self.folder / "smartcard.crl.pem"
        crl.write_bytes(x509.load_der_x509_crl(answer.content).public_bytes(serialization.Encoding.PEM))
        return subprocess.run(["openssl", "verify", "-crl_check", "-CAfile", str(self.chain), "-CRLfile", str(crl),
                               str(certificate)], capture_output=True, text=True, timeout=60, check=False)


def card_page_address(page) -> str:
    address = page.get_by_test_id("desktop-link").get_attribute("href")
    assert address.startswith("zorgid-desktop://card?v=1&server=")
    return address


def start_smartcard_login(page, url: str) -> str:
    page.goto(url + "/")
    page.get_by_test_id("smartcard-login").click()
    assert "Inloggen met ZORG-ID Smartcard" in page.content()
    return card_page_address(page)


def logged_out(page, url: str) -> None:
    page.goto(url + "/overzicht")
    assert page.get_by_test_id("error-code").inner_text() == "ZID-PORTAL-LOGIN-REQUIRED"


def refused_on_the_page(page, code: str) -> None:
    error = page.get_by_test_id("card-error")
    error.wait_for(state="visible", timeout=15_000)
    assert code in error.inner_text(), error.inner_text()
    assert "/overzicht" not in page.url


@pytest.fixture
def browser_of(chromium, live_server, settings):
    """A browser (context) per person, closed before the live server stops. A start page's long poll goes on
    waiting on the server for up to ZORGID_LOGIN_WAIT_SECONDS after its page left: that time passes before the
    database goes."""
    settings.ZORGID_LOGIN_WAIT_SECONDS = 2
    contexts = []

    def open_browser():
        contexts.append(chromium.new_context(locale="nl-NL", viewport={"width": 1100, "height": 1000}))
        return contexts[-1].new_page()

    yield open_browser
    for context in contexts:
        context.close()
    time.sleep(settings.ZORGID_LOGIN_WAIT_SECONDS + 0.5)


def test_a_smartcard_is_made_logged_in_with_blocked_unblocked_and_revoked_as_the_world_sees_it(
        browser_of, live_server, settings, make_uzi_pas, tmp_path):
    settings.ZORGID_BASE_URL = url = live_server.url  # the addresses in the certificates: CRL and OCSP
    world = World(url, tmp_path)

    # Gegeven: De Linde is aangemeld, Beppie is er beheerder met haar eigen Mobile ID
    linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="test")
    beppie_app = person_app(tmp_path, "Beppie", Role.BEHEERDER, linde, live_server)
    beheerder = browser_of()
    log_in(beheerder, beppie_app, live_server)

    # Beppie registreert Jan de Vries (WID-controle); Jans app scant de overdracht-QR
    beheerder.goto(f"{url}/organisatie/{linde.ura}/medewerkers/nieuw")
    beheerder.get_by_label("Voornamen (zoals in het identiteitsbewijs)").fill("Jan")
    beheerder.get_by_label("Achternaam (zoals in het identiteitsbewijs)").fill("de Vries")
    beheerder.get_by_label("Geboortedatum").fill("1980-02-14")
    fill_wid(beheerder)
    beheerder.get_by_test_id("submit").click()
    beheerder.get_by_test_id("handover-qr").wait_for()
    jan_app = AppClient(tmp_path / "app-jan")
    jan_app.run("setup", "--pin", jan_app.pin)
    assert "Jan de Vries" in jan_app.run("scan", qr_on(beheerder)).stdout

    # Jans UZI-pas en een blanco kaart in dezelfde lezer (één SoftHSM2-map)
    uzi_pas = make_uzi_pas(name="Jan de Vries")
    letter = zorgid(settings, "dev", "blank-card", "--token-dir", str(uzi_pas.token_dir), "--label", BLANK_LABEL)
    transport_pin = re.search(r"Transport-PIN: (\d+)", letter.stdout).group(1)
    transport_so_pin = re.search(r"Transport-SO-PIN: (\d+)", letter.stdout).group(1)
    assert f"SOFTHSM2_CONF={uzi_pas.conf}" in letter.stdout, letter.stdout
    blank = next(line for line in desktop(uzi_pas.conf, "cards").stdout.splitlines() if BLANK_LABEL in line)
    assert "blanco kaart: geen sleutels" in blank, blank

    # Jan logt in met zijn Mobile ID → Overzicht → "Smartcard aanmaken"
    jan = browser_of()
    log_in(jan, jan_app, live_server)
    assert jan.get_by_test_id("person-name").inner_text() == "Jan de Vries"
    jan.get_by_test_id("no-smartcard").wait_for()
    jan.get_by_test_id("smartcard-new").click()
    assert "Huisartsenpraktijk De Linde (URA 90000382)" in jan.get_by_test_id("smartcard-organisation").inner_text()
    jan.get_by_test_id("smartcard-start").click()

    # De Desktop App: UZI-pas (PIN, Ja), dan de blanco kaart (transportcodes, nieuwe PIN); PUK één keer
    made = desktop(uzi_pas.conf, "open", card_page_address(jan), "--pin", uzi_pas.pin, "--yes",
                   "--transport-pin", transport_pin, "--transport-so-pin", transport_so_pin, "--new-pin", NEW_PIN,
                   "--blank-token-label", BLANK_LABEL)
    card_number = re.search(r"Kaartnummer (\d{9})", made.stdout).group(1)
    assert card_number.startswith("98")
    assert re.search(r"PUK-code: \S+", made.stdout) and made.stdout.count("PUK-code:") == 1
    smartcard_label = re.search(r"\(kaart ([^)]+)\)", made.stdout).group(1)

    # De pagina ziet het kaartnummer
    jan.wait_for_url("**/klaar", timeout=20_000)
    assert jan.get_by_test_id("smartcard-done").inner_text() == "Uw ZORG-ID Smartcard is aangemaakt"
    assert jan.get_by_test_id("smartcard-number").inner_text() == card_number

    # zorgid-desktop cards noemt de smartcard (label, kaartnummer, naam); de blanco kaart is er niet meer
    cards = desktop(uzi_pas.conf, "cards").stdout
    assert f"{smartcard_label}\tZORG-ID Smartcard, kaartnummer {card_number}, Jan de Vries" in cards, cards
    assert "geen sleutels" not in cards, cards

    # Het authenticatiecertificaat van de kaart (pkcs11-tool): zorgid uzi show noemt het een ZORG-ID Smartcard
    on_card = subprocess.run(["pkcs11-tool", "--module", DEFAULT_MODULE, "--token-label", smartcard_label,
                              "--read-object", "--type", "cert", "--id", "01"],
                             env={**os.environ, "SOFTHSM2_CONF": str(uzi_pas.conf)}, capture_output=True, timeout=60,
                             check=False)
    assert on_card.returncode == 0, on_card.stderr
    authentication = tmp_path / "authenticatie.pem"
    authentication.write_bytes(
        x509.load_der_x509_certificate(on_card.stdout).public_bytes(serialization.Encoding.PEM))
    shown = json.loads(zorgid(settings, "uzi", "show", str(authentication)).stdout)
    assert shown["card"] == "ZORG-ID Smartcard", shown
    assert shown["uzi_number"] == card_number and shown["ura"] == linde.ura, shown
    assert world.ocsp(authentication)[0] == "good"
    assert world.verify_with_crl(authentication).returncode == 0

    # Uitloggen; "Inloggen met ZORG-ID Smartcard" met de nieuwe kaart → Overzicht toont zijn kaart
    jan.goto(url + "/overzicht")
    jan.get_by_role("button", name="Uitloggen").click()
    login = desktop(uzi_pas.conf, "open", start_smartcard_login(jan, url), "--pin", NEW_PIN, "--yes")
    assert "Gelukt" in login.stdout, login.stdout
    jan.wait_for_url("**/overzicht", timeout=15_000)
    assert jan.get_by_test_id("person-name").inner_text() == "Jan de Vries"
    assert jan.get_by_test_id("smartcard-number").inner_text() == card_number
    assert jan.get_by_test_id("smartcard-state").inner_text() == "actief"

    # Beppie blokkeert Jan op de medewerkerpagina: Overzicht → De Linde → Medewerkers → Jan
    beheerder.goto(url + "/overzicht")
    beheerder.get_by_test_id("organisation-90000382").click()
    beheerder.get_by_test_id("employees").click()
    beheerder.get_by_role("link", name="de Vries, Jan").click()
    assert beheerder.get_by_test_id("smartcard-number").inner_text() == card_number
    beheerder.get_by_test_id("block").click()
    beheerder.get_by_test_id("confirm-button").click()  # the confirmation page
    assert "Geblokkeerd" in beheerder.get_by_test_id("employee-status").inner_text()
    assert beheerder.get_by_test_id("smartcard-state").inner_text() == "geblokkeerd"
    logged_out(jan, url)  # zijn portaalsessie met de kaart is meteen voorbij

    # De wereld: OCSP zegt revoked (certificateHold), de CRL weigert het certificaat; inloggen geweigerd met code
    status, answer = world.ocsp(authentication)
    assert status == "revoked" and "Reason: certificateHold" in answer, answer
    verified = world.verify_with_crl(authentication)
    assert verified.returncode != 0 and "certificate revoked" in verified.stdout + verified.stderr
    refused = desktop(uzi_pas.conf, "open", start_smartcard_login(jan, url), "--pin", NEW_PIN, "--yes", check=False)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    refused_on_the_page(jan, "ZID-CARD-SMARTCARD-BLOCKED")

    # Deblokkeren: OCSP good, inloggen werkt weer
    beheerder.get_by_test_id("unblock").click()
    assert beheerder.get_by_test_id("employee-status").inner_text() == "Actief"
    assert world.ocsp(authentication)[0] == "good"
    assert world.verify_with_crl(authentication).returncode == 0
    desktop(uzi_pas.conf, "open", start_smartcard_login(jan, url), "--pin", NEW_PIN, "--yes")
    jan.wait_for_url("**/overzicht", timeout=15_000)

    # Jan trekt zijn kaart in op het overzicht (bevestigingspagina)
    jan.get_by_test_id("smartcard-revoke").click()
    jan.get_by_test_id("confirm-button").click()
    assert card_number in jan.get_by_test_id("smartcard-revoked").inner_text()
    logged_out(jan, url)

    # Voorgoed ingetrokken: OCSP revoked zonder certificateHold, de CRL weigert, inloggen geweigerd
    status, answer = world.ocsp(authentication)
    assert status == "revoked" and "certificateHold" not in answer and "Revocation Time:" in answer, answer
    verified = world.verify_with_crl(authentication)
    assert verified.returncode != 0 and "certificate revoked" in verified.stdout + verified.stderr
    refused = desktop(uzi_pas.conf, "open", start_smartcard_login(jan, url), "--pin", NEW_PIN, "--yes", check=False)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    refused_on_the_page(jan, "ZID-CARD-SMARTCARD-REVOKED")
