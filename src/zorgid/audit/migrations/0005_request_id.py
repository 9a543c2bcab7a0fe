"""Each audit event keeps the id of the request that recorded it (portal/request_ids.py). Rows from before
have none and hash as they did (chain.payload): `zorgid audit verify` checks old and new rows alike."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_keyed_chain'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='request_id',
            field=models.CharField(blank=True, db_default='', default='', max_length=64),
        ),
    ]
