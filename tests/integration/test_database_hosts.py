"""DATABASE_URL with several PostgreSQL hosts and target_session_attrs=read-write (docs/deployment.md, "PostgreSQL
with a streaming replica"): zorgid connects to the first host that accepts writes, here past a host that is down.

PostgreSQL only: the host list is libpq's. A real process with the URL in its environment, as `zorgid serve` reads it.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db import connection

from tests.integration.applications.smtp import free_port

pytestmark = pytest.mark.django_db  # the test database exists; the other process reads only what it was given

SNIPPET = """
import django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT inet_server_port(), pg_is_in_recovery(), current_database()")
    print(*cursor.fetchone())
"""


def test_a_database_url_with_a_host_that_is_down_first_connects_to_the_next(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("several hosts in one connection string are PostgreSQL's (libpq)")
    db = connection.settings_dict
    host, port = db["HOST"] or "127.0.0.1", str(db["PORT"] or 5432)
    url = (f"postgresql://{db['USER']}@/{db['NAME']}?host=127.0.0.1,{host}&port={free_port()},{port}"
           "&target_session_attrs=read-write")
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(DATABASE_URL=url, ZORGID_HOME=str(tmp_path), DJANGO_SETTINGS_MODULE="zorgid.settings")
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    result = subprocess.run([sys.executable, "-c", SNIPPET], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == [port, "False", db["NAME"]]
