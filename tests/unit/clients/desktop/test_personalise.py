"""Making a ZORG-ID Smartcard from a blank card, through real PKCS#11 on SoftHSM2: every card in a token directory
of its own, every use of the card in a subprocess of its own (the PKCS#11 library reads SOFTHSM2_CONF once)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from zorgid.protocol.card_keys import CARD_KEY_ROLES, CardKeyProof

from .cards import MODULE, PIN, desktop, in_card_process, make_card

CHALLENGE = "smartcard-challenge-0123456789abcdef"
NEW_PIN = "24681357"

CALL = """
import base64, json
from zorgid.clients.desktop import personalise as p
from zorgid.protocol.errors import ZorgidError
def b64(data):
    return base64.b64encode(data).decode()
try:
    result = %(call)s
    if isinstance(result, p.Personalised):
        result = {"label": result.label, "puk": result.puk, "keys": [
            {"role": k.role, "id": k.key_id.hex(), "public_key": b64(k.public_key), "proof": b64(k.proof)}
            for k in result.keys]}
    answer = {"ok": result}
except ZorgidError as err:
    answer = {"error": err.code}
print(json.dumps(answer))
"""

INSPECT = """
import json
import pkcs11
from pkcs11 import Attribute, ObjectClass
from pkcs11.exceptions import AttributeSensitive, PinIncorrect
token = pkcs11.lib(%(module)r).get_token(token_label=%(label)r)
report = {"keys": {}, "certificates": {}}
with token.open(user_pin=%(pin)r) as session:
    for key in session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY}):
        try:
            key[Attribute.PRIVATE_EXPONENT]
            readable = True
        except AttributeSensitive:
            readable = False
        report["keys"][key[Attribute.ID].hex()] = {
            "label": key[Attribute.LABEL], "sensitive": key[Attribute.SENSITIVE],
            "extractable": key[Attribute.EXTRACTABLE], "never_extractable": key[Attribute.NEVER_EXTRACTABLE],
            "local": key[Attribute.LOCAL], "exponent_readable": readable, "sign": key[Attribute.SIGN],
            "decrypt": key[Attribute.DECRYPT],
        }
    for cert in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
        report["certificates"][cert[Attribute.ID].hex()] = [cert[Attribute.LABEL], cert[Attribute.VALUE].hex()]
def refused(**codes):
    try:
        token.open(rw=True, **codes).close()
        return False
    except PinIncorrect:
        return True
