"""The key-share keys are a secret of their own (identities/keyring.py, docs/security.md "The key-share keys"),
through the app's own client code against the server: a Mobile ID logs in before and after ``zorgid keyshare
rotate``, after ``retire`` of the old key, and after Django's SECRET_KEY changed; a share sealed by a key this
server lacks is refused with its code, nothing counted.

Two instances with a copy of the file each, on one database: each its own ``ZORGID_KEYSHARE_KEYS`` path, the
copy handed over as configuration management would (a new file renamed over the old). ``rotate`` there refuses
logins on the instance with the old copy; ``add``, ``use``, ``reseal`` and ``retire``, each followed by handing
the file over, never do."""

from __future__ import annotations

import base64
import os
import stat
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zorgid import cli as zorgid_cli
from zorgid.clients.app.actions import Questions, activate
from zorgid.clients.app.keystore import Keystore
from zorgid.identities import keyring
from zorgid.identities.models import KeyShare
from zorgid.protocol.payloads import parse_payload

from .conftest import PIN

NEW_SECRET_KEY = "Django's secret key after a rotation, at least fifty characters"
NAMES = ["", "Piet", "Karin", "Wim"]


@pytest.fixture(autouse=True)
def keys_file(settings, tmp_path):
    """Each test its own keyring file, made (as at a first start) when first used."""
    settings.ZORGID_KEYSHARE_KEYS = tmp_path / "keyshare-keys"
    return settings.ZORGID_KEYSHARE_KEYS


def zorgid(*args):
    result = CliRunner().invoke(zorgid_cli.app, ["keyshare", *args])
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes else "")


def logs_in(run, server, at=None) -> bool:
    login = server.login()
    result = run("scan", login, "--pin", PIN, "--accept", at=at)
    assert result.exit_code == 0, result.output + result.stderr
    return server.state(login) == "approved"


def the_share(installed) -> KeyShare:
    return KeyShare.objects.get(mobile_id_id=installed[1].mobile_id)


def test_a_mobile_id_logs_in_through_rotation_retirement_and_a_new_secret_key(installed, run, server, settings,
                                                                              keys_file):
    assert the_share(installed).key_id == keyring.LEGACY_KEY_ID
    assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
    assert logs_in(run, server)

    code, output = zorgid("rotate", "--portie", "1")
    assert code == 0, output
    assert "1 van 1 sleuteldelen opnieuw versleuteld" in output
    assert "Nieuwe sleutel 1 versleutelt nu elk sleuteldeel (1 opnieuw versleuteld)." in output
    assert the_share(installed).key_id == 1
    assert logs_in(run, server)

    code, output = zorgid("retire", "0")
    assert code == 0, output
    assert keyring.current().ids == (1,)
    assert logs_in(run, server)

    settings.SECRET_KEY = NEW_SECRET_KEY  # Django's: sessions and cookies only, no Mobile ID
    assert logs_in(run, server)
    assert the_share(installed).failure_times == []


def test_changing_the_secret_key_before_any_rotation_leaves_every_mobile_id_usable(installed, run, server, settings):
    """The keyring is made at the first start from the SECRET_KEY of that moment; after that SECRET_KEY is free."""
    settings.SECRET_KEY = NEW_SECRET_KEY
    assert logs_in(run, server)
    code, output = zorgid("rotate")
    assert code == 0, output
    assert logs_in(run, server)


def test_an_installation_from_before_the_keyring_keeps_its_mobile_ids(installed, run, server, settings, keys_file):
    """Shares and PIN verifiers made with SECRET_KEY's keys: the keyring made at the upgrade's first start has them."""
    keys_file.unlink()  # what an installation from before the keyring has: no file, SECRET_KEY's keys in the rows
    assert logs_in(run, server)
    assert keyring.current() == keyring.legacy(settings.SECRET_KEY)
    settings.SECRET_KEY = NEW_SECRET_KEY
    assert logs_in(run, server)


def test_a_share_sealed_by_a_key_this_server_lacks_is_refused_with_its_code_and_nothing_counted(installed, run,
                                                                                              server):
    KeyShare.objects.filter(mobile_id_id=installed[1].mobile_id).update(key_id=7)
    before = the_share(installed)
    login = server.login()
    result = run("scan", login, "--pin", PIN, "--accept")
    assert result.exit_code != 0
    assert "ZID-KEYSHARE-KEY" in result.output + result.stderr
    assert server.state(login) == "pending"
    after = the_share(installed)
    assert (after.failure_times, after.wrong_since_use, after.token_hash, after.device_signed_at_ms,
            after.last_use_at) == ([], 0, before.token_hash, before.device_signed_at_ms, before.last_use_at)


