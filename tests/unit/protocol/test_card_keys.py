"""The proof of possession of a new ZORG-ID Smartcard key: its canonical bytes and the inputs it refuses."""

import json

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from zorgid.protocol.card_keys import CARD_KEY_ROLES, CardKeyProof
from zorgid.protocol.errors import MessageMalformed

CHALLENGE = "challenge-0123456789abcdef"


def test_canonical_bytes_name_type_version_challenge_role_and_key():
    proof = CardKeyProof(CHALLENGE, "signing", b"\x30\x82\x01\x22")
    assert proof.canonical_bytes() == (
        b'{"challenge":"challenge-0123456789abcdef","public_key":"MIIBIg","role":"signing",'
        b'"type":"zorgid.card.key-proof","v":1}')
    assert json.loads(proof.canonical_bytes())["type"] == "zorgid.card.key-proof"
    assert CARD_KEY_ROLES == ("authentication", "signing", "encryption")


def test_a_signature_over_the_canonical_bytes_verifies_with_the_key_it_names():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    message = CardKeyProof(CHALLENGE, "authentication", der).canonical_bytes()
    signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    key.public_key().verify(signature, message, padding.PKCS1v15(), hashes.SHA256())


@pytest.mark.parametrize("challenge, role, public_key, version", [
    ("short", "signing", b"\x30", 1),
    (None, "signing", b"\x30", 1),
    ("challenge with spaces 0123456", "signing", b"\x30", 1),
    (CHALLENGE, "admin", b"\x30", 1),
    (CHALLENGE, None, b"\x30", 1),
    (CHALLENGE, "signing", b"", 1),
    (CHALLENGE, "signing", "MIIBIg", 1),
    (CHALLENGE, "signing", b"\x30" * 1025, 1),
    (CHALLENGE, "signing", b"\x30", 2),
])
def test_malformed_proofs_are_refused_with_a_code(challenge, role, public_key, version):
    with pytest.raises(MessageMalformed):
        CardKeyProof(challenge, role, public_key, version)
