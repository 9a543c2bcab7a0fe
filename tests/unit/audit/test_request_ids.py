"""An audit event keeps the id of the request that recorded it, inside the keyed chain (audit/chain.py): a row
without one (from before, or from a command) hashes as it always did; a changed request id is found."""

import pytest
from django.db import connection

from zorgid import request_context
from zorgid.audit import chain
from zorgid.audit.models import AuditEvent
from zorgid.audit.services import record, verify

pytestmark = pytest.mark.django_db
REQUEST_ID = "0123456789abcdef0123456789abcdef"


def in_request(request_id=REQUEST_ID, **kwargs):
    token = request_context.begin(request_id)
    try:
        record("test.event", **kwargs)
    finally:
        request_context.end(token)


def test_events_in_a_request_carry_its_id_and_others_none():
    record("test.event", actor="cli:beheer")
    in_request(actor="person:1")
    outside, inside = AuditEvent.objects.order_by("seq")
    assert (outside.request_id, inside.request_id) == ("", REQUEST_ID)
    assert chain.row_payload(outside) == chain.payload(chain.at_iso(outside.at), "test.event", "cli:beheer", "", "",
                                                       "{}", "")  # seven elements: as before the column
    assert chain.row_payload(inside).endswith(f',"{REQUEST_ID}"]')
    assert verify(check_anchor=False).ok


@pytest.mark.parametrize("changed", ["", "ffffffffffffffffffffffffffffffff"])
def test_a_changed_or_removed_request_id_is_found(changed):
    in_request(actor="person:1")
    in_request(actor="person:2")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET request_id = %s WHERE seq = 1", [changed])
    assert "rij 1: inhoud gewijzigd" in verify(check_anchor=False).problems


def test_the_first_opaque_actor_of_a_request_is_its_actor():
    token = request_context.begin(REQUEST_ID)
    try:
        record("test.event", actor="app")
        record("test.event", actor="mobile_id:abc123")
        record("test.event", actor="person:xyz")
        assert request_context.current().actor == "mobile_id:abc123"
    finally:
        request_context.end(token)
    assert request_context.current() is None
