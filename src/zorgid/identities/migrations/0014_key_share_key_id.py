"""Each key share records the keyring's key that sealed it (identities/keyring.py); every existing share was sealed
by the key derived from SECRET_KEY, key 0 of the keyring made at the first start."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("identities", "0013_mobile_id_device_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="keyshare",
            name="key_id",
            field=models.PositiveIntegerField(db_default=0, default=0),
        ),
    ]
