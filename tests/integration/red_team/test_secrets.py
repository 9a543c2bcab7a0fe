"""Replays, against a real `zorgid serve`, the search for secrets in clear: what an attacker reads in the server's
log and in a copy of its database (docs/security.md, "Secrets: hashes only, nothing in logs").

The operator's activation code (`zorgid operator add`) is opened as a page (`/activatie/<code>`, also with the
code in the query string), and an application is submitted through the public form, whose status page carries its
secret in the address. Afterwards the server's whole log output holds neither secret, only the routes; and once
the outbox has sent its mail, no table of the database holds them in clear. Before, gunicorn's access log wrote
every request line with its secret.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.integration.applications.helpers import FORM
from tests.integration.applications.smtp import free_port

pytestmark = pytest.mark.e2e
CODE_OF_PAYLOAD = re.compile(r"zorgid://activate\?\S*code=([A-Za-z0-9_-]+)")
STATUS_PATH = re.compile(r"/aanvragen/(ZID-[0-9]{4}-[A-Z0-9]{8})/status/([A-Za-z0-9_-]+)")


def zorgid(env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "zorgid.cli", *args], env=env, capture_output=True, text=True,
                          timeout=180)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


@pytest.fixture
def installation(tmp_path):
    """A fresh installation of its own (SQLite in its own home), migrated, with an operator's activation code."""
    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")},
           "ZORGID_HOME": str(tmp_path), "ZORGID_BASE_URL": f"http://127.0.0.1:{port}",
           "ZORGID_ENVIRONMENT": "acceptatie"}
    zorgid(env, "migrate")
    added = zorgid(env, "operator", "add", "--first-names", "Olga", "--last-name", "Operator",
                   "--birth-date", "01-01-1975")
    return env, port, CODE_OF_PAYLOAD.search(added).group(1)


def serve(env: dict, port: int, log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "zorgid.cli", "serve", "--port", str(port), "--workers",
                                    "1", "--threads", "4"], env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/foutmeldingen", timeout=5)
            return process
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"zorgid serve did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)


def every_value(database: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(database) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [(table, bytes(value).decode("latin-1") if isinstance(value, bytes) else str(value))
                for table in tables for row in db.execute(f'SELECT * FROM "{table}"') for value in row]


def test_no_secret_of_an_address_reaches_the_log_or_stays_in_the_database(installation, tmp_path):
    env, port, code = installation
    log = tmp_path / "server.log"
    server = serve(env, port, log)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as browser:
            assert browser.get(f"/activatie/{code}").status_code == 200
            assert browser.get(f"/activatie/{code}", params={"code": code}).status_code == 200
            browser.get("/aanvragen/nieuw")
            submitted = browser.post("/aanvragen/nieuw", data={**FORM, "ura": "90000555"},
                                     headers={"X-CSRFToken": browser.cookies["csrftoken"]})
            assert submitted.status_code == 302, submitted.text[-2000:]
            reference, token = STATUS_PATH.search(submitted.headers["location"]).groups()
            assert browser.get(submitted.headers["location"]).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=20)
    logged = log.read_text(errors="replace")
    assert "GET /activatie/<str:code> 200" in logged and "/status/<str:token> 200" in logged
    assert code not in logged and token not in logged
    zorgid(env, "mail", "send", "--once")  # the confirmation mail quoted the status link until it was sent
    found = [table for table, value in every_value(Path(env["ZORGID_HOME"]) / "zorgid.sqlite3")
             if code in value or token in value]
    assert found == []
    assert any(token in mail.read_text(errors="replace") for mail in (Path(env["ZORGID_HOME"]) / "mail").glob("*.eml"))
