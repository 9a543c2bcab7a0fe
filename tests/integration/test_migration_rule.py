"""Every migration is backwards compatible for one release (docs/deployment.md, "Upgrading with migrations"): the
instances of the release before keep working on the migrated database during a rolling upgrade.

Checked on each migration's operations, for every migration after the ones that existed when the rule was written
(BEFORE_THE_RULE): no column or table removed or renamed, and a new column that is NOT NULL has a database default
(``db_default``; Django's ``default`` alone is no default in the database, so the older release's INSERT, which
does not name the new column, would fail). A migration that removes what the release before already stopped using
says so with a module attribute ``STOPPED_USING_IN`` (that release), and is let through.
"""

from __future__ import annotations

import sys

from django.db import migrations
from django.db.migrations.loader import MigrationLoader
from django.db.models import NOT_PROVIDED

BEFORE_THE_RULE = {
    "applications": {"0001_initial"},
    "audit": {"0001_initial", "0002_append_function", "0003_organisation", "0004_keyed_chain"},
    "care_apps": {"0001_initial"},
    "flows": {"0001_initial", "0002_card_flow", "0003_card_flow_page_state", "0004_login_flow_application",
              "0005_smartcard_purposes", "0006_login_flow_browser_index", "0007_card_flow_declined"},
    "identities": {"0001_initial", "0002_activation_uzi_attributes", "0003_wid_checks_and_blocks", "0004_key_shares",
                   "0005_employee_list_indexes", "0006_person_sessions_ended", "0007_key_share_device_key",
                   "0008_roles_to_organisations", "0009_certificate_status", "0010_smartcards",
                   "0011_moved_from_device_key", "0012_data_corrections"},
    "oidc": {"0001_initial", "0002_used_assertion", "0003_app_session_smartcard"},
    "organisations": {"0001_initial", "0002_employee_memberships", "0003_administrator_requests",
                      "0004_roles_from_identities", "0005_smartcard_links"},
    "outbox": {"0001_outgoing_mail"},
    "pki": {"0001_certificate_status"},
    "ratelimit": {"0001_counters", "0002_unlogged_counters"},
}
REMOVING = (migrations.RemoveField, migrations.DeleteModel, migrations.RenameField, migrations.RenameModel,
            migrations.AlterModelTable)


def breaks_the_rule(operation) -> str | None:
    """Why ``operation`` would break the release before, or None."""
    if isinstance(operation, REMOVING):
        return f"{type(operation).__name__}: the release before still uses it"
    if isinstance(operation, migrations.AddField):
        field = operation.field
        if not field.null and getattr(field, "db_default", NOT_PROVIDED) is NOT_PROVIDED:
            return (f"AddField {operation.model_name}.{operation.name}: NOT NULL without db_default; the release "
                    "before inserts rows without it")
    return None


def offences(loader: MigrationLoader) -> list[str]:
    found = []
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if not migration.__module__.startswith("zorgid.") or name in BEFORE_THE_RULE.get(app, set()):
            continue
        if getattr(sys.modules[migration.__module__], "STOPPED_USING_IN", None):
            continue
        for operation in migration.operations:
            reason = breaks_the_rule(operation)
            if reason:
                found.append(f"{app}.{name}: {reason}")
    return found


def test_every_new_migration_is_backwards_compatible_for_one_release():
    assert offences(MigrationLoader(None, ignore_no_migrations=True)) == []


def test_the_rule_refuses_a_removed_column_and_a_new_column_without_a_database_default():
    from django.db import models

    assert breaks_the_rule(migrations.RemoveField("mobileid", "device_name"))
    assert breaks_the_rule(migrations.RenameField("mobileid", "a", "b"))
    assert breaks_the_rule(migrations.AddField("keyshare", "key_id", models.PositiveIntegerField(default=0)))
    assert breaks_the_rule(migrations.AddField("keyshare", "key_id", models.PositiveIntegerField(db_default=0))) is None
    assert breaks_the_rule(migrations.AddField("mobileid", "note", models.TextField(null=True))) is None
    assert breaks_the_rule(migrations.AddIndex("mobileid", models.Index(fields=["id"], name="x"))) is None
