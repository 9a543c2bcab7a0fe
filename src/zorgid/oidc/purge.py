"""The provider's part of ``zorgid purge`` (cron; docs/security.md "Running in productie").

Removed, each kind in its own transaction:

- authorization codes expired (60 s) more than ``CODE_MARGIN`` ago: until then a second use of a code is still
  recognised as such, and revokes the tokens of the first (RFC 6749 §4.1.2), for as long as those tokens live;
- access tokens past their expiry (5 minutes);
- the ``jti`` of accepted client assertions past their ``exp`` (a replay is refused by the exp itself from then
  on);
- sessions at applications that ended more than ``days`` ago, with their logout deliveries (delivered or given
  up long before). Sessions that have not ended stay: the application may still log the person out.

Never the audit log. A run that removes anything records one audit event (``oidc.purged``) with the numbers per
kind; a dry run counts inside the same transactions and rolls them back (``zorgid.purging``, as housekeeping).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from zorgid.audit.services import record
from zorgid.purging import Purged, remove_each

from .models import AccessToken, AppSession, AuthorizationCode, LogoutDelivery, UsedAssertion

DEFAULT_DAYS = 30
CODE_MARGIN = dt.timedelta(minutes=10)  # well beyond the lifetime of the tokens a code gave

# (name in the output and the audit event, Dutch description)
KINDS = {
    "authorization_codes": "autorisatiecodes van zorgapplicaties, verlopen",
    "access_tokens": "toegangstokens van zorgapplicaties, verlopen",
    "client_assertions": "gebruikte client_assertions (jti), verlopen",
    "app_sessions": "sessies bij zorgapplicaties, beëindigd",
    "logout_deliveries": "uitlogberichten van die sessies",
}


def _ended_sessions(cutoff: dt.datetime):
    return AppSession.objects.filter(ended_at__lt=cutoff)


def _removers(now: dt.datetime, retention: dt.timedelta) -> dict[str, Callable[[], int]]:
    cutoff = now - retention
    # deliveries first, so that their count is not hidden in the sessions' cascade
    return {
        "authorization_codes": lambda: AuthorizationCode.objects.filter(expires_at__lt=now - CODE_MARGIN).delete()[0],
        "access_tokens": lambda: AccessToken.objects.filter(expires_at__lt=now).delete()[0],
        "client_assertions": lambda: UsedAssertion.objects.filter(expires_at__lt=now).delete()[0],
        "logout_deliveries": lambda: LogoutDelivery.objects.filter(session__ended_at__lt=cutoff).delete()[0],
        "app_sessions": lambda: _ended_sessions(cutoff).delete()[1].get(AppSession._meta.label, 0),
    }


def purge(*, days: int = DEFAULT_DAYS, dry_run: bool = False, actor: str) -> Purged:
    """Remove (or with ``dry_run`` only count) what expired or ended; ``days`` is the retention of ended sessions."""
    result = remove_each(_removers, days=days, dry_run=dry_run)
    result.removed = {kind: result.removed[kind] for kind in KINDS}  # in the order of the output
    if not dry_run and result.total:
        record("oidc.purged", actor=actor, details={"days": days, "removed": result.removed})
    return result
