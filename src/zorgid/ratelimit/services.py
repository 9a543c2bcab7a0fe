"""Counting requests against a limit, atomically across worker processes (docs/security.md).

``hit(key, limit, window)`` adds one to the counter of ``key`` in the current fixed window of length
``window`` and raises :class:`RateLimited` (ZID-RATE-LIMIT, 429, with the seconds to wait) once the count
passes ``limit``. The counter is one row per (key, window start), raised with a single
``INSERT … ON CONFLICT DO UPDATE … RETURNING`` on PostgreSQL and SQLite alike, so two processes can never
lose an increment.

Call ``hit`` outside a transaction that may roll back: a rolled-back increment does not count.
Old counters are removed by ``purge(before)``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math

from django.conf import settings
from django.db import connection

from zorgid import clock

from .errors import RateLimited
from .models import Counter

MAX_KEY = 128


def _key(key: str) -> str:
    if len(key) <= MAX_KEY:
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


def _window_start(now: dt.datetime, window: dt.timedelta) -> dt.datetime:
    seconds = max(1, int(window.total_seconds()))
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def count(key: str, window: dt.timedelta) -> int:
    """Add one to ``key``'s counter in the current window and return the new count."""
    start = _window_start(clock.now(), window)
    table = connection.ops.quote_name(Counter._meta.db_table)
    q = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({q('key')}, {q('window_start')}, {q('expires_at')}, {q('count')}) "  # noqa: S608
            f"VALUES (%s, %s, %s, 1) ON CONFLICT ({q('key')}, {q('window_start')}) "
            f"DO UPDATE SET {q('count')} = {table}.{q('count')} + 1 RETURNING {q('count')}",
            [_key(key), adapt(start), adapt(start + window)],
        )
        return int(cursor.fetchone()[0])


def hit(key: str, limit: int, window: dt.timedelta) -> None:
    """One more request for ``key``; RateLimited when this one is over ``limit`` in its ``window``.

    ``limit`` is scaled by the setting ZORGID_RATE_LIMIT_FACTOR (1 in production; raised for load tests).
    """
    allowed = math.floor(limit * getattr(settings, "ZORGID_RATE_LIMIT_FACTOR", 1))
    counted = count(key, window)
    if counted > allowed:
        now = clock.now()
        end = _window_start(now, window) + window
        raise RateLimited(retry_after=math.ceil((end - now).total_seconds()))


def purge(before: dt.datetime) -> int:
    """Delete the counters of windows that ended before ``before``; the number deleted."""
    deleted, _ = Counter.objects.filter(expires_at__lt=before).delete()
    return deleted


def limit(rule: str, subject: str) -> None:
    """``hit`` with the numbers of the named rule in the setting ZORGID_RATE_LIMITS: (requests, seconds)."""
    requests, seconds = settings.ZORGID_RATE_LIMITS[rule]
    hit(f"{rule}:{subject}", requests, dt.timedelta(seconds=seconds))
