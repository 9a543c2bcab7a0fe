"""Every metric zorgid exports at /metrics (Prometheus text format), defined once; the code where an event happens
counts it here. Only counter increments and histogram observations: no SQL, no lock held long (docs/architecture.md,
"The login's hot path").

Under ``zorgid serve`` every gunicorn worker writes its values to files in PROMETHEUS_MULTIPROC_DIR (set by
zorgid.serve before a worker starts, one directory per instance, emptied at start); /metrics reads them all, so the
figures are the instance's, not one worker's. Without that variable (tests, ``manage.py runserver``) the values live
in this process's default registry.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable

MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# Flow latencies: a person reads the QR code, opens the app, types a PIN; seconds to minutes.
FLOW_BUCKETS = (0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800)
# Appending one audit event: a statement or two inside the caller's transaction; milliseconds.
AUDIT_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)


def _define() -> dict[str, object]:
    from functools import partial

    from prometheus_client import REGISTRY, Counter, Histogram

    # in multiprocess mode /metrics reads the files, not a registry (a second definition must not clash)
    registry = None if multiprocess_directory() else REGISTRY
    Counter, Histogram = partial(Counter, registry=registry), partial(Histogram, registry=registry)  # noqa: N806
    return {
        "logins": Counter(
            "zorgid_logins", "Logins with a Mobile ID or ZORG-ID Smartcard: kind portal or application (OpenID "
            "Connect); outcome started (a QR code shown), approved (the app's signed approval), refused (code: the "
            "error code), done (the browser logged in), expired (approved, but the browser came too late).",
            ["kind", "outcome", "code"]),
        "login_flow_seconds": Histogram(
            "zorgid_login_flow_seconds", "Seconds from a login flow's start to a step: approval (the app's approval "
            "taken) and done (the browser logged in).", ["kind", "step"], buckets=FLOW_BUCKETS),
        "application_tokens": Counter(
            "zorgid_application_tokens", "A healthcare application's code exchanges at /oidc/token: outcome issued "
            "or refused (code: the ZID code, else the OAuth error).", ["outcome", "code"]),
        "activations": Counter(
            "zorgid_activations", "Mobile ID activations by the app: outcome activated or refused (code: the error "
            "code).", ["outcome", "code"]),
        "card_sessions": Counter(
            "zorgid_card_sessions", "Card sessions with the Desktop App by purpose: outcome started, answered (the "
            "card checked), declined (Nee in the Desktop App), refused (code: the error code).",
            ["purpose", "outcome", "code"]),
        "key_share_refusals": Counter(
            "zorgid_key_share_refusals", "Key-share unlocks refused: wrong_pin (a wrong PIN counted, no wait yet), "
            "locked (a wrong PIN that starts a wait), wait (asked during a wait).", ["reason"]),
        "audit_append_seconds": Histogram(
            "zorgid_audit_append_seconds", "Seconds to append one event to the audit log (inside its transaction).",
            buckets=AUDIT_BUCKETS),
    }


# The metrics are made at their first use, not at import: ``zorgid serve`` imports this module in gunicorn's master
# (Django's start) before it sets PROMETHEUS_MULTIPROC_DIR; a value made then would live in the master's memory.
_metrics: dict[str, object] = {}
_lock = threading.Lock()
NAMES = ("logins", "login_flow_seconds", "application_tokens", "activations", "card_sessions", "key_share_refusals",
         "audit_append_seconds")


def __getattr__(name: str):
    if name not in NAMES:
        raise AttributeError(name)
    if not _metrics:
        with _lock:
            if not _metrics:
                _metrics.update(_define())
    return _metrics[name]


def multiprocess_directory() -> str | None:
    """The directory the workers of this instance write their values to, or None outside ``zorgid serve``."""
    return os.environ.get(MULTIPROCESS_DIR_VARIABLE) or None


def exposition(extra: Iterable[object] = ()) -> bytes:
    """The instance's metrics in the Prometheus text format, with ``extra`` collectors read now (a gauge such as the
    mail queue's length, counted at scrape time)."""
    from prometheus_client import CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    __getattr__(NAMES[0])  # every metric defined, so each is listed from the first scrape on
    directory = multiprocess_directory()
    if directory:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=directory)
    else:
        registry = CollectorRegistry()
        registry.register(_Default())
    for collector in extra:
        registry.register(collector)
    return generate_latest(registry)


class _Default:
    """This process's own values (no multiprocess directory): those of the default registry."""

    def collect(self):
        from prometheus_client import REGISTRY

        return REGISTRY.collect()


def use_directory(directory: str) -> None:
    """Make every metric of this process and of the processes it forks write to ``directory`` (zorgid.serve, in
    gunicorn's master before its workers start). The directory must be empty: old files would count again."""
    os.environ[MULTIPROCESS_DIR_VARIABLE] = directory
    from prometheus_client import values

    values.ValueClass = values.get_value_class()
    with _lock:
        _metrics.clear()  # made anew at their next use, writing to the directory


def mark_worker_dead(pid: int) -> None:
    """gunicorn's child_exit: a dead worker's live gauges are dropped (its counters stay in the instance's sum)."""
    from prometheus_client import multiprocess

    directory = multiprocess_directory()
    if directory:
        multiprocess.mark_process_dead(pid, path=directory)
