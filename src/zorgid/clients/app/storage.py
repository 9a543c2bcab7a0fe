"""Versioned JSON files in the app home, written atomically and readable only by the user.

A crash or a full disk while writing must never leave a half-written PIN counter or key behind
(R-ERR: bad input never loses data), so every write goes to a temporary file that replaces the old
one in one step. Every file names its format ``version``, so a later app (for instance one whose key
is used together with a keyshare server) can read the files of this one and migrate them.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import tempfile
from pathlib import Path

from zorgid.protocol.errors import ZorgidError

from ..terminal import file_problem
from .errors import StorageError

FORMAT_VERSION = 1
MAX_FILE_BYTES = 256 * 1024
DIR_MODE = 0o700
FILE_MODE = 0o600


def ensure_home(home: Path) -> None:
    """Create the home directory readable by the user alone (a copy of it should not be easy to take)."""
    try:
        home.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        os.chmod(home, DIR_MODE)
    except OSError as exc:
        raise StorageError(file_problem(f"kan {home} niet maken", f"cannot create {home}", exc)) from exc


def write_json(path: Path, data: dict) -> None:
    """Replace ``path`` atomically by ``data`` plus the format version, with mode 0600."""
    body = json.dumps({"version": FORMAT_VERSION, **data}, indent=2, sort_keys=True).encode("utf-8")
    try:
        write_file(path, body)
    except OSError as exc:
        raise StorageError(file_problem(f"kan {path} niet schrijven", f"cannot write {path}", exc)) from exc


def write_file(path: Path, body: bytes, *, overwrite: bool = True) -> None:
    """Write ``body`` to a 0600 temporary file next to ``path``, then put it in place in one step.

    With ``overwrite=False`` an existing ``path`` is kept and FileExistsError raised; the check and the
    publishing are one step too (a hard link), except on file systems without hard links (FAT on a USB
    stick, a likely place for a backup), where an existence check comes just before. Other failures
    raise OSError; no temporary file is left behind.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), FILE_MODE)
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            _publish_new(Path(tmp), path)
    finally:
        _unlink_quietly(Path(tmp))


def _publish_new(tmp: Path, path: Path) -> None:
    """Put ``tmp`` at ``path`` unless something is there already (a dangling symlink counts)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:
        if path.exists() or path.is_symlink():
            raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None
        os.replace(tmp, path)


def read_json(path: Path, *, limit: int = MAX_FILE_BYTES, error: type[ZorgidError] = StorageError) -> dict | None:
    """Read a file written by :func:`write_json` (or the WID scan app's store), at most ``limit`` bytes; ``None`` when
    it does not exist; anything else wrong raises ``error`` (the calling program's own storage error)."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise error(file_problem(f"kan {path} niet lezen", f"cannot read {path}", exc)) from exc
    if len(raw) > limit:
        raise error(f"{path} is too large")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as exc:
        raise error(f"{path} is not valid JSON") from exc
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        raise error(f"{path} has an unknown format version")
    return data


def shred(path: Path) -> None:
    """Overwrite a file with zeros before removing it, so its secret is not simply left on disk.

    This is best effort: journalling and flash storage may keep old blocks, which is why the key is
    also encrypted under the PIN and the attempt counter bounds guessing.
    """
    try:
        size = path.stat().st_size
        with path.open("r+b") as handle:
            handle.write(b"\0" * size)
            handle.flush()
            os.fsync(handle.fileno())
        path.unlink()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StorageError(file_problem(f"kan {path} niet vernietigen", f"cannot destroy {path}", exc)) from exc


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
