"""Configuration by environment variables, each with a documented default (README.md).

ZORGID_HOME          data directory (CA keys, secret key, SQLite database); default ./var
DATABASE_URL         database; default SQLite in ZORGID_HOME
ZORGID_DB_POOL_SIZE  PostgreSQL: connections per worker process at most (a pool); default 10
ZORGID_DB_PREPARE    PostgreSQL: 1 (default) binds parameters on the server and prepares repeated statements,
                     0 sends each statement as text (for a connection pooler that cannot keep prepared statements)
ZORGID_ENVIRONMENT   acceptatie (default) or productie (R-ENV)
ZORGID_BASE_URL      the portal's public origin; default http://127.0.0.1:8000
ZORGID_SECRET_KEY    Django's secret key; default: a random key made once in ZORGID_HOME/secret_key
ZORGID_DEBUG         1 for Django's debug pages (never in productie)
ZORGID_AUDIT_ANCHOR  file the audit chain's head is appended to after each commit; default
                     ZORGID_HOME/audit-anchor (audit/anchor.py)
ZORGID_AUDIT_KEY     file with the audit chain's keys; default ZORGID_HOME/audit-key, made once (audit/keys.py)
ZORGID_KEYSHARE_KEYS file with the key-share keys; default ZORGID_HOME/keyshare-keys, made once
                     (identities/keyring.py; `zorgid keyshare rotate`)
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from zorgid.protocol.environments import ENVIRONMENTS

T = TypeVar("T")


class ConfigurationError(RuntimeError):
    pass


def home() -> Path:
    path = Path(os.environ.get("ZORGID_HOME", "./var")).resolve()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def environment() -> str:
    value = os.environ.get("ZORGID_ENVIRONMENT", "acceptatie").strip().lower()
    if value not in ENVIRONMENTS:
        raise ConfigurationError(f"ZORGID_ENVIRONMENT must be one of {', '.join(ENVIRONMENTS)}, not {value!r}")
    return value


def base_url() -> str:
    return os.environ.get("ZORGID_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def audit_anchor() -> Path:
    return Path(os.environ.get("ZORGID_AUDIT_ANCHOR") or home() / "audit-anchor").resolve()


def audit_key() -> Path:
    return Path(os.environ.get("ZORGID_AUDIT_KEY") or home() / "audit-key").resolve()


def keyshare_keys() -> Path:
    return Path(os.environ.get("ZORGID_KEYSHARE_KEYS") or home() / "keyshare-keys").resolve()


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{home() / 'zorgid.sqlite3'}"


def write_private_file(path: Path, data: bytes, *, mtime: dt.datetime | None = None) -> None:
    """Create a file readable only by its owner, atomically; never overwrite an existing one (FileExistsError).
    ``mtime``: its modification time, to the microsecond, set before the file appears (a reader that finds it
    never sees it without that time: oidc/keys.py keeps a key's publication time there)."""
    tmp = _staged_private_file(path, data, durable=False)
    try:
        if mtime is not None:
            ns = (mtime - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1) * 1000
            os.utime(tmp, ns=(ns, ns))
        os.link(tmp, path)  # fails if another process made it first: theirs stands
    finally:
        tmp.unlink()


def replace_private_file(path: Path, data: bytes) -> None:
    """Write a file readable only by its owner in one rename over the old one (or a new one), durably: the new file
    is on disk before the rename and the rename is on disk (its directory synced) before the caller goes on. A
    caller that commits anything which needs the new contents (shares sealed under a new key, a restore begun)
    does so only after this returns, so a power loss never leaves that without the file it needs."""
    tmp = _staged_private_file(path, data, durable=True)
    try:
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    sync_directory(path.parent)


def _staged_private_file(path: Path, data: bytes, *, durable: bool) -> Path:
    """``data`` in a new owner-only file beside ``path`` (a hidden name of its own), for the caller to link or
    rename into place; ``durable``: on disk before this returns. Removed again if writing fails."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def sync_directory(directory: Path) -> None:
    """Put the directory's entries on disk: a rename, a new or a removed file in it survives a power loss."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_when_changed(where: Path, make: Callable[[], object], parse: Callable[[Path], T],
                      cache: dict[Path, tuple[tuple[int, int, int], T]]) -> T:
    """A secret file's parsed contents, read again only when the file changed (its inode, time or size: a command
    in another process rewrote it); ``make`` writes it when there is none (the first start)."""
    try:
        stat = where.stat()
    except FileNotFoundError:
        make()
        stat = where.stat()
    version = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    cached = cache.get(where)
    if cached and cached[0] == version:
        return cached[1]
    value = parse(where)
    cache[where] = (version, value)
    return value


def secret_key() -> str:
    """The secret key from ZORGID_SECRET_KEY, or one made at random once per ZORGID_HOME."""
    value = os.environ.get("ZORGID_SECRET_KEY")
    if value:
        if len(value) < 32:
            raise ConfigurationError("ZORGID_SECRET_KEY must be at least 32 characters")
        return value
    path = home() / "secret_key"
    if not path.exists():
        try:
            write_private_file(path, secrets.token_urlsafe(50).encode())
        except FileExistsError:
            pass
    return path.read_text().strip()
