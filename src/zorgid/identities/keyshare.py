"""The key share (docs/security.md): the server takes part in every use of a Mobile ID's key (R-SEC-PIN).

At activation the app sends a PIN proof (argon2id of the PIN with a salt of its own) and the public key of a
device key it keeps for unlocking alone, and gets a random share once; it encrypts its Mobile ID key under a key
derived from the PIN and the share, and forgets the share. For each use it asks the share again with the PIN
proof, signed with the device key: an unlock without a valid device signature is refused before the proof is
looked at, so knowing a Mobile ID's id is not enough to spend its tries. Wrong proofs are kept with their times
for 24 hours and a right one does not wipe them: 3 in the window are free, then a wait of 1 minute that doubles
with each further one (at most a day). A right proof returns the share, a one-time unlock token that the login
approval carries, and what happened since the last use (wrong proofs, new activation codes, a correction of the
holder's data: identities.corrections), for the app to show.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature, InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import connection, transaction

from zorgid import clock, metrics
from zorgid.audit.services import record
from zorgid.hashing import token_hash
from zorgid.pki.signatures import verify_signature
from zorgid.protocol.clock_skew import check_signed_at
from zorgid.protocol.device_names import clean_device_name
from zorgid.protocol.errors import MessageMalformed
from zorgid.protocol.messages import (
    KEY_SHARE_BYTES,
    MAX_DEVICE_KEY_BYTES,
    DeviceUnlock,
    PinChange,
    b64decode,
    b64encode,
)

from . import corrections, keyring
from .errors import (
    DeviceClockSkew,
    DeviceKeyMissing,
    DeviceSignatureInvalid,
    IdMoved,
    KeyShareKeyUnknown,
    KeyShareMissing,
    KeyShareWait,
    PinChangeClockSkew,
    PinProofWrong,
    UnlockTokenInvalid,
)
from .models import ActivationCode, KeyShare, MobileId

FREE_TRIES = 3
FIRST_WAIT = dt.timedelta(minutes=1)
MAX_WAIT = dt.timedelta(days=1)
WINDOW = dt.timedelta(hours=24)  # wrong PIN proofs count this long, whatever comes in between
TOKEN_LIFETIME = dt.timedelta(minutes=2)
MAX_NEW_CODES = 10  # activation codes told of in one unlock answer, the oldest first


def _locked(mobile_id: MobileId) -> KeyShare:
    """The Mobile ID's share, locked for this transaction; an ID of an older app has none. Every use of the key asks:
    one plain query by the key (docs/architecture.md, "The login's hot path"); SQLite's write lock is the
    transaction's own (settings.py)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    found = next(iter(KeyShare.objects.raw(
        f"SELECT * FROM {connection.ops.quote_name(KeyShare._meta.db_table)} WHERE mobile_id_id = %s{lock}",  # noqa: S608
        [mobile_id.pk])), None)
    if found is None:
        raise KeyShareMissing()
    return found


def _verifier(proof: bytes) -> str:
    return hmac.new(keyring.current().verifier, proof, hashlib.sha256).hexdigest()


def _seal(share: bytes, mobile_id: str, ring: keyring.Keyring | None = None) -> tuple[int, str]:
    """The share sealed under the keyring's sealing key (identities/keyring.py), with that key's id."""
    key_id, key = (ring or keyring.current()).sealing
    nonce = secrets.token_bytes(12)
    return key_id, base64.b64encode(nonce + AESGCM(key).encrypt(nonce, share, mobile_id.encode())).decode()


def _open(found: KeyShare) -> bytes:
    """The share, opened with the key that sealed it; a key this server lacks is a clear refusal, nothing changed."""
    key = keyring.current().key(found.key_id)
    if key is None:
        raise KeyShareKeyUnknown(f"key {found.key_id} is not in the keyring")
    try:
        raw = base64.b64decode(found.sealed_share, validate=True)
        return AESGCM(key).decrypt(raw[:12], raw[12:], found.mobile_id_id.encode())
    except (InvalidTag, ValueError) as exc:  # ValueError: not base64 (binascii.Error)
        raise KeyShareKeyUnknown(f"key {found.key_id} of the keyring does not open it (another keyring?)") from exc


