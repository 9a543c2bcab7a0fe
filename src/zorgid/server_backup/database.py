"""The database part of a backup: SQLite through sqlite3's online backup (a consistent copy while the server runs),
PostgreSQL through ``pg_dump --format=custom`` and ``pg_restore`` in one transaction (a failure leaves nothing)."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from .errors import DatabaseToolFailed

PG_TIMEOUT = 6 * 3600


def vendor() -> str:
    return connection.vendor


def tables() -> list[str]:
    return connection.introspection.table_names()


def applied_migrations() -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


def unknown_migrations(applied: list[list[str]]) -> list[str]:
    """The migrations of a backup that this code does not have (the backup is of a newer zorgid)."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [f"{app}.{name}" for app, name in applied if (app, name) not in known]


def sqlite_path() -> Path:
    return Path(connection.settings_dict["NAME"])


def dump_sqlite(target: Path, progress: Callable[[int, int], None] = lambda done, total: None) -> None:
    """A consistent copy through the online backup API, 1024 pages a step; ``progress(pages done, pages)``."""
    source = sqlite3.connect(f"file:{sqlite_path()}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy, pages=1024, progress=lambda status, remaining, total: progress(total - remaining, total))
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        copy.close()
        source.close()


def restore_sqlite(dump: Path) -> None:
    """Put the copy in place of the database file in one rename (its old -wal and -shm files go first)."""
    connections.close_all()
    path = sqlite_path()
    staged = path.with_name(f".{path.name}.restore")
    shutil.copyfile(dump, staged)
    os.chmod(staged, 0o600)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(staged, path)


def _pg_env() -> dict[str, str]:
    """libpq's environment for the configured database (the password never on a command line)."""
    conf = connection.settings_dict
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    for name, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD"),
                      ("PGDATABASE", "NAME")):
        if conf.get(key):
            env[name] = str(conf[key])
    return env


def tool_major(tool: str) -> int:
    found = shutil.which(tool)
    if not found:
        raise DatabaseToolFailed(f"{tool} not found: install postgresql-client")
    done = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=30)
    match = re.search(r"(\d+)(?:\.\d+)?", done.stdout)
    if not match:
        raise DatabaseToolFailed(f"{tool} --version said {done.stdout.strip()!r}")
    return int(match.group(1))


def server_major() -> int:
    connection.ensure_connection()
    return connection.pg_version // 10000


def dump_postgresql(target: Path, *, snapshot: str = "") -> int:
    """pg_dump of the configured database (at ``snapshot``, one exported by the caller's open transaction);
    returns pg_dump's major version. Refuses a pg_dump older than the server."""
    tool, server = tool_major("pg_dump"), server_major()
    if tool < server:
        raise DatabaseToolFailed(f"pg_dump {tool} cannot dump PostgreSQL {server}: install postgresql-client-{server}")
    at = [f"--snapshot={snapshot}"] if snapshot else []
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *at, "--file", str(target)], "pg_dump")
    return tool


def restore_postgresql(dump: Path, dumped_by: int, *, replace: bool) -> None:
    """pg_restore in one transaction: it either makes everything or nothing."""
    tool = tool_major("pg_restore")
    if tool < dumped_by:
        raise DatabaseToolFailed(f"pg_restore {tool} cannot read a dump of pg_dump {dumped_by}")
    connections.close_all()
    options = ["--clean", "--if-exists"] if replace else []
    _run(["pg_restore", "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges", *options,
          "--dbname", _pg_env().get("PGDATABASE", ""), str(dump)], "pg_restore")


def _run(command: list[str], name: str) -> None:
    try:
        done = subprocess.run([shutil.which(command[0]) or command[0], *command[1:]], env=_pg_env(),
                              capture_output=True, text=True, timeout=PG_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DatabaseToolFailed(f"{name}: {exc}") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()][:3]
        raise DatabaseToolFailed(f"{name} ended with {done.returncode}: {' | '.join(lines)[:400]}")
