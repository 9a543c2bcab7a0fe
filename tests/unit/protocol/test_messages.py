import json

import pytest

from zorgid.protocol.errors import MessageMalformed
from zorgid.protocol.messages import LoginApproval, b64decode, b64encode

FLOW = "0123456789abcdef0123456789abcdef"
NONCE = "fedcba9876543210fedcba9876543210"
MOBILE = "aaaabbbbccccddddeeeeffff00001111"


def test_canonical_bytes_are_sorted_compact_json_with_type_and_version():
    message = LoginApproval(FLOW, NONCE, "https://portaal.example/", MOBILE, 1_800_000_000)
    data = message.canonical_bytes()
    assert data == (
        b'{"flow":"' + FLOW.encode() + b'","mobile_id":"' + MOBILE.encode() + b'","nonce":"' + NONCE.encode()
        + b'","origin":"https://portaal.example","signed_at":1800000000,"type":"zorgid.login.approval","v":1}'
    )
    assert json.loads(data)["type"] == "zorgid.login.approval"


def test_canonical_bytes_differ_for_every_field():
    base = LoginApproval(FLOW, NONCE, "https://a.example", MOBILE, 1)
    others = [
        LoginApproval(NONCE, NONCE, "https://a.example", MOBILE, 1),
        LoginApproval(FLOW, FLOW, "https://a.example", MOBILE, 1),
        LoginApproval(FLOW, NONCE, "https://b.example", MOBILE, 1),
        LoginApproval(FLOW, NONCE, "https://a.example", NONCE, 1),
        LoginApproval(FLOW, NONCE, "https://a.example", MOBILE, 2),
    ]
    assert len({m.canonical_bytes() for m in [base, *others]}) == 6


@pytest.mark.parametrize("kwargs", [
    {"flow_id": "bad flow"},
    {"nonce": ""},
    {"mobile_id": "x" * 100},
    {"signed_at": -1},
    {"signed_at": True},
    {"signed_at": "1"},
    {"version": 2},
])
def test_invalid_fields_are_refused(kwargs):
    fields = {"flow_id": FLOW, "nonce": NONCE, "origin": "https://a.example", "mobile_id": MOBILE, "signed_at": 1}
    fields.update(kwargs)
    with pytest.raises(MessageMalformed):
        LoginApproval(**fields)


def test_base64url_round_trip_and_bounds():
    assert b64decode(b64encode(b"\x00\xff" * 10)) == b"\x00\xff" * 10
    with pytest.raises(MessageMalformed):
        b64decode("A" * 1000)
    with pytest.raises(MessageMalformed):
        b64decode("***")


def test_card_response_binds_flow_challenge_origin_and_purpose():
    from zorgid.protocol.messages import CardResponse

    base = CardResponse(FLOW, NONCE, "https://a.example", "attributes", 5)
    variants = [
        CardResponse(FLOW, NONCE, "https://a.example", "self-registration", 5),
        CardResponse(FLOW, FLOW, "https://a.example", "attributes", 5),
        CardResponse(NONCE, NONCE, "https://a.example", "attributes", 5),
        CardResponse(FLOW, NONCE, "https://b.example", "attributes", 5),
    ]
    assert len({m.canonical_bytes() for m in [base, *variants]}) == 5
    assert b'"type":"zorgid.card.response"' in base.canonical_bytes()
    with pytest.raises(MessageMalformed):
        CardResponse(FLOW, NONCE, "https://a.example", "smartcard-unknown", 5)
