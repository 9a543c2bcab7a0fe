"""Is this instance ready to serve? The checks of /health/ready, cheap enough for a load balancer to ask every second.

Each check answers "ok" or "fail" and nothing more: the answer is public (docs/security.md, "Health and metrics")
and names no path, host or error text. What does not change while a process runs is checked until it succeeds
once, then remembered for the process: the migrations applied (a new migration comes with a new release and a
restart) and the CA key loaded. Every time: one ``SELECT 1`` on the database and, when ZORGID_UZI_CRL_DIR is
set, the nextUpdate of the UZI CRLs in memory. First of all, whether a restore was interrupted (its marker in
ZORGID_HOME, zorgid.restore_marker): then the answer is the one check ``restore``, "fail", and nothing else is asked.
No audit event, no session, no request limit.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection

from zorgid import clock, restore_marker

OK, FAIL = "ok", "fail"
_remembered: set[str] = set()
_lock = threading.Lock()


@dataclass(frozen=True)
class Readiness:
    checks: dict[str, str]

    @property
    def ready(self) -> bool:
        return all(status == OK for status in self.checks.values())


def readiness() -> Readiness:
    if restore_marker.incomplete() is not None:  # a restore interrupted between the database and the files: nothing
        return Readiness({"restore": FAIL})  # else is asked (the CA check would make a CA where the keys are missing)
    checks = {"database": _database()}
    checks["migrations"] = _once("migrations", _migrations_applied) if checks["database"] == OK else FAIL
    checks["ca_keys"] = _once("ca_keys", _ca_key_usable)
    if checks["ca_keys"] == OK:  # a key on a token can go away (token removed, PIN changed): asked every time,
        checks["ca_keys"] = OK if _passes(_keys_sign) else FAIL  # the answer kept 10 s by pki.signing_keys
    if getattr(settings, "ZORGID_UZI_CRL_DIR", None):
        checks["uzi_crls"] = _uzi_crls_fresh()
    return Readiness(checks)


def forget() -> None:
    """Check everything anew at the next request (tests; after a change a running process cannot see)."""
    with _lock:
        _remembered.clear()


def _once(name: str, check) -> str:
    if name in _remembered:
        return OK
    if not _passes(check):
        return FAIL
    with _lock:
        _remembered.add(name)
    return OK


def _passes(check) -> bool:
    try:
        return bool(check())
    except Exception:  # noqa: BLE001 - any failure of a check is "fail", never a 500 of the health check
        return False


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return FAIL
    return OK


def _migrations_applied() -> bool:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def _ca_key_usable() -> bool:
    """The Mobile ID CA loads and its key is the issuing certificate's (ZORGID_HOME/ca, as pki.ca.get_ca uses)."""
    from cryptography.hazmat.primitives import serialization

    from zorgid.pki.ca import get_ca

    ca = get_ca()
    raw = serialization.PublicFormat.SubjectPublicKeyInfo
    return (ca.key.public_key().public_bytes(serialization.Encoding.DER, raw)
            == ca.issuing.public_key().public_bytes(serialization.Encoding.DER, raw))


def _keys_sign() -> bool:
    """Every CA key signs (a file key, or a key on a PKCS#11 token: docs/security.md, "Keys in an HSM")."""
    from zorgid.pki.signing_keys import signing_keys_usable

    return signing_keys_usable() is None


def _uzi_crls_fresh() -> str:
    """Every UZI CRL read from ZORGID_UZI_CRL_DIR is before its nextUpdate, and there is at least one."""
    from zorgid.pki.uzi_installation import crl_source

    def fresh() -> bool:
        kept = crl_source().kept()
        now = clock.now()
        return bool(kept) and all(crl.next_update_utc is not None and now < crl.next_update_utc for crl in kept)

    return OK if _passes(fresh) else FAIL
