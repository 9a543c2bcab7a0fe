"""The key-share keys (docs/security.md, "The key-share keys"): a secret of their own, not Django's SECRET_KEY.

One file, ``ZORGID_KEYSHARE_KEYS`` (default ``$ZORGID_HOME/keyshare-keys``), owner-only, the same keys on every
instance, with lines::

    verifier <base64 of 32 bytes>    the key of the PIN proofs' verifiers (an HMAC: it cannot be moved, it stays)
    key <id> <base64 of 32 bytes>    a key that seals shares (AES-256-GCM); the last line seals, every one opens

The last key line is the record of which key seals new shares: in every file before ``zorgid keyshare add``
existed it is the newest key, so those files mean what they meant. A key added for later (``add``) goes just
before that line, so the file still reads the same in the release before this one, and copies deployed to
several instances can hold a key before any instance seals with it; ``use`` moves a key's line to the end.

It is made once, at the first start, from the keys the installation used before it had this file (derived from
SECRET_KEY at that moment: key 0 and the verifier key), so every existing Mobile ID keeps working and Django's
SECRET_KEY can change afterwards. ``zorgid keyshare rotate`` adds a random key that seals at once and seals every
share under it; ``add`` and ``use`` do the same in two steps, for copies of the file (docs/security.md);
``zorgid keyshare retire`` removes an old key once no share uses it.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from zorgid.config import read_when_changed, replace_private_file, write_private_file

from .errors import KeyringInvalid, KeyShareKeyInUse, KeyShareKeyNewest, KeyShareKeyNotFound

KEY_BYTES = 32
LEGACY_KEY_ID = 0  # the key derived from SECRET_KEY that sealed every share before this file existed
HEADER = ("# zorgid: the key-share keys (docs/security.md). Secret: owner-only, the same keys on every instance.\n"
          "# The last key line seals new shares, every key opens its own; change only with `zorgid keyshare`.\n")


@dataclass(frozen=True)
class Keyring:
    verifier: bytes
    keys: tuple[tuple[int, bytes], ...]  # (id, key) in the file's order: the last one seals new shares

    @property
    def sealing(self) -> tuple[int, bytes]:
        """The key that seals new shares: the file's last key line."""
        return self.keys[-1]

    @property
    def newest(self) -> tuple[int, bytes]:
        """The key added last (the highest number); it need not seal yet (``zorgid keyshare add``)."""
        return max(self.keys, key=lambda item: item[0])

    def key(self, key_id: int) -> bytes | None:
        return next((key for found, key in self.keys if found == key_id), None)

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(sorted(key_id for key_id, _ in self.keys))

    def text(self) -> str:
        lines = [f"verifier {_b64(self.verifier)}", *(f"key {key_id} {_b64(key)}" for key_id, key in self.keys)]
        return HEADER + "\n".join(lines) + "\n"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def legacy(secret: str) -> Keyring:
    """The keys as the installation derived them from its SECRET_KEY before it had a keyring."""
    def derived(purpose: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=b"zorgid keyshare", info=purpose).derive(
            secret.encode("utf-8"))

    return Keyring(derived(b"verifier"), ((LEGACY_KEY_ID, derived(b"share")),))


def path() -> Path:
    return Path(settings.ZORGID_KEYSHARE_KEYS)


def parse(text: str, where: object = "") -> Keyring:
    verifier, keys = None, []
    for number, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        try:
            if fields[0] == "verifier" and len(fields) == 2 and verifier is None:
                verifier = _key_bytes(fields[1])
                continue
            if fields[0] == "key" and len(fields) == 3 and fields[1].isdigit():
                key_id = int(fields[1])
                if key_id not in (found for found, _ in keys):
                    keys.append((key_id, _key_bytes(fields[2])))
                    continue
        except ValueError:
            pass
        raise KeyringInvalid(f"{where}: line {number}")
    if verifier is None or not keys:
        raise KeyringInvalid(f"{where}: {'no verifier key' if verifier is None else 'no key'}")
    return Keyring(verifier, tuple(keys))


def _key_bytes(text: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error as exc:
        raise ValueError(text) from exc
    if len(raw) != KEY_BYTES:
        raise ValueError(text)
    return raw


_cache: dict[Path, tuple[tuple[int, int, int], Keyring]] = {}


def current() -> Keyring:
    """The keyring as the file holds it now: read again when the file changed (a ``zorgid keyshare`` command in
    another process), made once when there is none."""
    return read_when_changed(path(), ensure, _read, _cache)


def _read(where: Path) -> Keyring:
    try:
        return parse(where.read_text(encoding="utf-8"), where)
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyringInvalid(f"{where}: {exc.__class__.__name__}") from exc


def ensure() -> bool:
    """Make the keyring from SECRET_KEY's keys if there is none (the first start); True when it made it."""
    where = path()
    if where.exists():
        return False
    try:
        write_private_file(where, legacy(settings.SECRET_KEY).text().encode())
    except FileExistsError:
        return False  # another process made it first: theirs stands, from the same SECRET_KEY
    return True


def add_key(*, seals: bool = True) -> int:
    """A new random key; returns its id (one more than the highest). ``seals``: it seals every new share from now on
    (``rotate``); without, the key that seals stays the same and the new one only opens, until ``use_key``."""
    def added(keyring: Keyring) -> Keyring:
        new = (max(keyring.ids) + 1, secrets.token_bytes(KEY_BYTES))
        keys = (*keyring.keys, new) if seals else (*keyring.keys[:-1], new, keyring.sealing)
        return Keyring(keyring.verifier, keys)

    return _change(added).newest[0]


def use_key(key_id: int) -> int:
    """Make key ``key_id`` the one that seals new shares (its line last); returns the key that sealed before
    (``key_id`` itself when it already did: the file is then left as it is)."""
    before: list[int] = []

    def used(keyring: Keyring) -> Keyring | None:
        key = keyring.key(key_id)
        if key is None:
            raise KeyShareKeyNotFound(str(key_id))
        before.append(keyring.sealing[0])
        if keyring.sealing[0] == key_id:
            return None
        return Keyring(keyring.verifier, (*(item for item in keyring.keys if item[0] != key_id), (key_id, key)))

    _change(used)
    return before[0]


def remove_key(key_id: int, still_used: Callable[[int], int]) -> None:
    """Remove key ``key_id`` (not the one that seals new shares); ``still_used(key_id)`` (how many shares it seals)
    is asked under the file's lock."""
    def removed(keyring: Keyring) -> Keyring:
        if keyring.key(key_id) is None:
            raise KeyShareKeyNotFound(str(key_id))
        if keyring.sealing[0] == key_id:
            raise KeyShareKeyNewest(str(key_id))
        if used := still_used(key_id):
            raise KeyShareKeyInUse(f"key {key_id}: {used} key shares")
        return Keyring(keyring.verifier, tuple(item for item in keyring.keys if item[0] != key_id))

    _change(removed)


def _change(change: Callable[[Keyring], Keyring | None]) -> Keyring:
    """Read, change and write the keyring under an exclusive lock, atomically and durably (a new file renamed over
    it, both on disk before this returns: config.replace_private_file); a change that answers None leaves the file
    untouched."""
    current()  # made first if there is none
    where = path()
    with open(where.with_name(f".{where.name}.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        found = parse(where.read_text(encoding="utf-8"), where)
        keyring = change(found)
        if keyring is None:
            return found
        # on disk, the rename too, before the caller reseals shares under a new key in the database
        replace_private_file(where, keyring.text().encode())
    return keyring
