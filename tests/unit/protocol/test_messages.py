import json

import pytest

from zorgid.protocol.errors import MessageMalformed
from zorgid.protocol.messages import APP_VERSION, LoginApproval, b64decode, b64encode

FLOW = "0123456789abcdef0123456789abcdef"
NONCE = "fedcba9876543210fedcba9876543210"
MOBILE = "aaaabbbbccccddddeeeeffff00001111"


def test_canonical_bytes_are_sorted_compact_json_with_type_and_version():
    """The approval is signed in the version of the request that carries it (the app's, 3), not in version 1."""
    message = LoginApproval(FLOW, NONCE, "https://portaal.example/", MOBILE, 1_800_000_000)
    data = message.canonical_bytes()
    assert data == (
        b'{"flow":"' + FLOW.encode() + b'","mobile_id":"' + MOBILE.encode() + b'","nonce":"' + NONCE.encode()
        + b'","origin":"https://portaal.example","signed_at":1800000000,"type":"zorgid.login.approval","v":3}'
    )
    assert APP_VERSION == 3
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
    {"version": 1},
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


def test_a_device_unlock_binds_the_id_the_proof_and_the_moment():
    from zorgid.protocol.messages import APP_VERSION, DeviceUnlock

    proof = bytes(range(32))
    base = DeviceUnlock(MOBILE, proof, 1_800_000_000_000)
    assert base.canonical_bytes() == (
        b'{"mobile_id":"' + MOBILE.encode() + b'","pin_proof":"' + b64encode(proof).encode()
        + b'","signed_at_ms":1800000000000,"type":"zorgid.keyshare.unlock","v":' + str(APP_VERSION).encode()
        + b"}"
    )
    variants = [DeviceUnlock(NONCE, proof, 1_800_000_000_000), DeviceUnlock(MOBILE, bytes(32), 1_800_000_000_000),
                DeviceUnlock(MOBILE, proof, 1_800_000_000_001)]
    assert len({m.canonical_bytes() for m in [base, *variants]}) == 4


@pytest.mark.parametrize("mobile_id, proof, signed_at_ms", [
    ("bad id", bytes(32), 1), (MOBILE, bytes(31), 1), (MOBILE, "x" * 32, 1), (MOBILE, bytes(32), 0),
    (MOBILE, bytes(32), True), (MOBILE, bytes(32), 2**50), (MOBILE, bytes(32), "1"),
])
def test_an_invalid_device_unlock_is_refused(mobile_id, proof, signed_at_ms):
    from zorgid.protocol.messages import DeviceUnlock

    with pytest.raises(MessageMalformed):
        DeviceUnlock(mobile_id, proof, signed_at_ms)


def test_a_pin_change_binds_the_new_device_key():
    from zorgid.protocol.messages import PinChange

    one, other = PinChange(MOBILE, bytes(32), 5, b"device-one"), PinChange(MOBILE, bytes(32), 5, b"device-two")
    assert one.canonical_bytes() != other.canonical_bytes()
    assert b'"device_key":"' + b64encode(b"device-one").encode() + b'"' in one.canonical_bytes()
    assert b'"v":3' in one.canonical_bytes()


@pytest.mark.parametrize("mobile_id, proof, signed_at, device_key", [
    ("bad id", bytes(32), 5, b"k"), (MOBILE, bytes(31), 5, b"k"), (MOBILE, bytes(32), 0, b"k"),
    (MOBILE, bytes(32), True, b"k"), (MOBILE, bytes(32), 5, b""), (MOBILE, bytes(32), 5, bytes(129)),
    (MOBILE, "AAAA", 5, b"k"),
])
def test_an_invalid_pin_change_is_refused(mobile_id, proof, signed_at, device_key):
    from zorgid.protocol.messages import PinChange

    with pytest.raises(MessageMalformed):
        PinChange(mobile_id, proof, signed_at, device_key)
