"""Moving every key share to a new key of the keyring (identities/keyshare.py ``rotate``, ``add``, ``use``,
``reseal``, ``retire``; docs/security.md "The key-share keys"): in batches, each share opened by its own key and
sealed by the key that seals new shares, every step audited; what the unlock API answers for a share this server
cannot open."""

from __future__ import annotations

import pytest

from tests.conftest import activate_code
from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.identities import keyring, keyshare
from zorgid.identities.errors import KeyShareKeyNewest, KeyShareKeyNotFound, KeyShareKeyUnknown
from zorgid.identities.models import KeyShare
from zorgid.organisations.roles import add_operator
from zorgid.protocol.bodies import KeyShareUnlockResponse

NAMES = ["Anna", "Bram", "Cor", "Dirk", "Eva"]


@pytest.fixture(autouse=True)
def keys_file(settings, tmp_path):
    settings.ZORGID_KEYSHARE_KEYS = tmp_path / "keyshare-keys"
    return settings.ZORGID_KEYSHARE_KEYS


@pytest.fixture
def devices(client, db):
    return [activate_code(client, add_operator(name, "Jansen", clock.parse_date("01-01-1970"), actor="test").code)
            for name in NAMES]


def opened(device) -> bytes:
    answer = device.unlock()
    assert answer.status_code == 200, answer.content
    return KeyShareUnlockResponse.from_json(answer.json()).key_share


def test_rotate_moves_every_share_in_batches_and_each_still_opens_to_the_same_share(devices):
    seen = []
    key_id, moved = keyshare.rotate(batch=2, progress=lambda done, total: seen.append((done, total)), actor="test")
    assert (key_id, moved) == (1, 5)
    assert seen == [(2, 5), (4, 5), (5, 5)]
    assert set(KeyShare.objects.values_list("key_id", flat=True)) == {1}
    assert [opened(device) for device in devices] == [device.share for device in devices]
    events = list(AuditEvent.objects.filter(event__startswith="keyshare.key").values_list("event", "details"))
    assert events == [("keyshare.key_added", '{"key":1,"seals":true}'), ("keyshare.key_chosen", '{"before":0,"key":1}')]
    assert AuditEvent.objects.get(event="keyshare.resealed").details == '{"key":1,"shares":5}'


def test_a_new_activation_after_rotate_is_sealed_by_the_new_key_and_retire_is_then_allowed(client, devices):
    keyshare.rotate(actor="test")
    late = activate_code(client, add_operator("Fien", "Jansen", clock.parse_date("01-01-1970"), actor="test").code)
    assert KeyShare.objects.get(mobile_id_id=late.mobile_id).key_id == 1
    keyshare.retire(0, actor="test")
    assert keyring.current().ids == (1,)
    assert AuditEvent.objects.filter(event="keyshare.key_retired", details='{"key":0}').exists()
    assert [opened(device) for device in [*devices, late]] == [device.share for device in [*devices, late]]


def test_reseal_stops_at_a_share_it_cannot_open_and_keeps_the_batches_before(devices):
    keyring.add_key()
    last = KeyShare.objects.order_by("pk").last()
    KeyShare.objects.filter(pk=last.pk).update(key_id=7)
    with pytest.raises(KeyShareKeyUnknown):
        keyshare.reseal(batch=2)
    assert sorted(KeyShare.objects.values_list("key_id", flat=True)) == [1, 1, 1, 1, 7]
    assert [opened(device) for device in devices if device.mobile_id != last.mobile_id_id] == [
        device.share for device in devices if device.mobile_id != last.mobile_id_id]


