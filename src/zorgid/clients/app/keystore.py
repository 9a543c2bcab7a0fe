"""The app home: PIN verifier and attempt counter, the installed ID and its encrypted key.

Files (each versioned JSON, mode 0600, in a 0700 directory)::

    config.json  {"version": 1, "state": "actief"|"geblokkeerd", "pin_verifier": "$argon2id$...",
                  "failed_pin_attempts": 0}
    id.json      {"version": 1, "mobile_id", "server", "holder", "certificate", "chain"}
    key.json     {"version": 1, "mobile_id", "kind": "software", ...}   (see keycrypt.SealedKey)

The PIN is never stored: only an argon2id verifier. Wrong PINs are counted on disk, so restarting the
program does not reset them; after 5 in a row the key is destroyed and the app refuses all further use
(R-SEC-PIN, R-FLOW-PIN). The key lives in its own file so it can be destroyed without touching the rest,
and so a later version can replace ``kind: software`` by a key shared with the server (keyshare).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives.asymmetric import ec

from . import keycrypt
from .errors import (
    MAX_PIN_ATTEMPTS,
    AlreadySetUp,
    AppLocked,
    NoId,
    NotSetUp,
    PinFormat,
    PinWrong,
    StorageError,
)
from .identity import MobileIdentity, parse_identity
from .storage import ensure_home, read_json, shred, write_json

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None  # type: ignore[assignment]

STATE_ACTIVE = "actief"
STATE_LOCKED = "geblokkeerd"
_PIN = re.compile(r"^[0-9]{6}$")


def check_pin_format(pin: str) -> None:
    """R-CONST-PIN: exactly 6 ASCII digits; checked before anything is counted or stored."""
    if not isinstance(pin, str) or not _PIN.match(pin):
        raise PinFormat()


class Keystore:
    """One app home. Every method re-reads the files, so two runs of the program see each other's state."""

    def __init__(self, home: Path) -> None:
        self.home = Path(home)
        self._hasher = PasswordHasher()

    @property
    def config_path(self) -> Path:
        return self.home / "config.json"

    @property
    def id_path(self) -> Path:
        return self.home / "id.json"

    @property
    def key_path(self) -> Path:
        return self.home / "key.json"

    # -- setup and state -------------------------------------------------------------------------

    def setup(self, pin: str) -> None:
        """Choose the PIN: the app's first start. A home is set up once; reinstalling means a new home."""
        check_pin_format(pin)
        with self._exclusive():
            self.ensure_not_set_up()
            ensure_home(self.home)
            config = {"state": STATE_ACTIVE, "pin_verifier": self._hasher.hash(pin), "failed_pin_attempts": 0}
            write_json(self.config_path, config)

    def ensure_not_set_up(self) -> None:
        """Refuse a second setup before the holder is asked for a PIN."""
        config = read_json(self.config_path)
        if config is not None:
            if config.get("state") == STATE_LOCKED:
                raise AppLocked(f"app home {self.home}")
            raise AlreadySetUp(f"app home {self.home}")

    def ensure_usable(self) -> None:
        """Refuse early when the app is not set up or is locked."""
        self._config()

    def state(self) -> str:
        """``actief`` or ``geblokkeerd``; raises NotSetUp before setup."""
        return self._config(allow_locked=True)["state"]

    def _config(self, *, allow_locked: bool = False) -> dict:
        config = read_json(self.config_path)
        if config is None:
            raise NotSetUp(f"app home {self.home}")
        state, failures = config.get("state"), config.get("failed_pin_attempts")
        if state not in (STATE_ACTIVE, STATE_LOCKED) or not isinstance(failures, int) or failures < 0:
            raise StorageError(f"{self.config_path} is damaged")
        if not isinstance(config.get("pin_verifier"), str):
            raise StorageError(f"{self.config_path} has no PIN verifier")
        if state == STATE_LOCKED:
            shred(self.key_path)  # finishes a lock that was interrupted
            if not allow_locked:
                raise AppLocked(f"app home {self.home}")
        return config

    # -- PIN -------------------------------------------------------------------------------------

    def verify_pin(self, pin: str) -> None:
        """Check the PIN, count a wrong one, and lock the app at the fifth wrong one in a row."""
        check_pin_format(pin)
        with self._exclusive():
            config = self._config()
            if self._pin_matches(config["pin_verifier"], pin):
                if config["failed_pin_attempts"]:
                    write_json(self.config_path, {**_without_version(config), "failed_pin_attempts": 0})
                return
            failures = config["failed_pin_attempts"] + 1
            if failures >= MAX_PIN_ATTEMPTS:
                self._lock(config, failures)
                raise AppLocked(f"app home {self.home}")
            write_json(self.config_path, {**_without_version(config), "failed_pin_attempts": failures})
            raise PinWrong(remaining=MAX_PIN_ATTEMPTS - failures)

    def _pin_matches(self, verifier: str, pin: str) -> bool:
        try:
            return self._hasher.verify(verifier, pin)
        except VerificationError:
            return False
        except InvalidHashError as exc:
            raise StorageError(f"{self.config_path} has a damaged PIN verifier") from exc

    def _lock(self, config: dict, failures: int) -> None:
        """Record the lock first, then destroy the key: a crash in between still leaves the app locked."""
        write_json(self.config_path, {
            **_without_version(config), "state": STATE_LOCKED, "failed_pin_attempts": failures,
        })
        shred(self.key_path)

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Serialise PIN checks, so parallel runs cannot each get five attempts."""
        if fcntl is None or not self.home.is_dir():
            yield
            return
        try:
            handle = (self.home / ".lock").open("a")
        except OSError as exc:
            raise StorageError(f"cannot open lock in {self.home}: {exc.strerror}") from exc
        with handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            yield

    # -- the ID ----------------------------------------------------------------------------------

    def has_id(self) -> bool:
        self._config()
        return self.id_path.exists()

    def load_id(self) -> MobileIdentity:
        self._config()
        data = read_json(self.id_path)
        if data is None:
            raise NoId(f"app home {self.home}")
        server = data.get("server")
        if not isinstance(server, str):
            raise StorageError(f"{self.id_path} has no server")
        return parse_identity(data, server, StorageError)

    def install_id(self, identity: MobileIdentity, private_key: ec.EllipticCurvePrivateKey, pin: str) -> None:
        """Store a new ID, replacing the old one. The caller has verified ``pin`` with verify_pin."""
        check_pin_format(pin)
        self._config()
        sealed = keycrypt.seal(private_key, pin, identity.mobile_id)
        write_json(self.key_path, {"mobile_id": identity.mobile_id, **sealed.as_dict()})
        write_json(self.id_path, identity.as_dict())

    def unlock_key(self, pin: str) -> tuple[MobileIdentity, ec.EllipticCurvePrivateKey]:
        """Verify the PIN (counted) and decrypt the ID's key for one use."""
        identity = self.load_id()
        self.verify_pin(pin)
        data = read_json(self.key_path)
        if data is None or data.get("mobile_id") != identity.mobile_id:
            raise StorageError(f"{self.key_path} is missing or belongs to another ID")
        return identity, keycrypt.unseal(keycrypt.SealedKey.from_dict(data), pin, identity.mobile_id)


def _without_version(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "version"}
