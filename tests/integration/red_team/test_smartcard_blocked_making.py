"""Replays a blocked person making a ZORG-ID Smartcard (docs/security.md: a blocked person logs in nowhere, at once;
docs/uzi.md "ZORG-ID Smartcard": blocked is the person's block).

A block is what a beheerder does when a phone or a card is lost or stolen. The card session of "Smartcard aanmaken"
was started before the block (the portal session it came from ended with the block, the session's address did
not): the UZI-pas answers and the blank card's keys come after it. Before the fix the server issued a new card
(on hold), which revoked his own card as superseded and came alive with the unblock: whoever held the session's
address and the UZI-pas had a card in his name once the beheerder lifted the block. Now the UZI-pas's answer is
refused, and so are keys that come after a block, each with its code; no card is made and his card stays.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.integration.smartcards.smartcard_keys import make_smartcard
from tests.integration.smartcards.test_making import his_card, keys_body, send_keys, started
from tests.integration.test_card_purposes import log_in
from zorgid import clock
from zorgid.administration.employees import set_blocked
from zorgid.flows.models import CardFlow, CardFlowState
from zorgid.identities.models import Smartcard, SmartcardStatus
from zorgid.organisations.models import Role
from zorgid.organisations.roles import add_operator, grant_role

pytestmark = pytest.mark.django_db

BLOCKED = (403, "ZID-SMARTCARD-BLOCKED")


@pytest.fixture
def jan(operator, organisation):
    """Jan Willem de Vries (the operator, with his app: device), medewerker of De Linde (URA 90000001)."""
    grant_role(operator.person, Role.MEDEWERKER, organisation, actor="test")
    return operator.person


@pytest.fixture
def portal(client, device, jan) -> Client:
    """Jan's browser, logged in to the portal with his app."""
    return log_in(client, device)


@pytest.fixture
def beheerder(organisation):
    person = add_operator("Bram", "Bakker", clock.parse_date("01-02-1980"), actor="test").person
    grant_role(person, Role.ADMINISTRATOR, organisation, actor="test")
    return person


def refused(response, expected: tuple[int, str]) -> None:
    assert (response.status_code, response.json()["error"]["code"]) == expected, response.content[:300]


def test_a_block_before_the_uzi_pas_answers_refuses_the_making(client, portal, issuer, organisation, jan, beheerder):
    own, _ = make_smartcard(jan, organisation)
    flow_id = started(portal)
    set_blocked(organisation, jan, True, by=beheerder)
    refused(his_card(issuer).answer(client, flow_id), BLOCKED)
    flow = CardFlow.objects.get(id=flow_id)
    assert (flow.state, flow.error_code) == (CardFlowState.REFUSED, "ZID-SMARTCARD-BLOCKED")
    send_keys(client, flow_id, keys_body(flow.challenge))
    set_blocked(organisation, jan, False, by=beheerder)
    assert list(Smartcard.objects.values_list("pk", "status")) == [(own.smartcard.pk, SmartcardStatus.ACTIVE)]


def test_keys_that_come_after_a_block_make_no_card(client, portal, issuer, organisation, jan, beheerder):
    own, _ = make_smartcard(jan, organisation)
    flow_id = started(portal)
    assert his_card(issuer).answer(client, flow_id).json() == {"state": "answered"}
    set_blocked(organisation, jan, True, by=beheerder)
    refused(send_keys(client, flow_id, keys_body(CardFlow.objects.get(id=flow_id).challenge)), BLOCKED)
    assert CardFlow.objects.get(id=flow_id).state == CardFlowState.REFUSED
    set_blocked(organisation, jan, False, by=beheerder)
    assert list(Smartcard.objects.values_list("pk", "status")) == [(own.smartcard.pk, SmartcardStatus.ACTIVE)]
