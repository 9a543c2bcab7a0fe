"""A zorgid installation as an administrator has one: its own ZORGID_HOME and database, the ``zorgid`` command run
as a separate process with only that environment, and ``zorgid serve`` on a port of its own."""

from __future__ import annotations

import html
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from zorgid.protocol.language import LANGUAGE_VARIABLES

BIN = Path(sys.executable).parent
PASSPHRASE = "een lange wachtzin voor de back-up"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_url() -> str:
    """The PostgreSQL server of the suite's run (DATABASE_URL), or skip: on SQLite runs the SQLite case covers it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("PostgreSQL: runs when the suite runs on PostgreSQL (DATABASE_URL)")
    return url


def fresh_postgres_database(url: str) -> str:
    """A new, empty database on the suite's PostgreSQL server; its URL."""
    import psycopg

    name = f"zorgid_backup_{secrets.token_hex(4)}"
    base = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def drop_postgres_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Installation:
    home: Path
    database_url: str = ""  # empty: SQLite in ZORGID_HOME
    port: int = field(default_factory=free_port)
    extra: dict[str, str] = field(default_factory=dict)
    server: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        # not the runner's language either: Dutch, as for an administrator without LANG, unless a test sets it
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("ZORGID_", "DJANGO_")) and key not in ("DATABASE_URL", *LANGUAGE_VARIABLES)}
        env.update({"ZORGID_HOME": str(self.home), "ZORGID_BASE_URL": self.url, "COLUMNS": "250",
                    "ZORGID_BACKUP_PASSPHRASE": PASSPHRASE, **self.extra})
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return {key: value for key, value in env.items() if value is not None}

    def zorgid(self, *args: str, check: bool = True, **env: str | None) -> subprocess.CompletedProcess:
        merged = {key: value for key, value in {**self.env(), **env}.items() if value is not None}
        done = subprocess.run([str(BIN / "zorgid"), *args], env=merged, capture_output=True, text=True, timeout=300,
                              stdin=subprocess.DEVNULL)
        if check and done.returncode != 0:
            raise AssertionError(f"zorgid {' '.join(args)} ended with {done.returncode}:\n{done.stdout}\n{done.stderr}")
        return done

    def audit_events(self) -> list[str]:
        """The kinds of the audit log's events, oldest first, read by a process of this installation."""
        code = ("import django; django.setup(); from zorgid.audit.models import AuditEvent; "
                "print(*AuditEvent.objects.order_by('seq').values_list('event', flat=True), sep='\\n')")
        env = {**self.env(), "DJANGO_SETTINGS_MODULE": "zorgid.settings"}
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    def serve(self) -> None:
        log = (self.home.parent / f"serve-{self.home.name}.log").open("ab")
        self.server = subprocess.Popen([str(BIN / "zorgid"), "serve", "--port", str(self.port), "--workers", "1",
                                        "--threads", "8"], env=self.env(), stdout=log, stderr=log,
                                       start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise AssertionError(f"zorgid serve stopped: {self.server.returncode}")
            try:
                if httpx.get(self.url + "/", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise AssertionError("zorgid serve did not answer within 90 s")

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)
                self.server.wait(timeout=30)
        self.server = None


class App:
    """``zorgid-app`` as its user runs it, with its own home."""

    def __init__(self, home: Path, pin: str = "246810") -> None:
        self.home, self.pin = home, pin

    def run(self, *args: str) -> subprocess.CompletedProcess:
        env = {key: value for key, value in os.environ.items()
               if not key.startswith("ZORGID_") and key not in LANGUAGE_VARIABLES}  # in Dutch, as its asserts
        done = subprocess.run([str(BIN / "zorgid-app"), "--home", str(self.home), *args],
                              env={**env, "ZORGID_PIN": self.pin}, capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)
        assert done.returncode == 0, f"zorgid-app {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done

    def log_in(self, installation: Installation) -> None:
        """A login at the portal's start page, as a browser and the app do it: the page's flow is done."""
        with httpx.Client(base_url=installation.url, timeout=30) as browser:
            page = browser.get("/").text
            payload = html.unescape(re.search(r'id="payload"[^>]*>([^<]+)<', page).group(1))
            status_url = html.unescape(re.search(r'data-status-url="([^"]+)"', page).group(1))
            assert "Ingelogd" in self.run("scan", payload, "--accept").stdout
            state = browser.get(status_url, params={"wait": "1"}).json()
            assert state.get("state") == "done", state
