"""Backup and restore of the installed ID (R-FLOW-BACKUP, R-FLOW-PIN; manual §7.2 "Pincode vergeten").

The manual's path for a forgotten PIN or a new phone: reinstall the app, set a new PIN, restore the
backup with its own password (not the PIN). Here one app home is one installation, so:

* ``backup`` needs the PIN (checked by the server, as every use of the key: docs/security.md) and a
  password of its own; the file holds the key under that password alone (the file format is in
  :mod:`.backup_format`), so the backup does not depend on the server's share.
* ``restore`` only fills a *new* app: a home that is not set up yet (the usual case: ``restore`` then
  sets it up with the new PIN), or one that was set up but holds no ID yet (then its PIN is asked,
  and counted). A home with an ID, or a locked home, is refused: reinstalling means a new or an
  emptied ``--home``. So a locked app (5 wrong PINs) is recovered by restoring into a new home.
* The new PIN and a new device key are registered at the server with a signature of the restored key, with this
  phone's name (``--toestel``, else the one set up, else the machine's: Keystore.device_name), and the server
  answers with the key's share; the old phone's PIN and device key no longer open the ID. The backup holds no
  device key: a device key belongs to one installation of the app. If the server refuses the ID for good
  (revoked, expired), the ID is restored without its key and the app says why it cannot log in; any other
  refusal, or no answer, restores nothing (the backup can be tried again).
* Nothing is written to the home before the backup is verified, decrypted and the server has answered; a
  new home is built in a temporary directory next to it and appears in one step, so a failure leaves the
  home as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec

from zorgid.protocol.device_names import clean_device_name
from zorgid.protocol.errors import Detail, ZorgidError
from zorgid.protocol.messages import PinChange

from ..terminal import file_problem, tr
from . import backup_format, corrections, keycrypt
from .actions import Declined, ServerFactory, tell_since_last_use
from .errors import BackupExists, BackupFileError, BackupHomeInUse, NotSetUp, StorageError
from .identity import MobileIdentity, printable
from .keystore import FINAL_REFUSALS, Keystore, app_home, default_device_name
from .server import ServerClient
from .storage import ensure_home, write_file

# written in this order: every state in between is a valid home (set up without an ID, or with its ID)
_HOME_FILES = ("config.json", "key.json", "id.json")


@dataclass(frozen=True)
class BackupQuestions:
    """How the holder is asked; each is called only when its answer is needed, in the order shown."""

    ask_pin: Callable[[], str]
    ask_password: Callable[[], str]
    ask_new_pin: Callable[[], str] = lambda: ""
    confirm: Callable[[str], bool] = lambda question: True
    tell: Callable[[str], None] = lambda text: None


def make_backup(store: Keystore, path: Path, ask: BackupQuestions, *, force: bool = False,
                params: dict | None = None, server_factory: ServerFactory = ServerClient) -> MobileIdentity:
    """Write the installed ID and its key to ``path``, encrypted under the password ``ask`` returns."""
    identity = store.usable_id()  # not set up, locked, no ID, refused ID: refused before any question
    if not force and (path.exists() or path.is_symlink()):
        raise BackupExists(str(path))
    pin = ask.ask_pin()
    with server_factory(identity.server) as server:
        unlocked = store.unlock_key(pin, server.unlock)
    tell_since_last_use(unlocked, ask.tell)
    identity = corrections.take(store, unlocked, ask.tell)  # his data as corrected, if they were
    password = ask.ask_password()
    backup_format.check_password(password, pin)
    data = backup_format.seal_backup(identity, unlocked.key, password, params)
    _write_backup(path, data, force)
    return identity


def _write_backup(path: Path, data: bytes, force: bool) -> None:
    """Write, then read back: a backup that is not on the disk as made is worse than none."""
    try:
        write_file(path, data, overwrite=force)
    except FileExistsError:
        raise BackupExists(str(path)) from None
    except OSError as exc:
        raise BackupFileError(file_problem(f"kan {path} niet schrijven", f"cannot write {path}", exc)) from exc
    if read_backup_file(path) != data:
        raise BackupFileError(Detail(f"{path} leest niet terug zoals het is geschreven",
                                     f"{path} does not read back as written"))


def read_backup_file(path: Path) -> bytes:
    """At most one byte more than a backup may have, so a huge file is refused without reading it all."""
    try:
        with path.open("rb") as handle:
            return handle.read(backup_format.MAX_BACKUP_BYTES + 1)
    except OSError as exc:
        raise BackupFileError(file_problem(f"kan {path} niet lezen", f"cannot read {path}", exc)) from exc


@dataclass(frozen=True)
class Restored:
    identity: MobileIdentity
    refusal: ZorgidError | None  # the server's final refusal of the ID (restored without its key), or None


def restore(store: Keystore, path: Path, ask: BackupQuestions,
            server_factory: ServerFactory = ServerClient, device_name: str = "") -> Restored:
    """Restore the backup at ``path`` into a new app home; see the module doc for which homes qualify.
    ``device_name``: this phone's name (checked first); "" keeps the one set up, or the machine's."""
    fresh = restore_target(store)
    if device_name:
        device_name = clean_device_name(device_name)
    elif not fresh:
        device_name = store.device_name()
    else:
        device_name = default_device_name()
    sealed = backup_format.parse_backup(read_backup_file(path))
    identity, key = backup_format.open_sealed(sealed, ask.ask_password())
    if not ask.confirm(tr(f"Back-up van {identity.holder.shown_name} (Mobile ID {identity.mobile_id}, "
                          f"{printable(identity.server)}) terugzetten in {store.home}?",
                          f"Restore the backup of {identity.holder.shown_name} (Mobile ID {identity.mobile_id}, "
                          f"{printable(identity.server)}) into {store.home}?")):
        raise Declined()
    pin, secret = store.pin_for_new_key(choose=fresh, ask_pin=ask.ask_pin, ask_new_pin=ask.ask_new_pin)
    device_key = keycrypt.new_private_key()
    refusal: ZorgidError | None = None
    try:
        share = _register_pin(identity, key, secret, device_key, server_factory, device_name)
    except tuple(FINAL_REFUSALS.values()) as final:
        refusal = final

    def install(target: Keystore) -> None:
        if refusal is None:
            target.install_id(identity, key, secret, share, device_key)
        else:
            target.install_refused_id(identity, refusal.code)

    if fresh:
        _install_in_new_home(store.home, lambda staged: (staged.setup(pin, device_name), install(staged)))
    else:
        store.keep_device_name(device_name)
        install(store)
    return Restored(identity, refusal)


def _register_pin(identity: MobileIdentity, key: ec.EllipticCurvePrivateKey, secret: keycrypt.PinSecret,
                  device_key: ec.EllipticCurvePrivateKey, server_factory: ServerFactory, device_name: str) -> bytes:
    """The new PIN's proof and the new device key, signed with the restored key, and this phone's name, to the ID's
    server; its answer is the key share."""
    message = PinChange(identity.mobile_id, secret.proof, int(time.time()), keycrypt.public_key_der(device_key))
    with server_factory(identity.server) as server:
        return server.register_pin(message, keycrypt.sign(key, message.canonical_bytes()), device_name)


def restore_target(store: Keystore) -> bool:
    """True for a home not set up yet, False for one set up without an ID; refuse any other."""
    try:
        has_id = store.has_id()  # a locked home raises AppLocked, whose solution is to reinstall
    except NotSetUp:
        return True
    if has_id:
        raise BackupHomeInUse(app_home(store.home))
    return False


def _install_in_new_home(home: Path, fill: Callable[[Keystore], None]) -> None:
    """Build the home in a temporary directory beside it, then move it into place."""
    try:
        home.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=home.parent, prefix=f".{home.name}.restore-"))
    except OSError as exc:
        raise StorageError(file_problem(f"kan geen map naast {home} maken", f"cannot create a directory beside {home}",
                                        exc)) from exc
    try:
        staged = Keystore(staging / "home")
        fill(staged)
        _publish_home(staged.home, home)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _publish_home(staged: Path, home: Path) -> None:
    """A missing home appears in one rename; into an existing (not set-up) directory the files are
    moved config first and the ID last, so every state in between is a home that works."""
    try:
        if not home.exists():
            os.rename(staged, home)
            return
        ensure_home(home)
        for name in _HOME_FILES:
            os.replace(staged / name, home / name)
    except OSError as exc:
        raise StorageError(file_problem(f"kan het teruggezette ID niet in {home} zetten",
                                        f"cannot move the restored ID into {home}", exc)) from exc
