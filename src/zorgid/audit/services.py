"""Recording and verifying audit events (R-SEC-AUDIT).

Every event stores who (actor), what (event and details), whom (subject), when (at, from the one
clock) and from where (ip). Each row's hash covers its content and the previous row's hash; the
sequence number has no gaps, so a changed, inserted or deleted row breaks the chain at that point.
Appends are serialised (an advisory lock on PostgreSQL, an immediate transaction on SQLite).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction

from zorgid import clock

from .models import AuditEvent

GENESIS = "0" * 64
_LOCK_KEY = 0x5A4F5247  # "ZORG"

# On PostgreSQL one call of zorgid_audit_append (migration 0002) takes the lock, reads the last row and
# appends the next, so the lock that keeps the chain in order is held for that call and the commit only
# (measured in bench/login.py). It hashes as digest() does: SHA-256 over "<prev_hash>:<seq>:<payload>".
_APPEND_POSTGRESQL = "SELECT zorgid_audit_append(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"


def payload(at_iso: str, event: str, actor: str, subject: str, ip: str, details: str, organisation: str) -> str:
    return json.dumps([at_iso, event, actor, subject, ip, details, organisation], separators=(",", ":"),
                      ensure_ascii=False)


def digest(prev_hash: str, seq: int, payload_text: str) -> str:
    return hashlib.sha256(f"{prev_hash}:{seq}:{payload_text}".encode()).hexdigest()


def _at_iso(at) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def record(event: str, *, actor: str, subject: str = "", ip: str = "", details: dict | None = None,
           organisation: str = "") -> None:
    """Append one event. Joins the caller's transaction, so the event lands only if the action does.

    ``organisation`` (a URA; by default the ``ura`` in ``details``) lets that organisation's administrators and
    beheerders see the event in their audit viewer.
    """
    details = details or {}
    fields = {"event": event, "actor": actor[:128], "subject": subject[:128], "ip": ip[:45],
              "details": json.dumps(details, sort_keys=True, separators=(",", ":"), ensure_ascii=False),
              "organisation": str(organisation or details.get("ura") or "")[:8]}
    at = clock.now()
    text = payload(_at_iso(at), **fields)
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(_APPEND_POSTGRESQL, [at, fields["event"], fields["actor"], fields["subject"],
                                                    fields["ip"], fields["details"], fields["organisation"], text,
                                                    GENESIS, _LOCK_KEY])
            return
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        row = AuditEvent(seq=seq, at=at, prev_hash=prev_hash, hash=digest(prev_hash, seq, text), **fields)
        row.save(_append=True)


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
        text = payload(_at_iso(row.at), row.event, row.actor, row.subject, row.ip, row.details, row.organisation)
        if digest(row.prev_hash, row.seq, text) != row.hash:
            problems.append(f"rij {row.seq}: inhoud gewijzigd")
        expected_seq, prev_hash = row.seq + 1, row.hash
        if len(problems) >= limit_problems:
            break
    return Verification(count, problems)
