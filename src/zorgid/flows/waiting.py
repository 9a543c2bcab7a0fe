"""Waiting for a flow's state to change, shared by every flow that a browser page waits on.

On PostgreSQL the waiting request LISTENs on the flow's channel and the changing transaction NOTIFYs it,
so the page learns of the change at once without asking many times; on SQLite it polls briefly.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import time
from collections.abc import Callable, Iterator

from django.db import connection, models

from zorgid import clock

SQLITE_POLL_SECONDS = 0.1
FLOW_ID = re.compile(r"[0-9a-f]{32}")


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


class Waiter:
    """Waits for a flow's change; made by :func:`listening`, which LISTENs before the flow is first read."""

    def __init__(self, listening: bool):
        self.listening = listening

    def wait(self, flow: models.Model, deadline: float, pending: Callable[[models.Model], bool],
             reload: Callable[[models.Model], None]) -> None:
        """Reload ``flow`` once it changed, or when it expires or the monotonic ``deadline`` passes."""
        if self.listening:
            remaining = deadline - time.monotonic()
            if pending(flow) and remaining > 0:
                for _ in connection.connection.notifies(timeout=remaining, stop_after=1):
                    break
                reload(flow)
            return
        while pending(flow) and time.monotonic() < deadline and not flow.is_expired(clock.now()):
            time.sleep(SQLITE_POLL_SECONDS)
            reload(flow)


@contextlib.contextmanager
def listening(flow_id: str, enabled: bool = True) -> Iterator[Waiter]:
    """LISTEN for the flow's channel before it is read, so no change can slip between read and wait.

    ``flow_id`` must be a flow id (32 lowercase hex characters) already checked by the caller.
    """
    if not (enabled and connection.vendor == "postgresql" and not connection.in_atomic_block):
        yield Waiter(listening=False)
        return
    if not FLOW_ID.fullmatch(flow_id):
        raise ValueError("not a flow id")
    name = channel(flow_id)
    with connection.cursor() as cursor:
        cursor.execute(f'LISTEN "{name}"')
        try:
            yield Waiter(listening=True)
        finally:
            cursor.execute(f'UNLISTEN "{name}"')
