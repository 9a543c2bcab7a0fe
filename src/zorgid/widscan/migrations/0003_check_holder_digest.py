from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('widscan', '0002_check_used_for'),
    ]

    operations = [
        migrations.AddField(
            model_name='widscancheck',
            name='holder_digest',
            field=models.CharField(blank=True, db_default='', default='', max_length=64),
        ),
    ]
