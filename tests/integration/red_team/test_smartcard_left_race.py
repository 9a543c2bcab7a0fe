"""Replays a race between the blank card's keys and the holder's leaving the organisation the card is made for
(docs/uzi.md "ZORG-ID Smartcard": linked to the organisation it was made for; unlinked when he leaves it;
docs/architecture.md: each state change one transaction, two racing requests cannot both win).

His administrator removes Jan from De Linde while Jan's Desktop App sends the keys. Before the fix the keys'
check read his organisations before it locked his row: it still saw De Linde (the removal not yet committed), then
waited for the lock and issued the card linked to De Linde after he had left it; the removal had unlinked his
cards before this one existed, so the new card stayed linked to an organisation he no longer works for. Now his
row is locked first: the keys either come before the removal (and the removal unlinks the card) or after it (and
are refused with ZID-SMARTCARD-NO-ORGANISATION).
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client

from tests.integration.smartcards.test_making import his_card, keys_body, send_keys, started
from tests.integration.test_card_purposes import log_in
from zorgid import clock
from zorgid.administration.employees import delete
from zorgid.flows.models import CardFlow
from zorgid.organisations.models import Role, SmartcardLink
from zorgid.organisations.roles import add_operator, grant_role

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks across connections: PostgreSQL"),
]


@pytest.fixture
def portal(client, device, operator, organisation) -> Client:
    """Jan Willem de Vries (the operator), medewerker of De Linde (URA 90000001), logged in with his app."""
    grant_role(operator.person, Role.MEDEWERKER, organisation, actor="test")
    return log_in(client, device)


def test_keys_sent_while_he_leaves_the_organisation_make_no_card_linked_there(client, portal, issuer, organisation,
                                                                             operator):
    administrator = add_operator("Anna", "Admiraal", clock.parse_date("01-02-1980"), actor="test").person
    grant_role(administrator, Role.ADMINISTRATOR, organisation, actor="test")
    flow_id = started(portal)
    assert his_card(issuer).answer(client, flow_id).json() == {"state": "answered"}
    removed = threading.Event()

    def remove() -> None:  # the administrator's "Verwijderen", committed a moment after it is done
        try:
            with transaction.atomic():
                delete(organisation, operator.person, by=administrator)
                removed.set()
                time.sleep(1.5)
        finally:
            connection.close()

    remover = threading.Thread(target=remove)
    remover.start()
    assert removed.wait(10)
    response = send_keys(client, flow_id, keys_body(CardFlow.objects.get(id=flow_id).challenge))
    remover.join(10)
    assert SmartcardLink.objects.filter(organisation=organisation, unlinked_at__isnull=True).count() == 0
    assert (response.status_code, response.json()["error"]["code"]) == (403, "ZID-SMARTCARD-NO-ORGANISATION")
