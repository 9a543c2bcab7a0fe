"""The audit log's hash chain (R-SEC-AUDIT): a changed, inserted or deleted row is found."""

import pytest
from django.db import connection

from zorgid.audit.models import AuditEvent
from zorgid.audit.services import GENESIS, record, verify

pytestmark = pytest.mark.django_db


def three_events():
    for n in range(3):
        record("test.event", actor=f"person:{n}", subject="person:x", ip="127.0.0.1", details={"n": n, "é": "ü"})


def test_events_chain_from_genesis():
    three_events()
    rows = list(AuditEvent.objects.order_by("seq"))
    assert [r.seq for r in rows] == [1, 2, 3]
    assert rows[0].prev_hash == GENESIS
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
    result = verify()
    assert result.ok and result.count == 3


def test_rows_cannot_be_changed_or_deleted_through_the_model():
    three_events()
    row = AuditEvent.objects.get(seq=2)
    row.actor = "someone else"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_a_changed_row_is_found():
    three_events()
    _sql("UPDATE audit_auditevent SET actor = %s WHERE seq = 2", ["person:evil"])
    result = verify()
    assert not result.ok and any("rij 2" in p and "gewijzigd" in p for p in result.problems)


def test_a_deleted_row_is_found():
    three_events()
    _sql("DELETE FROM audit_auditevent WHERE seq = 2")
    result = verify()
    assert not result.ok and any("ontbreekt" in p for p in result.problems)


def test_a_changed_detail_is_found():
    three_events()
    _sql("UPDATE audit_auditevent SET details = %s WHERE seq = 1", ['{"n":7}'])
    assert not verify().ok


def test_an_event_lands_only_with_its_transaction():
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        record("test.event", actor="a")
        raise RuntimeError("the action failed")
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_unbroken_chain():
    import threading

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
