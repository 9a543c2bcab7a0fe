"""Card sessions in /metrics (zorgid.metrics): started, answered, refused with its code and declined, by purpose,
each counted once, through the portal's pages and the Desktop App's API as the Desktop App calls them."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.integration.metrics_text import samples, value
from tests.integration.test_card_flows import start
from zorgid.flows.models import CardFlow
from zorgid.protocol.bodies import CardDeclineRequest

pytestmark = pytest.mark.django_db
PURPOSE = "self-registration"


def _sessions(client: Client) -> dict[tuple[str, str], float]:
    found = samples(client.get("/metrics").content.decode())
    return {(outcome, code): value(found, "zorgid_card_sessions_total", purpose=PURPOSE, outcome=outcome, code=code)
            for outcome, code in (("started", ""), ("answered", ""), ("declined", ""),
                                  ("refused", "ZID-CARD-USED"), ("refused", "ZID-CARD-TYPE"))}


def _changes(before: dict, after: dict) -> dict:
    return {key: after[key] - before[key] for key in after if after[key] != before[key]}


def test_an_answered_session_counts_started_and_answered(client, issuer, organisation):
    before = _sessions(client)
    assert issuer.card().answer(client, start(Client())).status_code == 200
    assert _changes(before, _sessions(client)) == {("started", ""): 1, ("answered", ""): 1}


def test_a_card_refused_by_its_purpose_counts_refused_with_its_code(client, issuer, organisation):
    flow_id = start(Client())
    before = _sessions(client)
    card = issuer.card(card_type="M", role="00.000", given_name=None, surname=None, title=None,
                       common_name="Baliemedewerker", policies=("2.16.528.1.1007.99.211",))  # not in a person's name
    assert card.answer(client, flow_id).json()["error"]["code"] == "ZID-CARD-TYPE"
    assert _changes(before, _sessions(client)) == {("refused", "ZID-CARD-TYPE"): 1}


def test_a_nee_in_the_desktop_app_counts_declined(client, issuer, organisation):
    flow_id = start(Client())
    before = _sessions(client)
    challenge = CardFlow.objects.get(id=flow_id).challenge
    response = client.post(f"/api/v1/card-flows/{flow_id}/decline", CardDeclineRequest(challenge=challenge).to_json(),
                           content_type="application/json")
    assert response.status_code == 200, response.content
    assert _changes(before, _sessions(client)) == {("declined", ""): 1}
