"""The holder's Nee in the Desktop App against the server itself (docs/security.md, "Nee in the Desktop App").

The Desktop App's own client (DesktopServerClient) talks to the server through Django's WSGI handler in this
process; the browser is Django's test client holding the session's cookie, as the waiting page does.
"""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from django.core.wsgi import get_wsgi_application
from django.test import Client

from tests.integration.test_card_flows import start
from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.clients.desktop.server import DesktopServerClient
from zorgid.flows.models import CardFlow
from zorgid.protocol.errors import ZorgidError

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desktop():
    """The Desktop App's conversation with this server."""
    with DesktopServerClient("http://testserver", transport=httpx.WSGITransport(app=get_wsgi_application())) as app:
        yield app


def refusal(call) -> str:
    with pytest.raises(ZorgidError) as refused:
        call()
    return refused.value.code


def test_nee_ends_the_session_and_the_waiting_page_says_so_at_once(desktop):
    browser = Client()
    flow_id = start(browser)
    flow = desktop.card_flow(flow_id)
    assert desktop.decline(flow_id, flow["challenge"]) == {"state": "declined"}
    status = browser.get(f"/uzi-pas/{flow_id}/status?wait=1")
    assert status.status_code == 200
    body = status.json()
    assert body["state"] == "declined" and body["error"]["code"] == "ZID-CARD-DECLINED"
    assert body["error"]["cause"]["nl"] == "U heeft het gebruik van uw pas geweigerd in de ZORG-ID Desktop App."
    assert CardFlow.objects.get(id=flow_id).state == "declined"
    assert AuditEvent.objects.filter(event="card.declined", subject=f"card_flow:{flow_id}").count() == 1
    # the session is over: the Desktop App cannot read it again, nor decline it twice
    assert refusal(lambda: desktop.card_flow(flow_id)) == "ZID-CARD-USED"
    assert refusal(lambda: desktop.decline(flow_id, flow["challenge"])) == "ZID-CARD-USED"
    # and the page's next step says why, with the button its solution names
    page = browser.post(f"/registreren/{flow_id}/pas-gelezen")
    assert page.status_code == 409 and "ZID-CARD-DECLINED" in page.content.decode()
    assert f'action="/uzi-pas/{flow_id}/verversen"' in page.content.decode()


def test_a_decline_without_the_sessions_challenge_changes_nothing(desktop):
    flow_id = start(Client())
    assert refusal(lambda: desktop.decline(flow_id, "another-challenge-0123456789abcdef")) == "ZID-CARD-SIGNATURE"
    assert CardFlow.objects.get(id=flow_id).state == "pending"
    assert not AuditEvent.objects.filter(event="card.declined").exists()


def test_a_decline_of_an_unknown_session_is_refused(desktop):
    assert refusal(lambda: desktop.decline("unknown-flow-0123456789abcdef", "challenge-0123456789abcdef")) == \
        "ZID-CARD-UNKNOWN"


def test_a_decline_after_the_card_answered_is_refused(desktop, issuer, organisation):
    client = Client()
    flow_id = start(Client())
    challenge = desktop.card_flow(flow_id)["challenge"]
    assert issuer.card().answer(client, flow_id).status_code == 200
    assert refusal(lambda: desktop.decline(flow_id, challenge)) == "ZID-CARD-USED"
    assert CardFlow.objects.get(id=flow_id).state == "answered"


def test_a_decline_of_an_expired_session_is_refused(desktop):
    flow_id = start(Client())
    challenge = desktop.card_flow(flow_id)["challenge"]
    clock.move(dt.timedelta(minutes=6))
    assert refusal(lambda: desktop.decline(flow_id, challenge)) == "ZID-CARD-EXPIRED"
    assert CardFlow.objects.get(id=flow_id).state == "pending"


@pytest.mark.parametrize("body", [{}, {"v": 1}, {"v": 0, "challenge": "x" * 20}, {"v": 1, "challenge": "a b"}])
def test_a_malformed_decline_is_refused(body):
    flow_id = start(Client())
    response = Client().post(f"/api/v1/card-flows/{flow_id}/decline", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "ZID-REQUEST-MALFORMED"
    assert CardFlow.objects.get(id=flow_id).state == "pending"
