"""The HTTP part and the checks on the server's card flow, without a card: ``httpx.MockTransport``."""

import json

import httpx
import pytest

from zorgid.clients.desktop.answers import printable, read_card_flow, read_response_answer
from zorgid.clients.desktop.errors import FlowNotPending, ServerAnswerInvalid, ServerUnreachable
from zorgid.clients.desktop.server import DesktopServerClient
from zorgid.clients.http import MAX_ANSWER_BYTES
from zorgid.protocol.errors import RemoteError
from zorgid.protocol.payloads import CardPayload

SERVER = "https://portal.example"
FLOW = "card-flow-0123456789abcdef"
PAYLOAD = CardPayload(SERVER, FLOW)


def flow_answer(**changes) -> dict:
    answer = {"v": 1, "flow": FLOW, "challenge": "c" * 32, "purpose": "organisation-validation",
              "purpose_text": "uw organisatie te valideren", "origin": SERVER,
              "requester": {"name": "ZORG-ID portaal", "origin": SERVER}, "expires_at": "2030-01-01T00:00:00Z",
              "state": "pending"}
    answer.update(changes)
    return answer


def client(handler) -> DesktopServerClient:
    return DesktopServerClient(SERVER, transport=httpx.MockTransport(handler))


def test_get_flow_and_post_response_use_the_protocol_paths_and_bodies():
    seen = []

    def handler(request):
        seen.append((request.method, request.url.path, json.loads(request.content) if request.content else None))
        return httpx.Response(200, json=flow_answer() if request.method == "GET" else {"state": "completed"})

    with client(handler) as server:
        assert server.card_flow(FLOW)["challenge"] == "c" * 32
        assert server.send_card_response(FLOW, "PEM", 1_800_000_000, "c2ln")["state"] == "completed"
    assert seen == [
        ("GET", f"/api/v1/card-flows/{FLOW}", None),
        ("POST", f"/api/v1/card-flows/{FLOW}/response",
         {"v": 1, "certificate": "PEM", "chain": [], "signed_at": 1_800_000_000, "signature": "c2ln"}),
    ]


def test_unreachable_server():
    def refuse(request):
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(ServerUnreachable):
        client(refuse).card_flow(FLOW)


@pytest.mark.parametrize("response", [
    httpx.Response(200, content=b"{" + b" " * MAX_ANSWER_BYTES + b"}"),
    httpx.Response(502, text="<html>Bad gateway</html>"),
    httpx.Response(302, json={}, headers={"Location": "/elders"}),
])
def test_unusable_answers_are_refused(response):
    with pytest.raises(ServerAnswerInvalid):
        client(lambda request: response).card_flow(FLOW)


def test_a_server_error_keeps_its_code_and_text():
    body = {"error": {"code": "ZID-CARD-FLOW-EXPIRED", "status": 410, "cause": {"nl": "Verlopen", "en": "Expired"},
                      "solution": {"nl": "Ververs", "en": "Refresh"}, "detail": "flow"}}
    with pytest.raises(RemoteError) as caught:
        client(lambda request: httpx.Response(410, json=body)).card_flow(FLOW)
    assert caught.value.remote_code == "ZID-CARD-FLOW-EXPIRED" and caught.value.solution("nl") == "Ververs"


def test_a_good_flow_is_read():
    flow = read_card_flow(flow_answer(), PAYLOAD)
    assert (flow.flow_id, flow.origin, flow.purpose) == (FLOW, SERVER, "organisation-validation")
    assert flow.request_text() == ("ZORG-ID portaal (https://portal.example) vraagt toegang tot uw UZI-pas om: "
                                   "uw organisatie te valideren. Ja/Nee?")


@pytest.mark.parametrize("changes", [
    {"v": 2}, {"flow": "other-flow-0123456789abcdef"}, {"challenge": "short"}, {"purpose": "login"},
    {"origin": "https://elders.example"}, {"origin": "javascript:alert(1)"}, {"requester": "ZORG-ID"},
    {"requester": {"name": "", "origin": SERVER}}, {"purpose_text": None},
    {"requester": {"name": "X", "origin": "ftp://portal.example"}},
])
def test_a_bad_flow_is_refused(changes):
    with pytest.raises(ServerAnswerInvalid):
        read_card_flow(flow_answer(**changes), PAYLOAD)


def test_a_finished_flow_is_not_pending():
    with pytest.raises(FlowNotPending):
        read_card_flow(flow_answer(state="completed"), PAYLOAD)


def test_text_from_the_server_cannot_steer_the_terminal():
    flow = read_card_flow(flow_answer(requester={"name": "Portaal\x1b[2J\u202e", "origin": SERVER}), PAYLOAD)
    assert flow.requester_name == "Portaal[2J"
    assert printable("x" * 1000) == "x" * 300


def test_the_response_answer_needs_a_state():
    assert read_response_answer({"state": "completed"}) == "completed"
    with pytest.raises(ServerAnswerInvalid):
        read_response_answer({})
