"""The WID scan app's home: its link and key, owner-only, read back as written; damage is reported with a code."""

from __future__ import annotations

import datetime as dt
import json
import stat

import pytest

from zorgid.clients.app import keycrypt
from zorgid.clients.widscan.app_errors import NotLinked, StorageError
from zorgid.clients.widscan.store import Link, WidScanStore


def a_link(**changes) -> Link:
    values = dict(server="https://portal.example", link="link-0123456789abcdef", first_names="Fatma",
                  last_name="Yılmaz", birth_date="29-02-1988", linked_at=dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC),
                  device_name="Balie 1", key=keycrypt.new_private_key())
    return Link(**{**values, **changes})


def test_a_saved_link_reads_back_with_its_key(tmp_path):
    store = WidScanStore(tmp_path / "home")
    saved = a_link()
    store.save(saved)
    loaded = store.load()
    assert (loaded.link, loaded.holder_name, loaded.linked_at) == (saved.link, "Fatma Yılmaz", saved.linked_at)
    assert loaded.key_digest == saved.key_digest
    assert keycrypt.public_key_der(loaded.key) == keycrypt.public_key_der(saved.key)


def test_the_home_and_the_file_are_the_users_alone(tmp_path):
    store = WidScanStore(tmp_path / "home")
    store.save(a_link())
    assert stat.S_IMODE(store.home.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.link_path.stat().st_mode) == 0o600
    assert [p.name for p in store.home.iterdir()] == ["link.json"]  # no temporary file left


def test_a_new_link_replaces_the_old_one(tmp_path):
    store = WidScanStore(tmp_path / "home")
    store.save(a_link())
    store.save(a_link(link="link-fedcba9876543210", first_names="Jan"))
    assert store.load().link == "link-fedcba9876543210" and store.load().first_names == "Jan"


def test_no_link_is_not_linked(tmp_path):
    with pytest.raises(NotLinked):
        WidScanStore(tmp_path / "home").load()


@pytest.mark.parametrize("damage", [
    lambda data: data.pop("key"),
    lambda data: data.update(key="bm90IGEga2V5"),
    lambda data: data.update(key_digest="another-key-digest"),
    lambda data: data.update(version=2),
    lambda data: data.update(linked_at="gisteren"),
])
def test_a_damaged_file_is_a_storage_error(tmp_path, damage):
    store = WidScanStore(tmp_path / "home")
    store.save(a_link())
    data = json.loads(store.link_path.read_text())
    damage(data)
    store.link_path.write_text(json.dumps(data))
    with pytest.raises(StorageError):
        store.load()


def test_a_file_that_is_no_json_is_a_storage_error(tmp_path):
    store = WidScanStore(tmp_path / "home")
    store.home.mkdir()
    store.link_path.write_bytes(b"\xff\x00")
    with pytest.raises(StorageError):
        store.load()


def test_each_recorded_moment_comes_after_the_last_even_within_one_second(tmp_path):
    store = WidScanStore(tmp_path / "home")
    store.save(a_link())
    assert store.next_moment(1_800_000_000) == 1_800_000_000
    assert store.next_moment(1_800_000_000) == 1_800_000_001
    assert store.next_moment(1_700_000_000) == 1_800_000_002  # a clock set back
    assert store.next_moment(1_900_000_000) == 1_900_000_000
