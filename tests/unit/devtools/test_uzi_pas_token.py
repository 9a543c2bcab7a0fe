"""``zorgid dev uzi-pas`` makes a real SoftHSM2 token that looks like a UZI-pas: key pairs generated on the
token (sensitive, never extractable), certificates beside them with the same CKA_ID. Checked with OpenSC's
``pkcs11-tool`` and with python-pkcs11 in a subprocess of its own."""

import datetime as dt
import json
import subprocess

import pytest
from cryptography import x509

from .tokens import MODULE, PIN, in_token_process, make_card

INSPECT = """
import json, sys
import pkcs11
from pkcs11 import Attribute, ObjectClass
from pkcs11.exceptions import AttributeSensitive
token = pkcs11.lib(%(module)r).get_token(token_label=%(label)r)
report = {"certificates": {}, "keys": {}}
with token.open() as public:  # no login: certificates are public objects, keys are not visible
    for cert in public.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
        report["certificates"][cert[Attribute.ID].hex()] = [cert[Attribute.LABEL], cert[Attribute.VALUE].hex()]
    report["private_without_login"] = len(list(public.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY})))
with token.open(user_pin=%(pin)r) as session:
    for key in list(session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY})):
        try:
            key[Attribute.PRIVATE_EXPONENT]
            exponent_readable = True
        except AttributeSensitive:
            exponent_readable = False
        public = session.get_key(object_class=ObjectClass.PUBLIC_KEY, id=key[Attribute.ID])
        report["keys"][key[Attribute.ID].hex()] = {
            "label": key[Attribute.LABEL], "sensitive": key[Attribute.SENSITIVE],
            "extractable": key[Attribute.EXTRACTABLE], "never_extractable": key[Attribute.NEVER_EXTRACTABLE],
            "local": key[Attribute.LOCAL], "exponent_readable": exponent_readable,
            "sign": key[Attribute.SIGN], "decrypt": key[Attribute.DECRYPT],
            "modulus": public[Attribute.MODULUS].hex(),
        }
print(json.dumps(report))
"""


def inspect(conf, label):
    return json.loads(in_token_process(conf, INSPECT % {"module": MODULE, "label": label, "pin": PIN}))


@pytest.fixture(scope="module")
def z_card(tmp_path_factory, ca_dir):
    token_dir = tmp_path_factory.mktemp("z-card")
    result = make_card(token_dir, ca_dir)
    assert result.returncode == 0, result.stderr
    return token_dir, result


def test_prints_label_pin_token_dir_and_export_line(z_card):
    token_dir, result = z_card
    lines = result.stdout.splitlines()
    assert "Label: UZI-pas 900016528" in lines
    assert f"Beveiligingscode (pincode): {PIN}" in lines
    assert f"Tokenmap: {token_dir}" in lines
    assert lines[-1] == f"export SOFTHSM2_CONF={token_dir / 'softhsm2.conf'}"


def test_pkcs11_tool_sees_three_keys_and_three_certificates(z_card):
    token_dir, _ = z_card
    listed = subprocess.run(
        ["pkcs11-tool", "--module", MODULE, "--token-label", "UZI-pas 900016528", "--list-objects", "--login",
         "--pin", PIN], capture_output=True, text=True, env={"SOFTHSM2_CONF": str(token_dir / "softhsm2.conf")},
        timeout=60,
    ).stdout
    assert listed.count("Certificate Object") == 3
    assert listed.count("Private Key Object; RSA") == 3
    assert listed.count("Public Key Object; RSA 2048 bits") == 3
    assert listed.count("sensitive, always sensitive, never extractable, local") == 3
    for label in ("Authenticatie", "Handtekening", "Vertrouwelijkheid"):
        assert f"label:      {label}" in listed


