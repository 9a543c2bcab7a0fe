"""``zorgid-app backup`` and ``restore`` (R-FLOW-BACKUP, R-FLOW-PIN, manual §7.2), as the holder runs them.

Each refusal has its own code, and a refused restore leaves the app home exactly as it was. The server is
the real one: a backup needs the PIN checked by it, a restore registers the new PIN with it.
"""

from __future__ import annotations

import datetime as dt
import json
import stat

import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from typer.testing import CliRunner

from zorgid import clock
from zorgid.clients.app import cli
from zorgid.clients.app.errors import AppLocked, PinWrong
from zorgid.clients.app.keystore import Keystore
from zorgid.clients.app.server import ServerClient
from zorgid.identities.models import MobileId, Person
from zorgid.identities.services import revoke_mobile_id
from zorgid.protocol.errors import ZorgidError

PASSWORD = "paard batterij nietje correct"
NEW_PIN = "654321"


@pytest.fixture
def app(monkeypatch):
    """``app(home, *args, input=None)`` runs zorgid-app with that home, with no PIN or password in the env."""
    for name in (cli.PIN_ENV, cli.PASSWORD_ENV, cli.HOME_ENV):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()

    def invoke(home, *args, input=None):
        return runner.invoke(cli.app, ["--home", str(home), *args], input=input)

    return invoke


@pytest.fixture
def backup_file(installed, home, app, tmp_path, pin):
    path = tmp_path / "id.zorgid-backup"
    result = app(home, "backup", str(path), "--pin", pin, "--password", PASSWORD)
    assert result.exit_code == 0, result.output + result.stderr
    return path


def listing(path):
    """Every file under ``path`` with its contents; None when ``path`` does not exist."""
    if not path.exists():
        return None
    return sorted((str(item.relative_to(path)), item.read_bytes() if item.is_file() else b"")
                  for item in path.rglob("*"))


def spki(key) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def unlock(store, server, pin):
    with server.factory(store.load_id().server) as client:
        return store.unlock_key(pin, client.unlock)


def lock(store, server):
    """Five wrong PINs as the server answers them (its waits passed by moving the clock)."""
    for attempt in range(5):
        if attempt >= 3:
            clock.move(dt.timedelta(minutes=2 ** (attempt - 3), seconds=1))
        with pytest.raises(PinWrong if attempt < 4 else AppLocked):
            unlock(store, server, "000000")


def restore(app, home, path, *args, input=None):
    return app(home, "restore", str(path), "--password", PASSWORD, "--pin", NEW_PIN, "--accept", *args, input=input)


def test_round_trip_into_a_new_home_with_a_new_pin(installed, backup_file, app, tmp_path, server, pin):
    store, identity, key = installed
    new_home = tmp_path / "reinstalled"
    result = restore(app, new_home, backup_file)
    assert result.exit_code == 0, result.output + result.stderr
    assert "ID teruggezet: Jan de Vries" in result.stdout and "vanaf nu opent alleen deze app" in result.stdout
    shown = app(new_home, "id")
    assert shown.exit_code == 0 and "ID: Jan de Vries" in shown.stdout and identity.mobile_id in shown.stdout

    restored = unlock(Keystore(new_home), server, NEW_PIN)
    restored_identity, restored_key = restored.identity, restored.key
    assert restored_identity == identity
    assert spki(restored_key) == spki(key)
    signature = restored_key.sign(b"nonce", ec.ECDSA(hashes.SHA256()))
    key.public_key().verify(signature, b"nonce", ec.ECDSA(hashes.SHA256()))  # the same key signs
    with pytest.raises(PinWrong):
        unlock(Keystore(new_home), server, pin)  # the old PIN is not carried over
    with pytest.raises(ZorgidError) as caught:
        unlock(store, server, pin)  # and the old phone no longer opens the ID, and is told why
    assert caught.value.code == "ZID-ID-MOVED" and "teruggezet" in caught.value.cause("nl")
    assert json.loads((store.home / "config.json").read_text())["failed_pin_attempts"] == 0  # no PIN counted
    old_phone = app(store.home, "scan", server.login(), "--pin", pin, "--accept")
    assert old_phone.exit_code == 1 and "Fout ZID-ID-MOVED" in old_phone.stderr
    assert "De pincode is onjuist" not in old_phone.stderr + old_phone.stdout
    assert "device_key" not in backup_file.read_text(errors="ignore")  # a device key is not carried over
    assert stat.S_IMODE(new_home.stat().st_mode) == 0o700
    assert not [p for p in tmp_path.iterdir() if ".restore-" in p.name]


