"""The server's checks of a new ZORG-ID Smartcard's keys, with software keys: every key proves possession over the
flow's challenge, its role and itself; RSA-2048 only; three different keys."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from zorgid.identities.errors import SmartcardKeysInvalid, SmartcardProofInvalid
from zorgid.identities.smartcards import _checked_keys
from zorgid.protocol.card_keys import CARD_KEY_ROLES, CardKeyProof

CHALLENGE = "smartcard-challenge-0123456789abcdef"


def der(key) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def proved(key, role: str, challenge: str = CHALLENGE) -> tuple[bytes, bytes]:
    message = CardKeyProof(challenge, role, der(key)).canonical_bytes()
    if isinstance(key, rsa.RSAPrivateKey):
        return der(key), key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    return der(key), key.sign(message, ec.ECDSA(hashes.SHA256()))


@pytest.fixture(scope="module")
def keys():
    return [rsa.generate_private_key(65537, 2048) for _ in CARD_KEY_ROLES]


def test_three_proved_rsa_2048_keys_are_taken(keys):
    checked = _checked_keys(CHALLENGE, {role: proved(key, role) for role, key in zip(CARD_KEY_ROLES, keys)})
    assert [checked[role].public_numbers() for role in CARD_KEY_ROLES] == [
        key.public_key().public_numbers() for key in keys]


def test_one_key_for_two_roles_is_refused_even_with_valid_proofs(keys):
    one = {role: proved(key, role) for role, key in zip(CARD_KEY_ROLES, keys)}
    one["signing"] = proved(keys[0], "signing")
    with pytest.raises(SmartcardKeysInvalid):
        _checked_keys(CHALLENGE, one)


@pytest.mark.parametrize("weak", ["rsa-1024", "ec"])
def test_only_rsa_2048_keys(keys, weak):
    other = rsa.generate_private_key(65537, 1024) if weak == "rsa-1024" else ec.generate_private_key(ec.SECP256R1())
    given = {role: proved(key, role) for role, key in zip(CARD_KEY_ROLES, keys)}
    given["encryption"] = proved(other, "encryption")
    with pytest.raises(SmartcardKeysInvalid):
        _checked_keys(CHALLENGE, given)


def test_a_proof_over_another_challenge_or_role_is_refused(keys):
    given = {role: proved(key, role) for role, key in zip(CARD_KEY_ROLES, keys)}
    with pytest.raises(SmartcardProofInvalid):
        _checked_keys("another-challenge-0123456789abcdef", given)
    given["signing"] = proved(keys[1], "authentication")
    with pytest.raises(SmartcardProofInvalid):
        _checked_keys(CHALLENGE, given)


@pytest.mark.parametrize("given", [None, [], {}, {"authentication": ("x", "y")}, "keys"])
def test_malformed_keys_are_refused_with_a_code(given):
    with pytest.raises(SmartcardKeysInvalid):
        _checked_keys(CHALLENGE, given)


def test_bad_entries_and_challenges_are_refused_with_a_code(keys):
    given = {role: proved(key, role) for role, key in zip(CARD_KEY_ROLES, keys)}
    for bad in [("a", "b"), (b"a",), None, (given["signing"][0], b"")]:
        with pytest.raises((SmartcardKeysInvalid, SmartcardProofInvalid)):
            _checked_keys(CHALLENGE, {**given, "signing": bad})
    for challenge in ["", "short", None, "x" * 500]:
        with pytest.raises(SmartcardProofInvalid):
            _checked_keys(challenge, given)
