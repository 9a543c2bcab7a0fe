"""Replays tampering with the audit log by someone who can write the database but has neither the installation's
secret key nor its anchor file (docs/security.md, "What happened"), checked with `zorgid audit verify` run as the
administrator runs it: a separate process on the same database.

1. He changes who did something in a middle row and recomputes every later hash with the public algorithm
   (SHA-256 over "<prev_hash>:<seq>:<payload>", as the code and the rows themselves show).
2. He deletes the newest rows: what is left is a chain without a break.

Before the chain was keyed and anchored, `zorgid audit verify` answered "in orde" to both.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.organisations.roles import add_operator
from zorgid.organisations.services import add_organisation

pytestmark = pytest.mark.django_db(transaction=True)


def zorgid_audit_verify(tmp_path) -> subprocess.CompletedProcess:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "ZORGID_HOME": str(tmp_path / "home"), "COLUMNS": "250",
           "ZORGID_SECRET_KEY": settings.SECRET_KEY, "ZORGID_AUDIT_ANCHOR": str(settings.ZORGID_AUDIT_ANCHOR)}
    return subprocess.run([sys.executable, "-m", "zorgid.cli", "audit", "verify"], env=env, capture_output=True,
                          text=True, timeout=120)


def some_history():
    add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="cli:beheer")
    add_organisation(name="Ziekenhuis Oost", ura="90000999", kvk="87654321", actor="cli:beheer")
    add_operator("Olga", "Operator", clock.parse_date("01-01-1975"), actor="cli:beheer")
    add_operator("Otto", "Operator", clock.parse_date("02-02-1976"), actor="cli:beheer")
    assert AuditEvent.objects.count() == 6


def public_hash(prev_hash: str, seq: int, row: dict) -> str:
    at = row["at"].astimezone(dt.UTC).isoformat(timespec="microseconds")
    text = json.dumps([at, row["event"], row["actor"], row["subject"], row["ip"], row["details"],
                       row["organisation"]], separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}:{seq}:{text}".encode()).hexdigest()


def test_a_middle_row_changed_and_the_chain_recomputed_is_found(tmp_path):
    some_history()
    assert zorgid_audit_verify(tmp_path).returncode == 0
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor = 'cli:iemand-anders' WHERE seq = 3")
        prev = AuditEvent.objects.get(seq=2).hash
        for row in AuditEvent.objects.filter(seq__gte=3).order_by("seq").values():
            new = public_hash(prev, row["seq"], row)
            cursor.execute("UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE seq = %s",
                           [prev, new, row["seq"]])
            prev = new
    done = zorgid_audit_verify(tmp_path)
    assert done.returncode == 1, done.stdout
    assert "Auditlog is aangetast" in done.stderr
    assert "rij 3 t/m 6: hash opnieuw berekend zonder de sleutel" in done.stderr
    assert "rij 3 t/m 6 wijkt af van het anker" in done.stderr


def test_the_newest_rows_deleted_are_found(tmp_path):
    some_history()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq > 4")
    done = zorgid_audit_verify(tmp_path)
    assert done.returncode == 1, done.stdout
    assert "nieuwste rijen verwijderd: het anker kent rij 6, het auditlog eindigt bij rij 4" in done.stderr
