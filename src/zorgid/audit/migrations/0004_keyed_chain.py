"""The audit chain keyed and anchored (audit/chain.py, audit/anchor.py).

Rows made before this version carry the public rule's hash (plain SHA-256). Each is checked with that rule and,
as long as the chain is intact, converted to the keyed rule (HMAC with the installation's key); at the first
row that does not check out the conversion stops, so `zorgid audit verify` keeps reporting that row and those
after it instead of this migration hiding a change. The anchor then begins at the newest row ("upgrade").

On PostgreSQL the append function that hashed in the database is replaced by one that only takes the lock and
returns the head: the keyed hash is computed in Python, so the key never reaches the database.
"""

from django.db import migrations

from zorgid.audit import chain

DROP_APPEND = ("DROP FUNCTION IF EXISTS zorgid_audit_append(timestamptz, text, text, text, text, text, text, text, "
               "text, bigint);")
CREATE_HEAD = """
CREATE OR REPLACE FUNCTION zorgid_audit_head(p_lock bigint)
RETURNS TABLE (last_seq bigint, last_hash text) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(p_lock);
    RETURN QUERY SELECT a.seq, a.hash::text FROM audit_auditevent a ORDER BY a.seq DESC LIMIT 1;
END;
$$;
"""
DROP_HEAD = "DROP FUNCTION IF EXISTS zorgid_audit_head(bigint);"
CHUNK = 2000


def _rehash(apps, schema_editor, old_rule, new_rule):
    """Rewrite the hashes from ``old_rule`` to ``new_rule`` while the chain checks out under ``old_rule``."""
    AuditEvent = apps.get_model("audit", "AuditEvent")
    events = AuditEvent.objects.using(schema_editor.connection.alias)
    expected_seq, old_prev, new_prev = 1, chain.GENESIS, chain.GENESIS
    while True:  # in pages by sequence number: no open cursor over the rows being updated
        page = list(events.filter(seq__gte=expected_seq).order_by("seq")[:CHUNK])
        changed = []
        for row in page:
            text = chain.row_payload(row)
            if row.seq != expected_seq or row.prev_hash != old_prev or old_rule(row.prev_hash, row.seq, text) != row.hash:
                break
            old_prev = row.hash
            row.prev_hash, row.hash = new_prev, new_rule(new_prev, row.seq, text)
            new_prev, expected_seq = row.hash, row.seq + 1
            changed.append(row)
        events.bulk_update(changed, ["prev_hash", "hash"])
        if len(changed) < CHUNK:
            return


def forward(apps, schema_editor):
    key = chain.key()
    _rehash(apps, schema_editor, chain.public_digest, lambda prev, seq, text: chain.digest(prev, seq, text, key))
    events = apps.get_model("audit", "AuditEvent").objects.using(schema_editor.connection.alias)
    head = events.order_by("-seq").values_list("seq", "hash").first()  # also when the chain broke before it
    if head:
        from zorgid.audit import anchor

        schema_editor.connection.on_commit(lambda: anchor.begin_after_upgrade(*head))
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_APPEND)
        schema_editor.execute(CREATE_HEAD)


def backward(apps, schema_editor):
    key = chain.key()
    _rehash(apps, schema_editor, lambda prev, seq, text: chain.digest(prev, seq, text, key), chain.public_digest)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_HEAD)
        from importlib import import_module

        schema_editor.execute(import_module("zorgid.audit.migrations.0003_organisation").CREATE)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_organisation")]
    operations = [migrations.RunPython(forward, backward)]
