"""The backup file format itself: what is authenticated, what is bounded, and the password rules."""

from __future__ import annotations

import hashlib
import json

import pytest

from zorgid.clients.app import backup_format
from zorgid.clients.app.backup_format import check_password, open_backup, parse_backup, seal_backup
from zorgid.clients.app.errors import (
    BackupDamaged,
    BackupFormat,
    BackupPasswordWrong,
    BackupVersion,
    BackupWeakPassword,
)

PASSWORD = "paard batterij nietje correct"
CHEAP = {"time_cost": 1, "memory_cost": 8192}  # within the accepted bounds, fast enough for many tests


@pytest.fixture
def sealed(made_id) -> bytes:
    _, identity, key = made_id
    return seal_backup(identity, key, PASSWORD, CHEAP)


def with_checksum(raw: bytes) -> bytes:
    """What someone who changes the file on purpose does: make the checksum fit again."""
    body = b"\n".join(raw.split(b"\n")[:3]) + b"\n"
    return body + b"sha256:" + hashlib.sha256(body).hexdigest().encode() + b"\n"


def header_of(raw: bytes) -> dict:
    return json.loads(raw.split(b"\n")[1])


def test_round_trip(made_id, sealed):
    _, identity, key = made_id
    restored, restored_key = open_backup(sealed, PASSWORD)
    assert restored == identity and restored_key.private_numbers() == key.private_numbers()
    assert header_of(sealed)["kdf"]["time_cost"] == 1


def test_the_default_parameters_are_written(made_id):
    _, identity, key = made_id
    header = header_of(seal_backup(identity, key, PASSWORD))
    assert header["cipher"] == "AES-256-GCM" and header["kdf"]["name"] == "argon2id"
    assert {name: header["kdf"][name] for name in backup_format.KDF_PARAMS} == backup_format.KDF_PARAMS


@pytest.mark.parametrize(("old", "new"), [
    (b'"time_cost":1', b'"time_cost":2'),
    (b'"cipher":"AES-256-GCM"', b'"cipher":"AES-256-GCM","x":1'),
    (b'"kdf":{', b'"kdf":{ '),  # even a space: the header's exact bytes are authenticated
])
def test_the_header_is_authenticated(sealed, old, new):
    changed = with_checksum(sealed.replace(old, new, 1))
    parse_backup(changed)  # passes every check that needs no password
    with pytest.raises(BackupPasswordWrong):
        open_backup(changed, PASSWORD)


def test_the_version_line_is_authenticated(sealed, monkeypatch):
    monkeypatch.setattr(backup_format, "VERSION", 7)
    changed = with_checksum(sealed.replace(b"zorgid-app-backup 1\n", b"zorgid-app-backup 7\n"))
    with pytest.raises(BackupPasswordWrong):
        open_backup(changed, PASSWORD)


def test_every_single_flipped_bit_is_refused(sealed):
    for index in range(0, len(sealed), 7):
        changed = sealed[:index] + bytes([sealed[index] ^ 0x04]) + sealed[index + 1:]
        with pytest.raises((BackupDamaged, BackupFormat, BackupVersion)):
            open_backup(changed, PASSWORD)


@pytest.mark.parametrize("cut", [1, 10, 17, 18, 25, 300, -70, -1])
def test_a_truncated_file_is_damaged(sealed, cut):
    with pytest.raises(BackupDamaged):
        parse_backup(sealed[:cut])


@pytest.mark.parametrize(("field", "value"), [
    ("memory_cost", 4 * 1024 * 1024), ("time_cost", 1000), ("parallelism", 0), ("hash_len", 64),
    ("time_cost", True), ("memory_cost", "65536"),
])
def test_argon2_parameters_are_bounded_before_use(sealed, field, value):
    """A crafted file must not make the app spend gigabytes or hours before the password is checked."""
    header = header_of(sealed)
    header["kdf"][field] = value
    lines = sealed.split(b"\n")
    lines[1] = json.dumps(header, separators=(",", ":")).encode()
    with pytest.raises(BackupDamaged, match="out of bounds"):
        parse_backup(with_checksum(b"\n".join(lines)))


@pytest.mark.parametrize("raw", [b"%PDF-1.7\n", b'{"format": "zorgid-app-backup", "version": 1}',
                                 b"zorgid-app-backupX 1\n"])
def test_other_formats(raw):
    with pytest.raises((BackupFormat, BackupDamaged)):
        parse_backup(raw)
    if raw.startswith((b"%", b"{")):
        with pytest.raises(BackupFormat):
            parse_backup(raw)


def test_a_newer_version_is_named_as_such(sealed):
    with pytest.raises(BackupVersion, match="version 2"):
        parse_backup(b"zorgid-app-backup 2\nwhatever the future holds")


@pytest.mark.parametrize("password", [
    "correct horse battery", "Één Twee Drie Vier", "p@ssw0rd-2024!", "x" * 5 + "abcdefg",
])
def test_good_passwords(password):
    check_password(password, "123456")


@pytest.mark.parametrize("password", [
    "", "short", "12345678901234567890", "abababababababab", "abcabcabcabcabc", "hallo123456wereld", "x" * 1025,
])
def test_weak_passwords(password):
    with pytest.raises(BackupWeakPassword):
        check_password(password, "123456")


def test_a_composed_and_a_decomposed_password_are_the_same(made_id):
    _, identity, key = made_id
    composed, decomposed = "Crème brûlée nu!", "Cre\u0300me bru\u0302le\u0301e nu!"
    assert composed != decomposed
    open_backup(seal_backup(identity, key, composed, CHEAP), decomposed)
