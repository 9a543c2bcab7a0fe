"""Housekeeping for cron (``zorgid purge``): remove what has no use any more, after a retention period.

Removed, each kind in its own transaction:

- login flows and card sessions that expired more than ``days`` ago (they live minutes; kept a while so that a
  question about a login can still be looked up beside the audit log);
- portal sessions past their expiry (Django's ``django_session``; of no use once expired);
- activation codes used, or expired unused, more than ``days`` ago (only their hash is kept; a QR code scanned
  after that is answered as unknown instead of as used or expired);
- request-limit counters of windows that have ended (zorgid.ratelimit);
- rows of outgoing mails sent or given up more than ``days`` ago (zorgid.outbox);
- development mails (no SMTP: the ``.eml`` files in ZORGID_HOME/mail and their attachments) stored more than
  ``days`` ago (outbox/dev_mail.py); files, not rows: a dry run only counts them.

Never the audit log: it is append-only (audit/services.py). Each run that removes anything records one audit event
(``housekeeping.purged``) with the numbers per kind. A dry run counts inside the same transactions and rolls them
back (``zorgid.purging``), so its numbers are exactly what a real run would remove at that moment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.sessions.models import Session
from django.db.models import Q

from zorgid import clock
from zorgid.audit.services import record
from zorgid.flows.models import CardFlow, LoginFlow
from zorgid.identities.models import ActivationCode
from zorgid.outbox import dev_mail
from zorgid.outbox import services as outbox
from zorgid.purging import Purged, remove_each
from zorgid.ratelimit import services as ratelimit

DEFAULT_DAYS = 30

# (name in the output and the audit event, Dutch description)
KINDS = {
    "login_flows": "inlogsessies (QR-code op de inlogpagina), verlopen",
    "card_flows": "kaartsessies (UZI-pas), verlopen",
    "sessions": "portaalsessies, verlopen",
    "activation_codes": "activatiecodes, gebruikt of verlopen",
    "rate_limit_counters": "tellers van de verzoeklimieten, afgelopen",
    "outgoing_mail": "uitgaande e-mails, verstuurd of opgegeven",
    "dev_mail": "bewaarde e-mails zonder SMTP (.eml in ZORGID_HOME/mail)",
}


def _removers(now: dt.datetime, retention: dt.timedelta) -> dict[str, Callable[[], int]]:
    cutoff = now - retention
    return {
        "login_flows": lambda: LoginFlow.objects.filter(expires_at__lt=cutoff).delete()[0],
        "card_flows": lambda: CardFlow.objects.filter(expires_at__lt=cutoff).delete()[0],
        "sessions": lambda: Session.objects.filter(expire_date__lt=now).delete()[0],
        "activation_codes": lambda: ActivationCode.objects.filter(
            Q(used_at__lt=cutoff) | Q(used_at__isnull=True, expires_at__lt=cutoff)).delete()[0],
        "rate_limit_counters": lambda: ratelimit.purge(now),
        "outgoing_mail": lambda: outbox.purge(retention),
    }


def purge(*, days: int = DEFAULT_DAYS, dry_run: bool = False, actor: str) -> Purged:
    """Remove (or with ``dry_run`` only count) what expired; ``days`` is the retention period."""
    result = remove_each(_removers, days=days, dry_run=dry_run)
    result.removed["dev_mail"] = dev_mail.purge(clock.now() - dt.timedelta(days=days), dry_run=dry_run)
    if not dry_run and result.total:
        record("housekeeping.purged", actor=actor, details={"days": days, "removed": result.removed})
    return result
