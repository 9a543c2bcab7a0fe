"""The counters' table without the write-ahead log on PostgreSQL (ratelimit/services.py).

A request's count is then written without a disk flush at its commit; the price is that a crash of the database
server empties the table (every client's budget starts again), and a replica has no counters, which a standby
taking over starts from zero as well. SQLite has no such tables: nothing changes there.
"""

from django.db import migrations


def _alter(logged: bool):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE ratelimit_counter SET {'LOGGED' if logged else 'UNLOGGED'}")
    return run


class Migration(migrations.Migration):
    dependencies = [("ratelimit", "0001_counters")]

    operations = [migrations.RunPython(_alter(logged=False), _alter(logged=True))]
