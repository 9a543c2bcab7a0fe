"""The keyring file of the key-share keys (identities/keyring.py): made once, owner-only, from the keys that
SECRET_KEY gave before it existed; the last key seals, every key opens; changed only whole (a new file renamed)."""

from __future__ import annotations

import os
import stat

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from zorgid.identities import keyring
from zorgid.identities.errors import KeyringInvalid, KeyShareKeyInUse, KeyShareKeyNewest


@pytest.fixture(autouse=True)
def keys_file(settings, tmp_path):
    settings.ZORGID_KEYSHARE_KEYS = tmp_path / "keyshare-keys"
    return settings.ZORGID_KEYSHARE_KEYS


def before_the_keyring(secret: str, purpose: bytes) -> bytes:
    """How identities/keyshare.py derived its keys from SECRET_KEY before the keyring (written out, not imported)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"zorgid keyshare", info=purpose).derive(secret.encode())


def test_made_once_owner_only_with_the_keys_secret_key_gave_before(settings, keys_file):
    assert keyring.ensure()
    assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
    ring = keyring.current()
    assert ring.verifier == before_the_keyring(settings.SECRET_KEY, b"verifier")
    assert ring.keys == ((0, before_the_keyring(settings.SECRET_KEY, b"share")),)
    settings.SECRET_KEY = "another secret key for Django, at least fifty characters"
    assert not keyring.ensure()
    assert keyring.current() == ring


def test_a_new_key_is_the_newest_and_the_older_keys_stay(keys_file):
    first = keyring.current()
    assert keyring.add_key() == 1
    assert keyring.add_key() == 2
    ring = keyring.current()
    assert ring.ids == (0, 1, 2) and ring.newest[0] == 2
    assert ring.verifier == first.verifier and ring.key(0) == first.key(0)
    assert len({ring.key(0), ring.key(1), ring.key(2)}) == 3
    assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
    assert keyring.parse(keys_file.read_text()) == ring


def test_removing_asks_whether_a_share_still_uses_the_key(keys_file):
    keyring.add_key()
    with pytest.raises(KeyShareKeyNewest):
        keyring.remove_key(1, lambda key_id: 0)
    with pytest.raises(KeyShareKeyInUse):
        keyring.remove_key(0, lambda key_id: 3)
    assert keyring.current().ids == (0, 1)
    keyring.remove_key(0, lambda key_id: 0)
    assert keyring.current().ids == (1,)


@pytest.mark.parametrize("text", [
    "", "# only a comment\n", "verifier AAAA\nkey 0 AAAA\n", "key 0 " + "A" * 43 + "=\n",
    "verifier " + "A" * 43 + "=\n", "verifier " + "A" * 43 + "=\nkey 0 " + "A" * 43 + "=\nkey 0 " + "B" * 43 + "=\n",
    "verifier " + "A" * 43 + "=\nkey -1 " + "A" * 43 + "=\n", "verifier " + "A" * 43 + "=\nsleutel 0 x\n",
])
def test_a_damaged_file_is_refused_never_read_as_other_keys(text):
    with pytest.raises(KeyringInvalid):
        keyring.parse(text, "keyshare-keys")


def test_a_change_is_on_disk_with_its_rename_before_shares_are_resealed(keys_file, monkeypatch):
    """The new file is synced before it is renamed over the old one and the directory after (the rename itself): a
    power loss after `zorgid keyshare rotate` has resealed shares in the database never brings the old file back
    (docs/security.md, "The key-share keys"). The operating system's calls are watched, not replaced."""
    keyring.current()
    happened = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        kind = "directory" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"
        happened.append((f"sync {kind}", os.fstat(fd).st_ino))
        return real_fsync(fd)

    def replace(source, destination):
        happened.append(("rename", os.stat(source).st_ino))
        return real_replace(source, destination)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    keyring.add_key()
    monkeypatch.undo()
    new_file, directory = keys_file.stat().st_ino, keys_file.parent.stat().st_ino
    assert happened == [("sync file", new_file), ("rename", new_file), ("sync directory", directory)]
    assert sorted(path.name for path in keys_file.parent.iterdir()) == [".keyshare-keys.lock", "keyshare-keys"]
    assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
