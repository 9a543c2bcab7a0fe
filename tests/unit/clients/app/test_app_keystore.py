"""The keystore: PIN format, setup once, the encrypted key, and the lock after 5 wrong PINs (R-SEC-PIN)."""

import json
import stat

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from zorgid.clients.app import keycrypt
from zorgid.clients.app.errors import (
    AlreadySetUp,
    AppLocked,
    NoId,
    NotSetUp,
    PinFormat,
    PinWrong,
    StorageError,
)
from zorgid.clients.app.keystore import STATE_LOCKED, Keystore


@pytest.mark.parametrize("bad", ["12345", "1234567", "12345a", "", " 123456", "１２３４５６", "12 456"])
def test_pin_format_is_refused(home, bad):
    with pytest.raises(PinFormat):
        Keystore(home).setup(bad)
    assert not (home / "config.json").exists()


def test_setup_writes_no_pin_in_clear_and_private_files(store, home, pin):
    text = (home / "config.json").read_text()
    assert pin not in text
    config = json.loads(text)
    assert config["version"] == 1 and config["state"] == "actief" and config["failed_pin_attempts"] == 0
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE((home / "config.json").stat().st_mode) == 0o600


def test_setup_twice_is_refused(store, home):
    with pytest.raises(AlreadySetUp):
        Keystore(home).setup("654321")


def test_use_before_setup_is_refused(home):
    with pytest.raises(NotSetUp):
        Keystore(home).verify_pin("123456")
    with pytest.raises(NotSetUp):
        Keystore(home).load_id()


def test_no_id_before_activation(store):
    assert not store.has_id()
    with pytest.raises(NoId):
        store.load_id()


def test_seal_unseal_round_trip(pin):
    key = keycrypt.new_private_key()
    sealed = keycrypt.seal(key, pin, "mobile-id-0123456789abcdef")
    again = keycrypt.SealedKey.from_dict(keycrypt.SealedKey(sealed.salt, sealed.nonce, sealed.ciphertext).as_dict())
    opened = keycrypt.unseal(again, pin, "mobile-id-0123456789abcdef")
    assert opened.private_numbers() == key.private_numbers()
    with pytest.raises(StorageError):
        keycrypt.unseal(sealed, "000000", "mobile-id-0123456789abcdef")
    with pytest.raises(StorageError):  # bound to its Mobile ID
        keycrypt.unseal(sealed, pin, "mobile-id-another-one-000")


def test_installed_key_round_trip_and_signs(installed, pin, home):
    store, identity, key = installed
    assert store.load_id() == identity
    stored = (home / "key.json").read_text()
    assert json.loads(stored)["kind"] == "software"
    assert stat.S_IMODE((home / "key.json").stat().st_mode) == 0o600
    loaded_identity, loaded_key = store.unlock_key(pin)
    assert loaded_identity == identity
    assert loaded_key.private_numbers() == key.private_numbers()
    signature = keycrypt.sign(loaded_key, b"data")
    key.public_key().verify(signature, b"data", ec.ECDSA(hashes.SHA256()))


def test_wrong_pin_is_counted_and_correct_pin_resets(installed, pin, home):
    store, _, _ = installed
    for remaining in (4, 3):
        with pytest.raises(PinWrong) as caught:
            store.verify_pin("000000")
        assert caught.value.remaining == remaining
        assert f"nog {remaining} poging" in caught.value.cause("nl")
    assert json.loads((home / "config.json").read_text())["failed_pin_attempts"] == 2
    store.verify_pin(pin)
    assert json.loads((home / "config.json").read_text())["failed_pin_attempts"] == 0


def test_fifth_wrong_pin_locks_and_destroys_the_key(installed, pin, home):
    store, _, _ = installed
    for _ in range(4):
        with pytest.raises(PinWrong):
            store.verify_pin("000000")
    assert (home / "key.json").exists()
    with pytest.raises(AppLocked):
        store.verify_pin("000000")
    assert not (home / "key.json").exists()
    assert Keystore(home).state() == STATE_LOCKED
    with pytest.raises(AppLocked):  # the correct PIN no longer works
        Keystore(home).verify_pin(pin)
    with pytest.raises(AppLocked):
        Keystore(home).unlock_key(pin)
    with pytest.raises(AppLocked):
        Keystore(home).setup(pin)
    assert "opnieuw" in AppLocked().solution("nl") and "beheerder" in AppLocked().solution("nl")


def test_wrong_pin_count_survives_a_new_process(installed, home):
    store, _, _ = installed
    for _ in range(4):
        with pytest.raises(PinWrong):
            Keystore(home).verify_pin("111111")
    with pytest.raises(AppLocked):
        Keystore(home).verify_pin("111111")


def test_pin_format_error_is_not_counted(installed, home):
    store, _, _ = installed
    with pytest.raises(PinFormat):
        store.verify_pin("12")
    assert json.loads((home / "config.json").read_text())["failed_pin_attempts"] == 0


def test_damaged_config_is_a_storage_error(store, home):
    (home / "config.json").write_text("{not json")
    with pytest.raises(StorageError):
        store.verify_pin("123456")