def test_a_key_of_another_keyring_under_the_same_id_is_refused_with_its_code(installed, run, server, keys_file):
    """Two instances with keyrings of their own: the share's key id is known here, but its key is not the one."""
    ring = keyring.current()
    other = keyring.Keyring(ring.verifier, ((0, b"\x01" * 32),))
    keys_file.write_text(other.text())
    login = server.login()
    result = run("scan", login, "--pin", PIN, "--accept")
    assert "ZID-KEYSHARE-KEY" in result.output + result.stderr
    assert server.state(login) == "pending"


@pytest.mark.parametrize(("args", "code"), [
    (("retire", "1"), "ZID-KEYSHARE-KEY-NEWEST"),
    (("retire", "0"), "ZID-KEYSHARE-KEY-IN-USE"),
    (("retire", "9"), "ZID-KEYSHARE-KEY-NOT-FOUND"),
])
def test_retire_refuses_a_key_still_needed_with_its_code_and_changes_nothing(installed, keys_file, args, code):
    keyring.add_key()  # rotate's first half: the share is still sealed by key 0
    before = keys_file.read_bytes()
    exit_code, output = zorgid(*args)
    assert exit_code == 1
    assert f"Fout {code}" in output
    assert keys_file.read_bytes() == before


def test_reseal_takes_up_an_interrupted_rotation(installed, run, server):
    assert keyring.add_key() == 1  # rotate's first half: cut off before the share moved
    code, output = zorgid("list")
    assert "sleutel 0: 1 sleuteldelen" in output and "sleutel 1: 0 sleuteldelen  (versleutelt nieuwe" in output
    code, output = zorgid("reseal")
    assert code == 0 and "1 sleuteldelen opnieuw versleuteld met sleutel 1." in output
    assert the_share(installed).key_id == 1
    assert logs_in(run, server)


@pytest.mark.parametrize("text", ["", "verifier AAAA\nkey 0 AAAA\n", "key 0 " + base64.b64encode(b"k" * 32).decode(),
                                  "verifier " + base64.b64encode(b"v" * 32).decode() + "\nkey x y\n"])
def test_a_damaged_keyring_is_refused_with_its_code(installed, run, server, keys_file, text):
    keys_file.write_text(text)
    login = server.login()
    result = run("scan", login, "--pin", PIN, "--accept")
    assert "ZID-KEYSHARE-KEYRING" in result.output + result.stderr
    exit_code, output = zorgid("list")
    assert exit_code == 1 and "Fout ZID-KEYSHARE-KEYRING" in output


class Instances:
    """Two instances on one database, each reading its own copy of the keyring file; ``on(name)`` is a request or a
    command handled by that instance."""

    def __init__(self, settings, copies: dict[str, Path]) -> None:
        self.settings, self.copies = settings, copies

    @contextmanager
    def on(self, name: str):
        before = self.settings.ZORGID_KEYSHARE_KEYS
        self.settings.ZORGID_KEYSHARE_KEYS = self.copies[name]
        try:
            yield
        finally:
            self.settings.ZORGID_KEYSHARE_KEYS = before

    def hand_over(self, source: str, target: str) -> None:
        """The file of ``source`` deployed to ``target``: written beside it, owner-only, renamed over it."""
        where = self.copies[target]
        new = where.with_name(f".{where.name}.new")
        new.write_bytes(self.copies[source].read_bytes())
        os.chmod(new, 0o600)
        os.replace(new, where)


@pytest.fixture
def instances(settings, keys_file, tmp_path, installed) -> Instances:
    """Instance a (where the test's Mobile ID was activated: its keyring made there) and instance b, with a copy."""
    (tmp_path / "b").mkdir()
    made = Instances(settings, {"a": keys_file, "b": tmp_path / "b" / "keyshare-keys"})
    made.hand_over("a", "b")
    return made


def another_app(server, home: Path, first_names: str) -> Path:
    """A second phone with an ID of its own, activated through whichever instance is current."""
    store = Keystore(home)
    store.setup(PIN)
    activate(store, parse_payload(server.activation(first_names, "Bakker")),
             Questions(confirm=lambda question: True, ask_pin=lambda: PIN), server.factory)
    return home


def refused_for_a_missing_key(run, server, at=None) -> bool:
    login = server.login()
    result = run("scan", login, "--pin", PIN, "--accept", at=at)
    return result.exit_code != 0 and "ZID-KEYSHARE-KEY" in result.output + result.stderr and (
        server.state(login) == "pending")


