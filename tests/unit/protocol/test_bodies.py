"""The API's bodies (zorgid.protocol.bodies): one definition read and written by both sides, every field checked."""

import dataclasses
import datetime as dt
import json

import pytest

from zorgid.protocol import bodies as b
from zorgid.protocol.errors import MessageMalformed, ZorgidError
from zorgid.protocol.messages import (
    APP_VERSION,
    CARD_VERSION,
    CardResponse,
    DeviceUnlock,
    LoginApproval,
    PinChange,
    b64encode,
)

MOBILE = "aaaabbbbccccddddeeeeffff00001111"
TOKEN = "t" * 32
NOW = dt.datetime(2030, 1, 2, 9, 30, tzinfo=dt.UTC)


class AnswerInvalid(ZorgidError):
    code = "ZID-TEST-BODIES-ANSWER"


EXAMPLES = [
    b.ActivationRequest(code="c" * 32, csr="-----BEGIN CERTIFICATE REQUEST-----", pin_proof=bytes(32),
                        device_key=bytes(91)),
    b.ActivationResponse(key_share=bytes(32), mobile_id=MOBILE, certificate="PEM", chain=("CA", "ROOT"),
                         holder=b.Holder(first_names="Jan", last_name="de Vries", birth_date="12-03-1975"),
                         server="https://portal.example"),
    b.LoginFlowResponse(flow=TOKEN, nonce=TOKEN, origin="https://portal.example",
                        requester=b.Requester(name="Portaal", origin="https://portal.example"), expires_at=NOW,
                        state="pending"),
    b.LoginApprovalRequest(unlock_token=TOKEN, mobile_id=MOBILE, signed_at=1_800_000_000, signature="c2ln"),
    b.StateResponse(state="approved"),
    b.KeyShareUnlockRequest(pin_proof=bytes(32), signed_at_ms=1_800_000_000_000, signature=b"sig"),
    b.KeyShareUnlockResponse(key_share=bytes(32), unlock_token=TOKEN, wrong_tries_since_last_use=2, last_use_at=None,
                             new_activation_codes=(b.NewActivationCode(issued_at=NOW, used=True),)),
    b.KeySharePinRequest(pin_proof=bytes(32), signed_at=1_800_000_000, signature=b"sig", device_key=bytes(91)),
    b.KeySharePinResponse(key_share=bytes(32)),
    b.CardFlowResponse(flow=TOKEN, challenge=TOKEN, purpose="attributes", purpose_text="UZI-gegevens koppelen",
                       origin="https://portal.example",
                       requester=b.Requester(name="Portaal", origin="https://portal.example"), expires_at=NOW,
                       state="pending"),
    b.CardAnswerRequest(certificate="PEM", signed_at=1_800_000_000, signature="c2ln"),
    b.ApplicationDocumentResponse(reference="ZID-2026-ABCD2345", state="document_verified"),
    b.ErrorResponse(error=b.ErrorBody(code="ZID-X", status=400, cause=b.ErrorText(nl="n", en="e"),
                                      solution=b.ErrorText(nl="n", en="e"))),
    b.CardDeclineRequest(challenge=TOKEN),
]


def test_every_body_of_the_api_has_an_example_here():
    assert {type(example) for example in EXAMPLES} == set(b.API_BODIES)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: type(example).__name__)
def test_what_one_side_writes_the_other_reads_back(example):
    sent = json.loads(json.dumps(example.to_json()))
    assert type(example).from_json(sent) == example
    assert type(example).from_json(sent, AnswerInvalid) == example
    assert ("v" in sent) == (example.version is not None)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: type(example).__name__)
def test_every_field_is_checked_with_the_readers_error(example):
    """A missing field, or a value of another kind, raises the reader's error: MessageMalformed on the server,
    the client's own error in a client."""
    sent = example.to_json()
    for name, spec in type(example).wire_fields():
        if not spec.optional:
            with pytest.raises(AnswerInvalid, match=f"{name} is missing"):
                type(example).from_json({key: value for key, value in sent.items() if key != name}, AnswerInvalid)
        wrong = {"text": 7, "integer": "7", "boolean": 1, "bytes": "***", "moment": "gisteren", "texts": "x",
                 "object": [], "objects": {}}[spec.kind]
        with pytest.raises(MessageMalformed):
            type(example).from_json({**sent, name: wrong})


