"""``zorgid-desktop open`` for a smartcard session: the UZI-pas answers, the blank card becomes a ZORG-ID Smartcard
(or stays, or becomes again, blank), and the finished card then works as a card: ``cards`` lists it and a
"smartcard-login" session signs with it. Real SoftHSM2 tokens, the UZI-pas and the blank card in one token directory
(two cards in the readers), against a stand-in of the server's side (smartcard_server.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from zorgid.protocol.card_keys import CARD_KEY_ROLES
from zorgid.protocol.messages import MAX_CARD_SIGNATURE_BYTES, CardResponse, b64decode

from .cards import PIN, desktop, make_card
from .smartcard_server import CARD_NUMBER, CHALLENGE, FLOW, SmartcardServer
from .test_personalise import inspect, make_blank

NEW_PIN = "24681357"
BLANK = "Blanco kaart"


@pytest.fixture
def cards(tmp_path, ca_dir):
    """A UZI-pas (Jan de Vries) and a blank card in the readers: the SOFTHSM2_CONF and the transport codes."""
    make_card(tmp_path / "cards", ca_dir)
    conf, transport_pin, so_pin = make_blank(tmp_path / "cards", BLANK)
    return conf, transport_pin, so_pin


@pytest.fixture
def server(tmp_path):
    made = SmartcardServer(tmp_path / "smartcard-ca")
    yield made
    made.close()


def make(conf, server, transport_pin, so_pin, *extra: str, stdin: str = "", **env: str):
    codes = [option for option in (("--transport-pin", transport_pin), ("--transport-so-pin", so_pin))
             if option[1] is not None]
    return desktop(conf, "open", server.address(), "--pin", PIN, "--yes", *[part for pair in codes for part in pair],
                   *extra, stdin=stdin, **env)


def untouched(conf, transport_pin, so_pin) -> bool:
    """The blank card still opens with its transport codes and holds nothing."""
    report = inspect(conf, transport_pin, [("transport SO PIN", "so_pin", so_pin)], label=BLANK)
    return report["keys"] == {} and report["certificates"] == {} and report["refused"] == {"transport SO PIN": False}


def test_a_blank_card_becomes_a_zorg_id_smartcard_that_works_as_a_card(cards, server, tmp_path):
    conf, transport_pin, so_pin = cards
    done = make(conf, server, transport_pin, so_pin, "--new-pin", NEW_PIN)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "vraagt toegang tot uw UZI-pas om: Met uw UZI-pas een ZORG-ID Smartcard aanmaken. Ja/Nee? Ja" in out
    assert "Haal uw UZI-pas uit de kaartlezer en plaats de blanco kaart. Druk daarna op Enter. (--yes)" in out
    assert f"Blanco kaart gevonden: {BLANK}" in out
    assert f"Gelukt: uw ZORG-ID Smartcard is aangemaakt. Kaartnummer {CARD_NUMBER} (kaart {BLANK})" in out
    [puk] = [line.removeprefix("PUK-code: ") for line in out.splitlines() if line.startswith("PUK-code: ")]
    assert len(puk) == 8 and puk.isdigit() and out.count(puk) == 1
    assert "LET OP: schrijf deze PUK-code nu op" in out
    # the UZI-pas answered first, then the three keys came with proofs bound to the session's challenge and role
    [answer] = server.answers
    uzi = x509.load_pem_x509_certificate(answer["certificate"].encode())
    message = CardResponse(FLOW, CHALLENGE, server.origin, "smartcard", answer["signed_at"]).canonical_bytes()
    signature = b64decode(answer["signature"], limit=MAX_CARD_SIGNATURE_BYTES)
    uzi.public_key().verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    [sent] = server.keys
    assert [key["role"] for key in sent["keys"]] == list(CARD_KEY_ROLES)
    # on the card: three keys and the three certificates the server issued, next to their keys
    report = inspect(conf, NEW_PIN, [("PUK", "so_pin", puk), ("transport PIN", "user_pin", transport_pin)],
                     label=BLANK)
    assert sorted(report["keys"]) == ["01", "02", "03"]
    assert {key_id: bytes.fromhex(value) for key_id, (_, value) in report["certificates"].items()} == {
        "01": server.issued["authentication"], "02": server.issued["signing"], "03": server.issued["encryption"]}
    assert report["refused"] == {"PUK": False, "transport PIN": True}
    # `cards` tells the smartcard from the UZI-pas
    listed = desktop(conf, "cards")
    assert listed.returncode == 0, listed.stderr
    assert f"{BLANK}\tZORG-ID Smartcard, kaartnummer {CARD_NUMBER}, Jan de Vries\tURA 90000382" in listed.stdout
    assert "UZI-pas 900016528\tUZI-nummer 900016528\tJan de Vries\tpastype Z" in listed.stdout
    # logging in with it: the smartcard is taken even with the UZI-pas in a reader too, and signs
    login = SmartcardServer(tmp_path / "smartcard-ca", purpose="smartcard-login")
    try:
        signed = desktop(conf, "open", login.address(), "--yes", stdin=f"{NEW_PIN}\n")
        assert signed.returncode == 0, signed.stdout + signed.stderr
        assert f"ZORG-ID Smartcard gevonden: Jan de Vries, kaartnummer {CARD_NUMBER} (label {BLANK})" in signed.stdout
        assert "vraagt toegang tot uw pas om: Inloggen met uw ZORG-ID Smartcard. Ja/Nee? Ja" in signed.stdout
        assert "Pincode van uw ZORG-ID Smartcard" in signed.stdout + signed.stderr
        assert signed.stdout.rstrip().endswith("Gelukt: de ZORG-ID Smartcard is gelezen. Ga verder in de browser.")
        [posted] = login.answers
        certificate = x509.load_pem_x509_certificate(posted["certificate"].encode())
        assert certificate.public_bytes(serialization.Encoding.DER) == server.issued["authentication"]
        message = CardResponse(FLOW, CHALLENGE, login.origin, "smartcard-login", posted["signed_at"])
        signature = b64decode(posted["signature"], limit=MAX_CARD_SIGNATURE_BYTES)
        certificate.public_key().verify(signature, message.canonical_bytes(), padding.PKCS1v15(), hashes.SHA256())
    finally:
        login.close()
    # a smartcard is never the card a smartcard is made with
    again = desktop(conf, "open", server.address(), "--pin", NEW_PIN, "--yes", "--token-label", BLANK)
    assert again.returncode == 1 and again.stderr.startswith("Fout ZID-DESKTOP-SMARTCARD-NOT-UZI: ")
    assert len(server.answers) == 1


def test_a_refusal_by_the_server_puts_the_card_back_to_blank_and_it_can_be_made_again(cards, server):
    conf, transport_pin, so_pin = cards
    server.keys_error = {"error": {"code": "ZID-CARD-EXPIRED", "status": 410,
                                   "cause": {"nl": "Verlopen.", "en": "Expired."},
                                   "solution": {"nl": "Opnieuw.", "en": "Again."}}}
    refused = make(conf, server, transport_pin, so_pin, "--new-pin", NEW_PIN)
    assert refused.returncode == 1
    assert refused.stderr.startswith("Fout ZID-CARD-EXPIRED: ")
    assert f"De kaart {BLANK} is weer blanco" in refused.stdout
    assert "PUK-code" not in refused.stdout
    assert len(server.keys) == 1 and untouched(conf, transport_pin, so_pin)
    assert desktop(conf, "cards").stdout.count("blanco kaart: geen sleutels") == 1
    server.keys_error = None
    made = make(conf, server, transport_pin, so_pin, "--new-pin", NEW_PIN)
    assert made.returncode == 0, made.stdout + made.stderr
    assert inspect(conf, NEW_PIN, label=BLANK)["certificates"].keys() == {"01", "02", "03"}


def test_a_certificate_for_another_key_is_refused_and_the_card_put_back_to_blank(cards, server):
    conf, transport_pin, so_pin = cards
    server.swap_certificates = True
    # in English (LANG), where the technical detail of an answer it does not trust is shown for the service desk
    refused = make(conf, server, transport_pin, so_pin, "--new-pin", NEW_PIN, LANG="en_GB.UTF-8")
    assert refused.returncode == 1 and refused.stderr.startswith("Error ZID-DESKTOP-SERVER-ANSWER: ")
    assert "Details: authentication: the certificate is for another key" in refused.stderr
    assert untouched(conf, transport_pin, so_pin)


def interruptible() -> None:
    """In the Desktop App's process before it starts: Ctrl-C as in a terminal. A process inherits an ignored or
    blocked SIGINT from whatever started it (a test runner's other work may leave it so), and Python then installs
    no KeyboardInterrupt for it: the Ctrl-C below would be lost and the keys request end in its time-out."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def test_ctrl_c_while_the_server_issues_puts_the_card_back_to_blank(cards, server):
    conf, transport_pin, so_pin = cards
    server.keys_delay = 30.0
    environment = {k: v for k, v in os.environ.items() if k not in ("ZORGID_CARD_PIN", "ZORGID_PKCS11_MODULE")}
    process = subprocess.Popen(
        [sys.executable, "-m", "zorgid.clients.desktop.cli", "open", server.address(), "--pin", PIN, "--yes",
         "--transport-pin", transport_pin, "--transport-so-pin", so_pin, "--new-pin", NEW_PIN],
        env={**environment, "SOFTHSM2_CONF": str(conf)}, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, preexec_fn=interruptible)
    deadline = time.monotonic() + 60
    while not server.keys and time.monotonic() < deadline:  # the keys are on the card and sent: it waits now
        time.sleep(0.05)
    assert server.keys, "the keys never came"
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 1 and err.startswith("Fout ZID-DESKTOP-MAKING-ABORTED: "), out + err
    assert f"De kaart {BLANK} is weer blanco" in out and "PUK-code" not in out
    assert untouched(conf, transport_pin, so_pin)


def test_a_wrong_transport_pin_leaves_the_card_untouched_and_sends_no_keys(cards, server):
    conf, transport_pin, so_pin = cards
    wrong = make(conf, server, "00000000", so_pin, "--new-pin", NEW_PIN)
    assert wrong.returncode == 1 and wrong.stderr.startswith("Fout ZID-DESKTOP-TRANSPORT-PIN-WRONG: ")
    wrong_so = make(conf, server, transport_pin, "00000000", "--new-pin", NEW_PIN)
    assert wrong_so.returncode == 1 and wrong_so.stderr.startswith("Fout ZID-DESKTOP-TRANSPORT-PIN-WRONG: ")
    assert server.keys == [] and untouched(conf, transport_pin, so_pin)


@pytest.mark.parametrize(("stdin", "code"), [
    ("1234\n", "ZID-DESKTOP-NEW-PIN-FORMAT"),  # too short
    ("24681357\n24681358\n", "ZID-DESKTOP-NEW-PIN-MISMATCH"),  # not the same twice
    ("", "ZID-DESKTOP-MAKING-ABORTED"),  # the input ends at the question (as Ctrl-C)
])
def test_a_new_pin_that_will_not_do_stops_before_the_card_is_touched(cards, server, stdin, code):
    conf, transport_pin, so_pin = cards
    done = desktop(conf, "open", server.address(), "--pin", PIN, "--transport-pin", transport_pin,
                   "--transport-so-pin", so_pin, stdin="ja\n\n" + stdin)
    assert done.returncode == 1 and f"Fout {code}: " in done.stderr, done.stdout + done.stderr  # after getpass's
    assert "Nieuwe pincode voor uw ZORG-ID Smartcard (6 tot 8 cijfers)" in done.stdout + done.stderr
    assert server.keys == [] and untouched(conf, transport_pin, so_pin)


def test_the_codes_can_come_from_the_environment_and_the_swap_is_asked(cards, server):
    conf, transport_pin, so_pin = cards
    done = desktop(conf, "open", server.address(), stdin=f"{PIN}\nja\n\n", ZORGID_TRANSPORT_PIN=transport_pin,
                   ZORGID_TRANSPORT_SO_PIN=so_pin, ZORGID_NEW_PIN=NEW_PIN)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Druk daarna op Enter. (--yes)" not in done.stdout


def test_the_transport_codes_are_asked_when_not_given_and_an_ended_input_stops_cleanly(cards, server):
    conf, transport_pin, so_pin = cards
    stopped = desktop(conf, "open", server.address(), "--pin", PIN, "--yes", stdin=f"{transport_pin}\n")
    assert stopped.returncode == 1 and "Fout ZID-DESKTOP-MAKING-ABORTED: " in stopped.stderr
    assert "Transport-SO-PIN van de blanco kaart" in stopped.stdout + stopped.stderr
    assert untouched(conf, transport_pin, so_pin)
    done = desktop(conf, "open", server.address(), "--pin", PIN, "--yes",
                   stdin=f"{transport_pin}\n{so_pin}\n{NEW_PIN}\n{NEW_PIN}\n")
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_card_that_is_not_blank_is_refused(cards, server):
    conf, transport_pin, so_pin = cards
    named = make(conf, server, transport_pin, so_pin, "--new-pin", NEW_PIN, "--blank-token-label", "UZI-pas 900016528")
    assert named.returncode == 1 and named.stderr.startswith("Fout ZID-DESKTOP-CARD-NOT-BLANK: ")
    unknown = make(conf, server, transport_pin, so_pin, "--new-pin", NEW_PIN, "--blank-token-label", "Kaart X")
    assert unknown.returncode == 1 and unknown.stderr.startswith("Fout ZID-DESKTOP-NO-CARD: ")
    assert server.keys == [] and untouched(conf, transport_pin, so_pin)


def test_no_blank_card_and_two_blank_cards(tmp_path, ca_dir, server):
    conf = make_card(tmp_path / "cards", ca_dir)
    none = make(conf, server, "12345678", "12345678", "--new-pin", NEW_PIN)
    assert none.returncode == 1 and none.stderr.startswith("Fout ZID-DESKTOP-NO-BLANK-CARD: ")
    make_blank(tmp_path / "cards", "Kaart A")
    _, pin_b, so_b = make_blank(tmp_path / "cards", "Kaart B")
    two = make(conf, server, pin_b, so_b, "--new-pin", NEW_PIN)
    assert two.returncode == 1 and two.stderr.startswith("Fout ZID-DESKTOP-TWO-BLANK-CARDS: ")
    chosen = make(conf, server, pin_b, so_b, "--new-pin", NEW_PIN, "--blank-token-label", "Kaart B")
    assert chosen.returncode == 0, chosen.stdout + chosen.stderr
    assert "(kaart Kaart B)" in chosen.stdout


def test_logging_in_with_a_smartcard_needs_a_smartcard(one_card, tmp_path):
    login = SmartcardServer(tmp_path / "smartcard-ca", purpose="smartcard-login")
    try:
        refused = desktop(one_card, "open", login.address(), "--pin", PIN, "--yes")
        assert refused.returncode == 1 and refused.stderr.startswith("Fout ZID-DESKTOP-NO-SMARTCARD: ")
        assert login.answers == []
    finally:
        login.close()


def test_every_new_option_has_dutch_help():
    shown = desktop("/nonexistent/softhsm2.conf", "open", "--help").stdout
    for option in ("--blank-token-label", "--transport-pin", "--transport-so-pin", "--new-pin"):
        assert option in shown
    assert "ZORGID_TRANSPORT_PIN" in shown and "ZORGID_NEW_PIN" in shown and "blanco kaart" in shown

