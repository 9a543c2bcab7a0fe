"""The installation's signing keys for ID tokens and logout tokens: RSA 3072, RS256 (docs/koppelen.md).

Kept as PEM files (0600) under ``ZORGID_HOME/oidc``, made on first need like the CA (pki/ca.py). A key's file
name is its number and its kid (the RFC 7638 thumbprint): ``0001-<kid>.pem``; the file's modification time is
when it was published (set from zorgid's clock when the key is made). The JWKS (``/oidc/jwks``) publishes every
key that is not retired, so a token signed before a rotation still verifies after it.

Which key signs: the newest that has been published at least ``JWKS_CACHE_SECONDS`` (the time an application
may keep /oidc/jwks: discovery.CACHE_SECONDS), so that every application that fetched the JWKS since the
rotation knows it; until then the one before it (or, when no key is that old yet, the oldest: a new installation's
first key signs at once, as no application can have cached a JWKS without it). ``zorgid oidc keys rotate`` adds a
key that starts signing after that time (``at_once``: at once, after a compromised key); ``zorgid oidc keys
retire KID`` moves a key to ``retired/`` (kept, no longer published), never the one that signs. A key on a token
(below) waits ``SYNC_SECONDS`` longer, ``at_once`` included: the other instances publish it up to that much later
than the one that made it, and an application may keep a JWKS fetched from one of them just before.

With the CA keys on a PKCS#11 token (``zorgid ca init --pkcs11-module …``; docs/security.md, "Keys in an HSM")
the keys are made on the token too: the file is then ``0001-<kid>.pkcs11``, the key's label on the token and its
public key (pki/token_ca.py), and the token signs (RS256 as CKM_SHA256_RSA_PKCS). The token also records each
key's publication time and its retirement (written by ``rotate``, ``retire`` and ``zorgid ca init``), so that
every instance on the token follows a rotation made on another: at its listing, at most every ``SYNC_SECONDS``
per process, an instance reads the token and brings its directory in step (a reference for a new key, with the
publication time the rotating instance recorded as its modification time, so that all switch to it at the
same moment; a retired key's reference moved to ``retired/``). A token that cannot be read for a moment fails
nothing: the references are used as they are, and a warning with the error's code is logged.

The directory is read at every use (a listing, the keys themselves cached per file), so a rotation by the
command line reaches every worker process at once. The listing takes no lock: a file another process moved to
``retired/`` (or away) after it was listed is left out, as if listed a moment later.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from joserfc import jwt
from joserfc.jwk import RSAKey

from zorgid import clock
from zorgid.audit.services import record
from zorgid.config import write_private_file
from zorgid.pki import signing_keys, token_ca
from zorgid.pki.errors import CaConfigInvalid
from zorgid.protocol.errors import ZorgidError

from .errors import SigningKeyInUse, SigningKeyUnknown

KEY_BITS = 3072
ALGORITHM = "RS256"
RETIRED = token_ca.RETIRED_DIRECTORY
JWKS_CACHE_SECONDS = 300  # /oidc/jwks may be cached this long: a new key is published this long before it signs
SYNC_SECONDS = 30.0  # the token's record of the keys is read at most this often per process (well below the above)
_FILE = re.compile(r"^(\d{4,})-([A-Za-z0-9_-]{43})\.(pem|pkcs11)$")


@dataclass(frozen=True)
class SigningKey:
    """One of the installation's keys: its number (order of making), kid, file, the key itself, and when it was
    published (its file's modification time)."""

    number: int
    kid: str
    path: Path
    jwk: RSAKey  # the private key, as joserfc signs with it; the public key of a key on a token
    published_at: dt.datetime
    token_key: signing_keys.TokenRsaKey | None = None  # the key on the token that signs, if it is there

    @property
    def retired(self) -> bool:
        return self.path.parent.name == RETIRED

    @property
    def on_token(self) -> bool:
        return self.path.suffix == token_ca.REFERENCE_SUFFIX

    @property
    def signs_from(self) -> dt.datetime:
        """The earliest moment it may sign: JWKS_CACHE_SECONDS after it was published; a key on a token
        SYNC_SECONDS later still, the time the other instances on the token may take to publish it (at their
        next reading of the token), so that no application keeps a JWKS without it from one of them."""
        return self.published_at + dt.timedelta(seconds=JWKS_CACHE_SECONDS + (SYNC_SECONDS if self.on_token else 0))

    @property
    def signer(self) -> RSAKey:
        """The key as joserfc signs with it (the ID token of the token endpoint, sign_jwt): the private key of a
        file, or, on a token, a key whose signatures the token makes (joserfc calls its ``sign``; the private
        half never leaves the token)."""
        if self.token_key is None:
            return self.jwk
        return RSAKey(self.token_key, self.jwk.as_dict(private=False))  # its JWK: the public half, as published

    def public_jwk(self) -> dict[str, str]:
        """The public key as the JWKS publishes it."""
        return {**self.jwk.as_dict(private=False), "kid": self.kid, "use": "sig", "alg": ALGORITHM}


_cache: dict[tuple[Path, int], RSAKey | tuple[RSAKey, signing_keys.TokenRsaKey]] = {}  # a file key; a token key
_cache_lock = threading.Lock()
_synced: dict[Path, float] = {}  # directory: when this process last read the token's record (time.monotonic)
_synced_lock = threading.Lock()
log = logging.getLogger(__name__)


def key_directory() -> Path:
    return Path(settings.ZORGID_HOME) / "oidc"


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _load(path: Path, number: int, kid: str) -> SigningKey:
    """The key of the file ``path``; FileNotFoundError when it is gone (moved by another process)."""
    with _cache_lock:
        found = _cache.get((path, number))
    if found is None and path.suffix == token_ca.REFERENCE_SUFFIX:
        found = _load_reference(path, number)
    if found is None:
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(private, rsa.RSAPrivateKey):
            raise ValueError(f"{path} is not an RSA key")
        found = RSAKey.import_key(private)
        with _cache_lock:
            _cache[(path, number)] = found
    published_at = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
    if isinstance(found, tuple):
        return SigningKey(number, kid, path, found[0], published_at, found[1])
    return SigningKey(number, kid, path, found, published_at)


def _load_reference(path: Path, number: int) -> tuple[RSAKey, signing_keys.TokenRsaKey]:
    """A key on the token: its public key from the reference file, the token's configuration from the CA's."""
    config = signing_keys.load_config(Path(settings.ZORGID_HOME) / "ca")
    try:
        data = json.loads(path.read_text())
        public = serialization.load_pem_public_key(data["public_key"].encode())
        label = str(data["label"])
    except FileNotFoundError:
        raise  # moved by another process: not a broken reference
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CaConfigInvalid(f"{path.name}: {type(exc).__name__}") from exc
    if config is None or not isinstance(public, rsa.RSAPublicKey):
        raise CaConfigInvalid(f"{path.name} refers to a token, but ca/pkcs11.json is missing")
    found = (RSAKey.import_key(public), signing_keys.token_rsa_key(config, label, public))
    with _cache_lock:
        _cache[(path, number)] = found
    return found


def _scan(directory: Path) -> list[SigningKey]:
    """The keys in ``directory``, oldest first, without its lock: a file that is gone by the time it is read
    (another process moved it to retired/ after the listing) is left out."""
    found = []
    try:
        names = os.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        names = []
    for name in names:
        match = _FILE.match(name)
        if match:
            try:
                found.append(_load(directory / name, int(match.group(1)), match.group(2)))
            except FileNotFoundError:
                continue
    return sorted(found, key=lambda key: key.number)


def _make(directory: Path, number: int, *, published_at: dt.datetime | None = None) -> SigningKey:
    config = signing_keys.load_config(Path(settings.ZORGID_HOME) / "ca")
    moment = published_at or clock.now()  # zorgid's clock (tests move it), not the file system's
    if config is not None and "oidc" in config.keys:  # on the token, as the CA keys, with its publication time
        label, number, public = token_ca.make_oidc_key(config, number, moment)  # a later number if it is taken
        path = directory / f"{number:04d}-{RSAKey.import_key(public).thumbprint()}{token_ca.REFERENCE_SUFFIX}"
        token_ca.write_reference(path, label, public, moment)
    else:
        private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
        pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        path = directory / f"{number:04d}-{RSAKey.import_key(private.public_key()).thumbprint()}.pem"
        write_private_file(path, pem, mtime=moment)
    return _load(path, number, _FILE.match(path.name).group(2))


def _token_config() -> signing_keys.TokenConfig | None:
    config = signing_keys.load_config(Path(settings.ZORGID_HOME) / "ca")
    return config if config is not None and "oidc" in config.keys else None


def follow_token(directory: Path | None = None, *, force: bool = False, locked: bool = False) -> list[str]:
    """Bring the references in ``directory`` in step with the keys the token records (see the module's text):
    at most every SYNC_SECONDS per process unless ``force``; ``locked``: the caller holds the directory's lock.
    Nothing to do without keys on a token. A token that cannot be read is logged (with the error's code) and
    the references are kept as they are. Returns what changed."""
    directory = directory or key_directory()
    config = _token_config()
    if config is None:
        return []
    now = time.monotonic()
    with _synced_lock:
        last = _synced.get(directory)
        if not force and last is not None and now - last < SYNC_SECONDS:
            return []
        _synced[directory] = now  # a token that cannot be read is tried again after SYNC_SECONDS, not at once
    try:
        listed = token_ca.listed_oidc_keys(config)
    except ZorgidError as error:
        log.warning("%s: the ID-token keys on token %r could not be read (%s); the references in %s are used as "
                    "they are", error.code, config.token_label, error.detail, directory)
        return []
    try:
        if locked:
            changed = token_ca.bring_in_step(directory, listed)
        else:
            with _locked(directory):
                changed = token_ca.bring_in_step(directory, listed)
    except OSError as error:
        log.warning("the ID-token key references in %s could not be brought in step with token %r (%s: %s); "
                    "they are used as they are", directory, config.token_label, type(error).__name__, error)
        return []
    for change in changed:
        log.info("ID-token key reference %s, as recorded on token %r", change, config.token_label)
    return changed


def all_keys() -> list[SigningKey]:
    """Every key, published and retired, oldest first."""
    directory = key_directory()
    follow_token(directory)
    return sorted(_scan(directory) + _scan(directory / RETIRED), key=lambda key: key.number)


def published() -> list[SigningKey]:
    """The keys the JWKS publishes (not retired), oldest first; the first key is made here when there is none."""
    directory = key_directory()
    follow_token(directory)
    keys = _scan(directory)
    if not keys:
        with _locked(directory):
            follow_token(directory, force=True, locked=True)  # the token's keys before a new one is made there
            keys = _scan(directory) or [_make(directory, _next_number())]
    return keys


def _signer(keys: list[SigningKey], now: dt.datetime) -> SigningKey:
    """Of ``keys`` (published, oldest first): the newest whose ``signs_from`` has come, else the oldest."""
    ready = [key for key in keys if key.signs_from <= now]
    return ready[-1] if ready else keys[0]


def signing_key() -> SigningKey:
    """The key that signs now (see the module's text): a rotated key only once every cached JWKS can know it."""
    return _signer(published(), clock.now())


def jwks() -> dict[str, list[dict[str, str]]]:
    """The JWK Set of ``/oidc/jwks``: the public halves of every published key, the signing key first, then the
    others newest first."""
    keys = published()
    signer = _signer(keys, clock.now())
    return {"keys": [key.public_jwk() for key in [signer, *(key for key in reversed(keys) if key != signer)]]}


def _next_number() -> int:
    return max((key.number for key in all_keys()), default=0) + 1


def rotate(*, actor: str, at_once: bool = False) -> SigningKey:
    """A new key, published now, that signs from ``signs_from`` on (JWKS_CACHE_SECONDS later; ``at_once``: at once,
    as if published that long ago: after a compromised key, when waiting is worse than an application fetching the
    JWKS again for an unknown kid; on a token SYNC_SECONDS later in both cases, when every instance publishes it).
    The older keys stay published until they are retired."""
    directory = key_directory()
    published()  # the first key, if there is none yet: a rotation always leaves an older key published
    now = clock.now()
    with _locked(directory):
        follow_token(directory, force=True, locked=True)  # the next number after every key on the token
        made = _make(directory, _next_number(),
                     published_at=now - dt.timedelta(seconds=JWKS_CACHE_SECONDS) if at_once else now)
    record("oidc.key.rotated", actor=actor, subject=f"oidc_key:{made.kid}",
           details={"kid": made.kid, "signs_from": made.signs_from.isoformat(), "at_once": at_once})
    return made


def retire(kid: str, *, actor: str) -> SigningKey:
    """Stop publishing the key ``kid`` (it is kept under ``retired/``); never the key that signs now. A key on the
    token is recorded there as retired first, so that every instance stops publishing it."""
    directory = key_directory()
    with _locked(directory):
        follow_token(directory, force=True, locked=True)
        keys = _scan(directory)
        found = next((key for key in keys if key.kid == kid), None)
        if found is None:
            raise SigningKeyUnknown(f"kid {str(kid)[:60]!r}")
        if found.number == _signer(keys, clock.now()).number:
            raise SigningKeyInUse(f"kid {kid}")
        config = _token_config()
        if found.token_key is not None and config is not None:
            token_ca.retire_oidc_key(config, found.token_key.label)
        (directory / RETIRED).mkdir(mode=0o700, exist_ok=True)
        target = directory / RETIRED / found.path.name
        os.replace(found.path, target)
        retired = _load(target, found.number, found.kid)
    record("oidc.key.retired", actor=actor, subject=f"oidc_key:{kid}", details={"kid": kid})
    return retired


def sign_jwt(claims: dict, *, typ: str = "JWT") -> str:
    """``claims`` as a JWT signed (RS256) with the signing key, its kid in the header (ID and logout tokens)."""
    key = signing_key()
    return jwt.encode({"alg": ALGORITHM, "kid": key.kid, "typ": typ}, claims, key.signer, algorithms=[ALGORITHM])
