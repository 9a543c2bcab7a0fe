from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('care_apps', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='careapplication',
            name='wid_check_allowed',
            field=models.BooleanField(db_default=False, default=False),
        ),
    ]