def test_the_version_is_checked():
    sent = EXAMPLES[0].to_json()
    assert sent["v"] == APP_VERSION == 3
    for version in (1, 2, 4, True, "3", None):
        with pytest.raises(MessageMalformed, match="v must be 3"):
            b.ActivationRequest.from_json({**sent, "v": version})
    with pytest.raises(MessageMalformed, match="v must be 3"):
        b.ActivationRequest.from_json({key: value for key, value in sent.items() if key != "v"})


@pytest.mark.parametrize("change, reason", [
    ({"pin_proof": b64encode(bytes(31))}, "pin_proof must be 32 bytes"),
    ({"pin_proof": ""}, "pin_proof must be 32 bytes"),
    ({"signed_at_ms": 0}, "signed_at_ms must be from 1"),
    ({"signed_at_ms": 2**50}, "signed_at_ms must be from 1"),
    ({"signed_at_ms": True}, "signed_at_ms must be an integer"),
    ({"signature": "A" * 300}, "signature: base64 field missing or too long"),
    ({"signature": ""}, "signature must be 1 to 160 bytes"),
])
def test_bounds_are_refused_with_a_reason(change, reason):
    with pytest.raises(MessageMalformed, match=reason):
        b.KeyShareUnlockRequest.from_json({**EXAMPLES[5].to_json(), **change})


def test_nested_fields_name_their_place_and_lists_are_bounded():
    answer = EXAMPLES[6].to_json()
    with pytest.raises(MessageMalformed, match=r"new_activation_codes\.used must be true or false"):
        b.KeyShareUnlockResponse.from_json({**answer, "new_activation_codes": [{"issued_at": NOW.isoformat(),
                                                                                "used": "ja"}]})
    with pytest.raises(MessageMalformed, match="at most 20 entries"):
        b.KeyShareUnlockResponse.from_json({**answer, "new_activation_codes": answer["new_activation_codes"] * 21})
    with pytest.raises(MessageMalformed, match="has no time zone"):
        b.KeyShareUnlockResponse.from_json({**answer, "last_use_at": "2030-01-01T00:00:00"})
    with pytest.raises(MessageMalformed, match="purpose is not one of"):
        b.CardFlowResponse.from_json({**EXAMPLES[9].to_json(), "purpose": "login"})


def test_unknown_fields_are_left_for_a_newer_peer_and_optional_ones_may_be_left_out():
    sent = EXAMPLES[10].to_json()
    assert sent["chain"] == []
    del sent["chain"]
    assert b.CardAnswerRequest.from_json({**sent, "later": 1}) == EXAMPLES[10]


def test_a_body_is_a_json_object():
    for data in ([], "x", None, 3):
        with pytest.raises(AnswerInvalid, match="must be a JSON object"):
            b.StateResponse.from_json(data, AnswerInvalid)


def test_the_error_shape_is_the_one_every_error_writes():
    error = MessageMalformed("pin_proof must be 32 bytes")
    read = b.ErrorResponse.from_json(error.as_dict())
    assert read.error.code == "ZID-REQUEST-MALFORMED" and read.error.detail == "pin_proof must be 32 bytes"
    assert read.to_json() == error.as_dict()
    assert "detail" not in b.ErrorResponse.from_json(MessageMalformed().as_dict()).to_json()["error"]


def test_each_signed_message_carries_the_version_of_the_request_that_carries_it():
    """The app's requests say v 3 and so do the messages they carry; the Desktop App's say 1, as its message."""
    approval = LoginApproval(TOKEN, TOKEN, "https://portal.example", MOBILE, 5)
    unlock = DeviceUnlock(MOBILE, bytes(32), 5)
    change = PinChange(MOBILE, bytes(32), 5, bytes(91))
    card = CardResponse(TOKEN, TOKEN, "https://portal.example", "attributes", 5)
    for request, message in [(b.LoginApprovalRequest, approval), (b.KeyShareUnlockRequest, unlock),
                             (b.KeySharePinRequest, change), (b.CardAnswerRequest, card)]:
        assert json.loads(message.canonical_bytes())["v"] == request.version
    assert b.LoginFlowResponse.version == b.ActivationResponse.version == APP_VERSION
    assert b.CardFlowResponse.version == CARD_VERSION


def test_bodies_are_frozen_dataclasses_of_wire_fields_only():
    for body in b.API_BODIES:
        assert dataclasses.is_dataclass(body) and body.__dataclass_params__.frozen
        assert all("wire" in item.metadata for item in dataclasses.fields(body))
