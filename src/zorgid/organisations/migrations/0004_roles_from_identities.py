# Roles, moved here from the identities app (identities 0008): the model takes over the existing table
# identities_roleassignment with its rows, constraints and index; nothing in the database changes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('identities', '0008_roles_to_organisations'),
        ('organisations', '0003_administrator_requests'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='RoleAssignment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('operator', 'Operator (servicedesk)'), ('administrator', 'Portaal administrator'), ('beheerder', 'Portaal beheerder'), ('medewerker', 'Zorgmedewerker')], max_length=16)),
                        ('granted_at', models.DateTimeField()),
                        ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='roles', to='organisations.organisation')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='roles', to='identities.person')),
                    ],
                    options={
                        'db_table': 'identities_roleassignment',
                        'indexes': [models.Index(fields=['organisation', 'person'], name='identities__organis_16a1f1_idx')],
                        'constraints': [models.UniqueConstraint(fields=('person', 'role', 'organisation'), name='unique_role_assignment'), models.UniqueConstraint(condition=models.Q(('organisation__isnull', True)), fields=('person', 'role'), name='unique_role_without_organisation')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
