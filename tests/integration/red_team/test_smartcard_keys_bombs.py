"""Replays input bombs on the ZORG-ID Smartcard keys endpoint (POST /api/v1/card-flows/<flow>/smartcard; docs/
security.md "Input": every refusal a clear error with its code, never a server error).

The endpoint is open to anyone who knows a session's address. A body of 16 KiB at most fits a JSON array nested
some thousands deep; before the fix Python's JSON reader ran out of stack on it and the answer was 500
ZID-INTERNAL (on every JSON endpoint of the API). Now it is 400 ZID-REQUEST-MALFORMED, the session stays as it was,
and the Desktop App's real keys still make the card.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.integration.smartcards.test_making import his_card, keys_body, send_keys, started
from tests.integration.test_card_purposes import log_in
from zorgid.flows.models import CardFlow, CardFlowState
from zorgid.identities.models import Smartcard
from zorgid.organisations.models import Role
from zorgid.organisations.roles import grant_role
from zorgid.protocol.messages import smartcard_keys_path

pytestmark = pytest.mark.django_db

MALFORMED = (400, "ZID-REQUEST-MALFORMED")


@pytest.fixture
def portal(client, device, operator, organisation) -> Client:
    """Jan Willem de Vries (the operator), medewerker of De Linde (URA 90000001), logged in with his app."""
    grant_role(operator.person, Role.MEDEWERKER, organisation, actor="test")
    return log_in(client, device)


def nested(depth: int) -> str:
    return '{"v": 1, "keys": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.parametrize("body", [
    nested(1000),
    nested(5000),
    "[" * 16000,  # not even closed
    '{"v": 1, "keys": [{"role": "authentication", "public_key": ' + "[" * 3000 + "]" * 3000 + ', "proof": ""}]}',
], ids=["arrays-1000-deep", "arrays-5000-deep", "unclosed-16000", "deep-inside-a-key"])
def test_a_deeply_nested_body_is_refused_with_its_code(client, portal, issuer, body):
    flow_id = started(portal)
    assert his_card(issuer).answer(client, flow_id).json() == {"state": "answered"}
    response = client.post(smartcard_keys_path(flow_id), body, content_type="application/json")
    assert (response.status_code, response.json()["error"]["code"]) == MALFORMED, response.content[:300]
    assert CardFlow.objects.get(id=flow_id).state == CardFlowState.ANSWERED
    made = send_keys(client, flow_id, keys_body(CardFlow.objects.get(id=flow_id).challenge))
    assert made.status_code == 201 and Smartcard.objects.count() == 1
