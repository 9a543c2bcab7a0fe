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
retire KID`` moves a key to ``retired/`` (kept, no longer published), never the one that signs.

The directory is read at every use (a listing, the keys themselves cached per file), so a rotation by the
command line reaches every worker process at once.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import re
import threading
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

from .errors import SigningKeyInUse, SigningKeyUnknown

KEY_BITS = 3072
ALGORITHM = "RS256"
RETIRED = "retired"
JWKS_CACHE_SECONDS = 300  # /oidc/jwks may be cached this long: a new key is published this long before it signs
_FILE = re.compile(r"^(\d{4,})-([A-Za-z0-9_-]{43})\.pem$")


@dataclass(frozen=True)
class SigningKey:
    """One of the installation's keys: its number (order of making), kid, file, the key itself, and when it was
    published (its file's modification time)."""

    number: int
    kid: str
    path: Path
    jwk: RSAKey  # the private key, as joserfc signs with it
    published_at: dt.datetime

    @property
    def retired(self) -> bool:
        return self.path.parent.name == RETIRED

    @property
    def signs_from(self) -> dt.datetime:
        """The earliest moment it may sign: JWKS_CACHE_SECONDS after it was published."""
        return self.published_at + dt.timedelta(seconds=JWKS_CACHE_SECONDS)

    def public_jwk(self) -> dict[str, str]:
        """The public key as the JWKS publishes it."""
        return {**self.jwk.as_dict(private=False), "kid": self.kid, "use": "sig", "alg": ALGORITHM}


_cache: dict[tuple[Path, int], RSAKey] = {}
_cache_lock = threading.Lock()


def key_directory() -> Path:
    return Path(settings.ZORGID_HOME) / "oidc"


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _load(path: Path, number: int, kid: str) -> SigningKey:
    with _cache_lock:
        found = _cache.get((path, number))
    if found is None:
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(private, rsa.RSAPrivateKey):
            raise ValueError(f"{path} is not an RSA key")
        found = RSAKey.import_key(private)
        with _cache_lock:
            _cache[(path, number)] = found
    published_at = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
    return SigningKey(number, kid, path, found, published_at)


def _scan(directory: Path) -> list[SigningKey]:
    found = []
    for name in os.listdir(directory) if directory.is_dir() else ():
        match = _FILE.match(name)
        if match:
            found.append(_load(directory / name, int(match.group(1)), match.group(2)))
    return sorted(found, key=lambda key: key.number)


def _make(directory: Path, number: int, *, published_at: dt.datetime | None = None) -> SigningKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    kid = RSAKey.import_key(private.public_key()).thumbprint()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    path = directory / f"{number:04d}-{kid}.pem"
    write_private_file(path, pem)
    moment = (published_at or clock.now()).timestamp()  # zorgid's clock (tests move it), not the file system's
    os.utime(path, (moment, moment))
    return _load(path, number, kid)


def all_keys() -> list[SigningKey]:
    """Every key, published and retired, oldest first."""
    directory = key_directory()
    return sorted(_scan(directory) + _scan(directory / RETIRED), key=lambda key: key.number)


def published() -> list[SigningKey]:
    """The keys the JWKS publishes (not retired), oldest first; the first key is made here when there is none."""
    directory = key_directory()
    keys = _scan(directory)
    if not keys:
        with _locked(directory):
            keys = _scan(directory) or [_make(directory, _next_number())]
    return keys


def _signer(keys: list[SigningKey], now: dt.datetime) -> SigningKey:
    """Of ``keys`` (published, oldest first): the newest published at least JWKS_CACHE_SECONDS, else the oldest."""
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
    JWKS again for an unknown kid). The older keys stay published until they are retired."""
    directory = key_directory()
    published()  # the first key, if there is none yet: a rotation always leaves an older key published
    now = clock.now()
    with _locked(directory):
        made = _make(directory, _next_number(),
                     published_at=now - dt.timedelta(seconds=JWKS_CACHE_SECONDS) if at_once else now)
    record("oidc.key.rotated", actor=actor, subject=f"oidc_key:{made.kid}",
           details={"kid": made.kid, "signs_from": made.signs_from.isoformat(), "at_once": at_once})
    return made


def retire(kid: str, *, actor: str) -> SigningKey:
    """Stop publishing the key ``kid`` (it is kept under ``retired/``); never the key that signs now."""
    directory = key_directory()
    with _locked(directory):
        keys = _scan(directory)
        found = next((key for key in keys if key.kid == kid), None)
        if found is None:
            raise SigningKeyUnknown(f"kid {str(kid)[:60]!r}")
        if found.number == _signer(keys, clock.now()).number:
            raise SigningKeyInUse(f"kid {kid}")
        (directory / RETIRED).mkdir(mode=0o700, exist_ok=True)
        target = directory / RETIRED / found.path.name
        os.replace(found.path, target)
        retired = _load(target, found.number, found.kid)
    record("oidc.key.retired", actor=actor, subject=f"oidc_key:{kid}", details={"kid": kid})
    return retired


def sign_jwt(claims: dict, *, typ: str = "JWT") -> str:
    """``claims`` as a JWT signed (RS256) with the signing key, its kid in the header (ID and logout tokens)."""
    key = signing_key()
    return jwt.encode({"alg": ALGORITHM, "kid": key.kid, "typ": typ}, claims, key.jwk, algorithms=[ALGORITHM])
