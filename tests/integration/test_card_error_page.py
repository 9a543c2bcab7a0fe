"""An error page of a card session offers what the error's solution names ("Opnieuw beginnen"), and no error names a
button no page has (card_views.restart, portal/error.html)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.integration.test_card_flows import start
from tests.integration.test_card_purposes import register
from zorgid.flows.errors import CardFlowUsed
from zorgid.flows.models import CardFlow
from zorgid.portal.card_views import RESTART
from zorgid.portal.errors_catalogue import catalogue
from zorgid.protocol.errors import registered_errors

pytestmark = pytest.mark.django_db


def restart_form(page: str) -> str | None:
    """The action of the page's "Opnieuw beginnen" form, if it has one."""
    found = re.search(r'<form method="post" action="([^"]+)">\s*<input[^>]+csrfmiddlewaretoken[^>]+>'
                      r'<button type="submit" data-testid="restart">Opnieuw beginnen</button>', page)
    return found.group(1) if found else None


def test_a_used_card_session_offers_opnieuw_beginnen_as_its_solution_says(client, issuer, organisation):
    assert RESTART in CardFlowUsed.solution_nl
    browser = Client()
    register(browser, client, issuer.card())
    flow_id = CardFlow.objects.get().id
    page = browser.post(f"/registreren/{flow_id}/pas-gelezen")  # the completed session's step, again
    text = page.content.decode()
    assert page.status_code == 409 and "ZID-CARD-USED" in text and CardFlowUsed.solution_nl in text
    assert restart_form(text) == f"/uzi-pas/{flow_id}/verversen"
    again = browser.post(restart_form(text))
    assert again.status_code == 302 and again["Location"].startswith("/uzi-pas/")
    new_flow = CardFlow.objects.get(id=again["Location"].rsplit("/", 1)[-1])
    assert new_flow.purpose == "self-registration" and new_flow.state == "pending"
    assert "Opnieuw beginnen" in browser.get(again["Location"]).content.decode()


def test_in_english_the_button_is_start_again(client, issuer, organisation):
    browser = Client(headers={"accept-language": "en"})
    flow_id = start(browser)
    page = browser.post(f"/registreren/{flow_id}/pas-gelezen").content.decode()  # not read yet
    assert "ZID-CARD-UNKNOWN" in page and "Start again" in page and "Opnieuw beginnen" in page  # as the solution says


def test_without_a_session_of_this_browser_it_leads_to_the_start_page(client, issuer, organisation):
    flow_id = start(Client())
    page = Client().post(f"/registreren/{flow_id}/pas-gelezen").content.decode()
    assert "ZID-CARD-OTHER-BROWSER" in page and 'data-testid="restart"' not in page  # its solution: begin again
    unknown = Client().post("/registreren/no-such-session-0123456789abcdef/pas-gelezen").content.decode()
    assert "ZID-CARD-UNKNOWN" in unknown
    assert re.search(r'<a class="button" href="/" data-testid="restart">Opnieuw beginnen</a>', unknown)


def test_no_error_names_a_verversen_button():
    catalogue()  # every errors module loaded
    named = [error.code for error in registered_errors() if "Verversen" in error.solution_nl + error.solution_en]
    assert named == []
