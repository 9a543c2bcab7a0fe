"""/health/live and /health/ready through HTTP (portal/health_views.py, docs/security.md "Health and metrics").

The database that is not there and the one without tables are real: a request served by a separate Python process
whose DATABASE_URL points at them (the test's own database stays as it is).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.cards import CardIssuer, issuer_keys
from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.pki import uzi_installation
from zorgid.portal import health

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _checked_anew():
    health.forget()
    yield
    health.forget()


def test_live_answers_200_with_ok(client):
    response = client.get("/health/live")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_ready_answers_200_with_each_check_ok(client):
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok",
                               "checks": {"database": "ok", "migrations": "ok", "ca_keys": "ok"}}


def test_health_checks_write_no_audit_event_no_session_and_count_against_no_request_limit(client, settings):
    settings.ZORGID_RATE_LIMIT_FACTOR = 1
    settings.ZORGID_RATE_LIMITS = {**settings.ZORGID_RATE_LIMITS, "client-read": (3, 60)}
    events = AuditEvent.objects.count()
    answers = [client.get(path).status_code for _ in range(5) for path in ("/health/live", "/health/ready")]
    assert answers == [200] * 10
    assert AuditEvent.objects.count() == events
    assert "zorgid_session" not in client.cookies
    assert [client.get("/foutmeldingen").status_code for _ in range(4)][-1] == 429  # the budget is real


def test_ready_answers_503_when_the_uzi_crls_are_past_their_next_update(client, settings, tmp_path):
    issuer = CardIssuer(tmp_path / "trust", issuer_keys())
    crls = tmp_path / "crl"
    crls.mkdir()
    (crls / "uzi.crl").write_bytes(issuer.crl())  # nextUpdate 47 hours from now
    settings.ZORGID_UZI_TRUST_DIR, settings.ZORGID_UZI_CRL_DIR = str(issuer.trust_dir), str(crls)
    uzi_installation.forget()
    try:
        fresh = client.get("/health/ready")
        assert (fresh.status_code, fresh.json()["checks"]["uzi_crls"]) == (200, "ok")
        clock.move(dt.timedelta(hours=48))
        try:
            stale = client.get("/health/ready")
        finally:
            clock.move(-dt.timedelta(hours=48))
        assert stale.status_code == 503
        assert stale.json() == {"status": "fail", "checks": {
            "database": "ok", "migrations": "ok", "ca_keys": "ok", "uzi_crls": "fail"}}
    finally:
        uzi_installation.forget()


def test_ready_answers_503_when_the_crl_directory_holds_no_crl(client, settings, tmp_path):
    settings.ZORGID_UZI_CRL_DIR = str(tmp_path / "leeg")
    uzi_installation.forget()
    try:
        response = client.get("/health/ready")
    finally:
        uzi_installation.forget()
    assert (response.status_code, response.json()["checks"]["uzi_crls"]) == (503, "fail")


def _served_elsewhere(path: str, database_url: str, home: Path) -> tuple[int, dict]:
    """``path`` asked of a zorgid in a process of its own, on the database ``database_url``."""
    program = ("import django, json; django.setup(); from django.test import Client; "
               f"r = Client().get({path!r}); print(r.status_code); print(r.content.decode())")
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "ZORGID_HOME")}
    env.update(DATABASE_URL=database_url, ZORGID_HOME=str(home), DJANGO_SETTINGS_MODULE="zorgid.settings",
               ZORGID_ENVIRONMENT="acceptatie")
    done = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    status, body = done.stdout.strip().splitlines()[-2:]
    return int(status), json.loads(body)


def test_ready_answers_503_on_a_database_without_its_tables(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    status, body = _served_elsewhere("/health/ready", f"sqlite:///{tmp_path / 'leeg.sqlite3'}", home)
    assert status == 503
    assert body == {"status": "fail", "checks": {"database": "ok", "migrations": "fail", "ca_keys": "ok"}}


def test_ready_answers_503_and_live_200_when_the_database_cannot_be_reached(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    unreachable = f"sqlite:///{tmp_path / 'bestaat-niet' / 'zorgid.sqlite3'}"
    status, body = _served_elsewhere("/health/ready", unreachable, home)
    assert status == 503
    assert body == {"status": "fail", "checks": {"database": "fail", "migrations": "fail", "ca_keys": "ok"}}
    assert _served_elsewhere("/health/live", unreachable, home) == (200, {"status": "ok"})


def test_ready_answers_503_when_a_ca_key_on_a_token_cannot_sign(client, settings):
    """The CA key moved to a token whose PKCS#11 module is not there: the file check passed before, the signing
    check (asked anew after pki.signing_keys' 10 s) fails."""
    from zorgid.pki import signing_keys

    assert client.get("/health/ready").status_code == 200
    config = Path(settings.ZORGID_HOME) / "ca" / signing_keys.CONFIG_FILE
    config.write_text(json.dumps({"module": "/nonexistent/libpkcs11.so", "token_label": "zorgid-ca",
                                  "keys": {"root": "zorgid-root", "mobile-id": "zorgid-mobile-id"}}))
    signing_keys._checked.clear()
    try:
        response = client.get("/health/ready")
        assert response.status_code == 503 and response.json()["checks"]["ca_keys"] == "fail"
    finally:
        config.unlink()
        signing_keys._checked.clear()
    assert client.get("/health/ready").status_code == 200