def test_keys_are_made_on_the_token_and_never_leave_it(z_card):
    token_dir, _ = z_card
    report = inspect(token_dir / "softhsm2.conf", "UZI-pas 900016528")
    assert report["private_without_login"] == 0
    assert sorted(report["keys"]) == ["01", "02", "03"]
    for key in report["keys"].values():
        assert key["sensitive"] and key["never_extractable"] and key["local"]
        assert not key["extractable"] and not key["exponent_readable"]
    assert report["keys"]["01"]["sign"] and not report["keys"]["01"]["decrypt"]
    assert report["keys"]["03"]["decrypt"] and not report["keys"]["03"]["sign"]


def test_each_certificate_certifies_the_key_with_its_id(z_card):
    token_dir, _ = z_card
    report = inspect(token_dir / "softhsm2.conf", "UZI-pas 900016528")
    labels = {key_id: label for key_id, (label, _) in report["certificates"].items()}
    assert labels == {"01": "Authenticatie", "02": "Handtekening", "03": "Vertrouwelijkheid"}
    for key_id, (_, value) in report["certificates"].items():
        cert = x509.load_der_x509_certificate(bytes.fromhex(value))
        assert cert.public_key().public_numbers().n == int(report["keys"][key_id]["modulus"], 16)
        assert cert.public_key().key_size == 2048
    auth = x509.load_der_x509_certificate(bytes.fromhex(report["certificates"]["01"][1]))
    assert auth.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature


def test_an_m_card_has_authentication_and_confidentiality_only(tmp_path, ca_dir):
    result = make_card(tmp_path, ca_dir, card_type="M", name="Baliemedewerker", uzi="900000777")
    assert result.returncode == 0, result.stderr
    report = inspect(tmp_path / "softhsm2.conf", "UZI-pas 900000777")
    assert sorted(report["keys"]) == ["01", "03"] and sorted(report["certificates"]) == ["01", "03"]


def test_expired_card_and_own_label(tmp_path, ca_dir):
    result = make_card(tmp_path, ca_dir, "--expired", "--label", "Verlopen pas")
    assert result.returncode == 0, result.stderr
    report = inspect(tmp_path / "softhsm2.conf", "Verlopen pas")
    for _, value in report["certificates"].values():
        assert x509.load_der_x509_certificate(bytes.fromhex(value)).not_valid_after_utc < dt.datetime.now(dt.UTC)


def test_a_second_card_with_the_same_label_is_refused(z_card, ca_dir):
    token_dir, _ = z_card
    again = make_card(token_dir, ca_dir)
    assert again.returncode == 1
    assert again.stderr.startswith("Fout ZID-DEV-TOKEN-EXISTS: ")
    assert "Oplossing: " in again.stderr and "Traceback" not in again.stderr


@pytest.mark.parametrize(("options", "code"), [
    ({"uzi": "12345"}, "ZID-DEV-UZI-NUMBER"), ({"pin": "12345"}, "ZID-DEV-PIN"), ({"pin": "12 3456"}, "ZID-DEV-PIN"),
    ({"card_type": "Q"}, "ZID-DEV-CARD-TYPE"), ({"name": "Jan"}, "ZID-DEV-NAME"),
])
def test_bad_input_makes_no_token(tmp_path, ca_dir, options, code):
    result = make_card(tmp_path / "hsm", ca_dir, **options)
    assert result.returncode == 1 and result.stderr.startswith(f"Fout {code}: ")
    assert not (tmp_path / "hsm").exists()


def test_a_bad_label_is_refused(tmp_path, ca_dir):
    result = make_card(tmp_path, ca_dir, "--label", "x" * 33)
    assert result.returncode == 1 and result.stderr.startswith("Fout ZID-DEV-LABEL: ")


def test_a_missing_option_is_a_usage_error(tmp_path, ca_dir):
    from .tokens import dev_cli

    result = dev_cli("uzi-pas", "--type", "Z", "--name", "Jan de Vries", "--uzi", "900016528")
    assert result.returncode == 2
