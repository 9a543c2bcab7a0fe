"""The example healthcare application (examples/zorgapplicatie) as a supplier runs it: its key pair, its settings
and their errors, and that it is written against a general OIDC library only (docs/koppelen.md).

The login through it, with zorgid, Chromium and zorgid-app, is tests/e2e/test_oidc_login_browser.py.
"""

from __future__ import annotations

import ast
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "zorgapplicatie"
APP = EXAMPLE / "app.py"


def clean_environment(**settings: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("ZORGAPP_") and key != "AUTHLIB_INSECURE_TRANSPORT"}
    env.update(settings)
    return env


def example(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(APP), *args], env=env or clean_environment(), capture_output=True,
                          text=True, timeout=60)


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("zorgapp-keys")
    result = example("keys", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "private.jwk" in result.stdout and "jwks.json" in result.stdout
    return out


def settings_with(keys: Path, **overrides: str) -> dict[str, str]:
    values = {"ZORGAPP_ISSUER": "http://127.0.0.1:8000", "ZORGAPP_CLIENT_ID": "abc",
              "ZORGAPP_KEY": str(keys / "private.jwk"), "ZORGAPP_VERSION": "1.0",
              "ZORGAPP_SECRET_KEY": "s" * 40, "ZORGAPP_PORT": "1", "AUTHLIB_INSECURE_TRANSPORT": "1"}
    values.update(overrides)
    return clean_environment(**{key: value for key, value in values.items() if value is not None})


def test_keys_makes_an_owner_only_private_key_and_a_public_key_set_for_the_register(keys):
    private_path, public_path = keys / "private.jwk", keys / "jwks.json"
    assert stat.S_IMODE(private_path.stat().st_mode) == 0o600
    private = json.loads(private_path.read_text())
    public = json.loads(public_path.read_text())
    assert private["kty"] == "RSA" and "d" in private and private["kid"]
    assert [key["kid"] for key in public["keys"]] == [private["kid"]]
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(public["keys"][0])
    assert public["keys"][0]["n"] == private["n"] and public["keys"][0]["alg"] == "RS256"


def test_keys_never_overwrites_a_key_unasked(keys):
    before = (keys / "private.jwk").read_text()
    again = example("keys", "--out", str(keys))
    assert again.returncode == 2 and "bestaat al" in again.stderr
    assert (keys / "private.jwk").read_text() == before


def test_serve_names_every_missing_setting_and_stops():
    result = example("serve")
    assert result.returncode == 2
    for name in ("ZORGAPP_ISSUER", "ZORGAPP_CLIENT_ID", "ZORGAPP_KEY", "ZORGAPP_VERSION", "ZORGAPP_SECRET_KEY"):
        assert name in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("overrides", "message"), [
    ({"AUTHLIB_INSECURE_TRANSPORT": None}, "AUTHLIB_INSECURE_TRANSPORT=1"),
    ({"ZORGAPP_ISSUER": "http://zorgid.example"}, "alleen naar 127.0.0.1"),
    ({"ZORGAPP_ISSUER": "ftp://127.0.0.1"}, "geen http(s)-adres"),
    ({"ZORGAPP_BASE_URL": "http://epd.example"}, "ZORGAPP_BASE_URL"),
    ({"ZORGAPP_SECRET_KEY": "kort"}, "te kort"),
    ({"ZORGAPP_PORT": "70000"}, "geen poortnummer"),
    ({"ZORGAPP_KEY": "/nonexistent/private.jwk"}, "bestaat niet"),
])
def test_serve_refuses_a_wrong_setting_with_a_clear_error(keys, overrides, message):
    result = example("serve", env=settings_with(keys, **overrides))
    assert result.returncode == 2, result.stdout
    assert message in result.stderr and result.stderr.startswith("Fout:")
    assert "Traceback" not in result.stderr


def test_serve_refuses_the_public_key_set_as_its_key(keys):
    result = example("serve", env=settings_with(keys, ZORGAPP_KEY=str(keys / "jwks.json")))
    assert result.returncode == 2 and "geen private RSA-sleutel" in result.stderr


def test_the_example_uses_a_general_oidc_library_and_nothing_of_zorgid():
    imported = set()
    for node in ast.walk(ast.parse(APP.read_text())):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    assert not [name for name in imported if name.split(".")[0] == "zorgid"]
    assert {"authlib.integrations.flask_client", "authlib.oauth2.rfc7523"} <= imported
