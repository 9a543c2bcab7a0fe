"""The backup file (R-FLOW-BACKUP): the installed ID and its key, encrypted under a password the holder chose.

Version 1 is four lines of ASCII, so a backup survives being mailed, copied to a USB stick or printed::

    zorgid-app-backup 1
    {"cipher":"AES-256-GCM","kdf":{"hash_len":32,"memory_cost":65536,"name":"argon2id",...},"nonce":"..."}
    <ciphertext, base64url without padding>
    sha256:<hex of the three lines above, newlines included>

* Line 1 names the format and its version, so a reader can tell "not a backup" from "a newer backup"
  before it reads anything else, and a later version can change every other line.
* Lines 1 and 2, byte for byte, are the associated data of AES-256-GCM: a changed byte in the header
  (the argon2id parameters, the salt, the nonce, the version) makes decryption fail, as a changed byte
  of the ciphertext does.
* Line 4 is a plain checksum, no secret. It adds no security (the GCM tag is that); it lets the app
  tell a damaged or truncated file (ZID-APP-BACKUP-DAMAGED) from a wrong password
  (ZID-APP-BACKUP-PASSWORD) without the password, and before spending the argon2id work.

The plaintext is JSON ``{"id": <id.json without its version>, "key": <PKCS#8 DER, base64url>}``. The key
exists unencrypted only in memory; the password is stretched with argon2id (keycrypt), whose parameters
are in the header and are bounded on reading, so a crafted file cannot make the app use gigabytes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec

from zorgid.protocol.errors import Detail, MessageMalformed, PayloadMalformed
from zorgid.protocol.messages import b64decode, b64encode
from zorgid.protocol.payloads import normalise_origin

from . import keycrypt
from .errors import (
    BackupDamaged,
    BackupFormat,
    BackupPasswordWrong,
    BackupTooLarge,
    BackupVersion,
    BackupWeakPassword,
)
from .identity import MobileIdentity, parse_identity

MAGIC = b"zorgid-app-backup"
VERSION = 1
MAX_BACKUP_BYTES = 1024 * 1024
MAX_PASSWORD_CHARS = 1024
MIN_PASSWORD_CHARS = 12
MIN_DISTINCT_CHARS = 6
CIPHER = "AES-256-GCM"
# what this version writes, and the bounds it accepts when reading (memory_cost in KiB)
KDF_PARAMS = {"time_cost": 3, "memory_cost": 65536, "parallelism": 1, "hash_len": 32}
_KDF_BOUNDS = {"time_cost": (1, 16), "memory_cost": (8192, 262144), "parallelism": (1, 8), "hash_len": (32, 32)}
_FIRST_LINE = re.compile(rb"^zorgid-app-backup ([0-9]{1,4})$")
_CHECKSUM = re.compile(rb"^sha256:([0-9a-f]{64})$")
_MAX_PLAIN_B64 = 700 * 1024


def check_password(password: str, pin: str | None = None) -> None:
    """The minimum strength of a backup password; the error's text states the whole rule.

    The backup is a copy of the key that the device's PIN counter does not protect: whoever has the file
    can guess offline, so the password must be far stronger than a 6-digit PIN, and must not give the PIN
    away (nor be guessable from it)."""
    reason = _weakness(password, pin)
    if reason:
        raise BackupWeakPassword(Detail(*reason))


def _weakness(password: str, pin: str | None) -> tuple[str, str] | None:
    """The first rule ``password`` breaks, in Dutch and English for the error's detail; None when it breaks none."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_CHARS:
        return f"korter dan {MIN_PASSWORD_CHARS} tekens", f"shorter than {MIN_PASSWORD_CHARS} characters"
    if len(password) > MAX_PASSWORD_CHARS:
        return f"langer dan {MAX_PASSWORD_CHARS} tekens", f"longer than {MAX_PASSWORD_CHARS} characters"
    if password.isdigit():
        return "alleen cijfers", "digits only"
    if len(set(password)) < MIN_DISTINCT_CHARS:
        return (f"minder dan {MIN_DISTINCT_CHARS} verschillende tekens",
                f"fewer than {MIN_DISTINCT_CHARS} different characters")
    if pin and pin in password:
        return "bevat de pincode", "contains the PIN"
    return None


def seal_backup(identity: MobileIdentity, private_key: ec.EllipticCurvePrivateKey, password: str,
                params: dict | None = None) -> bytes:
    """The bytes of a new backup file; ``params`` only for tests that want a cheaper argon2id."""
    chosen = {**KDF_PARAMS, **(params or {})}
    salt, nonce = keycrypt.fresh_salt_and_nonce()
    header = {
        "cipher": CIPHER, "nonce": b64encode(nonce),
        "kdf": {"name": "argon2id", "salt": b64encode(salt), **chosen},
    }
    authenticated = _first_line(VERSION) + _canonical(header) + b"\n"
    plain = _canonical({"id": identity.as_dict(), "key": b64encode(keycrypt.private_key_der(private_key))})
    ciphertext = keycrypt.seal_bytes(plain, password, authenticated, salt=salt, nonce=nonce, params=chosen)
    body = authenticated + b64encode(ciphertext).encode("ascii") + b"\n"
    return body + b"sha256:" + hashlib.sha256(body).hexdigest().encode("ascii") + b"\n"


