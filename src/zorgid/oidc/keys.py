"""The installation's signing keys for ID tokens and logout tokens: RSA 3072, RS256 (docs/koppelen.md).

Kept as PEM files (0600) under ``ZORGID_HOME/oidc``, made on first need like the CA (pki/ca.py). A key's file
name is its number and its kid (the RFC 7638 thumbprint): ``0001-<kid>.pem``. The newest key signs; the JWKS
(``/oidc/jwks``) publishes every key that is not retired, so a token signed before a rotation still verifies
after it. ``zorgid oidc keys rotate`` adds a key that signs from then on; ``zorgid oidc keys retire KID`` moves
a key to ``retired/`` (kept, no longer published), never the one that signs.

The directory is read at every use (a listing, the keys themselves cached per file), so a rotation by the
command line reaches every worker process at once.
"""

from __future__ import annotations

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

from zorgid.audit.services import record
from zorgid.config import write_private_file

from .errors import SigningKeyInUse, SigningKeyUnknown

KEY_BITS = 3072
ALGORITHM = "RS256"
RETIRED = "retired"
_FILE = re.compile(r"^(\d{4,})-([A-Za-z0-9_-]{43})\.pem$")


@dataclass(frozen=True)
class SigningKey:
    """One of the installation's keys: its number (order of making), kid, file and the key itself."""

    number: int
    kid: str
    path: Path
    jwk: RSAKey  # the private key, as joserfc signs with it

    @property
    def retired(self) -> bool:
        return self.path.parent.name == RETIRED

    def public_jwk(self) -> dict[str, str]:
        """The public key as the JWKS publishes it."""
        return {**self.jwk.as_dict(private=False), "kid": self.kid, "use": "sig", "alg": ALGORITHM}


_cache: dict[tuple[Path, int], SigningKey] = {}
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
        found = SigningKey(number, kid, path, RSAKey.import_key(private))
        with _cache_lock:
            _cache[(path, number)] = found
    return found


def _scan(directory: Path) -> list[SigningKey]:
    found = []
    for name in os.listdir(directory) if directory.is_dir() else ():
        match = _FILE.match(name)
        if match:
            found.append(_load(directory / name, int(match.group(1)), match.group(2)))
    return sorted(found, key=lambda key: key.number)


def _make(directory: Path, number: int) -> SigningKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    kid = RSAKey.import_key(private.public_key()).thumbprint()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    path = directory / f"{number:04d}-{kid}.pem"
    write_private_file(path, pem)
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


def signing_key() -> SigningKey:
    """The newest published key: the one that signs now."""
    return published()[-1]


def jwks() -> dict[str, list[dict[str, str]]]:
    """The JWK Set of ``/oidc/jwks``: the public halves of every published key, the signing key first."""
    return {"keys": [key.public_jwk() for key in reversed(published())]}


def _next_number() -> int:
    return max((key.number for key in all_keys()), default=0) + 1


def rotate(*, actor: str) -> SigningKey:
    """A new key that signs from now on; the older ones stay published until they are retired."""
    directory = key_directory()
    published()  # the first key, if there is none yet: a rotation always leaves an older key published
    with _locked(directory):
        made = _make(directory, _next_number())
    record("oidc.key.rotated", actor=actor, subject=f"oidc_key:{made.kid}", details={"kid": made.kid})
    return made


def retire(kid: str, *, actor: str) -> SigningKey:
    """Stop publishing the key ``kid`` (it is kept under ``retired/``); never the key that signs now."""
    directory = key_directory()
    with _locked(directory):
        keys = _scan(directory)
        found = next((key for key in keys if key.kid == kid), None)
        if found is None:
            raise SigningKeyUnknown(f"kid {str(kid)[:60]!r}")
        if found is keys[-1] or found.number == keys[-1].number:
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