def test_the_unlock_api_answers_a_share_of_a_missing_key_with_503_and_its_code(devices):
    device = devices[0]
    KeyShare.objects.filter(mobile_id_id=device.mobile_id).update(key_id=3)
    answer = device.unlock()
    assert answer.status_code == 503
    error = answer.json()["error"]
    assert error["code"] == "ZID-KEYSHARE-KEY"
    assert "key 3 is not in the keyring" in error["detail"]
    KeyShare.objects.filter(mobile_id_id=device.mobile_id).update(key_id=0)
    assert opened(device) == device.share  # the refused unlock counted nothing and took no signing time


def test_a_garbled_sealed_share_is_answered_with_the_same_code_not_a_500(devices):
    device = devices[0]
    KeyShare.objects.filter(mobile_id_id=device.mobile_id).update(sealed_share="not base64 at all!")
    answer = device.unlock()
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "ZID-KEYSHARE-KEY"


def key_lines(keys_file) -> list[str]:
    return [line.split()[1] for line in keys_file.read_text().splitlines() if line.startswith("key ")]


def test_add_makes_a_key_that_opens_but_does_not_seal_and_the_release_before_reads_the_file_the_same(
        client, devices, keys_file):
    """The file records the sealing key as it always did, by its last key line: the added key goes before it."""
    assert keyshare.add(actor="test") == 1
    ring = keyring.current()
    assert (ring.ids, ring.sealing[0], ring.newest[0]) == ((0, 1), 0, 1)
    assert key_lines(keys_file) == ["1", "0"]
    late = activate_code(client, add_operator("Fien", "Jansen", clock.parse_date("01-01-1970"), actor="test").code)
    assert set(KeyShare.objects.values_list("key_id", flat=True)) == {0}
    assert [opened(device) for device in [*devices, late]] == [device.share for device in [*devices, late]]
    assert AuditEvent.objects.get(event="keyshare.key_added").details == '{"key":1,"seals":false}'
    assert not AuditEvent.objects.filter(event__in=["keyshare.key_chosen", "keyshare.resealed"]).exists()


def test_use_makes_the_key_seal_and_moves_every_share_in_batches_and_each_choice_is_audited(devices, keys_file):
    keyshare.add(actor="test")
    seen = []
    assert keyshare.use(1, batch=2, progress=lambda done, total: seen.append((done, total)), actor="test") == 5
    assert seen == [(2, 5), (4, 5), (5, 5)]
    assert key_lines(keys_file) == ["0", "1"] and keyring.current().sealing[0] == 1
    assert set(KeyShare.objects.values_list("key_id", flat=True)) == {1}
    assert [opened(device) for device in devices] == [device.share for device in devices]
    assert AuditEvent.objects.get(event="keyshare.key_chosen").details == '{"before":0,"key":1}'
    assert AuditEvent.objects.get(event="keyshare.resealed").details == '{"key":1,"shares":5}'

    assert keyshare.use(1, actor="test") == 0  # again (an interrupted run taken up): nothing chosen, nothing moved
    assert AuditEvent.objects.filter(event="keyshare.key_chosen").count() == 1
    assert keyshare.use(0, actor="test") == 5  # and back, while both keys are in the file
    assert set(KeyShare.objects.values_list("key_id", flat=True)) == {0}
    assert [opened(device) for device in devices] == [device.share for device in devices]


def test_use_of_a_key_the_file_lacks_and_retire_of_the_sealing_key_are_refused_and_change_nothing(devices, keys_file):
    keyshare.add(actor="test")
    before = keys_file.read_bytes()
    with pytest.raises(KeyShareKeyNotFound):
        keyshare.use(9, actor="test")
    with pytest.raises(KeyShareKeyNewest):
        keyshare.retire(0, actor="test")  # key 1 is the newest, but key 0 still seals new shares
    assert keys_file.read_bytes() == before
    assert set(KeyShare.objects.values_list("key_id", flat=True)) == {0}
    assert not AuditEvent.objects.filter(event__in=["keyshare.key_chosen", "keyshare.key_retired"]).exists()
    keyshare.retire(1, actor="test")  # an added key that seals nothing can go again
    assert keyring.current().ids == (0,)
