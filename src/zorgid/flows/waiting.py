"""Waiting for a flow's state to change, shared by every flow that a browser page waits on (docs/security.md).

A waiting status request (a long poll) holds a thread, but no database connection: it gives its connection
back before it waits and opens one again only to read the changed flow.

On PostgreSQL the changing transaction NOTIFYs one channel with the flow's id, and one listener thread per
process, on one LISTEN connection of its own, wakes the requests waiting for that flow, so the page learns
of the change at once. On SQLite (and inside a transaction, as in tests) the request polls briefly.

Waits are bounded per process: at most ZORGID_WAIT_SLOTS at a time and ZORGID_WAITS_PER_CLIENT per client
address (:func:`wait_slot`); a status request beyond them answers at once and the page asks again later.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections

from zorgid import clock

if TYPE_CHECKING:
    from .models import Flow

SQLITE_POLL_SECONDS = 0.1
FALLBACK_POLL_SECONDS = 1.0  # PostgreSQL when the listener cannot be reached: poll, slowly
LISTENER_READY_SECONDS = 2.0
LISTENER_CHECK_SECONDS = 30.0  # the listener's connection is checked this often while it is quiet
CHANNEL = "zorgid_flows"
FLOW_ID = re.compile(r"[0-9a-f]{32}")

log = logging.getLogger("zorgid.flows.waiting")


def notify(flow_id: str) -> None:
    """Call inside the transaction that changes the flow; delivered when it commits."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, flow_id])


# ------------------------------------------------------------------------------------------------ slots


@dataclass(frozen=True)
class WaitSlot:
    seconds: float  # how long this status request may wait: 0 when it did not ask or no slot was free
    refused: bool = False  # it asked to wait but no slot was free: the page should ask again after a while

    def answer_fields(self) -> dict[str, int]:
        """What the status answer adds: when refused, the seconds after which the page asks again."""
        return {"retry_after": settings.ZORGID_WAIT_RETRY_SECONDS} if self.refused else {}


class _Slots:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.total = 0
        self.by_client: collections.Counter[str] = collections.Counter()

    def take(self, client: str) -> bool:
        with self.lock:
            if self.total >= settings.ZORGID_WAIT_SLOTS or self.by_client[client] >= settings.ZORGID_WAITS_PER_CLIENT:
                return False
            self.total += 1
            self.by_client[client] += 1
            return True

    def give_back(self, client: str) -> None:
        with self.lock:
            self.total -= 1
            self.by_client[client] -= 1
            if self.by_client[client] <= 0:
                del self.by_client[client]


_slots = _Slots()


@contextlib.contextmanager
def wait_slot(client: str, *, wanted: bool) -> Iterator[WaitSlot]:
    """A slot for one waiting status request of ``client`` (its address), held while the block runs."""
    if not wanted:
        yield WaitSlot(0)
        return
    if not _slots.take(client):
        yield WaitSlot(0, refused=True)
        return
    try:
        yield WaitSlot(settings.ZORGID_LOGIN_WAIT_SECONDS)
    finally:
        _slots.give_back(client)


# --------------------------------------------------------------------------------------------- listener


