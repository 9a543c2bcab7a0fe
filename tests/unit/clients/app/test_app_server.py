"""The HTTP part: bounded answers, server errors, unreachable servers, and answer checks."""

import httpx
import pytest

from zorgid.clients.app.answers import parse_login_flow, parse_unlock
from zorgid.clients.app.errors import (
    LoginNotPending,
    ServerAnswerInvalid,
    ServerUnreachable,
)
from zorgid.clients.app.notices import since_last_use
from zorgid.clients.app.server import ServerClient
from zorgid.clients.http import MAX_ANSWER_BYTES
from zorgid.protocol.errors import RemoteError

FLOW = "flow-id-0123456789abcdef"


def client(handler) -> ServerClient:
    return ServerClient("https://portal.example", transport=httpx.MockTransport(handler))


def test_unreachable_server():
    def refuse(request):
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(ServerUnreachable):
        client(refuse).login_flow(FLOW)


def test_too_large_answer_is_refused():
    with pytest.raises(ServerAnswerInvalid):
        client(lambda request: httpx.Response(200, content=b"{" + b" " * MAX_ANSWER_BYTES + b"}")).login_flow(FLOW)


def test_non_json_answer_is_refused():
    with pytest.raises(ServerAnswerInvalid):
        client(lambda request: httpx.Response(502, text="<html>Bad gateway</html>")).login_flow(FLOW)


def test_unexpected_status_is_refused():
    with pytest.raises(ServerAnswerInvalid):
        client(lambda request: httpx.Response(302, json={}, headers={"Location": "/x"})).login_flow(FLOW)


def test_unknown_server_error_keeps_its_code_and_text():
    body = {"error": {"code": "ZID-NEW-THING", "status": 409, "cause": {"nl": "Oorzaak", "en": "Cause"},
                      "solution": {"nl": "Oplossing", "en": "Solution"}}}
    with pytest.raises(RemoteError) as caught:
        client(lambda request: httpx.Response(409, json=body)).login_flow(FLOW)
    assert caught.value.remote_code == "ZID-NEW-THING" and caught.value.cause("nl") == "Oorzaak"


FLOW_ANSWER = {
    "v": 3, "flow": FLOW, "nonce": "nonce-0123456789abcdef", "origin": "https://portal.example",
    "requester": {"name": "ZORG-ID portaal", "origin": "https://portal.example"},
    "expires_at": "2030-01-01T00:00:00Z", "state": "pending",
}


def test_login_flow_answer_checks():
    answer = FLOW_ANSWER
    info = parse_login_flow(answer, FLOW)
    assert info.requester_name == "ZORG-ID portaal" and info.origin == "https://portal.example"
    with pytest.raises(LoginNotPending):
        parse_login_flow({**answer, "state": "approved"}, FLOW)
    with pytest.raises(ServerAnswerInvalid):
        parse_login_flow(answer, "flow-id-another-one-0000")
    with pytest.raises(ServerAnswerInvalid):
        parse_login_flow({**answer, "origin": "javascript:alert(1)"}, FLOW)
    shown = parse_login_flow({**answer, "requester": {"name": "Evil\x1b[2J Portal", "origin": "https://x.example"}},
                             FLOW)
    assert "\x1b" not in shown.requester_name


UNLOCK = {"key_share": "A" * 43, "unlock_token": "t" * 32, "wrong_tries_since_last_use": 0, "last_use_at": None,
          "new_activation_codes": []}


@pytest.mark.parametrize("change", [
    {"key_share": None},
    {"key_share": "AAAA"},
    {"unlock_token": "short"},
    {"unlock_token": "t" * 32 + "!"},
    {"key_share": ["A" * 43]},
    {"wrong_tries_since_last_use": None},
    {"wrong_tries_since_last_use": -1},
    {"wrong_tries_since_last_use": True},
    {"wrong_tries_since_last_use": "2"},
    {"last_use_at": "gisteren"},
    {"last_use_at": "2030-01-01T00:00:00"},  # no time zone
    {"last_use_at": 1},
    {"new_activation_codes": None},
    {"new_activation_codes": [{"issued_at": "2030-01-01T00:00:00+00:00"}]},
    {"new_activation_codes": [{"issued_at": "x", "used": False}]},
    {"new_activation_codes": [{"issued_at": "2030-01-01T00:00:00+00:00", "used": False}] * 21},
])
def test_a_malformed_unlock_answer_is_refused(change):
    with pytest.raises(ServerAnswerInvalid):
        parse_unlock({**UNLOCK, **change})


def test_the_unlock_answer_and_what_the_holder_is_told():
    answer = parse_unlock(UNLOCK)
    assert answer.share == bytes(32) and answer.token == "t" * 32
    assert since_last_use(answer) == []
    told = since_last_use(parse_unlock({
        **UNLOCK, "wrong_tries_since_last_use": 2, "last_use_at": "2030-01-01T10:00:00+00:00",
        "new_activation_codes": [{"issued_at": "2030-01-02T09:30:00+00:00", "used": False},
                                 {"issued_at": "2030-01-03T09:30:00+00:00", "used": True}],
    }))
    assert len(told) == 3
    assert told[0].startswith("Let op: sinds uw laatste gebruik op 01-01-2030 om ")
    assert "2 keer een verkeerde pincode" in told[0] and "Neem contact op met uw beheerder." in told[0]
    assert "er is op 02-01-2030 om " in told[1]
    assert "een nieuwe activatie-QR-code voor uw ZORG-ID uitgegeven. Was u dat niet? Neem contact op met uw " \
           "beheerder." in told[1]
    assert "ander apparaat" in told[2] and "ander apparaat" not in told[1]
    first = since_last_use(parse_unlock({**UNLOCK, "wrong_tries_since_last_use": 1}))
    assert first == ["Let op: sinds de activatie is er 1 keer een verkeerde pincode voor uw ZORG-ID ingevoerd. "
                     "Was u dat niet? Neem contact op met uw beheerder."]


def test_an_unknown_server_errors_text_is_shown_without_terminal_tricks():
    body = {"error": {"code": "ZID-NEW-THING", "status": 409,
                      "cause": {"nl": "Oor\x1b[2Jzaak\u202e", "en": "Cause"},
                      "solution": {"nl": "Op\u200blossing\u2066", "en": "Solution"}}}
    with pytest.raises(RemoteError) as caught:
        client(lambda request: httpx.Response(409, json=body)).login_flow(FLOW)
    assert caught.value.cause("nl") == "Oor[2Jzaak" and caught.value.solution("nl") == "Oplossing"