report["refused"] = {name: refused(**{kind: code}) for name, kind, code in %(tries)r}
print(json.dumps(report))
"""


def make_blank(directory: Path, label: str = "Blanco kaart") -> tuple[Path, str, str]:
    """``zorgid dev blank-card`` in a subprocess: the SOFTHSM2_CONF and the transport PIN and SO PIN."""
    env = {k: v for k, v in os.environ.items() if k != "SOFTHSM2_CONF"}
    done = subprocess.run([sys.executable, "-m", "zorgid.devtools.cli", "blank-card", "--dir", str(directory),
                           "--label", label], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    pin = re.search(r"^Transport-PIN: (\d+)$", done.stdout, re.M).group(1)
    so_pin = re.search(r"^Transport-SO-PIN: (\d+)$", done.stdout, re.M).group(1)
    return directory / "softhsm2.conf", pin, so_pin


def call(conf: Path, expression: str) -> dict:
    return json.loads(in_card_process(conf, CALL % {"call": expression}))


def personalise(conf: Path, transport_pin: str, so_pin: str, new_pin: str = NEW_PIN, **extra: str) -> dict:
    arguments = ", ".join(f"{k}={v!r}" for k, v in {"transport_pin": transport_pin, "transport_so_pin": so_pin,
                                                   "new_pin": new_pin, "challenge": CHALLENGE, **extra}.items())
    return call(conf, f"p.personalise({MODULE!r}, {arguments})")


def inspect(conf: Path, pin: str, tries: list[tuple[str, str, str]] = (), label: str = "Blanco kaart") -> dict:
    return json.loads(in_card_process(conf, INSPECT % {"module": MODULE, "label": label, "pin": pin,
                                                       "tries": list(tries)}))


def public_key(entry: dict) -> rsa.RSAPublicKey:
    return serialization.load_der_public_key(base64.b64decode(entry["public_key"]))


@pytest.fixture(scope="module")
def smartcard(tmp_path_factory):
    """A blank card made a ZORG-ID Smartcard once, for the tests that only look at it."""
    conf, transport_pin, so_pin = make_blank(tmp_path_factory.mktemp("smartcard"))
    answer = personalise(conf, transport_pin, so_pin)
    assert "ok" in answer, answer
    return conf, transport_pin, so_pin, answer["ok"]


def test_a_blank_card_is_shown_as_blank(tmp_path):
    conf, _, _ = make_blank(tmp_path)
    listed = desktop(conf, "cards")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("Blanco kaart\tblanco kaart: geen sleutels of certificaten")


def test_the_keys_are_generated_on_the_card_and_never_leave_it(smartcard):
    conf, _, _, made = smartcard
    assert [(key["role"], key["id"]) for key in made["keys"]] == list(zip(CARD_KEY_ROLES, ["01", "02", "03"]))
    report = inspect(conf, NEW_PIN)
    assert sorted(report["keys"]) == ["01", "02", "03"]
    labels = {"01": "Authenticatie", "02": "Handtekening", "03": "Vertrouwelijkheid"}
    for key_id, key in report["keys"].items():
        assert key["label"] == labels[key_id]
        assert key["sensitive"] and not key["extractable"] and key["never_extractable"] and key["local"]
        assert key["exponent_readable"] is False  # an attempt to read the private value fails
        assert (key["sign"], key["decrypt"]) == ((False, True) if key_id == "03" else (True, False))
    assert report["certificates"] == {}
    for key in made["keys"]:
        assert public_key(key).key_size == 2048


def test_each_proof_verifies_against_its_public_key_and_is_bound_to_challenge_role_and_key(smartcard):
    _, _, _, made = smartcard
    keys = made["keys"]
    for key in keys:
        der = base64.b64decode(key["public_key"])
        message = CardKeyProof(CHALLENGE, key["role"], der).canonical_bytes()
        assert json.loads(message) == {"type": "zorgid.card.key-proof", "v": 1, "challenge": CHALLENGE,
                                       "role": key["role"], "public_key": key["public_key"].replace("+", "-")
                                       .replace("/", "_").rstrip("=")}
        public_key(key).verify(base64.b64decode(key["proof"]), message, padding.PKCS1v15(), hashes.SHA256())
    first, second = keys[0], keys[1]
    elsewhere = [
        CardKeyProof("another-challenge-0123456789", first["role"], base64.b64decode(first["public_key"])),
        CardKeyProof(CHALLENGE, second["role"], base64.b64decode(first["public_key"])),
        CardKeyProof(CHALLENGE, first["role"], base64.b64decode(second["public_key"])),
    ]
    for message in elsewhere:
        with pytest.raises(InvalidSignature):
            public_key(first).verify(base64.b64decode(first["proof"]), message.canonical_bytes(),
                                     padding.PKCS1v15(), hashes.SHA256())


def test_the_holder_pin_and_the_puk_replace_the_transport_codes(smartcard):
    conf, transport_pin, so_pin, made = smartcard
    assert re.fullmatch(r"[0-9]{8}", made["puk"]) and made["label"] == "Blanco kaart"
    report = inspect(conf, NEW_PIN, [("transport PIN", "user_pin", transport_pin),
                                     ("transport SO PIN", "so_pin", so_pin), ("PUK", "so_pin", made["puk"])])
    assert report["refused"] == {"transport PIN": True, "transport SO PIN": True, "PUK": False}


def test_a_card_that_is_not_blank_is_refused(smartcard, tmp_path):
    conf, transport_pin, so_pin, made = smartcard
    assert personalise(conf, NEW_PIN, made["puk"]) == {"error": "ZID-DESKTOP-CARD-NOT-BLANK"}
    uzi_pas = make_card(tmp_path / "uzi", tmp_path / "ca")
    assert personalise(uzi_pas, PIN, "12345678") == {"error": "ZID-DESKTOP-CARD-NOT-BLANK"}


def test_a_private_object_the_public_cannot_see_still_makes_a_card_not_blank(tmp_path):
    conf, transport_pin, so_pin = make_blank(tmp_path)
    in_card_process(conf, f"""
import pkcs11
from pkcs11 import Attribute, KeyType
token = pkcs11.lib({MODULE!r}).get_token(token_label="Blanco kaart")
with token.open(rw=True, user_pin={transport_pin!r}) as session:
    session.generate_key(KeyType.AES, 256, store=True, label="verborgen", template={{Attribute.PRIVATE: True}})
