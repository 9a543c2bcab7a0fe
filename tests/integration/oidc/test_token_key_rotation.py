"""An ID-token key rotated or retired on one instance reaches every instance on the same PKCS#11 token without a
new ``zorgid ca init`` (docs/security.md, "Keys in an HSM"; oidc/keys.py): the token records each key's
publication time and retirement, and each instance brings its oidc directory in step at its listing; a key on the
token signs SYNC_SECONDS later than a file key would (--now included), when every instance publishes it; two
instances rotating at the same moment make two keys, never two with one label. Two installations on one SoftHSM2
token, each command in a process of its own (tests/integration/pki/hsm.py)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import jwt
import pytest

from tests.integration.pki import hsm
from tests.integration.pki.hsm import TIMEOUT, installation
from zorgid.oidc.keys import JWKS_CACHE_SECONDS, SYNC_SECONDS

template, softhsm = hsm.template, hsm.softhsm  # the fixtures


@pytest.fixture
def pair(template, softhsm, tmp_path):
    """Two installations on one token: the first made the keys, the second found them."""
    first, second = installation(template, tmp_path / "one", softhsm), installation(template, tmp_path / "two", softhsm)
    for made in (first, second):
        done = made.init()
        assert done.returncode == 0, done.stderr
    return first, second


def kid_of(home, number: str) -> str:
    [found] = (home / "oidc").glob(f"{number}-*.pkcs11")
    return found.name.removesuffix(".pkcs11").split("-", 1)[1]


def published_at(home, number: str) -> dt.datetime:
    """The publication time of the key ``number`` as ``home``'s reference records it (its modification time)."""
    [found] = (home / "oidc").glob(f"{number}-*.pkcs11")
    return dt.datetime.fromtimestamp(found.stat().st_mtime_ns / 1e9, tz=dt.UTC)


def kids(state: dict) -> list[str]:
    return [key["kid"] for key in state["jwks"]["keys"]]


def verifies(id_token: str, jwks: dict) -> dict:
    """The claims of ``id_token``, verified with the key of its kid in ``jwks`` (as an application does)."""
    kid = jwt.get_unverified_header(id_token)["kid"]
    [key] = [key for key in jwks["keys"] if key["kid"] == kid]
    return jwt.decode(id_token, jwt.PyJWK(key).key, algorithms=["RS256"], options={"verify_aud": False})


def rotate(made, *args: str) -> None:
    done = made.zorgid("oidc", "keys", "rotate", *args)
    assert done.returncode == 0, done.stderr


def test_a_key_rotated_on_one_instance_is_published_by_the_other_and_signs_there_from_the_same_moment(pair):
    first, second = pair
    old = kid_of(first.home, "0001")
    rotate(first)
    new = kid_of(first.home, "0002")
    before = second.key_state()
    assert set(kids(before)) == {old, new}  # published by the second, no 'ca init' there
    assert before["signer"] == old  # not yet: applications may hold a JWKS without it
    assert jwt.get_unverified_header(before["id_token"])["kid"] == old
    # the publication time the first recorded, to the microsecond: both switch at the same moment
    assert (second.home / "oidc" / f"0002-{new}.pkcs11").stat().st_mtime_ns == \
        (first.home / "oidc" / f"0002-{new}.pkcs11").stat().st_mtime_ns
    # a JWKS cached for JWKS_CACHE_SECONDS from an instance that learnt of the key SYNC_SECONDS late lacks it
    signs_from = published_at(first.home, "0002") + dt.timedelta(seconds=JWKS_CACHE_SECONDS + SYNC_SECONDS)
    for made in (first, second):
        assert made.key_state(at=signs_from - dt.timedelta(seconds=1))["signer"] == old
    switched = second.key_state(at=signs_from + dt.timedelta(seconds=1))
    published_by_first = first.key_state(at=signs_from + dt.timedelta(seconds=1))
    assert switched["signer"] == published_by_first["signer"] == new
    assert jwt.get_unverified_header(switched["id_token"])["kid"] == new
    assert verifies(switched["id_token"], published_by_first["jwks"])["sub"] == "person"
    assert verifies(published_by_first["id_token"], second.key_state()["jwks"])["sub"] == "person"


