"""After the database server drops the connections (a PostgreSQL restart, a failover), `zorgid serve` answers the
next request normally: each persistent connection is health-checked before its first use in a request
(settings.py), instead of failing once with an error page per thread.

Real server: `zorgid serve` (gunicorn, one worker, one thread, so the second request gets the first one's
connection) on the test database; the connection is ended from the database side with pg_terminate_backend.
"""

import os
import subprocess
import sys
import time

import httpx
import pytest
from django.conf import settings
from django.db import connection

from tests.integration.applications.smtp import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("persistent connections are PostgreSQL's (SQLite connects per request)")
    db = connection.settings_dict
    port = free_port()
    env = {**os.environ, "ZORGID_HOME": str(tmp_path), "ZORGID_SECRET_KEY": settings.SECRET_KEY,
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"}
    process = subprocess.Popen([sys.executable, "-m", "zorgid.cli", "serve", "--port", str(port), "--workers", "1",
                                "--threads", "1"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{base}/foutmeldingen", timeout=5)
            break
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"zorgid serve did not start: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=20)


def server_backends() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> "
                       "pg_backend_pid()")
        return [pid for (pid,) in cursor.fetchall()]


def test_a_connection_ended_by_the_database_is_replaced_before_the_next_request(server):
    with httpx.Client(base_url=server, timeout=30) as browser:
        assert browser.get("/").status_code == 200  # the start page makes a login flow: the database is used
        backends = server_backends()
        assert backends
        with connection.cursor() as cursor:
            for pid in backends:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        time.sleep(0.5)
        assert browser.get("/").status_code == 200
        assert not set(server_backends()) & set(backends)
