"""Removing what has served its time, kind by kind: the one way of ``zorgid purge`` (the use cases housekeeping and
oidc each remove their own kinds with it; docs/security.md "Running in productie").

Each kind is removed in a transaction of its own. A dry run counts inside the same transactions and rolls them
back, so its numbers are exactly what a real run would remove at that moment. The audit event of a run that removed
anything is the caller's (``audit`` is a layer above this one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db import transaction

from zorgid import clock

# what a use case removes: for the moment now and the retention, a remover per kind, each returning its count
Removers = Callable[[dt.datetime, dt.timedelta], Mapping[str, Callable[[], int]]]


@dataclass
class Purged:
    days: int
    dry_run: bool
    removed: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.removed.values())


def remove_each(removers: Removers, *, days: int, dry_run: bool) -> Purged:
    """Run each of ``removers(now, retention)`` in its own transaction (rolled back in a dry run); ``days`` is the
    retention period."""
    if days < 1:
        raise ValueError("days must be at least 1")
    result = Purged(days, dry_run)
    for kind, remove in removers(clock.now(), dt.timedelta(days=days)).items():
        with transaction.atomic():
            result.removed[kind] = remove()
            if dry_run:
                transaction.set_rollback(True)
    return result
