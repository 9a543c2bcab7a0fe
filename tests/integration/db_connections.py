"""How many of this process's database connections requests hold now (PostgreSQL's pool, settings.py).

A waiting status request gives its connection back to the pool before it waits (flows.waiting): connections the
pool keeps open for the next request are not held by anyone, so open connections (pg_stat_activity) say nothing;
the pool's own count of connections handed out does. The flow listener's connection is its own, not the pool's.
"""

from django.db import connection


def connections_in_use() -> int:
    stats = connection.pool.get_stats()
    return stats["pool_size"] - stats["pool_available"]
