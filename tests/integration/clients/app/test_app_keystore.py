"""The keystore: PIN format, setup once, the key that needs the server's share, the lock after 5 wrong PINs
(R-SEC-PIN), against the real server."""

import datetime as dt
import json
import secrets
import stat

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from zorgid import clock
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
from zorgid.protocol.errors import KeyShareWait


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


def test_seal_unseal_needs_the_pin_and_the_share(pin):
    key = keycrypt.new_private_key()
    secret, share = keycrypt.PinSecret.fresh(pin), secrets.token_bytes(32)
    sealed = keycrypt.seal(key, secret, share, "mobile-id-0123456789abcdef")
    again = keycrypt.SealedKey.from_dict(sealed.as_dict())
    opened = keycrypt.unseal(again, keycrypt.PinSecret.of(pin, again.salt), share, "mobile-id-0123456789abcdef")
    assert opened.private_numbers() == key.private_numbers()
    with pytest.raises(StorageError):  # the right PIN without the share
        keycrypt.unseal(sealed, secret, secrets.token_bytes(32), "mobile-id-0123456789abcdef")
    with pytest.raises(StorageError):  # the share without the PIN
        keycrypt.unseal(sealed, keycrypt.PinSecret.of("000000", sealed.salt), share, "mobile-id-0123456789abcdef")
    with pytest.raises(StorageError):  # bound to its Mobile ID
        keycrypt.unseal(sealed, secret, share, "mobile-id-another-one-000")
    assert secret.proof != keycrypt.PinSecret.fresh(pin).proof  # a new salt per key: no proof is reused


def test_an_older_key_file_is_refused_with_a_clear_error(installed, home):
    data = json.loads((home / "key.json").read_text())
    (home / "key.json").write_text(json.dumps({**data, "kind": "software"}))
    with pytest.raises(StorageError) as caught:
        keycrypt.SealedKey.from_dict({**data, "kind": "software"})
    assert "activate it again" in caught.value.detail


def test_a_key_file_without_a_device_key_is_refused_before_anything_is_sent(installed, home, server, pin):
    """An ID installed by an app before the device key: the server would refuse its unlock anyway."""
    data = json.loads((home / "key.json").read_text())
    assert data["device_key"] and data["device_key"] not in (home / "id.json").read_text()
    del data["device_key"]
    (home / "key.json").write_text(json.dumps(data))
    sent = len(server.requests)
    with pytest.raises(StorageError) as caught:
        unlock(installed[0], server, pin)
    assert "restore a backup" in caught.value.detail and len(server.requests) == sent


def test_the_installed_key_opens_with_the_servers_share_and_signs(installed, pin, home, server):
    store, identity, key = installed
    assert store.load_id() == identity
    stored = json.loads((home / "key.json").read_text())
    assert stored["kind"] == "keyshare" and stored["combine"] == "HKDF-SHA256"
    assert "pin_verifier" not in json.loads((home / "config.json").read_text())
    assert stat.S_IMODE((home / "key.json").stat().st_mode) == 0o600
    with server.factory(identity.server) as client:
        unlocked = store.unlock_key(pin, client.unlock)
    loaded_identity, loaded_key, token = unlocked.identity, unlocked.key, unlocked.token
    assert loaded_identity == identity and len(token) >= 16 and unlocked.answer.token == token
    assert loaded_key.private_numbers() == key.private_numbers()
    signature = keycrypt.sign(loaded_key, b"data")
    key.public_key().verify(signature, b"data", ec.ECDSA(hashes.SHA256()))


def unlock(store, server, pin):
    with server.factory(store.load_id().server) as client:
        return store.unlock_key(pin, client.unlock)


def test_wrong_pin_is_counted_and_correct_pin_resets(installed, pin, home, server):
    store, _, _ = installed
    for remaining in (4, 3):
        with pytest.raises(PinWrong) as caught:
            unlock(store, server, "000000")
        assert caught.value.remaining == remaining
        assert f"nog {remaining} poging" in caught.value.cause("nl")
    assert json.loads((home / "config.json").read_text())["failed_pin_attempts"] == 2
    unlock(store, server, pin)
    assert json.loads((home / "config.json").read_text())["failed_pin_attempts"] == 0


def test_fifth_wrong_pin_locks_and_destroys_the_key(installed, pin, home, server):
    store, _, _ = installed
    for attempt in range(4):
        if attempt == 3:
            with pytest.raises(KeyShareWait):  # the server's wait does not count on the device
                unlock(store, server, "000000")
            clock.move(dt.timedelta(seconds=61))
        with pytest.raises(PinWrong):
            unlock(store, server, "000000")
    clock.move(dt.timedelta(seconds=121))
    assert (home / "key.json").exists()
    with pytest.raises(AppLocked):
        unlock(store, server, "000000")
    assert not (home / "key.json").exists()
    assert Keystore(home).state() == STATE_LOCKED
    with pytest.raises(AppLocked):  # the correct PIN no longer works
        unlock(Keystore(home), server, pin)
    with pytest.raises(AppLocked):
        Keystore(home).setup(pin)
    assert "opnieuw" in AppLocked().solution("nl") and "beheerder" in AppLocked().solution("nl")


def test_wrong_pin_count_survives_a_new_process(store, home):
    for _ in range(4):
        with pytest.raises(PinWrong):
            Keystore(home).verify_pin("111111")
    with pytest.raises(AppLocked):
        Keystore(home).verify_pin("111111")


def test_pin_format_error_is_not_counted(installed, home, server):
    store, _, _ = installed
    with pytest.raises(PinFormat):
        unlock(store, server, "12")
    with pytest.raises(PinFormat):
        store.verify_pin("12")
    assert json.loads((home / "config.json").read_text())["failed_pin_attempts"] == 0


def test_an_interrupted_install_is_finished_at_the_next_start(store, home, new_identity):
    """The ID written, the set-up verifier not yet removed: the next read removes it."""
    key = keycrypt.new_private_key()
    identity = new_identity(key)
    (home / "id.json").write_text(json.dumps({"version": 1, **identity.as_dict()}))
    assert "pin_verifier" in json.loads((home / "config.json").read_text())
    assert Keystore(home).load_id() == identity
    assert "pin_verifier" not in json.loads((home / "config.json").read_text())


def test_damaged_config_is_a_storage_error(store, home):
    (home / "config.json").write_text("{not json")
    with pytest.raises(StorageError):
        store.verify_pin("123456")
