"""zorgid.hashing.token_hash: the one hash the server keeps of a secret token (docs/security.md).

Activation codes, application status and follow-up links, unlock tokens and browser bindings are stored as
this hash, and stored rows are looked up by it: its value must never change (no data migration exists).
"""

import hashlib

from zorgid.hashing import token_hash


def test_a_known_token_has_its_pinned_hash():
    assert token_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert token_hash("Zorg-ID_é") == "0cb5febdb4e2fda16697613220d989c69549b2a538033aa87b4a592fe690a133"


def test_it_is_the_sha256_hex_of_the_utf8_bytes_as_every_stored_hash_was_made():
    for secret in ("", "NnXq2Zx9bS8k-Jw_4YtRmP3c", "é€😀"):
        assert token_hash(secret) == hashlib.sha256(secret.encode("utf-8")).hexdigest()
        assert len(token_hash(secret)) == 64
