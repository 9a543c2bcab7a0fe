# Roles moved to the organisations app (organisations 0004): only the migration state changes here; the table
# identities_roleassignment, its rows, constraints and index stay as they are.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('identities', '0007_key_share_device_key'),
        ('organisations', '0003_administrator_requests'),  # after the last migration that reads the old model
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='RoleAssignment')],
            database_operations=[],
        ),
    ]
