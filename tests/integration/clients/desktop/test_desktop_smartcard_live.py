"""``zorgid-desktop open`` making a ZORG-ID Smartcard against the zorgid server itself (a live server, real HTTP):
a test UZI-pas (``zorgid dev uzi-pas``, trusted through the installation's test UZI CA) and a blank card
(``zorgid dev blank-card``) in one SoftHSM2 token directory, the Desktop App as a subprocess, the server's own
checks and issuing (smartcards.making). The card session is started with the service the portal's
"Smartcard aanmaken" calls (the browser is not what is tested here; tests/e2e drive the pages)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cryptography import x509

from tests.unit.clients.desktop.cards import PIN, desktop
from tests.unit.clients.desktop.test_personalise import inspect, make_blank
from zorgid.flows.cards import start_card_flow
from zorgid.flows.models import CardFlow, CardFlowState
from zorgid.identities.models import Smartcard, SmartcardStatus
from zorgid.organisations.models import Role
from zorgid.organisations.roles import grant_role
from zorgid.organisations.services import add_organisation
from zorgid.pki import uzi_installation
from zorgid.protocol.payloads import CardPayload
from zorgid.smartcards import making

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PIN = "24681357"
BLANK = "Blanco kaart"
URA = "90000382"


class World:
    """Jan Willem de Vries (with a Mobile ID) at De Linde, his UZI-pas and a blank card, and the live server."""

    def __init__(self, tmp_path, settings, live_server, person) -> None:
        self.origin, self.person = live_server.url, person
        linde = add_organisation(name="Huisartsenpraktijk De Linde", ura=URA, kvk="12345678", actor="test")
        grant_role(person, Role.MEDEWERKER, linde, actor="test")
        tokens = tmp_path / "cards"
        made = subprocess.run(
            [sys.executable, "-m", "zorgid.devtools.cli", "uzi-pas", "--type", "Z", "--name", "Jan de Vries",
             "--uzi", "900016528", "--ura", URA, "--role", "01.015", "--pin", PIN, "--token-dir", str(tokens),
             "--ca-dir", str(uzi_installation.test_uzi_ca_dir())],
            env={**{k: v for k, v in os.environ.items() if k != "SOFTHSM2_CONF"},
                 "ZORGID_HOME": str(settings.ZORGID_HOME)}, capture_output=True, text=True, timeout=120)
        assert made.returncode == 0, made.stdout + made.stderr
        uzi_installation.forget()
        self.conf, self.transport_pin, self.so_pin = make_blank(tokens, BLANK)

    def smartcard_session(self) -> str:
        flow = making.start(self.person, URA, browser_secret="browser-secret-of-the-test", origin=self.origin,
                            requester_name="ZORG-ID portaal")
        return CardPayload(self.origin, flow.id).to_uri()

    def make(self, *extra: str, transport_pin: str | None = None, stdin: str = "") -> subprocess.CompletedProcess:
        """``zorgid-desktop open`` for a new smartcard session, the transport codes given as options."""
        return desktop(self.conf, "open", self.smartcard_session(), "--pin", PIN, "--transport-pin",
                       transport_pin or self.transport_pin, "--transport-so-pin", self.so_pin, *extra, stdin=stdin)

    def blank(self) -> bool:
        report = inspect(self.conf, self.transport_pin, [("transport SO PIN", "so_pin", self.so_pin)], label=BLANK)
        return report["keys"] == {} and report["certificates"] == {} and not any(report["refused"].values())


@pytest.fixture
def world(tmp_path, settings, live_server, operator, device):
    return World(tmp_path, settings, live_server, operator.person)


def flow_of(address: str) -> CardFlow:
    return CardFlow.objects.get(id=address.rsplit("flow=", 1)[-1].split("&")[0])


def test_refusals_leave_the_card_blank_and_then_the_card_is_made_and_logs_in(world, settings):
    # wrong transport PIN, a card that is not blank, a PIN too short, two PINs not equal: the card is not touched
    wrong = world.make("--yes", "--new-pin", NEW_PIN, transport_pin="00000000")
    assert wrong.returncode == 1 and wrong.stderr.startswith("Fout ZID-DESKTOP-TRANSPORT-PIN-WRONG: ")
    not_blank = world.make("--yes", "--new-pin", NEW_PIN, "--blank-token-label", "UZI-pas 900016528")
    assert not_blank.returncode == 1 and not_blank.stderr.startswith("Fout ZID-DESKTOP-CARD-NOT-BLANK: ")
    short = world.make("--yes", "--new-pin", "1234")
    assert short.returncode == 1 and short.stderr.startswith("Fout ZID-DESKTOP-NEW-PIN-FORMAT: ")
    unequal = world.make("--yes", stdin=f"{NEW_PIN}\n{NEW_PIN[::-1]}\n")
    assert unequal.returncode == 1 and "Fout ZID-DESKTOP-NEW-PIN-MISMATCH: " in unequal.stderr
    assert world.blank() and not Smartcard.objects.exists()

    # the server refuses the keys (they come after the confirmation time): the card is put back to blank
    settings.ZORGID_CARD_CONFIRM_SECONDS = 0
    refused = world.make("--yes", "--new-pin", NEW_PIN)
    assert refused.returncode == 1 and refused.stderr.startswith("Fout ZID-CARD-EXPIRED: "), refused.stderr
    assert f"De kaart {BLANK} is weer blanco" in refused.stdout and "PUK-code" not in refused.stdout
    assert world.blank() and not Smartcard.objects.exists()

    # made again: three keys and three certificates on the card, the card number and the PUK shown once
    settings.ZORGID_CARD_CONFIRM_SECONDS = 1800
    address = world.smartcard_session()
    done = desktop(world.conf, "open", address, "--pin", PIN, "--yes", "--transport-pin", world.transport_pin,
                   "--transport-so-pin", world.so_pin, "--new-pin", NEW_PIN)
    assert done.returncode == 0, done.stdout + done.stderr
    card = Smartcard.objects.get()
    assert card.person == world.person and card.status == SmartcardStatus.ACTIVE and card.ura == URA
    assert flow_of(address).state == CardFlowState.COMPLETED
    assert f"Gelukt: uw ZORG-ID Smartcard is aangemaakt. Kaartnummer {card.card_number}" in done.stdout
    [puk] = [line.removeprefix("PUK-code: ") for line in done.stdout.splitlines() if line.startswith("PUK-code: ")]
    assert done.stdout.count(puk) == 1 and "schrijf deze PUK-code nu op" in done.stdout
    report = inspect(world.conf, NEW_PIN, [("PUK", "so_pin", puk)], label=BLANK)
    assert sorted(report["keys"]) == ["01", "02", "03"] and sorted(report["certificates"]) == ["01", "02", "03"]
    assert report["refused"] == {"PUK": False}
    authentication = x509.load_der_x509_certificate(bytes.fromhex(report["certificates"]["01"][1]))
    assert authentication.serial_number == int(card.authentication_serial, 16)

    # `cards` shows it as a ZORG-ID Smartcard beside the UZI-pas
    listed = desktop(world.conf, "cards")
    assert f"{BLANK}\tZORG-ID Smartcard, kaartnummer {card.card_number}, Jan Willem de Vries" in listed.stdout
    assert "UZI-pas 900016528\tUZI-nummer 900016528" in listed.stdout

    # logging in with it: the server validates the smartcard's certificate and the card
    login = start_card_flow(browser_secret="browser-secret-of-the-test", origin=world.origin,
                            purpose="smartcard-login", requester_name="ZORG-ID portaal")
    signed = desktop(world.conf, "open", CardPayload(world.origin, login.id).to_uri(), "--pin", NEW_PIN, "--yes")
    assert signed.returncode == 0, signed.stdout + signed.stderr
    assert f"ZORG-ID Smartcard gevonden: Jan Willem de Vries, kaartnummer {card.card_number}" in signed.stdout
    assert "vraagt toegang tot uw pas om" in signed.stdout
    login.refresh_from_db()
    assert login.state != CardFlowState.PENDING and login.error_code in ("", None)

    # and a smartcard is never the card a smartcard is made with
    again = desktop(world.conf, "open", world.smartcard_session(), "--pin", NEW_PIN, "--yes", "--token-label", BLANK)
    assert again.returncode == 1 and again.stderr.startswith("Fout ZID-DESKTOP-SMARTCARD-NOT-UZI: ")