def device_key(der: bytes, *, mobile_id_key: ec.EllipticCurvePublicKey) -> str:
    """The app's device key as stored: an EC P-256 public key, DER SubjectPublicKeyInfo, base64url; a key of its
    own, not the Mobile ID's (``mobile_id_key``), which opens only after an unlock."""
    try:
        key = serialization.load_der_public_key(der)
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise MessageMalformed("device_key is not a DER public key") from exc
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise MessageMalformed("device_key must be an EC P-256 public key")
    if key.public_numbers() == mobile_id_key.public_numbers():
        raise MessageMalformed("device_key must be a key of its own, not the Mobile ID's")
    return b64encode(key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))


def create(mobile_id: MobileId, proof: bytes, device: str) -> bytes:
    """At activation: remember the PIN proof's verifier and the device key, and make the share (returned once)."""
    share = secrets.token_bytes(KEY_SHARE_BYTES)
    key_id, sealed = _seal(share, mobile_id.id)
    KeyShare.objects.create(mobile_id=mobile_id, verifier=_verifier(proof), sealed_share=sealed, key_id=key_id,
                            device_key=device)
    return share


@dataclass(frozen=True)
class NewActivationCode:
    """An activation code for the holder issued since his last use: unused, or used by another Mobile ID."""

    issued_at: dt.datetime
    used: bool


@dataclass(frozen=True)
class Unlocked:
    share: bytes
    token: str
    wrong_tries_since_last_use: int
    last_use_at: dt.datetime | None
    new_activation_codes: tuple[NewActivationCode, ...]
    data_corrected: corrections.Correction | None = None  # his names or birth date corrected since (once)


def wait_after(failures: int) -> dt.timedelta:
    """No wait for the first 3 failures; then 1 minute, doubling with each further failure (at most a day)."""
    if failures < FREE_TRIES:
        return dt.timedelta(0)
    return min(FIRST_WAIT * (2 ** (failures - FREE_TRIES)), MAX_WAIT)


def unlock(mobile_id: MobileId, proof: bytes, *, signed_at_ms: int, signature: bytes, ip: str = "") -> Unlocked:
    """The share and a one-time token for the right PIN proof signed by the device key; a wrong one counts.

    Without a valid device signature nothing is counted or changed. The count and the signing time are
    committed before a refusal is raised: a refusal must not roll its own count back.
    """
    now = clock.now()
    message = DeviceUnlock(mobile_id.id, proof, signed_at_ms)
    with transaction.atomic():
        found = _locked(mobile_id)
        _check_device(found, message, signature, now)
        found.device_signed_at_ms = signed_at_ms
        found.failure_times = _within_window(found.failure_times, now)
        if found.blocked_until and now < found.blocked_until:
            found.save(update_fields=["device_signed_at_ms", "failure_times"])
            refusal = KeyShareWait(f"{int((found.blocked_until - now).total_seconds()) + 1} s")
            reason = "wait"
        elif not hmac.compare_digest(found.verifier, _verifier(proof)):
            refusal = _count_failure(found, now, ip, person_id=mobile_id.person_id)
            reason = "locked" if found.blocked_until else "wrong_pin"
        else:
            return _release(found, mobile_id, now)
    metrics.key_share_refusals.labels(reason).inc()
    raise refusal


def _check_device(found: KeyShare, message: DeviceUnlock, signature: bytes, now: dt.datetime) -> None:
    """The device key's signature over this unlock, at a time within the skew, later than the last one taken."""
    if not found.device_key:
        raise DeviceKeyMissing()
    if not _signed_by(found.device_key, signature, message):
        if found.moved_from_device_key and _signed_by(found.moved_from_device_key, signature, message):
            raise IdMoved()  # the app this ID was restored away from: nothing counted, nothing changed
        raise DeviceSignatureInvalid("signature does not verify with the device key")
    check_signed_at(message.signed_at_ms / 1000, now, DeviceClockSkew)
    if message.signed_at_ms <= found.device_signed_at_ms:
        raise DeviceSignatureInvalid("signed_at_ms is not later than the last unlock's (sent before?)")


def _signed_by(device_key: str, signature: bytes, message: DeviceUnlock) -> bool:
    public_key = serialization.load_der_public_key(b64decode(device_key, limit=MAX_DEVICE_KEY_BYTES))
    try:
        public_key.verify(signature, message.canonical_bytes(), ec.ECDSA(hashes.SHA256()))  # type: ignore[call-arg]
    except (InvalidSignature, ValueError):
        return False
    return True


