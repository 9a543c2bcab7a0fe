"""The installation's signing keys (oidc.keys): made on first need, 0600, RSA 3072; the newest signs, every key not
retired is published; a token signed before a rotation still verifies after it; the signing key cannot be retired."""

from __future__ import annotations

import datetime as dt
import os
import stat

import jwt
import pytest

from zorgid import clock
from zorgid.oidc import keys
from zorgid.oidc.errors import SigningKeyInUse, SigningKeyUnknown

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(settings, tmp_path):
    settings.ZORGID_HOME = tmp_path
    return tmp_path


def verify(token: str) -> dict:
    """As a client library: the key by kid from the published JWKS."""
    published = jwt.PyJWKSet.from_dict(keys.jwks())
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(item for item in published.keys if item.key_id == kid)
    return jwt.decode(token, key.key, algorithms=["RS256"], options={"verify_aud": False})


def test_the_first_key_is_made_on_first_need(home):
    assert not (home / "oidc").exists()
    key = keys.signing_key()
    assert key.path.parent == home / "oidc" and key.path.name == f"0001-{key.kid}.pem"
    assert stat.S_IMODE(key.path.stat().st_mode) == 0o600
    assert stat.S_IMODE((home / "oidc").stat().st_mode) == 0o700
    assert key.jwk.raw_value.key_size == 3072
    assert keys.signing_key() == key  # not made again
    published = keys.jwks()["keys"]
    assert [item["kid"] for item in published] == [key.kid]
    assert published[0]["alg"] == "RS256" and published[0]["use"] == "sig" and "d" not in published[0]


def test_sign_jwt_signs_with_the_signing_key_and_its_kid(home):
    token = keys.sign_jwt({"sub": "x"}, typ="logout+jwt")
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "RS256", "kid": keys.signing_key().kid, "typ": "logout+jwt"}
    assert verify(token) == {"sub": "x"}


def test_rotation_keeps_the_old_key_published_and_retire_removes_it(home):
    old = keys.signing_key()
    before = keys.sign_jwt({"n": 1})
    new = keys.rotate(actor="test")
    assert keys.signing_key() == old and new.number == old.number + 1  # published first, signing later
    clock.move(dt.timedelta(seconds=keys.JWKS_CACHE_SECONDS))
    assert keys.signing_key() == new
    assert [item["kid"] for item in keys.jwks()["keys"]] == [new.kid, old.kid]
    assert verify(before) == {"n": 1}  # signed before the rotation, verified after it
    assert jwt.get_unverified_header(keys.sign_jwt({"n": 2}))["kid"] == new.kid
    with pytest.raises(SigningKeyInUse):
        keys.retire(new.kid, actor="test")
    retired = keys.retire(old.kid, actor="test")
    assert retired.retired and retired.path == home / "oidc" / "retired" / old.path.name
    assert [item["kid"] for item in keys.jwks()["keys"]] == [new.kid]
    assert [key.kid for key in keys.all_keys()] == [old.kid, new.kid]
    with pytest.raises(StopIteration):  # no published key has its kid
        verify(before)
    with pytest.raises(SigningKeyUnknown):
        keys.retire(old.kid, actor="test")
    with pytest.raises(SigningKeyUnknown):
        keys.retire("../../etc/passwd", actor="test")


def test_a_rotation_of_a_fresh_installation_leaves_two_keys(home):
    made = keys.rotate(actor="test")
    assert [key.number for key in keys.published()] == [1, made.number] and made.number == 2


def test_a_rotation_and_a_retirement_are_audited(home):
    from zorgid.audit.models import AuditEvent

    new = keys.rotate(actor="cli:beheer")
    old = keys.published()[0]
    clock.move(dt.timedelta(seconds=keys.JWKS_CACHE_SECONDS))  # the new key signs: the old one may go
    keys.retire(old.kid, actor="cli:beheer")
    events = list(AuditEvent.objects.filter(event__startswith="oidc.key.").values_list("event", "actor", "subject"))
    assert events == [("oidc.key.rotated", "cli:beheer", f"oidc_key:{new.kid}"),
                      ("oidc.key.retired", "cli:beheer", f"oidc_key:{old.kid}")]


def test_files_that_are_not_keys_are_ignored(home):
    key = keys.signing_key()
    (home / "oidc" / "notes.txt").write_text("x")
    (home / "oidc" / "0009-short.pem").write_text("x")
    assert keys.published() == [key]


def test_a_key_gone_between_the_listing_and_its_reading_is_left_out(home):
    """The listing takes no lock: a name listed whose file is gone when it is read (another worker moved it to
    retired/ in between) is left out, never a 500. A dangling link is such a name, listed but without a file."""
    first = keys.signing_key()
    second = keys.rotate(actor="test")  # read once: its key cached
    os.replace(second.path, home / "oidc" / "elsewhere")
    second.path.symlink_to(home / "oidc" / "gone")
    (home / "oidc" / f"0003-{'A' * 43}.pem").symlink_to(home / "oidc" / "gone")  # never read before
    (home / "oidc" / f"0004-{'B' * 43}.pkcs11").symlink_to(home / "oidc" / "gone")  # a reference to a token key
    (home / "oidc" / "retired").mkdir()
    (home / "oidc" / "retired" / f"0005-{'C' * 43}.pem").symlink_to(home / "oidc" / "gone")
    assert keys.published() == [first] and keys.all_keys() == [first]
    assert [item["kid"] for item in keys.jwks()["keys"]] == [first.kid]
    assert keys.signing_key() == first