""")
    assert desktop(conf, "cards").stdout.startswith("Blanco kaart\tblanco kaart")  # looks blank from outside
    assert personalise(conf, transport_pin, so_pin) == {"error": "ZID-DESKTOP-CARD-NOT-BLANK"}


@pytest.mark.parametrize("pin", ["12345", "", "12345a", "123 456", "１２３４５６", "123456789", 123456])
def test_a_pin_that_is_not_6_to_8_digits_is_refused_and_the_card_stays_blank(tmp_path, pin):
    conf, transport_pin, so_pin = make_blank(tmp_path)
    assert personalise(conf, transport_pin, so_pin, new_pin=pin) == {"error": "ZID-DESKTOP-NEW-PIN-FORMAT"}
    assert inspect(conf, transport_pin)["keys"] == {}


def test_wrong_transport_codes_are_refused_and_change_nothing(tmp_path):
    conf, transport_pin, so_pin = make_blank(tmp_path)
    assert personalise(conf, "00000000", so_pin) == {"error": "ZID-DESKTOP-TRANSPORT-PIN-WRONG"}
    assert personalise(conf, transport_pin, "00000000") == {"error": "ZID-DESKTOP-TRANSPORT-PIN-WRONG"}
    assert personalise(conf, transport_pin, so_pin, challenge="short") == {"error": "ZID-REQUEST-MALFORMED"}
    report = inspect(conf, transport_pin, [("transport SO PIN", "so_pin", so_pin)])
    assert report["keys"] == {} and report["refused"] == {"transport SO PIN": False}


def test_two_cards_need_a_token_label(tmp_path):
    make_blank(tmp_path, "Kaart A")
    conf, transport_pin, so_pin = make_blank(tmp_path, "Kaart B")
    assert personalise(conf, transport_pin, so_pin) == {"error": "ZID-DESKTOP-TWO-CARDS"}
    answer = personalise(conf, transport_pin, so_pin, token_label="Kaart B")
    assert answer["ok"]["label"] == "Kaart B"
    assert personalise(conf, transport_pin, so_pin, token_label="Kaart C") == {"error": "ZID-DESKTOP-NO-CARD"}


def test_pin_reset_with_the_puk(tmp_path):
    conf, transport_pin, so_pin = make_blank(tmp_path)
    puk = personalise(conf, transport_pin, so_pin)["ok"]["puk"]
    wrong = desktop(conf, "pin", "reset", "--puk", "00000000" if puk != "00000000" else "11111111",
                    "--new-pin", "13572468")
    assert wrong.returncode == 1 and wrong.stderr.startswith("Fout ZID-DESKTOP-PUK-WRONG: ")
    malformed = desktop(conf, "pin", "reset", "--puk", "1234", "--new-pin", "13572468")
    assert malformed.returncode == 1 and malformed.stderr.startswith("Fout ZID-DESKTOP-PUK-FORMAT: ")
    too_short = desktop(conf, "pin", "reset", "--puk", puk, "--new-pin", "1357")
    assert too_short.returncode == 1 and too_short.stderr.startswith("Fout ZID-DESKTOP-NEW-PIN-FORMAT: ")
    assert inspect(conf, NEW_PIN)["keys"]  # still the old PIN
    done = desktop(conf, "pin", "reset", stdin=f"{puk}\n13572468\n13572468\n")
    assert done.returncode == 0, done.stderr
    assert "Gelukt: de kaart Blanco kaart heeft een nieuwe pincode." in done.stdout
    assert puk not in done.stdout
    report = inspect(conf, "13572468", [("old PIN", "user_pin", NEW_PIN), ("transport PIN", "user_pin", transport_pin)])
    assert sorted(report["keys"]) == ["01", "02", "03"]
    assert report["refused"] == {"old PIN": True, "transport PIN": True}


def _certificate(key: rsa.RSAPublicKey, role: str) -> bytes:
    issuer_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"Jan de Vries {role}")]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test smartcard CA")]))
            .public_key(key).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + dt.timedelta(days=30))
            .sign(issuer_key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.DER)


def test_certificates_are_written_next_to_their_keys(tmp_path):
    conf, transport_pin, so_pin = make_blank(tmp_path)
    keys = personalise(conf, transport_pin, so_pin)["ok"]["keys"]
    certificates = {key["role"]: _certificate(public_key(key), key["role"]) for key in keys}
    swapped = {"authentication": certificates["signing"]}
    expression = "p.write_certificates({module!r}, pin={pin!r}, certificates={certs!r})"
    assert call(conf, expression.format(module=MODULE, pin=NEW_PIN, certs=swapped)) == {
        "error": "ZID-DESKTOP-CERTIFICATE-MISMATCH"}
    assert call(conf, expression.format(module=MODULE, pin=NEW_PIN, certs={"authentication": b"not DER"})) == {
        "error": "ZID-DESKTOP-CERTIFICATE-MISMATCH"}
    assert call(conf, expression.format(module=MODULE, pin=NEW_PIN, certs={"other": certificates["signing"]})) == {
        "error": "ZID-DESKTOP-CERTIFICATE-MISMATCH"}
    assert call(conf, expression.format(module=MODULE, pin="99999999", certs=certificates)) == {
        "error": "ZID-DESKTOP-PIN-WRONG"}
    assert call(conf, expression.format(module=MODULE, pin=NEW_PIN, certs=certificates)) == {"ok": None}
    written = inspect(conf, NEW_PIN)["certificates"]
    assert written == {"01": ["Authenticatie", certificates["authentication"].hex()],
                       "02": ["Handtekening", certificates["signing"].hex()],
                       "03": ["Vertrouwelijkheid", certificates["encryption"].hex()]}
    again = _certificate(public_key(keys[0]), "authentication")
    assert call(conf, expression.format(module=MODULE, pin=NEW_PIN, certs={"authentication": again})) == {"ok": None}
    assert inspect(conf, NEW_PIN)["certificates"]["01"] == ["Authenticatie", again.hex()]


def test_the_new_pin_is_one_zorgid_desktop_can_log_in_with():
    from zorgid.clients.desktop import card, smartcard_errors

    assert (smartcard_errors.MIN_PIN_CHARS, smartcard_errors.MAX_PIN_CHARS) == (card.MIN_PIN_CHARS,
                                                                               card.MAX_PIN_CHARS)