def _within_window(times: object, now: dt.datetime) -> list[int]:
    since = (now - WINDOW).timestamp()
    return [at for at in times if isinstance(at, int) and at > since] if isinstance(times, list) else []


def _count_failure(found: KeyShare, now: dt.datetime, ip: str, *, person_id: str) -> PinProofWrong:
    found.failure_times = [*found.failure_times, int(now.timestamp())]
    found.wrong_since_use += 1
    failures = len(found.failure_times)
    wait = wait_after(failures)
    found.blocked_until = now + wait if wait else None
    found.save(update_fields=["device_signed_at_ms", "failure_times", "wrong_since_use", "blocked_until"])
    record("keyshare.pin_wrong", actor=f"mobile_id:{found.mobile_id_id}", subject=f"person:{person_id}", ip=ip,
           details={"failures": failures, "since_last_use": found.wrong_since_use})
    return PinProofWrong(f"{max(0, FREE_TRIES - failures)} tries before a wait")


def _release(found: KeyShare, holder: MobileId, now: dt.datetime) -> Unlocked:
    """The share, a fresh token, and what the holder should know of since his last use (then reset)."""
    token = secrets.token_urlsafe(24)
    since = found.last_use_at or holder.activated_at
    unlocked = Unlocked(_open(found), token, found.wrong_since_use,
                        found.last_use_at, _new_codes(holder, since),
                        corrections.of(holder.person) if found.correction_to_tell else None)
    found.wrong_since_use, found.last_use_at, found.blocked_until = 0, now, None
    found.correction_to_tell = False
    found.token_hash = token_hash(token)
    found.token_expires_at = now + TOKEN_LIFETIME
    found.save(update_fields=["device_signed_at_ms", "failure_times", "wrong_since_use", "last_use_at",
                              "blocked_until", "token_hash", "token_expires_at", "correction_to_tell"])
    return unlocked


def _new_codes(holder: MobileId, since: dt.datetime) -> tuple[NewActivationCode, ...]:
    """Activation codes for the holder issued after ``since``, unused or used by another Mobile ID (plain SQL, as
    :func:`_locked`)."""
    codes = ActivationCode.objects.raw(
        f"SELECT id, issued_at, used_at FROM {connection.ops.quote_name(ActivationCode._meta.db_table)} "  # noqa: S608
        "WHERE person_id = %s AND issued_at > %s AND (mobile_id_id IS NULL OR mobile_id_id <> %s) "
        f"ORDER BY issued_at LIMIT {MAX_NEW_CODES}",
        [holder.person_id, connection.ops.adapt_datetimefield_value(since), holder.pk])
    return tuple(NewActivationCode(code.issued_at, code.used_at is not None) for code in codes)


def consume_token(mobile_id: MobileId, token: str) -> None:
    """The approval of a login must carry the token of a fresh unlock: the server took part in this use."""
    digest = token_hash(str(token))
    used = KeyShare.objects.filter(mobile_id=mobile_id, token_hash=digest, token_expires_at__gt=clock.now()).update(
        token_hash="", token_expires_at=None)
    if not used:
        raise UnlockTokenInvalid()


def change_pin(mobile_id: MobileId, certificate: x509.Certificate, proof: bytes, device_der: bytes, *,
               signed_at: int, signature: bytes, device_name: str = "", ip: str = "") -> bytes:
    """After a restore from backup: the new PIN proof and device key, taken only when signed with the Mobile ID's
    key (``certificate``) within the clock skew; returns the share (replace_proof). ``device_name``: the new
    phone's name ("" for none), checked first (zorgid.protocol.device_names)."""
    name = clean_device_name(device_name) if device_name else ""
    check_signed_at(signed_at, clock.now(), PinChangeClockSkew)
    device = device_key(device_der, mobile_id_key=certificate.public_key())
    verify_signature(certificate, signature, PinChange(mobile_id.id, proof, signed_at, device_der).canonical_bytes())
    return replace_proof(mobile_id, proof, device, device_name=name, ip=ip)


