"""The organisation (URA) of an event, for the organisation's audit viewer; it is part of the hashed content,
so the append function takes it too."""

from django.db import migrations, models

CREATE = """
DROP FUNCTION IF EXISTS zorgid_audit_append(timestamptz, text, text, text, text, text, text, text, bigint);
CREATE OR REPLACE FUNCTION zorgid_audit_append(
    p_at timestamptz, p_event text, p_actor text, p_subject text, p_ip text, p_details text, p_organisation text,
    p_payload text, p_genesis text, p_lock bigint
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
    INSERT INTO audit_auditevent (seq, at, event, actor, subject, ip, details, organisation, prev_hash, hash)
    VALUES (last_seq + 1, p_at, p_event, p_actor, p_subject, p_ip, p_details, p_organisation, last_hash,
            encode(sha256(convert_to(last_hash || ':' || (last_seq + 1)::text || ':' || p_payload, 'UTF8')), 'hex'));
    RETURN last_seq + 1;
END;
$$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_function")]
    operations = [
        migrations.AddField("auditevent", "organisation",
                            models.CharField(blank=True, db_index=True, max_length=8, default=""),
                            preserve_default=False),
        migrations.RunPython(create, migrations.RunPython.noop),
    ]
