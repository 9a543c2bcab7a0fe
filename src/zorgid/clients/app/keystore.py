"""The app home: attempt counter, the installed ID and its key, usable only with the server (R-SEC-PIN).

Files (each versioned JSON, mode 0600, in a 0700 directory)::

    config.json  {"version": 1, "state": "actief"|"geblokkeerd", "failed_pin_attempts": 0,
                  "pin_verifier": "$argon2id$...",          (the verifier only until the first ID)
                  "device_name": "iPhone van Jan"}          (this phone's name as the beheerder sees it)
    id.json      {"version": 1, "mobile_id", "server", "holder", "certificate", "chain", "refused"?}
    key.json     {"version": 1, "mobile_id", "kind": "keyshare", ..., "device_key"}
                 (the ID's key sealed: keycrypt.SealedKey; the device key that signs every unlock, PKCS#8 DER)

The PIN is never stored. Between ``setup`` and the first ID the app keeps an argon2id verifier of the
chosen PIN, so that a typing error at the first scan is caught; it is removed as soon as an ID is
installed. From then on nothing on the device can tell a right PIN from a wrong one: the key opens only
with the share that the server releases for the right PIN proof, and the server counts (docs/security.md).
The app counts too: every wrong PIN, as the server answers it, is counted on disk, so restarting the
program does not reset it; after 5 in a row the key is destroyed and the app refuses all further use
(R-FLOW-PIN). An ID restored from a backup that the server no longer accepts is kept without a key, with
the server's refusal (``refused``), so the app can say why it cannot log in.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import socket
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives.asymmetric import ec

from zorgid.protocol.device_names import MAX_DEVICE_NAME_CHARS, DeviceNameInvalid, clean_device_name
from zorgid.protocol.errors import Detail, MessageMalformed, MobileIdExpired, MobileIdRevoked, PinProofWrong
from zorgid.protocol.messages import b64decode, b64encode

from ..terminal import file_problem
from . import keycrypt
from .answers import UnlockAnswer
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
from .identity import Holder, MobileIdentity, parse_identity
from .storage import ensure_home, read_json, shred, write_json

# The server's answers that end an ID for good: a restored ID that got one is kept without a key.
FINAL_REFUSALS = {error.code: error for error in (MobileIdRevoked, MobileIdExpired)}
# Asks the server for the share: (Mobile ID, PIN proof, device key that signs the request) -> its answer.
Release = Callable[[str, bytes, ec.EllipticCurvePrivateKey], UnlockAnswer]
_MAX_DEVICE_KEY_BYTES = 512


@dataclass(frozen=True)
class Unlocked:
    """One use of the ID: its key, the server's one-time token for this use, and what the server told."""

    identity: MobileIdentity
    key: ec.EllipticCurvePrivateKey
    token: str
    answer: UnlockAnswer

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

    def setup(self, pin: str, device_name: str = "") -> None:
        """Choose the PIN: the app's first start. A home is set up once; reinstalling means a new home.
        ``device_name``: the phone's name the server is told at activation and restore (default_device_name)."""
        check_pin_format(pin)
        name = clean_device_name(device_name) if device_name else default_device_name()
        with self._exclusive():
            self.ensure_not_set_up()
            ensure_home(self.home)
            config = {"state": STATE_ACTIVE, "pin_verifier": self._hasher.hash(pin), "failed_pin_attempts": 0,
                      "device_name": name}
            write_json(self.config_path, config)

    def device_name(self) -> str:
        """This phone's name as set up; a home of an older app has none: the name made from the machine's."""
        name = self._config().get("device_name")
        try:
            return clean_device_name(name)
        except DeviceNameInvalid:
            return default_device_name()

    def keep_device_name(self, device_name: str) -> None:
        """A new name for this phone (``restore --toestel`` into a home set up before), told at the next restore."""
        name = clean_device_name(device_name)
        with self._exclusive():
            config = self._config()
            write_json(self.config_path, {**_without_version(config), "device_name": name})

    def ensure_not_set_up(self) -> None:
        """Refuse a second setup before the holder is asked for a PIN."""
        config = read_json(self.config_path)
        if config is not None:
            if config.get("state") == STATE_LOCKED:
                raise AppLocked(app_home(self.home))
            raise AlreadySetUp(app_home(self.home))

    def ensure_usable(self) -> None:
        """Refuse early when the app is not set up or is locked."""
        self._config()

    def state(self) -> str:
        """``actief`` or ``geblokkeerd``; raises NotSetUp before setup."""
        return self._config(allow_locked=True)["state"]

    def _config(self, *, allow_locked: bool = False) -> dict:
        config = read_json(self.config_path)
        if config is None:
            raise NotSetUp(app_home(self.home))
        state, failures = config.get("state"), config.get("failed_pin_attempts")
        if state not in (STATE_ACTIVE, STATE_LOCKED) or not isinstance(failures, int) or failures < 0:
            raise StorageError(f"{self.config_path} is damaged")
        if "pin_verifier" in config and not isinstance(config["pin_verifier"], str):
            raise StorageError(f"{self.config_path} has a damaged PIN verifier")
        if state == STATE_LOCKED:
            shred(self.key_path)  # finishes a lock that was interrupted
            if not allow_locked:
                raise AppLocked(app_home(self.home))
        elif "pin_verifier" in config and self.id_path.exists():  # finishes an install that was interrupted
            config = {k: v for k, v in config.items() if k != "pin_verifier"}
            write_json(self.config_path, {**_without_version(config), "failed_pin_attempts": 0})
            config["failed_pin_attempts"] = 0
        return config

    # -- PIN -------------------------------------------------------------------------------------

    def verify_pin(self, pin: str) -> None:
        """Before the first ID: check the PIN chosen at setup, count a wrong one, lock at the fifth in a row.

        Once an ID is installed there is no verifier on the device: the server checks the PIN (unlock_key)."""
        check_pin_format(pin)
        with self._exclusive():
            config = self._config()
            verifier = config.get("pin_verifier")
            if verifier is None:
                raise StorageError(f"{self.config_path}: the PIN of an installed ID is checked by the server")
            if self._pin_matches(verifier, pin):
                self._reset_failures(config)
                return
            self._count_wrong_pin(config)

    def pin_for_new_key(self, *, choose: bool, ask_pin: Callable[[], str],
                        ask_new_pin: Callable[[], str]) -> tuple[str, keycrypt.PinSecret]:
        """The PIN a new key is sealed under, with a fresh salt: a newly chosen one, or (``choose=False``) the
        one set up before the first ID, checked against the set-up verifier."""
        if choose:
            pin = ask_new_pin()
            check_pin_format(pin)
        else:
            pin = ask_pin()
            self.verify_pin(pin)
        return pin, keycrypt.PinSecret.fresh(pin)

    def _count_wrong_pin(self, config: dict, detail: str | Detail = "") -> None:
        """One more wrong PIN in a row: PinWrong, or at the fifth the lock (the key destroyed)."""
        failures = config["failed_pin_attempts"] + 1
        if failures >= MAX_PIN_ATTEMPTS:
            self._lock(config, failures)
            raise AppLocked(app_home(self.home))
        write_json(self.config_path, {**_without_version(config), "failed_pin_attempts": failures})
        raise PinWrong(detail, remaining=MAX_PIN_ATTEMPTS - failures)

    def _reset_failures(self, config: dict) -> None:
        if config["failed_pin_attempts"]:
            write_json(self.config_path, {**_without_version(config), "failed_pin_attempts": 0})

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
            raise StorageError(file_problem(f"kan de vergrendeling in {self.home} niet openen",
                                            f"cannot open lock in {self.home}", exc)) from exc
        with handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            yield

    # -- the ID ----------------------------------------------------------------------------------

    def has_id(self) -> bool:
        self._config()
        return self.id_path.exists()

    def load_id(self) -> MobileIdentity:
        return self._load_id()[0]

    def _load_id(self) -> tuple[MobileIdentity, str]:
        """The ID and the server's final refusal of it ("" when there is none)."""
        self._config()
        data = read_json(self.id_path)
        if data is None:
            raise NoId(app_home(self.home))
        server, refused = data.get("server"), data.get("refused", "")
        if not isinstance(server, str):
            raise StorageError(f"{self.id_path} has no server")
        if refused and refused not in FINAL_REFUSALS:
            raise StorageError(f"{self.id_path} has an unknown refusal")
        return parse_identity(data, server, StorageError), refused

    def refusal(self) -> str:
        """The code with which the server refused the installed ID for good, or ""."""
        return self._load_id()[1]

    def usable_id(self) -> MobileIdentity:
        """The installed ID, unless the server refused it for good: then that refusal, before any question."""
        identity, refused = self._load_id()
        if refused:
            raise FINAL_REFUSALS[refused](Detail("teruggezet uit een back-up van een ID dat de server niet meer "
                                                 "accepteert",
                                                 "restored from a backup of an ID the server no longer accepts"))
        return identity

    def install_id(self, identity: MobileIdentity, private_key: ec.EllipticCurvePrivateKey,
                   secret: keycrypt.PinSecret, share: bytes, device_key: ec.EllipticCurvePrivateKey) -> None:
        """Store a new ID, replacing the old one: its key sealed under the PIN secret and the server's share, and
        beside it the device key registered with the server for this ID.

        The keys first, the ID next, the set-up PIN verifier last: an interrupted install leaves the old ID,
        or the new one with a verifier that the next start removes (``_config``)."""
        self._config()
        sealed = keycrypt.seal(private_key, secret, share, identity.mobile_id)
        write_json(self.key_path, {"mobile_id": identity.mobile_id, **sealed.as_dict(),
                                   "device_key": b64encode(keycrypt.private_key_der(device_key))})
        write_json(self.id_path, identity.as_dict())
        self._forget_verifier()

    def install_refused_id(self, identity: MobileIdentity, code: str) -> None:
        """Keep an ID that the server refuses for good (a restored backup of a revoked ID), without a key."""
        if code not in FINAL_REFUSALS:
            raise ValueError(f"{code} is not a final refusal")
        self._config()
        shred(self.key_path)
        write_json(self.id_path, {**identity.as_dict(), "refused": code})
        self._forget_verifier()

    def keep_holder(self, mobile_id: str, holder: Holder) -> None:
        """The holder's data as the server corrected them (clients/app/corrections.py), kept in the ID if it is
        still the one installed."""
        with self._exclusive():
            identity, refused = self._load_id()
            if identity.mobile_id == mobile_id:
                kept = dataclasses.replace(identity, holder=holder).as_dict()
                write_json(self.id_path, {**kept, "refused": refused} if refused else kept)

    def _forget_verifier(self) -> None:
        """Once the ID is on disk, reading the configuration removes the set-up PIN verifier (``_config``)."""
        with self._exclusive():
            self._config()

    def unlock_key(self, pin: str, release: Release) -> Unlocked:
        """The ID's key for one use, the server's one-time unlock token for that use, and its answer.

        ``release`` sends the PIN proof, signed with the device key, to the ID's server; a wrong PIN is counted
        here as well as there. The server's waits (ZID-PIN-WAIT) and refusals pass through: the PIN was not
        checked."""
        check_pin_format(pin)
        identity = self.usable_id()
        with self._exclusive():
            config = self._config()
            data = read_json(self.key_path)
            if data is None or data.get("mobile_id") != identity.mobile_id:
                raise StorageError(f"{self.key_path} is missing or belongs to another ID")
            sealed = keycrypt.SealedKey.from_dict(data)
            device_key = _device_key(data)
            secret = keycrypt.PinSecret.of(pin, sealed.salt)
            try:
                answer = release(identity.mobile_id, secret.proof, device_key)
            except PinProofWrong as wrong:  # the server's count, in both languages (PinProofWrong.detail_in)
                self._count_wrong_pin(config, Detail(wrong.detail_in("nl"), wrong.detail_in("en")))
            self._reset_failures(config)
            return Unlocked(identity, keycrypt.unseal(sealed, secret, answer.share, identity.mobile_id),
                            answer.token, answer)


def default_device_name() -> str:
    """"zorgid-app op <hostname>": what the beheerder sees when the holder named no phone; only what the name's rule
    allows of the host name, shortened to fit."""
    host = "".join(ch for ch in socket.gethostname() if not unicodedata.category(ch).startswith("C")
                   and unicodedata.category(ch) not in ("Zl", "Zp"))
    return f"zorgid-app op {host.strip()}"[:MAX_DEVICE_NAME_CHARS].strip() if host.strip() else "zorgid-app"


def app_home(home: Path) -> Detail:
    """The detail that names the app's home directory."""
    return Detail(f"app-map {home}", f"app home {home}")


def _device_key(data: dict) -> ec.EllipticCurvePrivateKey:
    """The device key stored beside the sealed key; an ID installed by an older app has none."""
    if "device_key" not in data:
        raise StorageError("key file has no device key (an ID of an older app: restore a backup of it, or "
                           "activate it again)")
    try:
        return keycrypt.load_private_key_der(b64decode(data["device_key"], limit=_MAX_DEVICE_KEY_BYTES))
    except (MessageMalformed, ValueError) as exc:
        raise StorageError("key file has a damaged device key") from exc


def _without_version(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "version"}
