"""``zorgid-desktop open``: the security code, the connection request, the signed answer, and every way it
can fail, each with its code and exit status (0 done, 1 error, 2 usage, 3 declined)."""

import time

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from .cards import CHALLENGE, PIN, desktop, in_card_process

READ_AUTH_CERT = """
import pkcs11
from pkcs11 import Attribute, ObjectClass
token = pkcs11.lib("/usr/lib/softhsm/libsofthsm2.so").get_token(token_label="UZI-pas 900016528")
with token.open() as session:
    [cert] = list(session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.ID: b"\\x01"}))
    print(cert[Attribute.VALUE].hex())
"""


def test_signs_the_challenge_with_the_card_and_sends_the_authentication_certificate(one_card, card_server):
    before = int(time.time())
    result = desktop(one_card, "open", card_server.address(), "--pin", PIN, "--yes")
    assert result.returncode == 0, result.stderr
    assert (f"ZORG-ID portaal ({card_server.origin}) vraagt toegang tot uw UZI-pas om: u te registreren bij "
            "ZORG-ID. Ja/Nee? Ja (--yes)") in result.stdout
    assert result.stdout.rstrip().endswith("Gelukt: de UZI-pas is gelezen. Ga verder in de browser.")
    [posted] = card_server.posted
    assert set(posted) == {"v", "certificate", "chain", "signed_at", "signature"} and posted["chain"] == []
    assert before <= posted["signed_at"] <= int(time.time())
    cert = card_server.verify(posted)  # the signature verifies with the certificate's public key
    on_card = x509.load_der_x509_certificate(bytes.fromhex(in_card_process(one_card, READ_AUTH_CERT).strip()))
    assert cert == on_card
    assert cert.public_bytes(serialization.Encoding.PEM).decode() == posted["certificate"]


def test_the_code_can_come_from_the_environment(one_card, card_server):
    result = desktop(one_card, "open", card_server.address(), "--yes", ZORGID_CARD_PIN=PIN)
    assert result.returncode == 0, result.stderr


def test_the_code_is_asked_when_not_given(one_card, card_server):
    result = desktop(one_card, "open", card_server.address(), stdin=f"{PIN}\nja\n")
    assert result.returncode == 0, result.stderr
    assert "Beveiligingscode van uw UZI-pas" in result.stdout + result.stderr
    assert len(card_server.posted) == 1


def test_nee_declines_with_exit_status_3_signs_nothing_and_tells_the_server(one_card, card_server):
    result = desktop(one_card, "open", card_server.address(), "--pin", PIN, stdin="nee\n")
    assert result.returncode == 3
    assert result.stdout.rstrip().endswith("Geweigerd: uw pas is niet gebruikt.\n"
                                           "De browser toont dat u het gebruik van uw pas heeft geweigerd.")
    assert card_server.posted == []
    assert card_server.declined == [{"v": 1, "challenge": CHALLENGE}]  # the session's challenge, nothing signed
    silent = desktop(one_card, "open", card_server.address(), "--pin", PIN, stdin="")
    assert silent.returncode == 3  # no answer is no consent
    assert len(card_server.declined) == 2


def test_nee_that_the_server_does_not_take_says_the_browser_waits(one_card, card_server):
    card_server.decline_error = {"error": {"code": "ZID-CARD-USED", "status": 409, "cause": {"nl": "", "en": ""},
                                           "solution": {"nl": "", "en": ""}}}
    result = desktop(one_card, "open", card_server.address(), "--pin", PIN, stdin="nee\n")
    assert result.returncode == 3
    assert result.stdout.rstrip().endswith("Geweigerd: uw pas is niet gebruikt.\nDe browser kon niet worden "
                                           "ingelicht: de pagina wacht tot de sessie verloopt.")
    assert card_server.posted == []


def test_wrong_code(one_card, card_server):
    result = desktop(one_card, "open", card_server.address(), "--pin", "654321", "--yes")
    assert result.returncode == 1
    assert result.stderr.startswith("Fout ZID-DESKTOP-PIN-WRONG: De beveiligingscode van de UZI-pas is onjuist.")
    assert "na 3 onjuiste codes" in result.stderr and "PUK" in result.stderr
    assert "vraagt toegang" not in result.stdout and card_server.posted == []


def test_a_code_of_the_wrong_form_never_reaches_the_card(one_card, card_server):
    for code in ("12345", "123456789", "12 456"):
        result = desktop(one_card, "open", card_server.address(), "--pin", code, "--yes")
        assert result.returncode == 1 and result.stderr.startswith("Fout ZID-DESKTOP-PIN-FORMAT: ")


def test_no_code_entered(one_card, card_server):
    result = desktop(one_card, "open", card_server.address())
    assert result.returncode == 1 and "ZID-DESKTOP-PIN-MISSING" in result.stderr


def test_server_refusal_is_shown_with_its_code(one_card, card_server):
    card_server.response_error = {"error": {
        "code": "ZID-UZI-EXPIRED", "status": 400, "cause": {"nl": "Het certificaat van de UZI-pas is verlopen.",
                                                            "en": "The UZI card's certificate has expired."},
        "solution": {"nl": "Vraag een nieuwe pas aan.", "en": "Request a new card."}}}
    result = desktop(one_card, "open", card_server.address(), "--pin", PIN, "--yes")
    assert result.returncode == 1
    assert result.stderr.startswith("Fout ZID-UZI-EXPIRED: Het certificaat van de UZI-pas is verlopen.\n"
                                    "Oplossing: Vraag een nieuwe pas aan.")


def test_a_finished_flow_is_not_answered(one_card, card_server):
    card_server.flow["state"] = "completed"
    result = desktop(one_card, "open", card_server.address(), "--pin", PIN, "--yes")
    assert result.returncode == 1 and result.stderr.startswith("Fout ZID-DESKTOP-FLOW-DONE: ")
    assert card_server.posted == []


def test_a_flow_for_another_origin_is_refused(one_card, card_server):
    card_server.flow["origin"] = "https://elders.example"
    result = desktop(one_card, "open", card_server.address(), "--pin", PIN, "--yes")
    assert result.returncode == 1 and result.stderr.startswith("Fout ZID-DESKTOP-SERVER-ANSWER: ")
    assert card_server.posted == []


def test_unreachable_server(one_card, card_server):
    address = card_server.address()
    card_server.close()
    result = desktop(one_card, "open", address, "--pin", PIN, "--yes")
    assert result.returncode == 1 and result.stderr.startswith("Fout ZID-DESKTOP-SERVER-UNREACHABLE: ")


def test_a_malformed_address_and_wrong_use(one_card):
    bad = desktop(one_card, "open", "zorgid-desktop://card?v=1&server=nope&flow=x", "--pin", PIN, "--yes")
    assert bad.returncode == 1 and bad.stderr.startswith("Fout ZID-QR-MALFORMED: ")
    usage = desktop(one_card, "open")
    assert usage.returncode == 2
    assert "Traceback" not in bad.stderr + usage.stderr
