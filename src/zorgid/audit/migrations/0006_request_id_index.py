"""An index on the request id, for the audit viewers' filter by request (docs/security.md, "Logs"): without it the
operator's filter, across every organisation, reads the whole table.

On PostgreSQL the index is built CONCURRENTLY (outside a transaction): the audit log is the largest table and is
appended to by every instance during a rolling upgrade (docs/deployment.md, "Upgrading with migrations"); a plain
CREATE INDEX would hold its appends for as long as the build takes."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class AddIndexOnline(AddIndexConcurrently):
    """CREATE INDEX CONCURRENTLY on PostgreSQL, a plain CREATE INDEX elsewhere (SQLite: one process writes)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ('audit', '0005_request_id'),
    ]

    operations = [
        AddIndexOnline(
            model_name='auditevent',
            index=models.Index(fields=['request_id'], name='audit_event_request_id'),
        ),
    ]