def test_a_backup_of_a_revoked_id_restores_without_its_key_and_says_so(installed, backup_file, app, tmp_path,
                                                                      server):
    _, identity, _ = installed
    revoke_mobile_id(MobileId.objects.get(id=identity.mobile_id), actor="test", reason="lost phone")
    new_home = tmp_path / "new"
    result = restore(app, new_home, backup_file)
    assert result.exit_code == 0, result.output + result.stderr
    assert "ID teruggezet" in result.stdout and "ZID-MOBILE-ID-REVOKED" in result.stdout
    assert "niet meer inloggen" in result.stdout and "nieuw certificaat" in result.stdout
    assert not (new_home / "key.json").exists()
    assert "geweigerd door de server (ZID-MOBILE-ID-REVOKED)" in app(new_home, "id").stdout
    login = server.login()
    result = app(new_home, "scan", login, "--pin", NEW_PIN, "--accept")
    assert result.exit_code == 1 and "Fout ZID-MOBILE-ID-REVOKED: Dit ZORG-ID is ingetrokken" in result.stderr
    assert server.state(login) == "pending"
    backup = app(new_home, "backup", str(tmp_path / "again"), "--pin", NEW_PIN, "--password", PASSWORD)
    assert backup.exit_code == 1 and "ZID-MOBILE-ID-REVOKED" in backup.stderr


def test_a_backup_of_a_blocked_person_restores_nothing_until_unblocked(installed, backup_file, app, tmp_path):
    Person.objects.filter(last_name="de Vries").update(blocked_at=clock.now())
    new_home = tmp_path / "new"
    result = restore(app, new_home, backup_file)
    assert result.exit_code == 1 and "Fout ZID-PERSON-BLOCKED" in result.stderr
    assert listing(new_home) is None
    Person.objects.filter(last_name="de Vries").update(blocked_at=None)
    assert restore(app, new_home, backup_file).exit_code == 0


def test_no_server_restores_nothing(installed, backup_file, app, tmp_path, monkeypatch):
    def refuse(request):
        raise httpx.ConnectError("connection refused", request=request)

    monkeypatch.setattr(cli, "server_factory", lambda url: ServerClient(url, transport=httpx.MockTransport(refuse)))
    new_home = tmp_path / "new"
    result = restore(app, new_home, backup_file)
    assert result.exit_code == 1 and "ZID-APP-SERVER-UNREACHABLE" in result.stderr
    assert listing(new_home) is None


def test_the_backup_file_is_private_and_holds_nothing_in_clear(installed, backup_file, pin):
    _, identity, key = installed
    raw = backup_file.read_bytes()
    assert stat.S_IMODE(backup_file.stat().st_mode) == 0o600
    assert raw.startswith(b"zorgid-app-backup 1\n") and raw.count(b"\n") == 4
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    for secret in (pin.encode(), PASSWORD.encode(), identity.mobile_id.encode(), b"Vries", der[-32:]):
        assert secret not in raw


def test_backup_needs_the_pin_and_counts_a_wrong_one(installed, home, app, tmp_path, server):
    path = tmp_path / "b"
    result = app(home, "backup", str(path), "--pin", "000000", "--password", PASSWORD)
    assert result.exit_code == 1 and "ZID-APP-PIN-WRONG" in result.stderr and "nog 4" in result.stderr
    assert json.loads((home / "config.json").read_text())["failed_pin_attempts"] == 1
    assert not path.exists()


