"""Replays a superseded ZORG-ID Smartcard's session at a healthcare application (docs/uzi.md "ZORG-ID Smartcard":
one active card, a new one supersedes the old; a revoke ends the sessions made with the card, back-channel logout).

Jan logs in at an application with his smartcard, then makes a new card in the portal (his UZI-pas, the blank
card's keys): the old card is revoked as superseded. The application's session made with the old card must end
then, with a logout token queued for the application, as for any other revoke of the card; his session made with
his Mobile ID stays. Before the fix the old card's session stayed open and the application was never told.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.integration.oidc.relying_party import redirect_params, register
from tests.integration.smartcards.smartcard_keys import make_smartcard
from tests.integration.smartcards.test_making import his_card, keys_body, send_keys, started
from tests.integration.test_card_purposes import log_in
from zorgid.flows.models import CardFlow, LoginFlow
from zorgid.identities.models import Smartcard, SmartcardStatus
from zorgid.oidc.models import AppSession, LogoutDelivery
from zorgid.organisations.models import Role
from zorgid.organisations.roles import grant_role

pytestmark = pytest.mark.django_db

LOGOUT_URI = "https://ehr.example/backchannel-logout"


@pytest.fixture
def jan(operator, organisation):
    """Jan Willem de Vries (the operator, with his app: device), medewerker of De Linde (URA 90000001)."""
    grant_role(operator.person, Role.MEDEWERKER, organisation, actor="test")
    return operator.person


@pytest.fixture
def portal(client, device, jan) -> Client:
    """Jan's browser, logged in to the portal with his app."""
    return log_in(client, device)


def logged_in_with_card(client: Client, card, rp) -> AppSession:
    """The application's login done with the smartcard ``card``: its session at the application."""
    browser = Client()
    browser.get(rp.authorize_url())
    login_flow = LoginFlow.objects.filter(state="pending").get()
    response = browser.post(f"/oidc/authorize/{login_flow.id}/smartcard")
    flow_id = response["Location"].rsplit("/", 1)[-1]
    assert card.answer(client, flow_id).status_code == 200
    assert browser.post(f"/inloggen/smartcard/{flow_id}/gelezen").status_code == 200
    params = redirect_params(browser.get(f"/oidc/authorize/{login_flow.id}/verder"))
    assert rp.token(client, params["code"]).status_code == 200
    return AppSession.objects.get(application=rp.application)


def test_making_a_new_card_ends_the_application_sessions_of_the_superseded_one(client, portal, issuer, organisation,
                                                                              jan, settings):
    settings.ZORGID_BACKCHANNEL_SEND_AT_ONCE = False  # the delivery is queued; nobody listens at LOGOUT_URI
    issued, old_card = make_smartcard(jan, organisation)
    rp = register(products=["mobiel", "smartcard"], backchannel_logout_uri=LOGOUT_URI)
    session = logged_in_with_card(client, old_card, rp)
    assert session.smartcard_id == issued.smartcard.id and session.ended_at is None

    flow_id = started(portal)  # Smartcard aanmaken: a new card, with his UZI-pas
    assert his_card(issuer).answer(client, flow_id).json() == {"state": "answered"}
    made = send_keys(client, flow_id, keys_body(CardFlow.objects.get(id=flow_id).challenge))
    assert made.status_code == 201, made.content
    assert Smartcard.objects.get(pk=issued.smartcard.pk).status == SmartcardStatus.REVOKED

    session.refresh_from_db()
    assert session.ended_at is not None and session.end_reason == "revoked"
    assert LogoutDelivery.objects.filter(session=session).exists()  # the application is told
