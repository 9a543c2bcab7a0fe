"""The audit log's keyed, anchored hash chain (R-SEC-AUDIT, docs/security.md).

What someone who can write the database (but has not the installation's secret key, nor the anchor file) may
try: change a row, change it and recompute every later hash with the public rule, delete the newest rows,
change the newest row; and what someone with the server's files may try: delete the anchor or put an older copy
back. Each is found by ``verify``, on SQLite and (with DATABASE_URL set) on PostgreSQL.

Transactional tests: the anchor is written after the commit, which a test wrapped in a transaction never makes.
"""

import shutil
import threading

import pytest
from django.db import connection, transaction

from zorgid.audit import anchor, chain, keys
from zorgid.audit.models import AuditEvent
from zorgid.audit.services import GENESIS, record, verify

pytestmark = pytest.mark.django_db(transaction=True)


def events(count=3, first=0):
    for n in range(first, first + count):
        record("test.event", actor=f"person:{n}", subject="person:x", ip="127.0.0.1", details={"n": n, "é": "ü"})


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def recompute_with_the_public_rule(from_seq):
    """What an attacker without the key can do after changing a row: every later hash, by the public rule."""
    prev = AuditEvent.objects.get(seq=from_seq - 1).hash if from_seq > 1 else GENESIS
    for row in AuditEvent.objects.filter(seq__gte=from_seq).order_by("seq"):
        new = chain.public_digest(prev, row.seq, chain.row_payload(row))
        _sql("UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, new, row.seq])
        prev = new


def problems():
    result = verify()
    assert not result.ok
    return "\n".join(result.problems)


def test_events_chain_from_genesis_and_the_anchor_holds_each_head():
    events()
    rows = list(AuditEvent.objects.order_by("seq"))
    assert [r.seq for r in rows] == [1, 2, 3]
    assert rows[0].prev_hash == GENESIS
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
    assert rows[0].hash == chain.digest(GENESIS, 1, chain.row_payload(rows[0]))
    assert rows[0].hash != chain.public_digest(GENESIS, 1, chain.row_payload(rows[0]))  # keyed
    lines = anchor.path().read_text().splitlines()
    assert [line.split()[:3] for line in lines] == [["start", "1", rows[0].hash], ["head", "2", rows[1].hash],
                                                    ["head", "3", rows[2].hash]]
    result = verify()
    assert result.ok, result.problems
    assert result.count == 3


def test_rows_cannot_be_changed_or_deleted_through_the_model():
    events()
    row = AuditEvent.objects.get(seq=2)
    row.actor = "someone else"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()


def test_a_changed_middle_row_is_found():
    events(5)
    _sql("UPDATE audit_auditevent SET actor = %s WHERE seq = 3", ["person:evil"])
    assert "rij 3: inhoud gewijzigd" in problems()


def test_a_changed_detail_is_found():
    events()
    _sql("UPDATE audit_auditevent SET details = %s WHERE seq = 1", ['{"n":7}'])
    assert "rij 1: inhoud gewijzigd" in problems()


def test_a_middle_row_changed_and_the_chain_recomputed_without_the_key_is_found():
    events(5)
    _sql("UPDATE audit_auditevent SET actor = %s WHERE seq = 3", ["person:evil"])
    recompute_with_the_public_rule(3)
    found = problems()
    assert "rij 3 t/m 5: hash opnieuw berekend zonder de sleutel" in found
    assert "rij 3 t/m 5 wijkt af van het anker" in found


def test_a_chain_recomputed_with_another_key_is_found():
    events(5)
    _sql("UPDATE audit_auditevent SET actor = %s WHERE seq = 3", ["person:evil"])
    other, prev = chain.derive("another installation's secret key, 50 characters long", b"chain"), None
    for row in AuditEvent.objects.filter(seq__gte=3).order_by("seq"):
        prev = prev or row.prev_hash
        new = chain.digest(prev, row.seq, chain.row_payload(row), other)
        _sql("UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, new, row.seq])
        prev = new
    found = problems()
    assert "rij 3: inhoud gewijzigd" in found and "rij 5: inhoud gewijzigd" in found
    assert "rij 3 t/m 5 wijkt af van het anker" in found


def test_verifying_with_another_audit_key_says_so(settings, tmp_path):
    events(2)
    settings.SECRET_KEY = "another installation's secret key, 50 characters long"
    settings.ZORGID_AUDIT_KEY = tmp_path / "audit-key"
    assert keys.ensure()  # another installation's audit key, made from its SECRET_KEY
    found = problems()
    assert found.startswith("geen enkele rij past bij de sleutel van deze installatie")
    assert "anker, regel 1: de handtekening klopt niet" in found


def test_a_deleted_middle_row_is_found():
    events()
    _sql("DELETE FROM audit_auditevent WHERE seq = 2")
    found = problems()
    assert "rij 2 ontbreekt (verwijderd)" in found
    assert "rij 2 staat in het anker maar ontbreekt in het auditlog" in found


def test_the_newest_rows_deleted_are_found():
    events(5)
    _sql("DELETE FROM audit_auditevent WHERE seq > 3")
    assert verify(check_anchor=False).ok  # what is left is a valid chain: only the anchor shows it
    assert "nieuwste rijen verwijderd: het anker kent rij 5, het auditlog eindigt bij rij 3" in problems()


def test_the_newest_rows_deleted_and_new_events_appended_are_found():
    events(5)
    _sql("DELETE FROM audit_auditevent WHERE seq > 3")
    events(1, first=10)  # gets seq 4 again, with another hash
    found = problems()
    assert "rij 4 wijkt af van het anker" in found
    assert "nieuwste rijen verwijderd: het anker kent rij 5, het auditlog eindigt bij rij 4" in found


def test_the_newest_row_changed_is_found():
    events(4)
    _sql("UPDATE audit_auditevent SET subject = %s WHERE seq = 4", ["person:other"])
    assert "rij 4: inhoud gewijzigd" in problems()
    recompute_with_the_public_rule(4)
    found = problems()
    assert "rij 4: hash opnieuw berekend zonder de sleutel" in found and "rij 4 wijkt af van het anker" in found


def test_a_deleted_anchor_is_found_also_after_the_next_event():
    events()
    anchor.path().unlink()
    assert "anker ontbreekt" in problems()
    events(1, first=3)  # the next append begins a new anchor: at row 4, not 1
    assert "anker begint pas bij rij 4: het vorige anker is verwijderd of vervangen" in problems()


def test_a_rolled_back_anchor_is_found(tmp_path):
    events(3)
    shutil.copy(anchor.path(), tmp_path / "copy")
    events(2, first=3)
    shutil.copy(tmp_path / "copy", anchor.path())
    assert "anker loopt achter: rij 4 t/m 5 staan niet in het anker" in problems()


def test_an_anchor_without_its_first_lines_is_found():
    events(3)
    lines = anchor.path().read_text().splitlines(keepends=True)
    anchor.path().write_text("".join(lines[1:]))
    assert "anker: het begin ontbreekt" in problems()


def test_an_unreadable_anchor_is_found():
    events(1)
    anchor.path().unlink()
    anchor.path().mkdir()
    assert "anker niet te lezen" in problems()


def test_a_forged_or_garbled_anchor_line_is_found():
    events(2)
    last = anchor.path().read_text().splitlines()[-1].split(" ")
    forged = " ".join(["head", "9", last[2], last[3], last[4]])  # a MAC of another line
    with anchor.path().open("a") as handle:
        handle.write(forged + "\nnot a line\n")
    found = problems()
    assert "anker, regel 3: de handtekening klopt niet" in found and "anker, regel 4: onleesbaar" in found


def test_an_event_lands_only_with_its_transaction_and_so_does_its_anchor_line():
    events(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        record("test.event", actor="a")
        raise RuntimeError("the action failed")
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():  # a savepoint, rolled back
            record("test.event", actor="b")
            raise RuntimeError("the step failed")
        record("test.event", actor="c")
    assert list(AuditEvent.objects.values_list("seq", "actor")) == [(1, "person:0"), (2, "c")]
    assert [line.split()[1] for line in anchor.path().read_text().splitlines()] == ["1", "2"]
    assert verify().ok


def test_a_failed_anchor_write_does_not_fail_the_action(settings, tmp_path, caplog):
    settings.ZORGID_AUDIT_ANCHOR = tmp_path / "not-a-directory" / "anchor"
    (tmp_path / "not-a-directory").write_text("")
    events(1)
    assert AuditEvent.objects.count() == 1
    assert "auditanker" in caplog.text


def test_concurrent_appends_keep_one_unbroken_chain_and_anchor():
    def append(n):
        try:
            for i in range(10):
                record("test.concurrent", actor=f"thread:{n}", details={"i": i})
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = verify()
    assert result.ok, result.problems
    assert result.count == 80
    assert list(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, 81))
    assert len(anchor.path().read_text().splitlines()) == 80


APPENDER = """
import os, sys
import django
django.setup()
from zorgid.audit.services import record
for i in range(25):
    record("test.process", actor="process:" + sys.argv[1], details={"i": i})
"""


def test_several_processes_append_to_one_chain_and_one_anchor(settings, tmp_path):
    """As gunicorn's workers do: each process its own connection, all writing the same anchor file."""
    import os
    import subprocess
    import sys

    db = connection.settings_dict
    url = (f"sqlite:///{db['NAME']}" if connection.vendor == "sqlite" else
           f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}")
    env = {**os.environ, "DATABASE_URL": url, "ZORGID_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "zorgid.settings",
           "ZORGID_SECRET_KEY": settings.SECRET_KEY, "ZORGID_AUDIT_ANCHOR": str(settings.ZORGID_AUDIT_ANCHOR)}
    processes = [subprocess.Popen([sys.executable, "-c", APPENDER, str(n)], env=env, stderr=subprocess.PIPE)
                 for n in range(4)]
    for process in processes:
        assert process.wait(timeout=120) == 0, process.stderr.read().decode()[-2000:]
    result = verify()
    assert result.ok, result.problems
    assert result.count == 100
    lines = anchor.path().read_text().splitlines()
    assert len(lines) == 100 and sorted(int(line.split()[1]) for line in lines) == list(range(1, 101))
