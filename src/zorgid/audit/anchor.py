"""The audit chain's anchor: its newest head, also written outside the database (docs/security.md, R-SEC-AUDIT).

A keyed chain shows a changed row, but not that the newest rows were deleted: what is left is still a valid chain.
So after every commit that appended an event, the new head (its sequence number and hash) is appended as one
line to a file outside the database, ZORGID_AUDIT_ANCHOR (default ``$ZORGID_HOME/audit-anchor``). Each line
carries an HMAC with a key derived from the secret key, so the lines cannot be made without it either::

    head 1234 <hash of row 1234> 2026-12-01T14:00:00.123456+00:00 <hmac>

Choices:

- Written after the commit (``transaction.on_commit``), never inside the database's lock: appends stay as fast
  as before, and a rolled-back transaction (or savepoint) writes nothing, because Django drops its callbacks.
- Several gunicorn workers (and threads, and the CLI) write the same file: it is opened with O_APPEND and each
  line is written with one ``write`` under an exclusive ``flock``, so lines never interleave. They may land out
  of order (two commits racing); verification takes them as a set.
- The file's first line is a ``start`` line: made at row 1 on a new installation, or ``upgrade`` (written by
  migration 0004 for rows made before the anchor existed). A ``start`` line at a later row means the anchor was
  deleted or replaced and began again: verification reports it.
- About 180 bytes per event; verification reads the file line by line, comparing in batches with the database.
- No fsync per line: after a crash or power loss, the newest rows may be missing from the anchor; the next
  event's line covers them again (each head covers all rows before it through the chain). Until then
  verification reports that the anchor is behind.
- A failed write (disk full, no permission) is logged as an error; the event itself is committed already.

Point ZORGID_AUDIT_ANCHOR at an append-only place (``chattr +a``, another machine's mount, a WORM store) so that
whoever can change the database and this server's files cannot also roll the anchor back. With several
application servers on one database, give them one shared anchor.
"""

from __future__ import annotations

import fcntl
import functools
import hmac
import logging
import os
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from zorgid import clock

from . import chain

log = logging.getLogger("zorgid.audit")

START, UPGRADE, HEAD = "start", "upgrade", "head"
KINDS = (START, UPGRADE, HEAD)
_HASH = re.compile(r"^[0-9a-f]{64}$")
LOOKUP_CHUNK = 1000


def path() -> Path:
    return Path(settings.ZORGID_AUDIT_ANCHOR)


def _mac(kind: str, seq: int, head_hash: str, at: str) -> str:
    return hmac.new(chain.key(b"anchor"), f"{kind} {seq} {head_hash} {at}".encode(), "sha256").hexdigest()


def line(kind: str, seq: int, head_hash: str) -> bytes:
    at = chain.at_iso(clock.now())
    return f"{kind} {seq} {head_hash} {at} {_mac(kind, seq, head_hash, at)}\n".encode()


def after_commit(seq: int, head_hash: str) -> None:
    """Anchor this head once the caller's transaction has committed (not at all if it rolls back)."""
    transaction.on_commit(functools.partial(append, seq, head_hash))


def append(seq: int, head_hash: str) -> None:
    target = path()
    try:
        try:
            fd = os.open(target, os.O_WRONLY | os.O_APPEND)
        except FileNotFoundError:
            if _create(target, START, seq, head_hash):
                return
            fd = os.open(target, os.O_WRONLY | os.O_APPEND)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, line(HEAD, seq, head_hash))
        finally:
            os.close(fd)  # also releases the lock
    except OSError as exc:
        log.error("auditanker %s niet bijgewerkt (rij %s): %s", target, seq, exc)


