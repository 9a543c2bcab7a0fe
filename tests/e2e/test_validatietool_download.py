"""The validation tool as an organisation gets it: downloaded over HTTP from the page's link, checked against the
page's SHA-256, and run by a Python that has none of zorgid and none of its pure-Python libraries, only the
compiled ones the page tells the user to install (scripts/build_validatietool.py)."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import httpx
import pytest

from zorgid.devtools.test_uzi_ca import ensure_test_uzi_ca
from zorgid.orgdoc import OrganisationDocument, build, sign

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
# import names of what the page's pip line installs, with what pip brings along with them
COMPILED = ("cryptography", "cffi", "_cffi_backend", "lxml", "pkcs11", "pydantic", "pydantic_core",
            "typing_inspection", "annotated_types", "typing_extensions")


def bare_python(root: Path) -> Path:
    """A new venv that sees only the compiled libraries (linked from this environment), not zorgid."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / "venv")], check=True, timeout=120)
    site = Path(sysconfig.get_paths()["purelib"])
    compiled = root / "compiled"
    compiled.mkdir()
    for entry in site.iterdir():
        if entry.name.split(".")[0] in COMPILED and not entry.name.endswith((".dist-info", ".pth")):
            (compiled / entry.name).symlink_to(entry)
    venv_site = next((root / "venv" / "lib").glob("python3*/site-packages"))
    (venv_site / "compiled.pth").write_text(str(compiled) + "\n")
    return root / "venv" / "bin" / "python"


def test_the_downloaded_tool_runs_help_and_verifies_a_signed_document(live_server, settings, tmp_path):
    built = tmp_path / "dist" / "zorgid-validatietool.pyz"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_validatietool.py"), str(built)], check=True,
                   capture_output=True, timeout=120)
    settings.ZORGID_VALIDATIETOOL_PYZ = built

    page = httpx.get(live_server.url + "/aanvragen/validatietool").text
    link = re.search(r'href="([^"]+\.pyz)"', page).group(1)
    shown = re.search(r'data-testid="sha256">([0-9a-f]{64})<', page).group(1)
    downloaded = tmp_path / "download" / "zorgid-validatietool.pyz"
    downloaded.parent.mkdir()
    downloaded.write_bytes(httpx.get(live_server.url + link).raise_for_status().content)
    assert hashlib.sha256(downloaded.read_bytes()).hexdigest() == shown

    python = bare_python(tmp_path / "user")
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path / "user"), "LANG": "C.UTF-8"}
    alone = subprocess.run([str(python), "-c", "import zorgid"], capture_output=True, text=True, env=env)
    assert alone.returncode == 1 and "No module named 'zorgid'" in alone.stderr
    missing_typer = subprocess.run([str(python), "-c", "import typer"], capture_output=True, text=True, env=env)
    assert missing_typer.returncode == 1  # the tool brings its own

    def tool(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(python), str(downloaded), *args], capture_output=True, text=True, env=env,
                              cwd=tmp_path, timeout=120)

    helped = tool("--help")
    assert helped.returncode == 0, helped.stdout + helped.stderr
    assert "zorgid-validatietool" in helped.stdout and "verify" in helped.stdout

    ca = ensure_test_uzi_ca(tmp_path / "uzi-ca")
    server = ca.issue_server_certificate("90000382", "portaal.linde.example")
    document = OrganisationDocument(
        reference="ZID-2026-ABCD2345", name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678",
        street="Lindelaan", house_number="12a", postcode="3511 AB", city="Utrecht", tb_name="Tom Beheer",
        tb_email="tb@linde.example", tb_phone="0301234567")
    (tmp_path / "ondertekend.xml").write_bytes(sign(build(document), server.key, server.certificate))
    checked = tool("verify", "ondertekend.xml", "--environment", "acceptatie", "--trust-dir", str(ca.trust_dir))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "portaal.linde.example" in checked.stdout + checked.stderr