def open_backup(raw: bytes, password: str) -> tuple[MobileIdentity, ec.EllipticCurvePrivateKey]:
    """Check and decrypt a backup file's bytes; every refusal has its own error (see the module doc)."""
    return open_sealed(parse_backup(raw), password)


def open_sealed(sealed: SealedBackup, password: str) -> tuple[MobileIdentity, ec.EllipticCurvePrivateKey]:
    """Decrypt a checked file; only now is the password needed, so a bad file is refused before asking."""
    if not isinstance(password, str) or len(password) > MAX_PASSWORD_CHARS:
        raise BackupPasswordWrong(Detail("wachtwoord te lang", "password too long"))
    try:
        plain = keycrypt.open_bytes(sealed.ciphertext, password, sealed.authenticated, salt=sealed.salt,
                                    nonce=sealed.nonce, params=sealed.kdf)
    except InvalidTag:
        raise BackupPasswordWrong() from None
    return _parse_plain(plain)


class SealedBackup:
    """A backup file that passed every check that needs no password."""

    def __init__(self, authenticated: bytes, header: dict, ciphertext: bytes) -> None:
        self.authenticated, self.ciphertext = authenticated, ciphertext
        kdf = header["kdf"]
        self.kdf = {name: kdf[name] for name in KDF_PARAMS}
        self.salt = _b64(kdf.get("salt"), 64, "salt")
        self.nonce = _b64(header.get("nonce"), 64, "nonce")
        if len(self.salt) < keycrypt.SALT_BYTES or len(self.nonce) != keycrypt.NONCE_BYTES:
            raise BackupDamaged("salt or nonce has the wrong length")


def parse_backup(raw: bytes) -> SealedBackup:
    """Format, version, completeness and checksum, in that order: the first failing check names the error."""
    if len(raw) > MAX_BACKUP_BYTES:
        raise BackupTooLarge(Detail(f"meer dan {MAX_BACKUP_BYTES} bytes", f"more than {MAX_BACKUP_BYTES} bytes"))
    if not raw.startswith(MAGIC):
        if raw and not MAGIC.startswith(raw):
            raise BackupFormat(Detail("het bestand begint niet met 'zorgid-app-backup'",
                                      "the file does not start with 'zorgid-app-backup'"))
        raise BackupDamaged("the file is cut short")
    lines = raw.split(b"\n")
    match = _FIRST_LINE.match(lines[0])
    if match is None:
        raise BackupDamaged("first line is not 'zorgid-app-backup <version>'")
    version = int(match.group(1))
    if version > VERSION:
        raise BackupVersion(Detail(f"versie {version}; deze app leest versie {VERSION}",
                                   f"version {version}; this app reads version {VERSION}"))
    if version != VERSION:
        raise BackupDamaged(f"version {version} does not exist")
    if len(lines) != 5 or lines[4] != b"":
        raise BackupDamaged(f"{len(lines) - 1} lines instead of 4")
    checksum = _CHECKSUM.match(lines[3])
    expected = hashlib.sha256(b"\n".join(lines[:3]) + b"\n").hexdigest().encode("ascii")
    if checksum is None or not hmac.compare_digest(checksum.group(1), expected):
        raise BackupDamaged("the checksum does not match the contents")
    ciphertext = _b64(lines[2].decode("ascii", "replace"), MAX_BACKUP_BYTES, "ciphertext")
    return SealedBackup(lines[0] + b"\n" + lines[1] + b"\n", _parse_header(lines[1]), ciphertext)


def _parse_header(line: bytes) -> dict:
    """The header of version 1, with argon2id parameters inside the bounds this version accepts."""
    try:
        header = json.loads(line)
    except (UnicodeDecodeError, ValueError):
        raise BackupDamaged("header is not JSON") from None
    kdf = header.get("kdf") if isinstance(header, dict) else None
    if not isinstance(kdf, dict) or header.get("cipher") != CIPHER or kdf.get("name") != "argon2id":
        raise BackupDamaged("header names an unknown cipher or key derivation")
    for name, (low, high) in _KDF_BOUNDS.items():
        value = kdf.get(name)
        if type(value) is not int or not low <= value <= high:
            raise BackupDamaged(f"argon2id parameter {name} missing or out of bounds")
    return header


def _parse_plain(plain: bytes) -> tuple[MobileIdentity, ec.EllipticCurvePrivateKey]:
    """The decrypted contents, checked as the app checks its own id.json: authentic, yet still outside input."""
    try:
        data = json.loads(plain)
        stored = data["id"]
        server = normalise_origin(stored["server"])
        identity = parse_identity(stored, server, BackupDamaged)
        key = keycrypt.load_private_key_der(_b64(data["key"], 4096, "key"))
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, UnsupportedAlgorithm, PayloadMalformed) as exc:
        raise BackupDamaged(f"contents are not an ID and key: {type(exc).__name__}") from None
    if not keycrypt.same_public_key(key, identity.certificate):
        raise BackupDamaged("the key does not belong to the certificate")
    return identity, key


def _b64(value: object, limit: int, what: str) -> bytes:
    try:
        return b64decode(value, limit=limit)  # type: ignore[arg-type]
    except MessageMalformed:
        raise BackupDamaged(f"{what} is not valid base64") from None


def _first_line(version: int) -> bytes:
    return MAGIC + b" " + str(version).encode("ascii") + b"\n"


def _canonical(data: dict) -> bytes:
    """One line of ASCII JSON: the file stays four lines, and its header bytes are what is authenticated."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")