def test_rotate_with_copies_refuses_logins_on_the_instance_with_the_old_copy_until_it_has_the_new_file(
        installed, instances, run, server, tmp_path):
    """Why the procedure of add, use and reseal exists: rotate seals with a key only its own copy holds."""
    with instances.on("a"):
        code, output = zorgid("rotate")
        assert code == 0, output
        assert logs_in(run, server)
        late = another_app(server, tmp_path / "late-app", "Piet")  # sealed on a, by the new key
    with instances.on("b"):
        assert refused_for_a_missing_key(run, server)
        assert refused_for_a_missing_key(run, server, at=late)
    assert the_share(installed).failure_times == []
    instances.hand_over("a", "b")
    with instances.on("b"):
        assert logs_in(run, server) and logs_in(run, server, at=late)


def test_with_copies_add_use_reseal_and_retire_never_refuse_a_login_on_either_instance(
        installed, instances, run, server, tmp_path):
    """docs/security.md, "The key-share keys": the procedure for copies, a login through both instances after each
    step, for phones activated through a after ``add``, through b while b's copy still seals with the old key, and
    through b at the end."""
    phones = [None]  # None: the home of ``installed``, activated through a before the procedure

    def every_phone_logs_in_on_both() -> None:
        for name in ("a", "b"):
            with instances.on(name):
                for phone in phones:
                    assert logs_in(run, server, at=phone), (name, phone)

    def activated_on(name: str) -> None:
        with instances.on(name):
            phones.append(another_app(server, tmp_path / f"app-{len(phones)}", NAMES[len(phones)]))

    with instances.on("a"):  # 1. a key that opens but does not seal yet
        code, output = zorgid("add")
    assert code == 0, output
    assert "Sleutel 1 toegevoegd; sleutel 0 versleutelt nog de nieuwe sleuteldelen" in output
    assert "zorgid keyshare use 1" in output
    activated_on("a")  # sealed by key 0 still: b's copy does not hold key 1 yet
    assert set(KeyShare.objects.values_list("key_id", flat=True)) == {0}
    every_phone_logs_in_on_both()
    instances.hand_over("a", "b")
    every_phone_logs_in_on_both()

    with instances.on("a"):  # 2. key 1 seals, and every share moves to it; b's copy still seals with key 0
        code, output = zorgid("use", "1", "--portie", "1")
    assert code == 0, output
    assert "2 van 2 sleuteldelen opnieuw versleuteld" in output
    assert "Sleutel 1 versleutelt nu elk sleuteldeel (2 opnieuw versleuteld)" in output
    assert set(KeyShare.objects.values_list("key_id", flat=True)) == {1}
    activated_on("b")
    assert sorted(KeyShare.objects.values_list("key_id", flat=True)) == [0, 1, 1]
    every_phone_logs_in_on_both()

    instances.hand_over("a", "b")  # 3. every instance seals with key 1: the shares sealed meanwhile move
    with instances.on("b"):
        code, output = zorgid("reseal")
        assert code == 0 and "1 sleuteldelen opnieuw versleuteld met sleutel 1." in output, output
        code, output = zorgid("list")
    assert "sleutel 0: 0 sleuteldelen  (afgeleid" in output
    assert "sleutel 1: 3 sleuteldelen  (versleutelt nieuwe sleuteldelen)" in output
    every_phone_logs_in_on_both()

    with instances.on("a"):  # 4. the old key goes, from one copy and then the other
        code, output = zorgid("retire", "0")
        assert code == 0, output
    every_phone_logs_in_on_both()
    instances.hand_over("a", "b")
    activated_on("b")
    every_phone_logs_in_on_both()
    for name in ("a", "b"):
        with instances.on(name):
            assert keyring.current().ids == (1,)
    assert set(KeyShare.objects.values_list("key_id", flat=True)) == {1}
    assert the_share(installed).failure_times == []


@pytest.mark.parametrize(("args", "code"), [
    (("use", "9"), "ZID-KEYSHARE-KEY-NOT-FOUND"),
    (("retire", "0"), "ZID-KEYSHARE-KEY-NEWEST"),  # after add: key 0 still seals new shares
    (("use", "x"), None),
])
def test_use_and_retire_during_the_procedure_refuse_with_their_code_and_change_nothing(installed, keys_file,
                                                                                      args, code):
    assert zorgid("add")[0] == 0
    before = keys_file.read_bytes()
    exit_code, output = zorgid(*args)
    assert exit_code != 0
    assert (f"Fout {code}" in output) if code else ("NUMMER" in output and "Traceback" not in output)
    assert keys_file.read_bytes() == before
    assert the_share(installed).key_id == keyring.LEGACY_KEY_ID