def replace_proof(mobile_id: MobileId, proof: bytes, device: str, *, device_name: str = "", ip: str = "") -> bytes:
    """After a restore from backup (a new PIN, a new app): a new verifier and device key; the share stays and is
    returned. The waits start again (the guesses were at the old PIN); the wrong tries since the last use stay,
    for the restored app to show. The Mobile ID takes the new phone's name: the old one's no longer opens it
    ("" when the app sent none)."""
    with transaction.atomic():
        if mobile_id.device_name != device_name:
            MobileId.objects.filter(pk=mobile_id.pk).update(device_name=device_name)
            mobile_id.device_name = device_name
        found = _locked(mobile_id)
        if found.device_key != device:  # the app it leaves is told so when it tries again (IdMoved)
            found.moved_from_device_key = found.device_key
        found.verifier, found.device_key, found.device_signed_at_ms = _verifier(proof), device, 0
        found.failure_times, found.blocked_until = [], None
        found.save(update_fields=["verifier", "device_key", "moved_from_device_key", "device_signed_at_ms",
                                  "failure_times", "blocked_until"])
        record("keyshare.pin_replaced", actor=f"mobile_id:{mobile_id.id}", subject=f"person:{mobile_id.person_id}",
               ip=ip)
        return _open(found)


def sealed_with(key_id: int) -> int:
    """How many key shares the key ``key_id`` seals."""
    return KeyShare.objects.filter(key_id=key_id).count()


def reseal(*, batch: int = 500, progress: Callable[[int, int], None] | None = None, actor: str = "") -> int:
    """Seal every share that the sealing key of this server's keyring does not seal under it (``zorgid keyshare
    reseal``, ``use``, ``rotate``), ``batch`` shares per transaction: a share is never half moved, and an interrupted
    run is taken up again by the next. Returns how many moved; ``progress(done, total)`` after each batch."""
    ring = keyring.current()
    sealing = ring.sealing[0]
    total, done, after = KeyShare.objects.exclude(key_id=sealing).count(), 0, ""
    while True:
        with transaction.atomic():
            rows = list(KeyShare.objects.select_for_update().filter(pk__gt=after).exclude(key_id=sealing)
                        .order_by("pk")[:batch])
            if not rows:
                break
            for row in rows:
                row.key_id, row.sealed_share = _seal(_open(row), row.mobile_id_id, ring)
            KeyShare.objects.bulk_update(rows, ["key_id", "sealed_share"])
        after, done = rows[-1].pk, done + len(rows)
        if progress:
            progress(done, max(total, done))
    record("keyshare.resealed", actor=actor, details={"key": sealing, "shares": done})
    return done


def add(*, actor: str = "") -> int:
    """A new random key in the keyring that does not seal yet (``zorgid keyshare add``): once every instance has the
    file, ``use`` makes it seal (docs/security.md, "The key-share keys"). Returns its id."""
    key_id = keyring.add_key(seals=False)
    record("keyshare.key_added", actor=actor, details={"key": key_id, "seals": False})
    return key_id


def use(key_id: int, *, batch: int = 500, progress: Callable[[int, int], None] | None = None,
        actor: str = "") -> int:
    """Key ``key_id`` seals new shares from now on and every share is sealed again under it (``zorgid keyshare
    use``); KeyShareKeyNotFound for a key the keyring lacks. Returns how many shares moved."""
    before = keyring.use_key(key_id)
    if before != key_id:
        record("keyshare.key_chosen", actor=actor, details={"key": key_id, "before": before})
    return reseal(batch=batch, progress=progress, actor=actor)


def rotate(*, batch: int = 500, progress: Callable[[int, int], None] | None = None, actor: str = "") -> tuple[int, int]:
    """A new random key in the keyring that seals from now on, and every share sealed under it, in one step: for a
    keyring file that every instance reads (``add`` and ``use`` for copies). Returns (its id, shares moved)."""
    before = keyring.current().sealing[0]
    key_id = keyring.add_key(seals=True)
    record("keyshare.key_added", actor=actor, details={"key": key_id, "seals": True})
    record("keyshare.key_chosen", actor=actor, details={"key": key_id, "before": before})
    return key_id, reseal(batch=batch, progress=progress, actor=actor)


def retire(key_id: int, *, actor: str = "") -> None:
    """Remove an old key from the keyring, only when no share is sealed with it (KeyShareKeyInUse otherwise) and it
    is not the key that seals new shares (KeyShareKeyNewest)."""
    keyring.remove_key(key_id, sealed_with)
    record("keyshare.key_retired", actor=actor, details={"key": key_id})
