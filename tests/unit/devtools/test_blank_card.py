"""``zorgid dev blank-card`` makes a real SoftHSM2 token with no objects, initialised with a transport PIN and a
transport SO PIN (as a card vendor delivers a blank card with its letter). Checked with python-pkcs11 in a
subprocess of its own."""

import json
import re

from .tokens import MODULE, dev_cli, in_token_process

INSPECT = """
import json
import pkcs11
from pkcs11.exceptions import PinIncorrect
token = pkcs11.lib(%(module)r).get_token(token_label=%(label)r)
report = {}
with token.open(user_pin=%(pin)r) as session:
    report["objects_as_user"] = len(list(session.get_objects()))
with token.open(rw=True, so_pin=%(so_pin)r) as session:
    report["so_login"] = True
try:
    token.open(user_pin="00000000").close()
    report["wrong_pin"] = "accepted"
except PinIncorrect:
    report["wrong_pin"] = "refused"
print(json.dumps(report))
"""


def field(stdout: str, name: str) -> str:
    return re.search(rf"^{name}: (.+)$", stdout, re.M).group(1)


def test_a_blank_card_has_no_objects_and_opens_with_its_transport_codes(tmp_path):
    result = dev_cli("blank-card", "--dir", str(tmp_path / "hsm"), "--label", "Blanco kaart 1")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Blanco kaart gemaakt: Blanco kaart 1"
    pin, so_pin = field(result.stdout, "Transport-PIN"), field(result.stdout, "Transport-SO-PIN")
    assert re.fullmatch(r"[0-9]{8}", pin) and re.fullmatch(r"[0-9]{8}", so_pin)
    conf = tmp_path / "hsm" / "softhsm2.conf"
    assert lines[-1] == f"export SOFTHSM2_CONF={conf.resolve()}"
    report = json.loads(in_token_process(conf, INSPECT % {"module": MODULE, "label": "Blanco kaart 1", "pin": pin,
                                                          "so_pin": so_pin}))
    assert report == {"objects_as_user": 0, "so_login": True, "wrong_pin": "refused"}


def test_default_label_and_home_and_random_codes(tmp_path):
    first = dev_cli("blank-card", home=tmp_path / "zh")
    second = dev_cli("blank-card", home=tmp_path / "zh")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert field(first.stdout, "Blanco kaart gemaakt").startswith("Blanco kaart ")
    assert field(first.stdout, "Blanco kaart gemaakt") != field(second.stdout, "Blanco kaart gemaakt")
    assert field(first.stdout, "Transport-PIN") != field(second.stdout, "Transport-PIN")
    assert field(first.stdout, "Tokenmap") == str((tmp_path / "zh" / "softhsm").resolve())


def test_same_label_twice_and_a_bad_label_are_refused_with_a_code(tmp_path):
    assert dev_cli("blank-card", "--dir", str(tmp_path), "--label", "Kaart").returncode == 0
    again = dev_cli("blank-card", "--dir", str(tmp_path), "--label", "Kaart")
    assert again.returncode == 1 and again.stderr.startswith("Fout ZID-DEV-TOKEN-EXISTS: ")
    assert "Oplossing: " in again.stderr
    bad = dev_cli("blank-card", "--dir", str(tmp_path), "--label", "x" * 33)
    assert bad.returncode == 1 and bad.stderr.startswith("Fout ZID-DEV-LABEL: ")


def test_help_is_dutch():
    result = dev_cli("blank-card", "--help")
    assert result.returncode == 0
    assert "transport-PIN" in result.stdout and "Toon deze hulp en stop." in result.stdout
