"""Rows made before the chain was keyed (audit migration 0004) still verify after the upgrade; a row changed
before it is still reported, not hidden by the conversion."""

import datetime as dt
import hashlib
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from zorgid.audit import anchor
from zorgid.audit.models import AuditEvent
from zorgid.audit.services import record, verify

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("audit", "0003_organisation")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target or executor.loader.graph.leaf_nodes("audit"))  # None: up to the newest (0004 and on)


def _old_rows(count):
    """Rows as the version before made them: SHA-256 over "<prev>:<seq>:<payload>", no key."""
    prev = "0" * 64
    at = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
    with connection.cursor() as cursor:
        for seq in range(1, count + 1):
            fields = ["test.old", f"person:{seq}", "person:x", "127.0.0.1", json.dumps({"n": seq}), "90000382"]
            text = json.dumps([at.isoformat(timespec="microseconds"), *fields], separators=(",", ":"))
            digest = hashlib.sha256(f"{prev}:{seq}:{text}".encode()).hexdigest()
            cursor.execute("INSERT INTO audit_auditevent (seq, at, event, actor, subject, ip, details, organisation, "
                           "prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                           [seq, at, *fields, prev, digest])
            prev = digest


@pytest.fixture
def before_the_key():
    _migrate(BEFORE)
    yield
    _migrate(None)


def test_old_rows_are_converted_and_the_anchor_begins_at_them(before_the_key):
    _old_rows(5)
    _migrate(None)
    assert anchor.path().read_text().split()[:2] == ["upgrade", "5"]
    record("test.new", actor="person:1")
    result = verify()
    assert result.ok, result.problems
    assert result.count == 6


def test_a_row_changed_before_the_upgrade_stays_reported(before_the_key):
    _old_rows(5)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor = 'person:evil' WHERE seq = 3")
    _migrate(None)
    assert anchor.path().read_text().split()[:2] == ["upgrade", "5"]
    problems = verify().problems
    assert "rij 3: inhoud gewijzigd" in problems
    assert "rij 4 t/m 5: hash opnieuw berekend zonder de sleutel (de keten is na een wijziging herberekend)" in problems
    assert AuditEvent.objects.get(seq=4).prev_hash == AuditEvent.objects.get(seq=3).hash  # untouched from 3 on
