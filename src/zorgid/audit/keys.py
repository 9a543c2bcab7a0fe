"""The audit chain's keys (docs/security.md, "The audit log"): a secret of their own, not Django's SECRET_KEY.

One file, ``ZORGID_AUDIT_KEY`` (default ``$ZORGID_HOME/audit-key``), owner-only, the same for every instance::

    chain <base64 of 32 bytes>     the key of the rows' hashes
    anchor <base64 of 32 bytes>    the key of the anchor's lines

It is made once, at the first start, from the keys the installation derived from SECRET_KEY at that moment, so every
row and anchor line made before keeps verifying and Django's SECRET_KEY can change afterwards. It never changes:
each row's hash is made with it, and a new key would leave the rows before it unverifiable.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

from django.conf import settings

from zorgid.config import ConfigurationError, read_when_changed, write_private_file

from .chain import derive

PURPOSES = (b"chain", b"anchor")
HEADER = ("# zorgid: the audit log's keys (docs/security.md). Secret: owner-only, the same file on every instance;\n"
          "# never changed: every row's hash is made with them.\n")

_cache: dict[Path, tuple[tuple[int, int, int], dict[bytes, bytes]]] = {}


def path() -> Path:
    return Path(settings.ZORGID_AUDIT_KEY)


def text_from(secret: str) -> str:
    """The file's text with the keys derived from ``secret`` (as the chain was keyed before it had this file)."""
    return HEADER + "".join(f"{purpose.decode()} {base64.b64encode(derive(secret, purpose)).decode()}\n"
                            for purpose in PURPOSES)


def ensure() -> bool:
    """Make the file from SECRET_KEY's keys if there is none (the first start); True when it made it."""
    where = path()
    if where.exists():
        return False
    try:
        write_private_file(where, text_from(settings.SECRET_KEY).encode())
    except FileExistsError:
        return False  # another process made it first, from the same SECRET_KEY
    return True


def key(purpose: bytes) -> bytes:
    return read_when_changed(path(), ensure, _parse, _cache)[purpose]


def _parse(where: Path) -> dict[bytes, bytes]:
    found: dict[bytes, bytes] = {}
    for line in where.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        try:
            raw = base64.b64decode(fields[1], validate=True) if len(fields) == 2 else b""
        except binascii.Error:
            raw = b""
        if fields[0].encode() not in PURPOSES or len(raw) != 32:
            raise ConfigurationError(f"{where}: not an audit key file (line {line[:20]!r}…); restore it from backup")
        found[fields[0].encode()] = raw
    if set(found) != set(PURPOSES):
        raise ConfigurationError(f"{where}: the audit key file lacks a key; restore it from backup")
    return found
