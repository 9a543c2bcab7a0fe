"""zorgid refuses to serve in productie with an unsafe setting (docs/security.md): an http:// base URL (or none),
a placeholder or short secret key, debug pages. Through the command line and the WSGI app, as separate processes
with the environment an administrator would give them."""

import os
import subprocess
import sys

import pytest

from tests.integration.applications.smtp import free_port

GOOD_SECRET = "q7Vd2-Lx9pRf0ZtB4nWc8HyJ3uKs6MeA1oGi5TbXvQ2lN7rYz-h3Ws"


def run(tmp_path, *args, **env_vars):
    env = {key: value for key, value in os.environ.items() if not key.startswith("ZORGID_")}
    env.update({"ZORGID_HOME": str(tmp_path), "ZORGID_ENVIRONMENT": "productie", "COLUMNS": "250",
                "ZORGID_BASE_URL": "https://zorgid.example.nl", "ZORGID_SECRET_KEY": GOOD_SECRET,
                "ZORGID_OIDC_ISSUER": "https://zorgid.example.nl", **env_vars})
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=60)


def serve(tmp_path, **env_vars):
    return run(tmp_path, "-m", "zorgid.cli", "serve", "--port", str(free_port()), **env_vars)


@pytest.mark.parametrize("env_vars, reason", [
    ({"ZORGID_BASE_URL": "http://zorgid.example.nl"}, "zorgid.E001: ZORGID_BASE_URL is 'http://zorgid.example.nl'"),
    ({"ZORGID_BASE_URL": None}, "zorgid.E001: ZORGID_BASE_URL is 'http://127.0.0.1:8000' (niet gezet)"),
    ({"ZORGID_SECRET_KEY": "django-insecure-" + GOOD_SECRET}, "zorgid.E002: de geheime sleutel (ZORGID_SECRET_KEY) is "
                                                             "een voorbeeld- of ontwikkelsleutel (bevat 'insecure')"),
    ({"ZORGID_SECRET_KEY": "x" * 40}, "zorgid.E002: de geheime sleutel (ZORGID_SECRET_KEY) is korter dan 50 tekens"),
    ({"ZORGID_SECRET_KEY": "ab" * 30}, "minder dan 5 verschillende tekens"),
    ({"ZORGID_DEBUG": "1"}, "zorgid.E003: ZORGID_DEBUG staat aan"),
    ({"ZORGID_OIDC_ISSUER": None}, "zorgid.E004: ZORGID_OIDC_ISSUER is '' (niet gezet)"),
    ({"ZORGID_OIDC_ISSUER": "http://zorgid.example.nl"}, "zorgid.E004: ZORGID_OIDC_ISSUER is 'http://zorgid.example.nl'"),
    ({"ZORGID_OIDC_ISSUER": "https://zorgid.example.nl/oidc"}, "zorgid.E004: ZORGID_OIDC_ISSUER is "
                                                              "'https://zorgid.example.nl/oidc'"),
    ({"ZORGID_TRUSTED_PROXIES": "10.0.0.5,0.0.0.0/0"}, "zorgid.E005: ZORGID_TRUSTED_PROXIES noemt '0.0.0.0/0'"),
    ({"ZORGID_TRUSTED_PROXIES": "proxy.example.nl"}, "zorgid.E005: ZORGID_TRUSTED_PROXIES noemt 'proxy.example.nl'"),
])
def test_serve_refuses_to_start_in_productie_with_an_unsafe_setting(tmp_path, env_vars, reason):
    done = serve(tmp_path, **env_vars)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Fout ZID-CONFIG-PRODUCTIE: De server start niet in productie" in done.stderr
    assert "Oplossing: Zet ZORGID_BASE_URL op het https://-adres" in done.stderr
    assert reason in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "ca").exists()  # refused before anything was made


def test_every_unsafe_setting_is_named_at_once(tmp_path):
    done = serve(tmp_path, ZORGID_BASE_URL="http://zorgid.example.nl", ZORGID_SECRET_KEY="changeme" * 8,
                 ZORGID_DEBUG="1")
    assert done.returncode == 1
    assert all(code in done.stderr for code in ("zorgid.E001", "zorgid.E002", "zorgid.E003"))


def test_the_wsgi_app_refuses_to_load_in_productie_with_an_unsafe_setting(tmp_path):
    done = run(tmp_path, "-c", "import zorgid.wsgi", ZORGID_BASE_URL="http://zorgid.example.nl")
    assert done.returncode != 0
    assert "ZID-CONFIG-PRODUCTIE" in done.stderr and "zorgid.E001" in done.stderr
    assert run(tmp_path, "-c", "import zorgid.wsgi").returncode == 0


def test_productie_with_safe_settings_and_acceptatie_over_http_pass_the_checks(tmp_path):
    check = "import django; django.setup(); from zorgid.production import refuse_unsafe; refuse_unsafe()"
    env = {"DJANGO_SETTINGS_MODULE": "zorgid.settings"}
    assert run(tmp_path, "-c", check, **env).returncode == 0
    proxies = run(tmp_path, "-c", check, ZORGID_TRUSTED_PROXIES="10.0.0.5,192.0.2.0/24,2001:db8::7", **env)
    assert proxies.returncode == 0, proxies.stderr
    acceptatie = run(tmp_path, "-c", check, ZORGID_ENVIRONMENT="acceptatie", ZORGID_BASE_URL="http://127.0.0.1:8000",
                     ZORGID_SECRET_KEY=None, ZORGID_DEBUG="1", **env)
    assert acceptatie.returncode == 0, acceptatie.stderr
