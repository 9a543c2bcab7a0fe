"""zorgid-desktop speaks one language: every line it prints is Dutch, or English with --lang en or an English
environment (zorgid.clients.terminal): its questions, what it found, its refusals and the server's (a code it does
not know: the server's texts in that language; its technical detail in English only)."""

from __future__ import annotations

from tests.unit.clients.languages import assert_all_in

from zorgid.pki.uzi.errors import UziUntrusted

from .cards import PIN, desktop

NAMES = ("Jan de Vries", "UZI-pas 900016528", "ZORG-ID portaal")


def test_a_card_the_server_does_not_trust_in_dutch_and_in_english(one_card, card_server):
    card_server.response_error = UziUntrusted("issuer CN=Onbekende CA is not in the trust store").as_dict()
    dutch = desktop(one_card, "open", card_server.address(), "--pin", PIN, "--yes")
    assert dutch.returncode == 1
    lines = assert_all_in("nl", dutch.stdout, dutch.stderr, names=NAMES)
    assert lines[-2].startswith("Fout ZID-UZI-UNTRUSTED: ") and lines[-1].startswith("Oplossing: ")
    english = desktop(one_card, "--lang", "en", "open", card_server.address(), "--pin", PIN, "--yes")
    assert english.returncode == 1
    lines = assert_all_in("en", english.stdout, english.stderr, names=NAMES)
    assert lines[0] == "UZI card found: Jan de Vries (healthcare professional card, UZI number 900016528, label " \
                       "UZI-pas 900016528)"
    assert lines[-3].startswith("Error ZID-UZI-UNTRUSTED: ") and lines[-2].startswith("Solution: ")
    assert lines[-1] == "Details: issuer CN=Onbekende CA is not in the trust store"


def test_a_wrong_security_code_and_a_nee_in_english_by_the_environment(one_card, card_server):
    wrong = desktop(one_card, "open", card_server.address(), "--pin", "654321", "--yes", LANG="en_US.UTF-8")
    assert wrong.returncode == 1
    assert assert_all_in("en", wrong.stdout, wrong.stderr, names=NAMES)[1] == (
        "Error ZID-DESKTOP-PIN-WRONG: The security code of the UZI card is wrong.")
    declined = desktop(one_card, "open", card_server.address(), "--pin", PIN, stdin="no\n", LANG="en_US.UTF-8")
    assert declined.returncode == 3
    lines = assert_all_in("en", declined.stdout, declined.stderr, names=NAMES)
    assert lines[-2].endswith("Yes/No? [yes/no] Declined: your card was not used.")  # the answer is not echoed
    assert lines[-1] == "The browser shows that you declined the use of your card."
    dutch = desktop(one_card, "open", card_server.address(), "--pin", PIN, stdin="nee\n")
    lines = assert_all_in("nl", dutch.stdout, dutch.stderr, names=NAMES)
    assert lines[-2].endswith("Ja/Nee? [ja/nee] Geweigerd: uw pas is niet gebruikt.")
    assert lines[-1] == "De browser toont dat u het gebruik van uw pas heeft geweigerd."


def test_no_card_in_dutch_and_in_english(tmp_path, card_server):
    empty = tmp_path / "softhsm2.conf"
    (tmp_path / "tokens").mkdir()
    empty.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\n")
    dutch = desktop(empty, "open", card_server.address(), "--pin", PIN, "--yes")
    assert assert_all_in("nl", dutch.stderr)[0].startswith("Fout ZID-DESKTOP-NO-CARD: Er is geen UZI-pas gevonden")
    english = desktop(empty, "--lang", "en", "open", card_server.address(), "--pin", PIN, "--yes")
    assert assert_all_in("en", english.stderr)[0].startswith("Error ZID-DESKTOP-NO-CARD: No UZI card was found")