class _Listener:
    """One LISTEN connection per process; wakes the requests waiting for a flow when its id is notified.

    When the connection is lost, every waiting request is woken to read its flow again (a notification may
    have been missed), and the thread connects anew.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.events: dict[str, set[threading.Event]] = {}
        self.ready = threading.Event()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.pid = 0

    def register(self, flow_id: str) -> threading.Event | None:
        """An event set when ``flow_id`` changes; None when no listener could be started in time."""
        self._start()
        if not self.ready.wait(LISTENER_READY_SECONDS):
            return None
        event = threading.Event()
        with self.lock:
            self.events.setdefault(flow_id, set()).add(event)
        return event

    def unregister(self, flow_id: str, event: threading.Event) -> None:
        with self.lock:
            waiting = self.events.get(flow_id)
            if waiting is not None:
                waiting.discard(event)
                if not waiting:
                    del self.events[flow_id]

    def stop(self) -> None:
        """End the listener and close its connection (tests, before their database is dropped)."""
        thread = self.thread
        self.stopping.set()
        if thread is not None:
            thread.join(timeout=10)
        self.thread = None
        self.stopping.clear()

    def _start(self) -> None:
        with self.lock:
            if self.pid != os.getpid():  # a forked child does not inherit the parent's thread
                self.thread, self.pid = None, os.getpid()
                self.ready.clear()
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="zorgid-flow-listener", daemon=True)
                self.thread.start()

    def _wake(self, flow_id: str) -> None:
        with self.lock:
            for event in self.events.get(flow_id, ()):
                event.set()

    def _wake_all(self) -> None:
        with self.lock:
            for waiting in self.events.values():
                for event in waiting:
                    event.set()

    def _run(self) -> None:
        while not self.stopping.is_set():
            raw = None
            try:
                raw = _listen_connection()
                raw.execute("LISTEN " + CHANNEL)
                self.ready.set()
                self._wake_all()  # a change while there was no listener: read again
                checked = time.monotonic()
                while not self.stopping.is_set():
                    for note in raw.notifies(timeout=1.0):
                        self._wake(note.payload)
                    if time.monotonic() - checked > LISTENER_CHECK_SECONDS:
                        raw.execute("SELECT 1")
                        checked = time.monotonic()
            except Exception:  # noqa: BLE001 (any failure of the connection: connect again)
                log.warning("the flow listener lost its database connection; connecting again", exc_info=True)
            finally:
                self.ready.clear()
                self._wake_all()
                if raw is not None:
                    with contextlib.suppress(Exception):
                        raw.close()
            self.stopping.wait(1.0)


def _listen_connection() -> psycopg.Connection:
    """A connection of the listener's own, never one of the pool's: it stays LISTENing for the process's life, and a
    pooled connection given back while LISTENing would pile up notifications no one reads."""
    params = connections[DEFAULT_DB_ALIAS].get_connection_params()
    return psycopg.connect(**params, autocommit=True)


_listener = _Listener()


def stop_listener() -> None:
    """Close this process's listener connection (it starts again on the next wait)."""
    _listener.stop()


# ------------------------------------------------------------------------------------------------- waiter


def _release_connection() -> None:
    """Give the request's database connection back while it waits; the next query opens one again."""
    if not connection.in_atomic_block:
        connection.close()


_waiting = [0]  # requests of this process now waiting, without a connection
_waiting_lock = threading.Lock()


def waits_now() -> int:
    """How many requests of this process are waiting for a flow right now (for tests)."""
    return _waiting[0]


@contextlib.contextmanager
def _counted() -> Iterator[None]:
    with _waiting_lock:
        _waiting[0] += 1
    try:
        yield
    finally:
        with _waiting_lock:
            _waiting[0] -= 1


class Waiter:
    """Waits for a flow's change; made by :func:`listening`, which registers before the flow is first read."""

    def __init__(self, event: threading.Event | None, *, release: bool, poll_seconds: float = SQLITE_POLL_SECONDS):
        self.event = event
        self.release = release
        self.poll_seconds = poll_seconds

    def wait(self, flow: Flow, deadline: float) -> None:
        """Reload ``flow`` once it changed; return when it is no longer pending, or when ``deadline`` passes.

        The caller puts the monotonic deadline no later than the flow's expiry, so a flow that did not change
        is still pending, or expired, without being read again.
        """
        if self.event is not None:
            while flow.pending():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                _release_connection()
                with _counted():
                    changed = self.event.wait(remaining)
                if not changed:
                    return
                self.event.clear()  # before reading: a change after this read wakes the next round
                flow.reload()
            return
        while flow.valid(clock.now()) and time.monotonic() < deadline:
            if self.release:
                _release_connection()
            with _counted():
                time.sleep(min(self.poll_seconds, max(0.0, deadline - time.monotonic())))
            flow.reload()


@contextlib.contextmanager
def listening(flow_id: str, enabled: bool = True) -> Iterator[Waiter]:
    """Register for the flow's changes before it is read, so no change can slip between read and wait.

    ``flow_id`` must be a flow id (32 lowercase hex characters) already checked by the caller.
    """
    if not enabled or connection.in_atomic_block:  # inside a transaction nothing is notified: poll
        yield Waiter(None, release=False)
        return
    if connection.vendor != "postgresql":
        yield Waiter(None, release=True)
        return
    if not FLOW_ID.fullmatch(flow_id):
        raise ValueError("not a flow id")
    event = _listener.register(flow_id)
    if event is None:
        yield Waiter(None, release=True, poll_seconds=FALLBACK_POLL_SECONDS)
        return
    try:
        yield Waiter(event, release=True)
    finally:
        _listener.unregister(flow_id, event)
