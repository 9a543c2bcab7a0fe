"""The key share's device key and its failures with their times (docs/security.md).

The old count of wrong PIN proofs was reset by a right one: it is the count since the last use.
IDs activated before this have no device key: their app is told to restore a backup or activate again.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('identities', '0006_person_sessions_ended'),
    ]

    operations = [
        migrations.RenameField(model_name='keyshare', old_name='failures', new_name='wrong_since_use'),
        migrations.AddField(model_name='keyshare', name='device_key', field=models.TextField(blank=True)),
        migrations.AddField(model_name='keyshare', name='device_signed_at_ms',
                            field=models.BigIntegerField(default=0)),
        migrations.AddField(model_name='keyshare', name='failure_times', field=models.JSONField(default=list)),
        migrations.AddField(model_name='keyshare', name='last_use_at',
                            field=models.DateTimeField(blank=True, null=True)),
    ]
