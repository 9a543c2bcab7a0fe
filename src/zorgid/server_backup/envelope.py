"""The sealed backup file: a random file key encrypts the contents in chunks (AES-256-GCM), and the file key is
wrapped with a passphrase (scrypt) or to a public key (X25519 or RSA-OAEP), as age does.

Layout::

    ZORGID-BACKUP\\n | header length (4 bytes) | header (JSON) | chunk* (length 4 bytes | ciphertext)

The header is readable without a key (format version, how the file key is wrapped); every chunk is authenticated
together with the header's SHA-256, its number and whether it is the last, so a changed header, a changed, swapped
or left-out chunk and a file cut short are each found before anything is restored. A wrong passphrase or private
key fails at the wrapped key, apart from damage.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from .errors import Damaged, KeyFileUnusable, PassphraseTooShort, UnknownFormat, WrongKey, WrongMode

MAGIC = b"ZORGID-BACKUP\n"
FORMAT_VERSION = 1
CHUNK = 1 << 20
MIN_PASSPHRASE = 12
MIN_RSA_BITS = 3072
SCRYPT = {"n": 1 << 15, "r": 8, "p": 1}  # 32 MiB, about 0.1 s: a guess costs as much
MAX_HEADER = 64 * 1024
_WRAP_INFO = b"zorgid-backup x25519 wrap"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: object) -> bytes:
    try:
        return base64.b64decode(str(text), validate=True)
    except ValueError:
        raise Damaged("the header holds a value that is no base64") from None


@dataclass(frozen=True)
class Seal:
    """How a new backup is sealed: with ``passphrase``, or to ``recipient`` (a PEM public key's bytes)."""

    passphrase: str = ""
    recipient: bytes = b""


@dataclass(frozen=True)
class Opener:
    """How a backup is opened: with ``passphrase``, or with ``identity`` (a PEM private key's bytes)."""

    passphrase: str = ""
    identity: bytes = b""


def check_passphrase(passphrase: str) -> str:
    if len(passphrase) < MIN_PASSPHRASE:
        raise PassphraseTooShort()
    return passphrase


def _scrypt(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode())


def _x25519_wrap_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt=ephemeral + recipient, info=_WRAP_INFO).derive(shared)


def _public_key(pem: bytes):
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError):
        raise KeyFileUnusable("--recipient is no PEM public key") from None
    if isinstance(key, rsa.RSAPublicKey) and key.key_size >= MIN_RSA_BITS or isinstance(key, x25519.X25519PublicKey):
        return key
    raise KeyFileUnusable(f"--recipient is a {type(key).__name__}")


def _private_key(pem: bytes):
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        raise KeyFileUnusable("--identity is no unencrypted PEM private key") from None
    if isinstance(key, rsa.RSAPrivateKey | x25519.X25519PrivateKey):
        return key
    raise KeyFileUnusable(f"--identity is a {type(key).__name__}")


def _wrap(file_key: bytes, seal: Seal) -> dict:
    nonce = os.urandom(12)
    if not seal.recipient:
        salt = os.urandom(16)
        kek = _scrypt(check_passphrase(seal.passphrase), salt, **SCRYPT)
        return {"mode": "passphrase", "kdf": {"name": "scrypt", "salt": _b64(salt), **SCRYPT}, "nonce": _b64(nonce),
                "wrapped": _b64(AESGCM(kek).encrypt(nonce, file_key, b"zorgid-backup"))}
    public = _public_key(seal.recipient)
    raw = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    fingerprint = hashlib.sha256(raw).hexdigest()
    if isinstance(public, rsa.RSAPublicKey):
        wrapped = public.encrypt(file_key, _oaep())
        return {"mode": "recipient", "wrap": "rsa-oaep-sha256", "recipient": fingerprint, "wrapped": _b64(wrapped)}
    ephemeral = x25519.X25519PrivateKey.generate()
    ephemeral_raw = ephemeral.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    recipient_raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    kek = _x25519_wrap_key(ephemeral.exchange(public), ephemeral_raw, recipient_raw)
    return {"mode": "recipient", "wrap": "x25519", "recipient": fingerprint, "ephemeral": _b64(ephemeral_raw),
            "nonce": _b64(nonce), "wrapped": _b64(AESGCM(kek).encrypt(nonce, file_key, b"zorgid-backup"))}


def _oaep() -> padding.OAEP:
    return padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=b"zorgid-backup")


def _unwrap(header: dict, opener: Opener) -> bytes:
    mode = header.get("mode")
    if mode == "passphrase":
        if opener.identity:
            raise WrongMode("the backup was sealed with a passphrase, not to a public key")
        kdf = header.get("kdf") or {}
        try:
            n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
        except (KeyError, TypeError, ValueError):
            raise Damaged("the header's key derivation is incomplete") from None
        if kdf.get("name") != "scrypt" or not (1 << 14 <= n <= 1 << 20 and 1 <= r <= 32 and 1 <= p <= 16):
            raise Damaged("the header's key derivation is not one zorgid makes")
        kek = _scrypt(opener.passphrase, _unb64(kdf.get("salt")), n, r, p)
        return _open_wrapped(kek, header)
    if mode == "recipient":
        if not opener.identity:
            raise WrongMode("the backup was sealed to a public key: give its private key with --identity")
        private = _private_key(opener.identity)
        if header.get("wrap") == "rsa-oaep-sha256" and isinstance(private, rsa.RSAPrivateKey):
            try:
                return private.decrypt(_unb64(header.get("wrapped")), _oaep())
            except ValueError:
                raise WrongKey("the private key is not the one the backup was made for") from None
        if header.get("wrap") == "x25519" and isinstance(private, x25519.X25519PrivateKey):
            ephemeral_raw = _unb64(header.get("ephemeral"))
            try:
                shared = private.exchange(x25519.X25519PublicKey.from_public_bytes(ephemeral_raw))
            except ValueError:
                raise Damaged("the header's ephemeral key is no X25519 key") from None
            own = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            return _open_wrapped(_x25519_wrap_key(shared, ephemeral_raw, own), header)
        raise WrongKey(f"the backup was sealed with {header.get('wrap')!r}, the private key is of another kind")
    raise UnknownFormat(f"unknown sealing {mode!r}")


