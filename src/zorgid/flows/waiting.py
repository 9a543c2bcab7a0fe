"""Waiting for a flow's state to change, shared by every flow that a browser page waits on.

On PostgreSQL the waiting request LISTENs on the flow's channel and the changing transaction NOTIFYs it,
so the page learns of the change at once without asking many times; on SQLite it polls briefly.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.db import connection, models

from zorgid import clock

SQLITE_POLL_SECONDS = 0.1


def binding_hash(browser_secret: str) -> str:
    """A flow keeps only the hash of the browser session's secret it is bound to."""
    return hashlib.sha256(browser_secret.encode("utf-8")).hexdigest()


def channel(flow_id: str) -> str:
    return f"zorgid_flow_{flow_id}"  # flow ids are lowercase hex: a safe identifier


def notify(flow_id: str) -> None:
    """Call inside the transaction that changes the flow; delivered when it commits."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, '')", [channel(flow_id)])


def wait_while_pending(flow: models.Model, deadline: float, pending: Callable[[models.Model], bool],
                       reload: Callable[[models.Model], None]) -> None:
    """Reload ``flow`` until it is no longer pending, it expires, or the monotonic ``deadline`` passes."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        _wait_postgresql(flow, deadline, pending, reload)
        return
    while pending(flow) and time.monotonic() < deadline and not flow.is_expired(clock.now()):
        time.sleep(SQLITE_POLL_SECONDS)
        reload(flow)


def _wait_postgresql(flow, deadline, pending, reload) -> None:
    name = channel(flow.pk)
    with connection.cursor() as cursor:
        cursor.execute(f'LISTEN "{name}"')
        try:
            reload(flow)  # a change committed before LISTEN took effect is seen here
            remaining = deadline - time.monotonic()
            if pending(flow) and remaining > 0:
                for _ in connection.connection.notifies(timeout=remaining, stop_after=1):
                    break
                reload(flow)
        finally:
            cursor.execute(f'UNLISTEN "{name}"')