def _create(target: Path, kind: str, seq: int, head_hash: str) -> bool:
    """Make the anchor with its first line, atomically; False if another process made it first."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            os.write(fd, line(kind, seq, head_hash))
        finally:
            os.close(fd)
        os.link(tmp, target)
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink()


def begin_after_upgrade(seq: int, head_hash: str) -> None:
    """For rows made before the anchor existed (migration 0004): begin it at their head, if there is none yet."""
    target = path()
    try:
        if not _create(target, UPGRADE, seq, head_hash):
            append(seq, head_hash)
    except OSError as exc:
        log.error("auditanker %s niet gemaakt: %s", target, exc)


@dataclass(frozen=True)
class Line:
    number: int
    kind: str
    seq: int
    hash: str


def _parsed(number: int, text: str) -> Line | str:
    parts = text.split(" ")
    if len(parts) != 5 or parts[0] not in KINDS or not parts[1].isdigit() or not _HASH.match(parts[2]):
        return f"anker, regel {number}: onleesbaar"
    kind, seq, head_hash, at, mac = parts
    if not hmac.compare_digest(mac, _mac(kind, int(seq), head_hash, at)):
        return f"anker, regel {number}: de handtekening klopt niet (nagemaakt, of met een andere sleutel gemaakt)"
    return Line(number, kind, int(seq), head_hash)


def ranges(numbers: Iterable[int]) -> list[str]:
    ordered = sorted(set(numbers))
    runs: list[list[int]] = []
    for n in ordered:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return [span(a, b) for a, b in runs]


def span(first: int, last: int) -> str:
    return f"rij {first}" if first == last else f"rij {first} t/m {last}"


class _Scan:
    """One pass over the anchor, line by line (it grows by a line per event: never held whole in memory)."""

    def __init__(self, hashes_of: Callable[[list[int]], dict[int, str]], head_seq: int, limit: int) -> None:
        self.hashes_of, self.head_seq, self.limit = hashes_of, head_seq, limit
        self.number, self.pending, self.batch = 0, b"", []
        self.first: Line | None = None
        self.oldest = self.newest = 0
        self.bad: list[str] = []
        self.restarts: list[int] = []
        self.differing: list[int] = []
        self.absent: list[int] = []

    def feed(self, handle) -> None:
        """Read what was appended since the last call; a line still being written waits for the next call."""
        while True:
            text = handle.readline()
            if not text:
                return
            if not text.endswith(b"\n"):
                self.pending += text
                return
            self._line((self.pending + text)[:-1].decode("utf-8", "replace"))
            self.pending = b""

    def finish(self) -> None:
        if self.pending:
            self._line(self.pending.decode("utf-8", "replace"))
            self.pending = b""
        self._compare()

    def _line(self, text: str) -> None:
        self.number += 1
        found = _parsed(self.number, text)
        if isinstance(found, str):
            if len(self.bad) < self.limit:
                self.bad.append(found)
            return
        if found.number == 1:
            self.first = found
        elif found.kind != HEAD:
            self.restarts.append(found.number)
        self.oldest = min(self.oldest, found.seq) if self.oldest else found.seq
        self.newest = max(self.newest, found.seq)
        self.batch.append(found)
        if len(self.batch) >= LOOKUP_CHUNK:
            self._compare()

    def _compare(self) -> None:
        stored = self.hashes_of([found.seq for found in self.batch]) if self.batch else {}
        for found in self.batch:
            if found.seq not in stored:
                if found.seq <= self.head_seq and len(self.absent) < 100 * self.limit:
                    self.absent.append(found.seq)  # (beyond the head: the newest rows deleted, reported once)
            elif stored[found.seq] != found.hash and len(self.differing) < 100 * self.limit:
                self.differing.append(found.seq)
        self.batch = []

    def problems(self) -> list[str]:
        head_seq = self.head_seq
        problems = list(self.bad)
        if self.first is not None and self.first.kind == START and self.oldest != 1:
            # (commits racing: row 1's line may come after row 2's, so the oldest line counts, not the first)
            problems.append(f"anker begint pas bij rij {self.oldest}: het vorige anker is verwijderd of vervangen")
        elif self.first is not None and self.first.kind == HEAD:
            problems.append("anker: het begin ontbreekt (regels verwijderd of het bestand vervangen)")
        problems += [f"anker, regel {number}: begint opnieuw (het anker is vervangen)"
                     for number in self.restarts[:self.limit]]
        problems += [f"{rows} wijkt af van het anker (gewijzigd, of de keten is herberekend)"
                     for rows in ranges(self.differing)]
        if self.newest > head_seq:
            problems.append(f"nieuwste rijen verwijderd: het anker kent rij {self.newest}, het auditlog eindigt bij "
                            f"rij {head_seq}")
        problems += [f"{rows} staat in het anker maar ontbreekt in het auditlog (verwijderd)"
                     for rows in ranges(self.absent)]
        if self.newest < head_seq:
            problems.append(f"anker loopt achter: {span(self.newest + 1, head_seq)} staan niet in het anker (het "
                            "anker is teruggezet, of het schrijven mislukte: zie de log van de server)")
        return problems


def check(head_seq: int, hashes_of: Callable[[list[int]], dict[int, str]], *, wait_seconds: float = 2.0,
          limit: int = 20) -> list[str]:
    """What is wrong between the anchor and the chain whose newest row is ``head_seq`` (0: no rows).

    ``hashes_of`` gives the stored hash of each of the given sequence numbers that exists. Heads committed just
    before are given ``wait_seconds`` to reach the anchor.
    """
    target = path()
    try:
        handle = open(target, "rb")  # closed below, after the wait for heads just committed
    except FileNotFoundError:
        if head_seq == 0:
            return []
        return [f"anker ontbreekt: {target} (verwijderd of verplaatst); zonder anker is niet te zien of de nieuwste "
                "rijen zijn verwijderd"]
    except OSError as exc:
        return [f"anker niet te lezen: {target} ({exc.strerror or exc})"]
    scan = _Scan(hashes_of, head_seq, limit)
    try:
        with handle:
            scan.feed(handle)
            deadline = time.monotonic() + wait_seconds
            while scan.newest < head_seq and time.monotonic() < deadline:
                time.sleep(0.2)
                scan.feed(handle)
    except OSError as exc:
        return [f"anker niet te lezen: {target} ({exc.strerror or exc})"]
    scan.finish()
    return scan.problems()[:limit]
