"""When a rotated key starts signing (oidc.keys, docs/koppelen.md §5): published at once, signing only once it has
been published as long as an application may cache /oidc/jwks (discovery.CACHE_SECONDS), the previous key until
then; ``at_once`` after a compromised key; the key that signs cannot be retired; ``zorgid oidc keys list`` and
``rotate`` say when a key starts signing."""

from __future__ import annotations

import dataclasses
import datetime as dt

import jwt
import pytest
from typer.testing import CliRunner

from zorgid import clock
from zorgid.cli import app as cli
from zorgid.oidc import discovery, keys
from zorgid.oidc.errors import SigningKeyInUse

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(settings, tmp_path):
    settings.ZORGID_HOME = tmp_path
    return tmp_path


def kid_of(token: str) -> str:
    return jwt.get_unverified_header(token)["kid"]


def move_to(moment: dt.datetime) -> None:
    """zorgid's clock to ``moment``: relative to a key's own publication time, never to when the test began (a key
    generated on a busy machine takes seconds, and the clock runs on meanwhile)."""
    clock.move(moment - clock.now())


SECOND = dt.timedelta(seconds=1)
MARGIN = dt.timedelta(seconds=10)  # more than the test's own steps take between moving the clock and looking


def published_kids() -> list[str]:
    return [item["kid"] for item in keys.jwks()["keys"]]


def test_the_wait_is_the_time_the_jwks_may_be_cached(home):
    assert discovery.CACHE_SECONDS == keys.JWKS_CACHE_SECONDS == 300


def test_a_new_installations_first_key_signs_at_once(home):
    first = keys.signing_key()
    assert kid_of(keys.sign_jwt({"n": 1})) == first.kid
    assert first.published_at <= clock.now() < first.signs_from


def test_a_rotated_key_is_published_at_once_and_signs_after_the_cache_time(home):
    old = keys.signing_key()
    clock.move(dt.timedelta(hours=1))
    new = keys.rotate(actor="test")
    assert published_kids() == [old.kid, new.kid]  # published, the one that signs first
    assert keys.signing_key() == old and kid_of(keys.sign_jwt({"n": 1})) == old.kid
    assert new.signs_from == new.published_at + dt.timedelta(seconds=keys.JWKS_CACHE_SECONDS)
    move_to(new.signs_from - MARGIN)
    assert keys.signing_key() == old
    move_to(new.signs_from + SECOND)
    assert keys.signing_key() == new and kid_of(keys.sign_jwt({"n": 2})) == new.kid
    assert published_kids() == [new.kid, old.kid]


def test_two_quick_rotations_sign_with_the_newest_that_is_old_enough(home):
    first = keys.signing_key()
    clock.move(dt.timedelta(hours=1))
    second = keys.rotate(actor="test")
    move_to(second.published_at + dt.timedelta(seconds=200))
    third = keys.rotate(actor="test")
    assert keys.signing_key() == first
    move_to(second.signs_from + SECOND)
    assert keys.signing_key() == second
    assert published_kids() == [second.kid, third.kid, first.kid]
    move_to(third.signs_from + SECOND)
    assert keys.signing_key() == third


def test_a_key_on_a_token_signs_sync_seconds_after_a_file_key_would(home):
    """The other instances on the token publish a key up to SYNC_SECONDS after the one that made it, and an
    application may keep a JWKS from one of them JWKS_CACHE_SECONDS: a key on the token waits for both."""
    on_file = keys.signing_key()
    on_token = dataclasses.replace(on_file, path=on_file.path.with_name(f"0001-{on_file.kid}.pkcs11"))
    assert not on_file.on_token and on_token.on_token
    assert on_file.signs_from == on_file.published_at + dt.timedelta(seconds=keys.JWKS_CACHE_SECONDS)
    assert on_token.signs_from == on_file.published_at + dt.timedelta(seconds=keys.JWKS_CACHE_SECONDS
                                                                       + keys.SYNC_SECONDS)
    assert keys.SYNC_SECONDS == 30


def test_young_keys_only_sign_with_the_oldest(home):
    first = keys.signing_key()
    keys.rotate(actor="test")
    assert keys.signing_key() == first


def test_at_once_signs_at_once(home):
    old = keys.signing_key()
    clock.move(dt.timedelta(hours=1))
    new = keys.rotate(actor="test", at_once=True)
    assert keys.signing_key() == new and new.signs_from <= clock.now()
    keys.retire(old.kid, actor="test")
    assert published_kids() == [new.kid]


def test_the_key_that_signs_cannot_be_retired_and_a_waiting_one_can(home):
    old = keys.signing_key()
    clock.move(dt.timedelta(hours=1))
    new = keys.rotate(actor="test")
    with pytest.raises(SigningKeyInUse):
        keys.retire(old.kid, actor="test")  # it still signs: retiring it would make the new one sign at once
    keys.retire(new.kid, actor="test")  # a rotation taken back before it signs
    assert keys.signing_key() == old and published_kids() == [old.kid]


def test_the_rotation_is_audited_with_when_it_signs(home):
    from zorgid.audit.models import AuditEvent

    new = keys.rotate(actor="cli:beheer")
    details = AuditEvent.objects.get(event="oidc.key.rotated").details
    assert new.kid in details and new.signs_from.isoformat() in details


def test_the_commands_say_when_a_key_starts_signing(home):
    runner = CliRunner()
    first = keys.signing_key()
    clock.move(dt.timedelta(hours=1))
    rotated = runner.invoke(cli, ["oidc", "keys", "rotate"])
    assert rotated.exit_code == 0, rotated.output
    new = keys.all_keys()[-1]
    assert f"Nieuwe sleutel {new.kid} is gepubliceerd en ondertekent vanaf " in rotated.stdout
    assert "(na 5 minuten; tot dan de vorige)" in rotated.stdout
    listed = runner.invoke(cli, ["oidc", "keys", "list"]).stdout
    assert f"{first.kid}  ondertekent" in listed
    assert f"{new.kid}  gepubliceerd, ondertekent vanaf " in listed
    clock.move(dt.timedelta(seconds=keys.JWKS_CACHE_SECONDS))
    listed = runner.invoke(cli, ["oidc", "keys", "list"]).stdout
    assert f"{first.kid}  gepubliceerd" in listed and f"{new.kid}  ondertekent" in listed
    now = runner.invoke(cli, ["oidc", "keys", "rotate", "--now"])
    assert now.exit_code == 0 and "ondertekent vanaf nu." in now.stdout
    assert keys.signing_key().kid in now.stdout
