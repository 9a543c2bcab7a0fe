"""``zorgid uzi show`` and ``zorgid uzi verify`` on the real test card and a self-made one."""

import dataclasses
import json
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives import serialization
from typer.testing import CliRunner

from zorgid.pki.uzi import load_certificate
from zorgid.pki.uzi.cli import uzi_app

from .conftest import VECTORS, vector
from .factory import LeafSpec, make_crl, pem

runner = CliRunner()
REVOKED_SERIAL = 0x5A17_0002
JAN = str(VECTORS / "jan-authenticiteit.cer")
REQUIRED_KEYS = ["uzi_number", "card_type", "ura", "role", "agb", "ca_oid", "given_name", "surname", "common_name",
                 "organisation"]


@pytest.fixture(autouse=True)
def _default_environment(monkeypatch):
    monkeypatch.delenv("ZORGID_ENVIRONMENT", raising=False)


def _show(path):
    result = runner.invoke(uzi_app, ["show", str(path)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_show_prints_the_attributes_as_json_in_order_for_pem_and_der(tmp_path):
    shown = _show(JAN)
    assert list(shown)[:10] == REQUIRED_KEYS
    assert shown == {
        "uzi_number": "900016528", "card_type": "Z", "ura": "90000382", "role": "01.000", "agb": "00000000",
        "ca_oid": "2.16.528.1.1007.99.217", "given_name": "Jan", "surname": "test-90014548",
        "common_name": "Jan test-90014548", "organisation": "Tést Zorginstelling 03", "role_name": "Arts",
        "title": "Arts", "version": "1", "upn": "900016528@90000382",
    }
    der = tmp_path / "jan.der"
    der.write_bytes(load_certificate(vector("jan-authenticiteit.cer")).public_bytes(serialization.Encoding.DER))
    assert _show(der) == shown


@pytest.mark.parametrize(("name", "code"), [("missing.cer", "ZID-UZI-UNREADABLE"),
                                            ("test-zorg-csp-root-ca-g3.cer", "ZID-UZI-NOT-UZI")])
def test_show_refuses_with_a_code_and_exit_1(name, code):
    result = runner.invoke(uzi_app, ["show", str(VECTORS / name)])
    assert result.exit_code == 1
    assert code in result.output and "Oplossing:" in result.output


def test_verify_inside_the_validity_is_valid():
    result = runner.invoke(uzi_app, ["verify", JAN, "--at", "01-01-2019"])
    assert result.exit_code == 0, result.output
    head, _, body = result.stdout.partition("\n")
    assert head == "geldig op 01-01-2019 00:00 UTC (acceptatie)"
    assert json.loads(body)["uzi_number"] == "900016528"


def test_verify_today_is_refused_as_expired():
    result = runner.invoke(uzi_app, ["verify", JAN])
    assert result.exit_code == 1
    assert result.stdout.startswith("ongeldig\nFout ZID-UZI-EXPIRED: ")
    assert "Oplossing: Vraag een nieuwe UZI-pas" in result.stdout


def test_verify_in_productie_does_not_trust_a_test_card():
    result = runner.invoke(uzi_app, ["verify", JAN, "--at", "01-01-2019", "--environment", "productie"])
    assert result.exit_code == 1 and "ZID-UZI-UNTRUSTED" in result.stdout


@pytest.mark.parametrize("args", [["--at", "31-02-2019"], ["--at", "2019-01-01"], ["--environment", "test"]])
def test_verify_rejects_bad_options(args):
    result = runner.invoke(uzi_app, ["verify", JAN, *args])
    assert result.exit_code == 2


def test_verify_with_a_trust_dir_and_a_crl(hierarchy, tmp_path):
    cert = hierarchy.leaf(dataclasses.replace(LeafSpec(), serial_number=REVOKED_SERIAL))
    (tmp_path / "leaf.pem").write_bytes(pem(cert))
    base = ["verify", str(tmp_path / "leaf.pem"), "--at", "01-06-2025", "--trust-dir", str(hierarchy.trust_dir)]
    assert runner.invoke(uzi_app, base).exit_code == 0
    revoked = make_crl(hierarchy.root, hierarchy.keys.root, {REVOKED_SERIAL: cert.not_valid_before_utc})
    (tmp_path / "revoked.crl").write_bytes(revoked)
    result = runner.invoke(uzi_app, [*base, "--crl", str(tmp_path / "revoked.crl")])
    assert result.exit_code == 1 and "ZID-UZI-REVOKED" in result.stdout
    (tmp_path / "junk.crl").write_bytes(b"junk")
    result = runner.invoke(uzi_app, [*base, "--crl", str(tmp_path / "junk.crl")])
    assert result.exit_code == 1 and "ZID-UZI-CRL" in result.stdout


def test_every_command_and_option_has_dutch_help():
    wide = {"COLUMNS": "200"}
    assert "UZI-certificaten" in runner.invoke(uzi_app, ["--help"], env=wide).stdout
    assert "Toon de UZI-gegevens" in runner.invoke(uzi_app, ["show", "--help"], env=wide).stdout
    text = runner.invoke(uzi_app, ["verify", "--help"], env=wide).stdout
    for fragment in ("Controleer een authenticatiecertificaat", "dd-mm-jjjj", "vertrouwde UZI-CA",
                     "acceptatie|productie", "Intrekkingslijst"):
        assert fragment in text


def test_the_cli_module_does_not_load_django():
    code = "import sys, zorgid.pki.uzi.cli; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "False"