def _open_wrapped(kek: bytes, header: dict) -> bytes:
    try:
        return AESGCM(kek).decrypt(_unb64(header.get("nonce")), _unb64(header.get("wrapped")), b"zorgid-backup")
    except InvalidTag:
        raise WrongKey() from None


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", number, 1 if last else 0)


def seal_file(source: Path, target: BinaryIO, seal: Seal, progress: Callable[[int], None] = lambda done: None) -> None:
    """Write ``source`` sealed to ``target``."""
    file_key, prefix = os.urandom(32), os.urandom(7)
    header = {"format": FORMAT_VERSION, "cipher": "aes-256-gcm", "chunk": CHUNK, "prefix": _b64(prefix),
              **_wrap(file_key, seal)}
    header_bytes = json.dumps(header, sort_keys=True).encode()
    aad = hashlib.sha256(header_bytes).digest()
    aead = AESGCM(file_key)
    target.write(MAGIC + struct.pack(">I", len(header_bytes)) + header_bytes)
    size, done = source.stat().st_size, 0
    with source.open("rb") as plain:
        number = 0
        while True:
            chunk = plain.read(CHUNK)
            done += len(chunk)
            last = done >= size
            sealed = aead.encrypt(_nonce(prefix, number, last), chunk, aad)
            target.write(struct.pack(">I", len(sealed)) + sealed)
            progress(done)
            number += 1
            if last:
                break


def read_header(source: BinaryIO) -> tuple[dict, bytes]:
    """The header (checked: magic, format version) and its bytes; the file is left at the first chunk."""
    if source.read(len(MAGIC)) != MAGIC:
        raise UnknownFormat("the file does not start as a zorgid backup")
    length = source.read(4)
    if len(length) < 4 or not 0 < struct.unpack(">I", length)[0] <= MAX_HEADER:
        raise Damaged("the header's length is missing or impossible")
    header_bytes = source.read(struct.unpack(">I", length)[0])
    try:
        header = json.loads(header_bytes)
    except ValueError:
        raise Damaged("the header is no JSON (truncated or changed)") from None
    if not isinstance(header, dict):
        raise Damaged("the header is no JSON object")
    if header.get("format") != FORMAT_VERSION:
        raise UnknownFormat(f"format version {header.get('format')!r}; this zorgid reads version {FORMAT_VERSION}")
    return header, header_bytes


def open_file(source: BinaryIO, target: BinaryIO, opener: Opener,
              progress: Callable[[int], None] = lambda done: None) -> None:
    """Write the contents of the sealed ``source`` to ``target``; raise before the end on any damage."""
    header, header_bytes = read_header(source)
    file_key = _unwrap(header, opener)
    try:
        prefix = _unb64(header["prefix"])
    except KeyError:
        raise Damaged("the header has no nonce prefix") from None
    if len(file_key) != 32 or len(prefix) != 7:
        raise Damaged("the header's key or nonce prefix has the wrong length")
    aead, aad, done = AESGCM(file_key), hashlib.sha256(header_bytes).digest(), 0
    for number, sealed, last in _chunks(source):
        try:
            plain = aead.decrypt(_nonce(prefix, number, last), sealed, aad)
        except InvalidTag:
            if not last:
                try:
                    aead.decrypt(_nonce(prefix, number, True), sealed, aad)
                except InvalidTag:
                    pass
                else:
                    raise Damaged("the file goes on after its last part (something was added)") from None
            raise Damaged(f"part {number} does not match (the file was changed or cut short)") from None
        target.write(plain)
        done += len(plain)
        progress(done)


def _chunks(source: BinaryIO) -> Iterator[tuple[int, bytes, bool]]:
    """(number, sealed chunk, whether the file ends after it); a chunk cut short is damage."""
    number, pending = 0, _read_chunk(source)
    if pending is None:
        raise Damaged("the file ends after its header (cut short)")
    while pending is not None:
        following = _read_chunk(source)
        yield number, pending, following is None
        number, pending = number + 1, following


def _read_chunk(source: BinaryIO) -> bytes | None:
    length = source.read(4)
    if not length:
        return None
    if len(length) < 4:
        raise Damaged("the file ends within a part's length (cut short)")
    size = struct.unpack(">I", length)[0]
    if size > CHUNK + 16:
        raise Damaged("a part is longer than zorgid makes them")
    sealed = source.read(size)
    if len(sealed) < size:
        raise Damaged("the file ends within a part (cut short)")
    return sealed
