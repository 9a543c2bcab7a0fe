"""The HTTP part: bounded answers, server errors, unreachable servers, and answer checks."""

import httpx
import pytest

from zorgid.clients.app.answers import parse_login_flow, parse_unlock
from zorgid.clients.app.errors import (
    LoginNotPending,
    ServerAnswerInvalid,
    ServerUnreachable,
)
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
    "v": 1, "flow": FLOW, "nonce": "nonce-0123456789abcdef", "origin": "https://portal.example",
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


@pytest.mark.parametrize("answer", [
    {"unlock_token": "t" * 32},
    {"key_share": "AAAA", "unlock_token": "t" * 32},
    {"key_share": "A" * 43, "unlock_token": "short"},
    {"key_share": "A" * 43, "unlock_token": "t" * 32 + "!"},
    {"key_share": ["A" * 43], "unlock_token": "t" * 32},
])
def test_a_malformed_unlock_answer_is_refused(answer):
    with pytest.raises(ServerAnswerInvalid):
        parse_unlock(answer)
    assert parse_unlock({"key_share": "A" * 43, "unlock_token": "t" * 32})[0] == bytes(32)
