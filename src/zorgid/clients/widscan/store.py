"""The WID scan app's home: the one link it has, and the key that signs its recorded checks (R-FLOW-WIDSCAN).

One file, ``link.json`` (versioned JSON, mode 0600, in a 0700 directory, written atomically as the ZORG-ID app
writes its own: zorgid.clients.app.storage.write_file)::

    {"version": 1, "server", "link", "holder": {"first_names", "last_name", "birth_date"}, "linked_at",
     "device_name", "key": PKCS#8 DER base64url, "key_digest", "last_signed_at"}

The key is made at ``link`` and stored only once the holder approved the link; a new link replaces the file.
``last_signed_at`` is the moment of the last recorded check: the server takes each link's moments in increasing
order only, so two checks within one second are signed a second apart.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec

from zorgid.protocol.errors import Detail, MessageMalformed
from zorgid.protocol.messages import b64decode, b64encode
from zorgid.protocol.widscan import key_digest

from ..app import keycrypt
from ..app.storage import read_json, write_file
from ..terminal import file_problem
from .app_errors import NotLinked, StorageError

FORMAT_VERSION = 1
MAX_FILE_BYTES = 64 * 1024
MAX_KEY_BYTES = 512
DIR_MODE = 0o700


@dataclass(frozen=True)
class Link:
    """The WID scan app's link to one Mobile ID, as the holder approved it."""

    server: str
    link: str
    first_names: str
    last_name: str
    birth_date: str
    linked_at: dt.datetime
    device_name: str
    key: ec.EllipticCurvePrivateKey
    last_signed_at: int = 0

    @property
    def holder_name(self) -> str:
        return f"{self.first_names} {self.last_name}".strip()

    @property
    def key_digest(self) -> str:
        return key_digest(keycrypt.public_key_der(self.key))


class WidScanStore:
    """One WID scan app home; every method re-reads the file."""

    def __init__(self, home: Path) -> None:
        self.home = Path(home)

    @property
    def link_path(self) -> Path:
        return self.home / "link.json"

    def has_link(self) -> bool:
        return self.link_path.exists()

    def load(self) -> Link:
        """The link, or NotLinked."""
        data = self._read()
        if data is None:
            raise NotLinked(Detail(f"app-map {self.home}", f"app home {self.home}"))
        try:
            holder = data["holder"]
            link = Link(
                server=_text(data["server"]), link=_text(data["link"]), first_names=_text(holder["first_names"]),
                last_name=_text(holder["last_name"]), birth_date=_text(holder["birth_date"]),
                linked_at=dt.datetime.fromisoformat(_text(data["linked_at"])),
                device_name=_text(data.get("device_name", "")),
                key=keycrypt.load_private_key_der(b64decode(_text(data["key"]), limit=MAX_KEY_BYTES)),
                last_signed_at=_number(data.get("last_signed_at", 0)),
            )
        except (KeyError, TypeError, ValueError, MessageMalformed) as exc:
            raise StorageError(f"{self.link_path} is damaged ({type(exc).__name__})") from exc
        if link.key_digest != data.get("key_digest"):
            raise StorageError(f"{self.link_path}: the key is not the linked one")
        return link

    def save(self, link: Link) -> None:
        """Write the link (replacing an older one) atomically, readable by the user alone."""
        self._write({
            "server": link.server, "link": link.link,
            "holder": {"first_names": link.first_names, "last_name": link.last_name, "birth_date": link.birth_date},
            "linked_at": link.linked_at.isoformat(), "device_name": link.device_name,
            "key": b64encode(keycrypt.private_key_der(link.key)), "key_digest": link.key_digest,
            "last_signed_at": link.last_signed_at,
        })

    def next_moment(self, now: int) -> int:
        """The moment to sign a check with: ``now``, or one after the last recorded check's (kept before use)."""
        link = self.load()
        moment = max(now, link.last_signed_at + 1)
        data = self._read() or {}
        self._write({**{k: v for k, v in data.items() if k != "version"}, "last_signed_at": moment})
        return moment

    def _read(self) -> dict | None:
        return read_json(self.link_path, limit=MAX_FILE_BYTES, error=StorageError)

    def _write(self, data: dict) -> None:
        body = json.dumps({"version": FORMAT_VERSION, **data}, indent=2, sort_keys=True).encode("utf-8")
        try:
            self.home.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
            with contextlib.suppress(PermissionError):
                os.chmod(self.home, DIR_MODE)
            write_file(self.link_path, body)
        except OSError as exc:
            raise StorageError(file_problem(f"kan {self.link_path} niet schrijven", f"cannot write {self.link_path}",
                                            exc)) from exc


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("not a text")
    return value


def _number(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TypeError("not a number")
    return value
