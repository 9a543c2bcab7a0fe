"""Counting requests against a limit, atomically across worker processes (docs/security.md).

``hit(key, limit, window)`` adds one to the counter of ``key`` in the current fixed window of length
``window`` and raises :class:`RateLimited` (ZID-RATE-LIMIT, 429, with the seconds to wait) once the count
passes ``limit``. The counter is one row per (key, window start), raised with a single
``INSERT … ON CONFLICT DO UPDATE … RETURNING`` on PostgreSQL and SQLite alike, so two processes can never
lose an increment. ``limit_all`` counts several rules of one request in that one statement.

On PostgreSQL the counters' table is UNLOGGED (migration 0002): a count is written without the write-ahead log,
so a request's count costs no disk flush; after a crash of the database server the counters start again at zero.

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
    return count_all([(key, window)])[0]


def count_all(keys: list[tuple[str, dt.timedelta]]) -> list[int]:
    """Add one to each (key, window)'s counter in its current window, in one statement; the new counts, in order."""
    now = clock.now()
    rows = {}
    for key, window in keys:
        start = _window_start(now, window)
        rows[(_key(key), start)] = start + window
    table = connection.ops.quote_name(Counter._meta.db_table)
    q = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    values = ", ".join(["(%s, %s, %s, 1)"] * len(rows))
    params = [value for (key, start), end in rows.items() for value in (key, adapt(start), adapt(end))]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({q('key')}, {q('window_start')}, {q('expires_at')}, {q('count')}) "  # noqa: S608
            f"VALUES {values} ON CONFLICT ({q('key')}, {q('window_start')}) "
            f"DO UPDATE SET {q('count')} = {table}.{q('count')} + 1 RETURNING {q('key')}, {q('count')}",
            params,
        )
        counted = {key: int(number) for key, number in cursor.fetchall()}
    return [counted[_key(key)] for key, _ in keys]


def _allowed(limit: int) -> int:
    """``limit`` scaled by the setting ZORGID_RATE_LIMIT_FACTOR (1 in production; raised for load tests)."""
    return math.floor(limit * getattr(settings, "ZORGID_RATE_LIMIT_FACTOR", 1))


def _refusal(window: dt.timedelta) -> RateLimited:
    now = clock.now()
    end = _window_start(now, window) + window
    return RateLimited(retry_after=math.ceil((end - now).total_seconds()))


def hit(key: str, limit: int, window: dt.timedelta) -> None:
    """One more request for ``key``; RateLimited when this one is over ``limit`` in its ``window``.

    ``limit`` is scaled by the setting ZORGID_RATE_LIMIT_FACTOR (1 in production; raised for load tests).
    """
    if count(key, window) > _allowed(limit):
        raise _refusal(window)


def purge(before: dt.datetime) -> int:
    """Delete the counters of windows that ended before ``before``; the number deleted."""
    deleted, _ = Counter.objects.filter(expires_at__lt=before).delete()
    return deleted


def limit(rule: str, subject: str) -> None:
    """``hit`` with the numbers of the named rule in the setting ZORGID_RATE_LIMITS: (requests, seconds)."""
    limit_all([(rule, subject)])


def limit_all(rules: list[tuple[str, str]]) -> None:
    """``limit`` for each (rule, subject), counted in one statement: every one counts, and RateLimited names the
    longest wait of those over their limit."""
    numbers = [settings.ZORGID_RATE_LIMITS[rule] for rule, _ in rules]
    windows = [dt.timedelta(seconds=seconds) for _, seconds in numbers]
    counts = count_all([(f"{rule}:{subject}", window) for (rule, subject), window in zip(rules, windows, strict=True)])
    over = [_refusal(window) for counted, (requests, _), window in zip(counts, numbers, windows, strict=True)
            if counted > _allowed(requests)]
    if over:
        raise max(over, key=lambda refusal: refusal.retry_after)
