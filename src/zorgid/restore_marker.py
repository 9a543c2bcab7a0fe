"""The marker of a restore that has begun to write and not yet finished (docs/security.md, "Backup of the server").

``zorgid restore`` writes ZORGID_HOME/restore-incomplete before it replaces the database and removes it only once
every file is in place and the restore is recorded. While it is there the installation may be a mix of the backup's
database and the files from before (key shares sealed by a keyring not yet in place, an audit chain whose key or
anchor does not match): ``zorgid serve`` refuses to start, /health/ready answers not ready and ``zorgid check``
reports it, until the restore is run again. Kernel layer: the health check of the portal reads it too.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from zorgid.config import replace_private_file, sync_directory

NAME = "restore-incomplete"


def path() -> Path:
    return Path(settings.ZORGID_HOME) / NAME


def incomplete() -> dict | None:
    """What the marker says (the backup's path, its manifest's SHA-256, when and by whom the restore began), or
    None when no restore was interrupted. A marker that cannot be read still means an interrupted restore."""
    try:
        text = path().read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        return {"backup": "?", "unreadable": exc.strerror or str(exc)}
    try:
        found = json.loads(text)
    except ValueError:
        return {"backup": "?", "unreadable": "no JSON"}
    return found if isinstance(found, dict) else {"backup": "?", "unreadable": "no JSON object"}


def write(details: dict) -> None:
    """Put the marker in place, owner-only, in one rename (an earlier one is replaced), and on disk before the
    caller goes on: a power loss right after still leaves it."""
    replace_private_file(path(), json.dumps(details, indent=1, sort_keys=True).encode())


def remove() -> None:
    path().unlink(missing_ok=True)
    sync_directory(path().parent)
