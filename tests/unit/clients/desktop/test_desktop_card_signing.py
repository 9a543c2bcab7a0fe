"""Signing a challenge with the card's authentication key through the Desktop App's card module, in a
subprocess with its own token directory, and verifying the signature here with the certificate's key."""

import json

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from zorgid.protocol.messages import CardResponse

from .cards import CHALLENGE, FLOW, PIN, in_card_process

SIGN = """
import json, sys
from cryptography.hazmat.primitives.serialization import Encoding
from zorgid.clients.desktop.card import find_cards, logged_in, select_card
from zorgid.protocol.errors import ZorgidError
card = select_card(find_cards("/usr/lib/softhsm/libsofthsm2.so"))
data = bytes.fromhex(sys.argv[1])
try:
    with logged_in(card, sys.argv[2]) as signer:
        signature = signer.sign(data)
    print(json.dumps({"certificate": card.certificate.public_bytes(Encoding.DER).hex(), "signature": signature.hex(),
                      "id": card.certificate_id.hex()}))
except ZorgidError as err:
    print(json.dumps({"error": err.code}))
"""


def sign(conf, data: bytes, pin: str) -> dict:
    code = f"import sys; sys.argv = ['-', {data.hex()!r}, {pin!r}]\n" + SIGN
    return json.loads(in_card_process(conf, code))


def test_the_card_signs_a_card_response_that_verifies_with_its_certificate(one_card):
    data = CardResponse(FLOW, CHALLENGE, "https://portal.example", "attributes", 1_800_000_000).canonical_bytes()
    answer = sign(one_card, data, PIN)
    cert = x509.load_der_x509_certificate(bytes.fromhex(answer["certificate"]))
    signature = bytes.fromhex(answer["signature"])
    assert answer["id"] == "01" and len(signature) == 256
    cert.public_key().verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    with pytest.raises(InvalidSignature):
        cert.public_key().verify(signature, data + b" ", padding.PKCS1v15(), hashes.SHA256())


def test_a_wrong_code_is_pin_wrong(one_card):
    assert sign(one_card, b"data", "000000") == {"error": "ZID-DESKTOP-PIN-WRONG"}
