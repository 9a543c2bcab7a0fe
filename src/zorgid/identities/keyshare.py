"""The key share (docs/security.md): the server takes part in every use of a Mobile ID's key (R-SEC-PIN).

At activation the app sends a PIN proof (argon2id of the PIN with a salt of its own) and gets a random share
once; it encrypts its key under a key derived from the PIN and the share, and forgets the share. For each use
it asks the share again with the PIN proof: 3 wrong proofs, then a wait of 1 minute that doubles with each
further failure. A right proof returns the share and a one-time unlock token that the login approval carries.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction

from zorgid import clock
from zorgid.audit.services import record
from zorgid.protocol.messages import KEY_SHARE_BYTES

from .errors import KeyShareMissing, KeyShareWait, PinProofWrong, UnlockTokenInvalid
from .models import KeyShare, MobileId

FREE_TRIES = 3
FIRST_WAIT = dt.timedelta(minutes=1)
MAX_WAIT = dt.timedelta(days=1)
TOKEN_LIFETIME = dt.timedelta(minutes=2)


def _derived(purpose: bytes) -> bytes:
    """A key for ``purpose`` from the installation's secret: not in the database, so a copy of it is not enough."""
    return _derive(purpose, settings.SECRET_KEY)


@functools.lru_cache(maxsize=8)
def _derive(purpose: bytes, secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"zorgid keyshare", info=purpose).derive(
        secret.encode("utf-8"))


def _locked(mobile_id: MobileId) -> KeyShare:
    """The Mobile ID's share, locked for this transaction; an ID of an older app has none."""
    try:
        return KeyShare.objects.select_for_update().get(mobile_id=mobile_id)
    except KeyShare.DoesNotExist:
        raise KeyShareMissing() from None


def _verifier(proof: bytes) -> str:
    return hmac.new(_derived(b"verifier"), proof, hashlib.sha256).hexdigest()


def _seal(share: bytes, mobile_id: str) -> str:
    nonce = secrets.token_bytes(12)
    return base64.b64encode(nonce + AESGCM(_derived(b"share")).encrypt(nonce, share, mobile_id.encode())).decode()


def _open(sealed: str, mobile_id: str) -> bytes:
    raw = base64.b64decode(sealed)
    return AESGCM(_derived(b"share")).decrypt(raw[:12], raw[12:], mobile_id.encode())


def create(mobile_id: MobileId, proof: bytes) -> bytes:
    """At activation: remember the PIN proof's verifier, and make the share (returned once)."""
    share = secrets.token_bytes(KEY_SHARE_BYTES)
    KeyShare.objects.create(mobile_id=mobile_id, verifier=_verifier(proof), sealed_share=_seal(share, mobile_id.id))
    return share


@dataclass(frozen=True)
class Unlocked:
    share: bytes
    token: str


def wait_after(failures: int) -> dt.timedelta:
    """No wait for the first 3 failures; then 1 minute, doubling with each further failure (at most a day)."""
    if failures < FREE_TRIES:
        return dt.timedelta(0)
    return min(FIRST_WAIT * (2 ** (failures - FREE_TRIES)), MAX_WAIT)


def unlock(mobile_id: MobileId, proof: bytes, *, ip: str = "") -> Unlocked:
    """The share and a one-time token for the right PIN proof; a wrong one counts (R-SEC-PIN).

    The count is committed before the refusal is raised: a refusal must not roll its own count back.
    """
    now = clock.now()
    with transaction.atomic():
        found = _locked(mobile_id)
        if found.blocked_until and now < found.blocked_until:
            refusal = KeyShareWait(f"{int((found.blocked_until - now).total_seconds()) + 1} s")
        elif not hmac.compare_digest(found.verifier, _verifier(proof)):
            refusal = _count_failure(found, now, ip, person_id=mobile_id.person_id)
        else:
            return _release(found, now)
    raise refusal


def _count_failure(found: KeyShare, now: dt.datetime, ip: str, *, person_id: str) -> PinProofWrong:
    found.failures += 1
    wait = wait_after(found.failures)
    found.blocked_until = now + wait if wait else None
    found.save(update_fields=["failures", "blocked_until"])
    record("keyshare.pin_wrong", actor=f"mobile_id:{found.mobile_id_id}", subject=f"person:{person_id}", ip=ip,
           details={"failures": found.failures})
    return PinProofWrong(f"{max(0, FREE_TRIES - found.failures)} tries before a wait")


def _release(found: KeyShare, now: dt.datetime) -> Unlocked:
    token = secrets.token_urlsafe(24)
    found.failures, found.blocked_until = 0, None
    found.token_hash = hashlib.sha256(token.encode()).hexdigest()
    found.token_expires_at = now + TOKEN_LIFETIME
    found.save(update_fields=["failures", "blocked_until", "token_hash", "token_expires_at"])
    return Unlocked(_open(found.sealed_share, found.mobile_id_id), token)


def consume_token(mobile_id: MobileId, token: str) -> None:
    """The approval of a login must carry the token of a fresh unlock: the server took part in this use."""
    digest = hashlib.sha256(str(token).encode()).hexdigest()
    used = KeyShare.objects.filter(mobile_id=mobile_id, token_hash=digest, token_expires_at__gt=clock.now()).update(
        token_hash="", token_expires_at=None)
    if not used:
        raise UnlockTokenInvalid()


def replace_proof(mobile_id: MobileId, proof: bytes, *, ip: str = "") -> bytes:
    """After a restore from backup (a new PIN): a new verifier; the share stays and is returned."""
    with transaction.atomic():
        found = _locked(mobile_id)
        found.verifier, found.failures, found.blocked_until = _verifier(proof), 0, None
        found.save(update_fields=["verifier", "failures", "blocked_until"])
        record("keyshare.pin_replaced", actor=f"mobile_id:{mobile_id.id}", subject=f"person:{mobile_id.person_id}",
               ip=ip)
        return _open(found.sealed_share, mobile_id.id)
