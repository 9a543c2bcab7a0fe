"""Replays what the holder is asked when he logs in to a healthcare application with his ZORG-ID Smartcard
(docs/security.md "Healthcare applications": the app names the application, so a person sees what he approves).

A login at an application with the app shows "Inloggen bij <application>"; the same login with the smartcard
goes through a card session whose requester the Desktop App shows before the holder says Ja. Before the fix that
requester was always the portal ("ZORG-ID Portaal ... vraagt toegang tot uw ZORG-ID Smartcard"), so a holder
sent a zorgid-desktop:// address could not tell a login at some application from one at the portal. Now the card
session names the application of the login, as its QR login does; a login at the portal still names the portal.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.integration.oidc.relying_party import register
from zorgid.flows.models import LoginFlow
from zorgid.protocol.messages import card_flow_path

pytestmark = pytest.mark.django_db


def requester_shown(browser: Client, start_path: str) -> str:
    """Start the smartcard login at ``start_path``; the requester the Desktop App reads for that card session."""
    response = browser.post(start_path)
    assert response.status_code == 302, response.content[:300]
    flow_id = response["Location"].rsplit("/", 1)[-1]
    return Client().get(card_flow_path(flow_id)).json()["requester"]["name"]


def test_the_desktop_app_names_the_application_the_card_logs_in_to(settings):
    rp = register(name="EPD Huisartsenpraktijk De Linde", products=["mobiel", "smartcard"])
    browser = Client()
    browser.get(rp.authorize_url())
    login_flow = LoginFlow.objects.get()
    assert login_flow.requester_name == "EPD Huisartsenpraktijk De Linde"  # what the app shows for its QR
    assert requester_shown(browser, f"/oidc/authorize/{login_flow.id}/smartcard") == "EPD Huisartsenpraktijk De Linde"
    assert requester_shown(Client(), "/inloggen/smartcard") == settings.ZORGID_PORTAL_NAME
