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
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from zorgid.protocol.environments import ENVIRONMENTS


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


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{home() / 'zorgid.sqlite3'}"


def write_private_file(path: Path, data: bytes) -> None:
    """Create a file readable only by its owner, atomically; never overwrite an existing one."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.link(tmp, path)  # fails if another process made it first: theirs stands
    finally:
        tmp.unlink()


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
