"""zorgid-validatietool sign with a key in a PKCS#11 token (SoftHSM2), run as the program itself in a process
with its own SOFTHSM2_CONF (a PKCS#11 module reads its configuration once, when it loads)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.unit.orgdoc.factory import document
from tests.unit.orgdoc.tokens import MODULE, PIN, token_with_key

from zorgid.devtools.softhsm import SoftHsmHome
from zorgid.orgdoc import build, verify_document
from zorgid.pki.uzi import load_trust_store

pytestmark = pytest.mark.skipif(not Path(MODULE).exists() or shutil.which("pkcs11-tool") is None,
                                reason="SoftHSM2 or pkcs11-tool (opensc) is not installed")


@pytest.fixture(scope="module")
def token(files, tmp_path_factory) -> SoftHsmHome:
    home = SoftHsmHome(tmp_path_factory.mktemp("validatietool-token") / "softhsm").ensure()
    token_with_key(home, "UZI server", files.server.key, files.server.certificate)
    return home


def validatietool(home: SoftHsmHome, *args: str, **env: str) -> subprocess.CompletedProcess:
    ours = ("SOFTHSM2_CONF", "ZORGID_TOKEN_PIN", "ZORGID_PKCS11_MODULE", "ZORGID_KEY_PASSWORD")
    environment = {k: v for k, v in os.environ.items() if k not in ours}
    environment.update({"SOFTHSM2_CONF": str(home.conf_path), **env})
    return subprocess.run([sys.executable, "-m", "zorgid.clients.validatietool.cli", *args], capture_output=True,
                          text=True, env=environment, timeout=120)


def test_sign_with_the_token_then_verify(files, token, tmp_path):
    source, out = tmp_path / "organisatie.xml", tmp_path / "ondertekend.xml"
    source.write_bytes(build(document()))
    done = validatietool(token, "sign", str(source), "--pkcs11-module", MODULE, "--token-label", "UZI server",
                         "--key-id", "01", "-o", str(out), ZORGID_TOKEN_PIN=PIN)
    assert done.returncode == 0, done.stderr
    store = load_trust_store(files.trust_dir, "acceptatie")
    verified = verify_document(out.read_bytes(), store, dt.datetime.now(dt.UTC))
    assert verified.certificate == files.server.certificate
    checked = validatietool(token, "verify", str(out), "--environment", "acceptatie", "--trust-dir",
                            str(files.trust_dir))
    assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize(("args", "code"), [
    (("--token-label", "UZI server", "--pin", "0000000"), "ZID-XML-TOKEN-PIN"),
    (("--token-label", "geen token", "--pin", PIN), "ZID-XML-TOKEN-NOT-FOUND"),
])
def test_token_refusals_exit_1_with_their_code(token, tmp_path, args, code):
    source = tmp_path / "organisatie.xml"
    source.write_bytes(build(document()))
    done = validatietool(token, "sign", str(source), "--pkcs11-module", MODULE, *args)
    assert done.returncode == 1 and f"Fout {code}" in done.stderr
    assert "Traceback" not in done.stderr


def test_without_a_pin_and_without_a_terminal(token, tmp_path):
    source = tmp_path / "organisatie.xml"
    source.write_bytes(build(document()))
    done = validatietool(token, "sign", str(source), "--pkcs11-module", MODULE, "--token-label", "UZI server")
    assert done.returncode == 1 and "Fout ZID-VALIDATIETOOL-SECRET-MISSING" in done.stderr
