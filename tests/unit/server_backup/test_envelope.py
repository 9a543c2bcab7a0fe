"""The sealed backup file (zorgid.server_backup.envelope): what it opens with, and each kind of damage found."""

from __future__ import annotations

import io
import json
import struct

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa, x25519

from zorgid.server_backup import envelope
from zorgid.server_backup.errors import Damaged, KeyFileUnusable, PassphraseTooShort, UnknownFormat, WrongKey, WrongMode

PASSPHRASE = "twaalf tekens of meer"


def pem_pair(private):
    public = private.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    secret = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption())
    return public, secret


@pytest.fixture
def plain(tmp_path):
    path = tmp_path / "plain"
    path.write_bytes(bytes(range(256)) * (envelope.CHUNK // 256 * 2 + 3))  # three chunks, the last a short one
    return path


def sealed(plain, seal) -> bytes:
    out = io.BytesIO()
    envelope.seal_file(plain, out, seal)
    return out.getvalue()


def opened(data: bytes, opener) -> bytes:
    out = io.BytesIO()
    envelope.open_file(io.BytesIO(data), out, opener)
    return out.getvalue()


def test_a_passphrase_opens_what_it_sealed_and_another_does_not(plain):
    data = sealed(plain, envelope.Seal(passphrase=PASSPHRASE))
    assert opened(data, envelope.Opener(passphrase=PASSPHRASE)) == plain.read_bytes()
    assert plain.read_bytes()[:4096] not in data
    with pytest.raises(WrongKey):
        opened(data, envelope.Opener(passphrase=PASSPHRASE + "!"))


@pytest.mark.parametrize("make_key", [x25519.X25519PrivateKey.generate,
                                      lambda: rsa.generate_private_key(public_exponent=65537, key_size=3072)])
def test_a_private_key_opens_what_was_sealed_to_its_public_key_and_another_does_not(plain, make_key):
    public, secret = pem_pair(make_key())
    data = sealed(plain, envelope.Seal(recipient=public))
    assert opened(data, envelope.Opener(identity=secret)) == plain.read_bytes()
    with pytest.raises(WrongKey):
        opened(data, envelope.Opener(identity=pem_pair(make_key())[1]))
    with pytest.raises(WrongMode):
        opened(data, envelope.Opener(passphrase=PASSPHRASE))


def test_a_short_passphrase_and_a_weak_or_unknown_key_are_refused(plain):
    with pytest.raises(PassphraseTooShort):
        sealed(plain, envelope.Seal(passphrase="elf tekens!"))
    weak, _ = pem_pair(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    with pytest.raises(KeyFileUnusable):
        sealed(plain, envelope.Seal(recipient=weak))
    other, _ = pem_pair(ec.generate_private_key(ec.SECP256R1()))
    with pytest.raises(KeyFileUnusable):
        sealed(plain, envelope.Seal(recipient=other))
    with pytest.raises(KeyFileUnusable):
        sealed(plain, envelope.Seal(recipient=b"-----BEGIN PUBLIC KEY-----\nnonsense\n"))


def header_end(data: bytes) -> int:
    return len(envelope.MAGIC) + 4 + struct.unpack(">I", data[len(envelope.MAGIC):len(envelope.MAGIC) + 4])[0]


@pytest.mark.parametrize("damage", [
    lambda data: data[:-1],  # cut within the last chunk
    lambda data: data[:header_end(data) + 4 + envelope.CHUNK + 16],  # cut after a whole chunk
    lambda data: data[:header_end(data)],  # only the header
    lambda data: data[:header_end(data) + 2],  # cut within a length
    lambda data: data[:-100] + bytes([data[-100] ^ 1]) + data[-99:],  # one bit changed in the last chunk
    lambda data: data[:header_end(data) + 50] + b"x" + data[header_end(data) + 51:],  # one byte of the first
    lambda data: data + data[header_end(data):header_end(data) + 4 + envelope.CHUNK + 16],  # a chunk added
    lambda data: data + b"\x00\x00",  # bytes added
])
def test_a_cut_or_changed_file_is_damaged(plain, damage):
    data = sealed(plain, envelope.Seal(passphrase=PASSPHRASE))
    with pytest.raises(Damaged):
        opened(damage(data), envelope.Opener(passphrase=PASSPHRASE))


def test_a_changed_header_is_damaged_even_when_the_key_still_opens(plain):
    data = sealed(plain, envelope.Seal(passphrase=PASSPHRASE))
    end = header_end(data)
    header = json.loads(data[len(envelope.MAGIC) + 4:end])
    header["chunk"] = envelope.CHUNK // 2  # not used to open, but covered by every chunk's tag
    changed = json.dumps(header, sort_keys=True).encode()
    forged = envelope.MAGIC + struct.pack(">I", len(changed)) + changed + data[end:]
    with pytest.raises(Damaged):
        opened(forged, envelope.Opener(passphrase=PASSPHRASE))


def test_another_format_version_and_another_file_are_refused_before_any_key_is_tried(plain):
    data = sealed(plain, envelope.Seal(passphrase=PASSPHRASE))
    newer = data.replace(b'"format": 1', b'"format": 2', 1)
    with pytest.raises(UnknownFormat, match="format version 2"):
        opened(newer, envelope.Opener(passphrase="wrong but never tried"))
    with pytest.raises(UnknownFormat):
        opened(b"SQLite format 3\x00" + data, envelope.Opener(passphrase=PASSPHRASE))