# ``zorgid oidc keys retire`` in an installation's process, its clock moved to the moment ``at``.
RETIRE_AT = """
import datetime as dt
from zorgid import clock
from zorgid.oidc import keys
clock.move(dt.datetime.fromisoformat("{at}") - clock.now())
keys.retire("{kid}", actor="test")
"""


def test_a_key_rotated_at_once_signs_after_sync_seconds_on_both_and_once_retired_is_no_longer_published(pair):
    first, second = pair
    old = kid_of(first.home, "0001")
    rotate(first, "--now")
    new = kid_of(first.home, "0002")
    # recorded as published JWKS_CACHE_SECONDS ago, it signs SYNC_SECONDS after the rotation, not before: the
    # other instances read the token this late
    signs_from = published_at(first.home, "0002") + dt.timedelta(seconds=JWKS_CACHE_SECONDS + SYNC_SECONDS)
    for made in (first, second):
        state = made.key_state(at=signs_from - dt.timedelta(seconds=1))
        assert state["signer"] == old and set(kids(state)) == {old, new}
    state = second.key_state(at=signs_from + dt.timedelta(seconds=1))
    assert state["signer"] == first.key_state(at=signs_from + dt.timedelta(seconds=1))["signer"] == new
    assert verifies(state["id_token"], first.key_state()["jwks"])["sub"] == "person"
    refused = first.python(RETIRE_AT.format(at=(signs_from - dt.timedelta(seconds=1)).isoformat(), kid=old))
    assert refused.returncode == 1 and "SigningKeyInUse" in refused.stderr, refused.stderr  # it still signs
    retired = first.python(RETIRE_AT.format(at=(signs_from + dt.timedelta(seconds=1)).isoformat(), kid=old))
    assert retired.returncode == 0, retired.stderr
    after = second.key_state(at=signs_from + dt.timedelta(seconds=1))
    assert kids(after) == [new] and after["signer"] == new
    assert not list((second.home / "oidc").glob(f"0001-{old}.pkcs11"))
    assert (second.home / "oidc" / "retired" / f"0001-{old}.pkcs11").exists()  # kept, as a retirement keeps it
    listed = second.zorgid("oidc", "keys", "list")
    assert listed.returncode == 0 and f"{old}  teruggetrokken" in listed.stdout, listed.stdout + listed.stderr


def test_a_new_instance_finds_a_retired_key_retired(pair, template, softhsm, tmp_path):
    first, _second = pair
    old = kid_of(first.home, "0001")
    rotate(first, "--now")
    later = published_at(first.home, "0002") + dt.timedelta(seconds=JWKS_CACHE_SECONDS + SYNC_SECONDS + 1)
    assert first.python(RETIRE_AT.format(at=later.isoformat(), kid=old)).returncode == 0
    third = installation(template, tmp_path / "three", softhsm)
    assert third.init().returncode == 0
    assert kids(third.key_state()) == [kid_of(first.home, "0002")]
    assert (third.home / "oidc" / "retired" / f"0001-{old}.pkcs11").exists()


JWKS_KIDS = """
import json
from zorgid.oidc import keys
print(json.dumps([key["kid"] for key in keys.jwks()["keys"]]))
"""


def test_a_token_that_cannot_be_read_fails_nothing_and_is_logged_with_its_code(pair):
    first, second = pair
    old = kid_of(first.home, "0001")
    rotate(first, "--now")
    refused = second.python(JWKS_KIDS, pin="999999")  # the token refuses the PIN: the references as they are
    assert refused.returncode == 0, refused.stderr
    assert json.loads(refused.stdout.strip().splitlines()[-1]) == [old]
    assert "ZID-HSM-PIN" in refused.stderr and "999999" not in refused.stderr + refused.stdout
    assert not list((second.home / "oidc").glob("0002-*"))
    read = second.python(JWKS_KIDS)
    assert read.returncode == 0, read.stderr
    assert json.loads(read.stdout.strip().splitlines()[-1]) == [old, kid_of(first.home, "0002")]  # not signing yet


