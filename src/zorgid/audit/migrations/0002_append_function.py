"""On PostgreSQL: one function takes the audit chain's lock, reads the last row and appends the next.

The lock is then held for this one call and the commit (audit/services.py). VOLATILE, so each statement
inside sees what the previous lock holder committed.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION zorgid_audit_append(
    p_at timestamptz, p_event text, p_actor text, p_subject text, p_ip text, p_details text, p_payload text,
    p_genesis text, p_lock bigint
) RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    last_seq bigint;
    last_hash text;
BEGIN
    PERFORM pg_advisory_xact_lock(p_lock);
    SELECT seq, hash INTO last_seq, last_hash FROM audit_auditevent ORDER BY seq DESC LIMIT 1;
    IF NOT FOUND THEN
        last_seq := 0;
        last_hash := p_genesis;
    END IF;
    INSERT INTO audit_auditevent (seq, at, event, actor, subject, ip, details, prev_hash, hash)
    VALUES (last_seq + 1, p_at, p_event, p_actor, p_subject, p_ip, p_details, last_hash,
            encode(sha256(convert_to(last_hash || ':' || (last_seq + 1)::text || ':' || p_payload, 'UTF8')), 'hex'));
    RETURN last_seq + 1;
END;
$$;
"""
DROP = "DROP FUNCTION IF EXISTS zorgid_audit_append(timestamptz, text, text, text, text, text, text, text, bigint);"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
