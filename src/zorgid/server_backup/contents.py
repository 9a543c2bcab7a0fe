"""Which files of ZORGID_HOME a backup holds: every file the server needs, so also a keyring or key file that a
later version adds there, apart from the ones named here (the one list; docs/security.md repeats it).

Left out: what is made again or is no state of the server (the database file itself, which goes in as its own
consistent copy; caches; kept development mail; QR images; the built Validatietool; per-instance runtime files).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from zorgid import restore_marker

# top-level names in ZORGID_HOME left out, with why
LEFT_OUT = {
    "mail": "e-mail bewaard zonder SMTP (ontwikkeling)",
    "static": "verzamelde statische bestanden (worden opnieuw gemaakt)",
    "qr": "QR-afbeeldingen van activaties (eenmalig, verlopen)",
    "dist": "de gebouwde Validatietool (wordt opnieuw gemaakt)",
    "run": "runtimebestanden van draaiende instanties (socket, pid)",
    "__pycache__": "cache",
    restore_marker.NAME: "het teken van een afgebroken terugzetactie (van deze installatie, niet van een back-up)",
}
# the database file of SQLite in ZORGID_HOME (and test copies): the database part holds a consistent copy
DATABASE_PREFIXES = ("zorgid.sqlite3", "test-zorgid.sqlite3")
# the staging directories in ZORGID_HOME of a restore and of a backup: the backup's parts in the clear, keys
# included, while it runs; in ZORGID_HOME, beside the keys they copy, never beside the backup file
STAGING_PREFIX = ".zorgid-restore-"
BACKUP_STAGING_PREFIX = ".zorgid-backup-"
STAGING_PREFIXES = (STAGING_PREFIX, BACKUP_STAGING_PREFIX)
# held (flock) by a restore and by a backup for all of its run: a staging directory while it is free is one that a
# killed restore or backup left
RESTORE_LOCK = ".zorgid-restore.lock"
# a home that holds any other file a backup holds is in use: a restore into it needs --force. These do not count:
# every start of zorgid makes them in a new home (config.secret_key, audit/keys.py, identities/keyring.py), and
# without the database's data they protect nothing.
NOT_KEYS = ("secret_key", "audit-key", "keyshare-keys")
# settings that name key files which may lie outside ZORGID_HOME (when this version has them): a part each
KEY_FILE_SETTINGS = ("ZORGID_AUDIT_KEY", "ZORGID_KEYSHARE_KEYS")


def left_out(relative: Path) -> bool:
    top = relative.parts[0]
    return (top in LEFT_OUT or top.startswith(DATABASE_PREFIXES) or top.startswith(STAGING_PREFIXES)
            or top.startswith(f".{restore_marker.NAME}.") or top == RESTORE_LOCK)


def home_files(home: Path, anchor: Path) -> Iterator[Path]:
    """The files of ``home`` a backup holds, relative to it, sorted (the anchor is a part of its own)."""
    for path in sorted(home.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        relative = path.relative_to(home)
        if left_out(relative) or path.resolve() == anchor.resolve():
            continue
        yield relative


def outside_key_files(home: Path, configured: dict[str, Path]) -> dict[str, Path]:
    """Of the configured key files (setting → path), the ones outside ``home`` (inside it, they are home files)."""
    return {setting: path for setting, path in configured.items() if not path.resolve().is_relative_to(home.resolve())}


def holds_keys(home: Path, anchor: Path) -> list[str]:
    """What in ``home`` (and the anchor) a restore would replace, apart from a fresh secret_key."""
    found = [str(relative) for relative in home_files(home, anchor) if str(relative) not in NOT_KEYS]
    if anchor.exists() and anchor.stat().st_size:
        found.append(str(anchor))
    return found


@contextmanager
def restore_lock(home: Path, *, wait: bool) -> Iterator[bool]:
    """Hold ZORGID_HOME's restore lock while inside: True; False when a restore or backup in another process holds
    it and ``wait`` is False (``wait``: until it is free). A killed process holds nothing: its lock is free again."""
    descriptor = os.open(home / RESTORE_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(descriptor)


def leftover_staging(home: Path) -> list[Path]:
    """The staging directories in ``home`` of restores and backups that were killed before they finished (their
    parts in the clear), when none is running; a running one's own directory is none."""
    if not any(_staging_directories(home)):
        return []
    with restore_lock(home, wait=False) as free:
        return _staging_directories(home) if free else []


def remove_staging(home: Path) -> list[Path]:
    """Remove every staging directory in ``home``: the caller holds the restore lock (a restore or a backup, before
    it makes its own)."""
    found = _staging_directories(home)
    for stale in found:
        shutil.rmtree(stale, ignore_errors=True)
    return found


def _staging_directories(home: Path) -> list[Path]:
    return [path for prefix in STAGING_PREFIXES for path in sorted(home.glob(f"{prefix}*"))
            if path.is_dir() and not path.is_symlink()]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
