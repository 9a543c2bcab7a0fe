"""Recording and verifying audit events (R-SEC-AUDIT, docs/security.md).

Every event stores who (actor), what (event and details), whom (subject), when (at, from the one clock), from where
(ip) and in which request (request_id, zorgid.request_context). Each row's hash is keyed (an HMAC with a key that
is not in the database, see chain.py) and covers its content and the previous row's hash; the sequence number has
no gaps. So a changed, inserted or deleted row breaks the chain at that point, and the chain cannot be recomputed
after a change without the key. After each commit the new head is also written outside the database (anchor.py), so
that deleting the newest rows shows too.

Appends are serialised: on PostgreSQL ``zorgid_audit_head`` (migration 0004) takes a transaction-level advisory
lock and reads the last row, then the row is inserted with its HMAC computed here, so the key never reaches
the database (not even as a parameter that a statement log could keep); the lock is held for those two
statements and the commit. On SQLite every transaction is IMMEDIATE (settings.py): it holds the write lock.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from django.db import connection, transaction

from zorgid import clock, metrics, request_context

from . import anchor
from .chain import GENESIS, at_iso, digest, key, payload, public_digest, row_payload
from .models import AuditEvent

__all__ = ["GENESIS", "Verification", "record", "verify"]

_LOCK_KEY = 0x5A4F5247  # "ZORG"
_HEAD_POSTGRESQL = "SELECT last_seq, last_hash FROM zorgid_audit_head(%s)"


def record(event: str, *, actor: str, subject: str = "", ip: str = "", details: dict | None = None,
           organisation: str = "") -> None:
    """Append one event. Joins the caller's transaction, so the event lands only if the action does.

    ``organisation`` (a URA; by default the ``ura`` in ``details``) lets that organisation's administrators and
    beheerders see the event in their audit viewer.
    """
    details = details or {}
    fields = {"event": event, "actor": actor[:128], "subject": subject[:128], "ip": ip[:45],
              "details": json.dumps(details, sort_keys=True, separators=(",", ":"), ensure_ascii=False),
              "organisation": str(organisation or details.get("ura") or "")[:8],
              "request_id": request_context.request_id()[:64]}  # the request's (portal/request_ids.py), or ""
    request_context.note_actor(actor)  # the access log's actor (portal/access_log.py)
    at = clock.now()
    text = payload(at_iso(at), **fields)
    started = time.perf_counter()
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(_HEAD_POSTGRESQL, [_LOCK_KEY])
                last = cursor.fetchone()
        else:
            last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        row = AuditEvent(seq=seq, at=at, prev_hash=prev_hash, hash=digest(prev_hash, seq, text), **fields)
        row.save(_append=True)
        anchor.after_commit(seq, row.hash)
    metrics.audit_append_seconds.observe(time.perf_counter() - started)


@dataclass(frozen=True)
class Verification:
    count: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(limit_problems: int = 20, *, check_anchor: bool = True) -> Verification:
    """Walk the whole chain and report every row that was changed, inserted or deleted; then the anchor.

    ``check_anchor=False`` checks the chain alone (tests whose transaction never commits have no anchor).
    """
    problems: list[str] = []
    recomputed: list[int] = []
    expected_seq, prev_hash, count, keyed = 1, GENESIS, 0, 0
    chain_key = key()
    for row in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        count += 1
        if row.seq != expected_seq:
            problems.append(f"{anchor.span(expected_seq, row.seq - 1)} ontbreekt (verwijderd)")
        elif row.prev_hash != prev_hash:
            problems.append(f"rij {row.seq}: verwijst niet naar de vorige rij")
        text = row_payload(row)
        if digest(row.prev_hash, row.seq, text, chain_key) == row.hash:
            keyed += 1
        elif public_digest(row.prev_hash, row.seq, text) == row.hash:
            recomputed.append(row.seq)  # reported as one range below: an attacker recomputes all after
        else:
            problems.append(f"rij {row.seq}: inhoud gewijzigd")
        expected_seq, prev_hash = row.seq + 1, row.hash
        if len(problems) >= limit_problems:
            break
    problems += [f"{rows}: hash opnieuw berekend zonder de sleutel (de keten is na een wijziging herberekend)"
                 for rows in anchor.ranges(recomputed)]
    if count and not keyed:
        problems.insert(0, "geen enkele rij past bij de sleutel van deze installatie: gebruikt deze opdracht dezelfde "
                           "ZORGID_AUDIT_KEY (of ZORGID_HOME) als de server?")
    if check_anchor and len(problems) < limit_problems:
        head = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        problems += anchor.check(head, _hashes_of, limit=limit_problems - len(problems))
    return Verification(count, problems)


def _hashes_of(seqs: list[int]) -> dict[int, str]:
    return dict(AuditEvent.objects.filter(seq__in=seqs).values_list("seq", "hash"))
