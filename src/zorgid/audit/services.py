"""Recording and verifying audit events (R-SEC-AUDIT).

Every event stores who (actor), what (event and details), whom (subject), when (at, from the one
clock) and from where (ip). Each row's hash covers its content and the previous row's hash; the
sequence number has no gaps, so a changed, inserted or deleted row breaks the chain at that point.
Appends are serialised (an advisory lock on PostgreSQL, an immediate transaction on SQLite).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction

from zorgid import clock

from .models import AuditEvent

GENESIS = "0" * 64
_LOCK_KEY = 0x5A4F5247  # "ZORG"


def _digest(prev_hash: str, seq: int, at_iso: str, event: str, actor: str, subject: str, ip: str,
            details: str) -> str:
    body = json.dumps([seq, at_iso, event, actor, subject, ip, details], separators=(",", ":"))
    return hashlib.sha256(prev_hash.encode("ascii") + body.encode("utf-8")).hexdigest()


def _at_iso(event: AuditEvent) -> str:
    return event.at.astimezone(clock.now().tzinfo).isoformat(timespec="microseconds")


def record(event: str, *, actor: str, subject: str = "", ip: str = "", details: dict | None = None) -> AuditEvent:
    """Append one event. Joins the caller's transaction, so the event lands only if the action does."""
    text = json.dumps(details or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        row = AuditEvent(
            seq=seq, at=clock.now(), event=event, actor=actor[:128], subject=subject[:128], ip=ip[:45],
            details=text, prev_hash=prev_hash,
        )
        row.hash = _digest(prev_hash, seq, _at_iso(row), row.event, row.actor, row.subject, row.ip, text)
        row.save(_append=True)
        return row


@dataclass(frozen=True)
class Verification:
    count: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(limit_problems: int = 20) -> Verification:
    """Walk the whole chain and report every row that was changed, inserted or deleted."""
    problems: list[str] = []
    expected_seq, prev_hash, count = 1, GENESIS, 0
    for row in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        count += 1
        if row.seq != expected_seq:
            problems.append(f"rij {expected_seq} t/m {row.seq - 1} ontbreekt (verwijderd)")
        elif row.prev_hash != prev_hash:
            problems.append(f"rij {row.seq}: verwijst niet naar de vorige rij")
        digest = _digest(row.prev_hash, row.seq, _at_iso(row), row.event, row.actor, row.subject, row.ip,
                         row.details)
        if digest != row.hash:
            problems.append(f"rij {row.seq}: inhoud gewijzigd")
        expected_seq, prev_hash = row.seq + 1, row.hash
        if len(problems) >= limit_problems:
            break
    return Verification(count, problems)
