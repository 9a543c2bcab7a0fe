"""The audit chain's rule: what a row's hash covers and with which key (docs/security.md, R-SEC-AUDIT).

A row's hash is HMAC-SHA-256 over ``<prev_hash>:<seq>:<payload>`` with the installation's audit key
(ZORGID_AUDIT_KEY or ``$ZORGID_HOME/audit-key``, audit/keys.py), which is not in the database: whoever
can only write the database can change a row, but cannot make a hash that fits it, nor recompute the chain after
it. Rows made before the key (the public rule: plain SHA-256 over the same text) are converted once by migration
0004; ``public_digest`` stays to tell "recomputed without the key" from "changed" when verifying.

The audit key was derived (HKDF) from Django's SECRET_KEY until it had a file of its own; that file was made from
SECRET_KEY once, at the first start, so SECRET_KEY may change afterwards. The audit key itself never changes.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

GENESIS = "0" * 64


def payload(at_iso: str, event: str, actor: str, subject: str, ip: str, details: str, organisation: str,
            request_id: str = "") -> str:
    """The hashed text of a row. The request id (a column since the request ids came) is its eighth element when
    the row has one: a row from before, or from no request (a command), hashes as it always did."""
    fields = [at_iso, event, actor, subject, ip, details, organisation] + ([request_id] if request_id else [])
    return json.dumps(fields, separators=(",", ":"), ensure_ascii=False)


def at_iso(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def row_payload(row) -> str:
    """The hashed text of a stored row (a model instance, also a migration's historical one)."""
    return payload(at_iso(row.at), row.event, row.actor, row.subject, row.ip, row.details, row.organisation,
                   getattr(row, "request_id", ""))  # a migration's model from before the column has none


@functools.lru_cache(maxsize=8)
def derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"zorgid audit", info=purpose).derive(
        secret.encode("utf-8"))


def key(purpose: bytes = b"chain") -> bytes:
    """The installation's key for ``purpose`` (``chain`` for row hashes, ``anchor`` for anchor lines)."""
    from .keys import key as from_file

    return from_file(purpose)


def digest(prev_hash: str, seq: int, payload_text: str, chain_key: bytes | None = None) -> str:
    """The keyed hash of a row."""
    return hmac.new(chain_key or key(), f"{prev_hash}:{seq}:{payload_text}".encode(), hashlib.sha256).hexdigest()


def public_digest(prev_hash: str, seq: int, payload_text: str) -> str:
    """The rule of rows made before the key; anyone can compute it."""
    return hashlib.sha256(f"{prev_hash}:{seq}:{payload_text}".encode()).hexdigest()
