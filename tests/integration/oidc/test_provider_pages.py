"""The provider's pages in English (the language switch), and as the waiting script needs them."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.integration.oidc.relying_party import approve_in_app, flow_id_of, register, wait_done
from zorgid.identities.models import MobileId
from zorgid.organisations.models import Role
from zorgid.organisations.roles import grant_role
from zorgid.organisations.services import add_organisation

pytestmark = pytest.mark.django_db


def english(browser: Client) -> Client:
    assert browser.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    return browser


def test_the_qr_page_has_what_the_waiting_script_needs(client):
    rp = register()
    page = client.get(rp.authorize_url())
    text = page.content.decode()
    assert page["Cache-Control"] == "no-store"
    assert 'data-flow-wait data-done-state="done"' in text and "/static/portal/flow_wait.js" in text
    assert 'data-status-url="/oidc/authorize/' in text
    assert f'href="{rp.authorize_url().replace("&", "&amp;")}"' in text  # an expired QR starts the same request again


def test_the_pages_in_english(client, device):
    person = MobileId.objects.get(id=device.mobile_id).person
    for name, ura in (("Huisartsenpraktijk De Linde", "90000382"), ("Ziekenhuis Oost", "90000999")):
        grant_role(person, Role.MEDEWERKER, add_organisation(name=name, ura=ura, kvk="12345678", actor="t"),
                   actor="test")
    rp = register()
    browser = english(Client())
    page = browser.get(rp.authorize_url())
    text, flow_id = page.content.decode(), flow_id_of(page)
    assert "Log in to EPD De Linde" in text and "EPD De Linde by Voorbeeld B.V. asks you to log in" in text
    approve_in_app(client, device, flow_id)
    text = browser.get(wait_done(browser, flow_id)).content.decode()
    assert "Choose your organisation" in text and "Continue to EPD De Linde" in text