# One process of an installation: the published kids at start, again after a line on stdin (within SYNC_SECONDS
# of the first listing), and once SYNC_SECONDS is over (set to 0 here rather than waited for).
FOLLOWING = """
import json, sys
import django; django.setup()
from zorgid.oidc import keys
kids = lambda: json.dumps([key["kid"] for key in keys.jwks()["keys"]])
print(kids(), flush=True)
sys.stdin.readline()
print(kids(), flush=True)
keys.SYNC_SECONDS = 0
print(kids(), flush=True)
"""


def test_a_process_reads_the_token_at_most_every_sync_seconds(pair):
    first, second = pair
    old = kid_of(first.home, "0001")
    process = subprocess.Popen([sys.executable, "-c", FOLLOWING], env=second.env(), stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert json.loads(process.stdout.readline()) == [old]
        rotate(first, "--now")
        out, err = process.communicate("go\n", timeout=TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    within, after = [json.loads(line) for line in out.strip().splitlines()[-2:]]
    assert within == [old]  # the token not read again yet: the references as they were
    assert sorted(after) == sorted([kid_of(first.home, "0002"), old])


# ``zorgid oidc keys rotate`` in an installation's process once a line comes on stdin (its keys listed before it
# says "ready", so that what follows the line is the rotation itself); its new key's number and kid.
ROTATE_AT_GO = """
import json, sys
import django; django.setup()
from zorgid.oidc import keys
keys.published()
print("ready", flush=True)
sys.stdin.readline()
made = keys.rotate(actor="test")
print(json.dumps([made.number, made.kid]), flush=True)
"""


def test_two_instances_rotating_at_the_same_moment_make_two_keys_never_two_with_one_label(pair):
    first, second = pair
    old = kid_of(first.home, "0001")
    processes = [subprocess.Popen([sys.executable, "-c", ROTATE_AT_GO], env=made.env(), stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for made in pair]
    try:
        for process in processes:
            assert process.stdout.readline().strip() == "ready", process.stderr.read()
        for process in processes:  # both generate a key at the same moment: each after finding number 2 free
            process.stdin.write("go\n")
            process.stdin.flush()
        answers = [process.communicate(timeout=TIMEOUT) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    assert [process.returncode for process in processes] == [0, 0], [err for _out, err in answers]
    made = [json.loads(out.strip().splitlines()[-1]) for out, _err in answers]
    assert sorted(number for number, _kid in made) == [2, 3]
    labels = first.on_token()
    assert [label for label in labels if "-oidc-" in label] == ["zorgid-oidc-0001", "zorgid-oidc-0002",
                                                               "zorgid-oidc-0003"]  # each once
    newest = next(kid for number, kid in made if number == 3)
    for each in pair:  # each signs with the newest once it may, and publishes all three
        state = each.key_state(JWKS_CACHE_SECONDS + SYNC_SECONDS + 1)
        assert state["signer"] == newest and set(kids(state)) == {old, *(kid for _number, kid in made)}
        assert verifies(state["id_token"], state["jwks"])["sub"] == "person"


def test_a_label_on_two_keys_is_published_by_no_instance_and_a_rotation_takes_the_next_number(pair):
    """Two keys with one label (two rotations at once, before the one that lost removed its own): no instance
    publishes either, and a rotation that finds the number taken takes the next one."""
    first, second = pair
    old = kid_of(first.home, "0001")
    published = dt.datetime.now(dt.UTC).isoformat()
    labels = second.on_token(generate=("zorgid-oidc-0002", "zorgid-oidc-0002"), record={"zorgid-oidc-0002": published})
    assert labels.count("zorgid-oidc-0002") == 2
    assert kids(second.key_state()) == [old]
    assert not list((second.home / "oidc").glob("0002-*"))
    rotate(first)
    assert not list((first.home / "oidc").glob("0002-*"))
    new = kid_of(first.home, "0003")
    assert set(kids(second.key_state())) == {old, new}