def test_backup_asks_the_password_twice(installed, home, app, tmp_path, pin):
    path = tmp_path / "b"
    result = app(home, "backup", str(path), input=f"{pin}\n{PASSWORD}\n{PASSWORD}x\n")
    assert result.exit_code == 1 and "ZID-APP-BACKUP-PASSWORD-MISMATCH" in result.stderr
    assert not path.exists()
    result = app(home, "backup", str(path), input=f"{pin}\n{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output + result.stderr
    assert PASSWORD not in result.output
    assert restore(app, tmp_path / "new", path).exit_code == 0


def test_backup_takes_the_password_from_the_environment(installed, home, app, tmp_path, pin, monkeypatch):
    monkeypatch.setenv(cli.PASSWORD_ENV, PASSWORD)
    assert app(home, "backup", str(tmp_path / "b"), "--pin", pin).exit_code == 0
    assert app(tmp_path / "new", "restore", str(tmp_path / "b"), "--pin", NEW_PIN, "--accept").exit_code == 0


@pytest.mark.parametrize(("password", "reason"), [
    ("kort-wacht1", "korter dan 12"),
    ("123456789012345", "alleen cijfers"),
    ("aaaaaaaaaaaaaaaa", "minder dan 6 verschillende"),
    ("123456", "korter dan 12"),  # the PIN itself
    ("mijn pincode 123456", "bevat de pincode"),
])
def test_a_weak_password_is_refused_with_the_rule(installed, home, app, tmp_path, pin, password, reason):
    path = tmp_path / "b"
    result = app(home, "backup", str(path), "--pin", pin, "--password", password)
    assert result.exit_code == 1 and "ZID-APP-BACKUP-WEAK-PASSWORD" in result.stderr
    assert "minstens 12 tekens" in result.stderr and "pincode niet" in result.stderr and reason in result.stderr
    assert not path.exists()


def test_a_weak_password_is_refused_before_it_is_typed_again(installed, home, app, tmp_path, pin):
    result = app(home, "backup", str(tmp_path / "b"), input=f"{pin}\nkort\n")
    assert result.exit_code == 1 and "ZID-APP-BACKUP-WEAK-PASSWORD" in result.stderr
    assert "Herhaal" not in result.output


def test_backup_refuses_to_overwrite_unless_forced(backup_file, home, app, pin):
    before = backup_file.read_bytes()
    result = app(home, "backup", str(backup_file), "--pin", pin, "--password", PASSWORD)
    assert result.exit_code == 1 and "ZID-APP-BACKUP-EXISTS" in result.stderr and "--force" in result.stderr
    assert backup_file.read_bytes() == before
    result = app(home, "backup", str(backup_file), "--pin", pin, "--password", PASSWORD, "--force")
    assert result.exit_code == 0 and backup_file.read_bytes() != before
    assert [p.name for p in backup_file.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_backup_without_an_id_is_refused(store, home, app, tmp_path, pin):
    result = app(home, "backup", str(tmp_path / "b"), "--pin", pin, "--password", PASSWORD)
    assert result.exit_code == 1 and "ZID-APP-NO-ID" in result.stderr


@pytest.mark.parametrize(("password", "code"), [
    ("een ander wachtwoord", "ZID-APP-BACKUP-PASSWORD"),
    ("123456", "ZID-APP-BACKUP-PASSWORD"),  # the old PIN is not the password
])
def test_wrong_password_writes_nothing(backup_file, app, tmp_path, password, code):
    new_home = tmp_path / "new"
    result = app(new_home, "restore", str(backup_file), "--password", password, "--pin", NEW_PIN, "--accept")
    assert result.exit_code == 1 and f"Fout {code}:" in result.stderr and "niet uw pincode" in result.stderr
    assert listing(new_home) is None
    assert not [p for p in tmp_path.iterdir() if ".restore-" in p.name]


@pytest.mark.parametrize("damage", ["header", "ciphertext", "checksum", "truncated", "empty", "png", "json",
                                    "newer", "huge", "missing"])
def test_a_bad_file_is_refused_with_its_code_and_writes_nothing(backup_file, app, tmp_path, damage):
    raw = backup_file.read_bytes()
    lines = raw.split(b"\n")
    bad, code = {
        "header": (flip(raw, len(lines[0]) + 40), "ZID-APP-BACKUP-DAMAGED"),
        "ciphertext": (flip(raw, len(lines[0]) + len(lines[1]) + 10), "ZID-APP-BACKUP-DAMAGED"),
        "checksum": (flip(raw, len(raw) - 5), "ZID-APP-BACKUP-DAMAGED"),
        "truncated": (raw[: len(raw) // 2], "ZID-APP-BACKUP-DAMAGED"),
        "empty": (b"", "ZID-APP-BACKUP-DAMAGED"),
        "png": (b"\x89PNG\r\n\x1a\n" + bytes(200), "ZID-APP-BACKUP-FORMAT"),
        "json": (json.dumps({"version": 1, "ciphertext": "abc"}).encode(), "ZID-APP-BACKUP-FORMAT"),
        "newer": (raw.replace(b"zorgid-app-backup 1\n", b"zorgid-app-backup 2\n"), "ZID-APP-BACKUP-VERSION"),
        "huge": (raw + bytes(1024 * 1024), "ZID-APP-BACKUP-TOO-LARGE"),
        "missing": (None, "ZID-APP-BACKUP-FILE"),
    }[damage]
    path = tmp_path / "bad"
    if bad is not None:
        path.write_bytes(bad)
    new_home = tmp_path / "new"
    new_home.mkdir()
    result = restore(app, new_home, path)
    assert result.exit_code == 1 and f"Fout {code}:" in result.stderr, result.stderr
    assert "Oplossing:" in result.stderr and "Traceback" not in result.output
    assert listing(new_home) == []


def flip(raw: bytes, index: int) -> bytes:
    return raw[:index] + bytes([raw[index] ^ 0x01]) + raw[index + 1:]


def test_restore_refuses_a_home_with_an_id(installed, backup_file, home, app):
    before = listing(home)
    result = restore(app, home, backup_file)
    assert result.exit_code == 1 and "ZID-APP-BACKUP-HOME-IN-USE" in result.stderr and "--home" in result.stderr
    assert listing(home) == before


def test_restore_declined_writes_nothing(backup_file, app, tmp_path):
    new_home = tmp_path / "new"
    result = app(new_home, "restore", str(backup_file), "--password", PASSWORD, "--pin", NEW_PIN, input="n\n")
    assert result.exit_code == 1 and "Geweigerd" in result.stdout and "Jan de Vries" in result.stdout
    assert listing(new_home) is None


def test_restore_asks_the_password_then_the_new_pin_twice(backup_file, app, tmp_path, server):
    new_home = tmp_path / "new"
    result = app(new_home, "restore", str(backup_file), "--accept", input=f"{PASSWORD}\n{NEW_PIN}\n111111\n")
    assert result.exit_code == 1 and "ZID-APP-PIN-MISMATCH" in result.stderr
    assert listing(new_home) is None
    result = app(new_home, "restore", str(backup_file), "--accept", input=f"{PASSWORD}\n{NEW_PIN}\n{NEW_PIN}\n")
    assert result.exit_code == 0, result.output + result.stderr
    unlock(Keystore(new_home), server, NEW_PIN)


def test_restore_into_an_existing_empty_directory(backup_file, app, tmp_path):
    new_home = tmp_path / "new"
    new_home.mkdir(mode=0o755)
    assert restore(app, new_home, backup_file).exit_code == 0
    assert sorted(p.name for p in new_home.iterdir()) == ["config.json", "id.json", "key.json"]
    assert stat.S_IMODE(new_home.stat().st_mode) == 0o700


def test_restore_into_a_set_up_home_without_an_id_uses_its_pin(backup_file, app, tmp_path):
    """Manual §7.2 step by step: reinstall, set a new PIN, then restore."""
    new_home = tmp_path / "new"
    assert app(new_home, "setup", "--pin", NEW_PIN).exit_code == 0
    result = app(new_home, "restore", str(backup_file), "--password", PASSWORD, "--pin", "000000", "--accept")
    assert result.exit_code == 1 and "ZID-APP-PIN-WRONG" in result.stderr
    assert not (new_home / "id.json").exists()
    result = app(new_home, "restore", str(backup_file), "--password", PASSWORD, "--pin", NEW_PIN, "--accept")
    assert result.exit_code == 0, result.output + result.stderr
    assert "ID: Jan de Vries" in app(new_home, "id").stdout


def test_a_locked_app_is_recovered_into_a_new_home(installed, backup_file, home, app, tmp_path, server):
    lock(installed[0], server)
    result = restore(app, home, backup_file)
    assert result.exit_code == 1 and "ZID-APP-LOCKED" in result.stderr and "back-up terug" in result.stderr
    result = restore(app, tmp_path / "reinstalled", backup_file)
    assert result.exit_code == 0, result.output + result.stderr
    unlock(Keystore(tmp_path / "reinstalled"), server, NEW_PIN)


def test_restore_with_a_bad_new_pin_writes_nothing(backup_file, app, tmp_path):
    new_home = tmp_path / "new"
    result = app(new_home, "restore", str(backup_file), "--password", PASSWORD, "--pin", "12345", "--accept")
    assert result.exit_code == 1 and "ZID-APP-PIN-FORMAT" in result.stderr
    assert listing(new_home) is None
