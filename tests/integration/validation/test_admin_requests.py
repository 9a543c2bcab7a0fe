"""Asking to become administrator of a validated organisation, and deciding on it (docs/security.md).

A holder of a zorgverlenerspas of the URA with a registered ID asks from the validation page; an administrator of
the organisation or the operator approves or declines it on the organisation's page of requests, once; a
beheerder cannot. Every step is an audit event.
"""

import pytest
from django.test import Client

from tests.integration.administration.test_administration import person_with_role
from tests.integration.test_card_purposes import log_in
from tests.integration.validation.test_validation_once import administrators
from tests.integration.validation.validating import (
    N_CARD,
    card_read,
    error_code,
    holder_card,
    self_registered,
    validate,
)
from zorgid.audit.models import AuditEvent
from zorgid.flows.models import CardFlow
from zorgid.identities.models import MobileId
from zorgid.organisations.errors import AdministratorRequestNotYours
from zorgid.organisations.models import AdministratorRequest, Role
from zorgid.organisations.services import add_organisation
from zorgid.validation import admin_requests

pytestmark = pytest.mark.django_db


def ask(client, card) -> tuple[Client, str, object]:
    browser, flow_id = card_read(client, card)
    assert browser.post(f"/valideren/{flow_id}/pas-gelezen").status_code == 302
    return browser, flow_id, browser.post(f"/valideren/{flow_id}/verzoek")


@pytest.fixture
def validated(client, issuer, organisation):
    """De Linde, validated by Jan Jansen, who is logged in; Piet Peters has a registered ID and a Z card."""
    jan = holder_card(issuer)
    jan_device = self_registered(client, jan)
    assert validate(client, jan).status_code == 302
    piet = holder_card(issuer, "Piet Peters", "900000002")
    piet_device = self_registered(client, piet)
    return log_in(client, jan_device), piet, MobileId.objects.get(id=piet_device.mobile_id).person


def test_a_card_holder_asks_and_an_administrator_approves(client, organisation, validated):
    jan_browser, piet_card, piet = validated
    browser, flow_id, response = ask(client, piet_card)
    assert response["Location"] == f"/valideren/{flow_id}/verzoek-ingediend"
    page = browser.get(response["Location"]).content.decode()
    assert "Huisartsenpraktijk De Linde" in page and "ingediend" in page
    assert CardFlow.objects.get(id=flow_id).state == "completed"
    assert administrators(organisation) == {"Jan Jansen"}  # asking makes no one administrator
    request = AdministratorRequest.objects.get()
    assert (request.person, request.uzi_number, request.state) == (piet, "900000002", "open")
    assert AuditEvent.objects.filter(event="organisation.administrator_requested", subject=f"person:{piet.id}",
                                     organisation=organisation.ura).exists()

    listing = jan_browser.get(f"/organisatie/{organisation.ura}/administratorverzoeken")
    assert listing.status_code == 200 and "Piet Peters" in listing.content.decode()
    decided = jan_browser.post(f"/organisatie/{organisation.ura}/administratorverzoeken/{request.pk}",
                               {"decision": "approve"})
    assert decided.status_code == 302
    assert administrators(organisation) == {"Jan Jansen", "Piet Peters"}
    request.refresh_from_db()
    assert request.state == "approved" and request.decided_by.startswith("person:")
    assert AuditEvent.objects.filter(event="organisation.administrator_request.approved").count() == 1
    after = jan_browser.get(f"/organisatie/{organisation.ura}/administratorverzoeken").content.decode()
    assert 'data-testid="admin-request"' not in after  # no longer asked; the banner names him once
    assert "Piet Peters is nu administrator" in after.split('data-testid="messages"', 1)[1]
    again = jan_browser.post(f"/organisatie/{organisation.ura}/administratorverzoeken/{request.pk}",
                             {"decision": "decline"})
    assert again.status_code == 409 and error_code(again) == "ZID-ORG-ADMIN-REQUEST-DECIDED"
    assert administrators(organisation) == {"Jan Jansen", "Piet Peters"}

    _, _, as_administrator = ask(client, piet_card)
    assert as_administrator.status_code == 409 and error_code(as_administrator) == "ZID-ORG-ALREADY-ADMINISTRATOR"


def test_a_declined_request_grants_nothing(client, organisation, validated):
    jan_browser, piet_card, piet = validated
    ask(client, piet_card)
    request = AdministratorRequest.objects.get()
    response = jan_browser.post(f"/organisatie/{organisation.ura}/administratorverzoeken/{request.pk}",
                                {"decision": "decline"})
    assert response.status_code == 302
    assert administrators(organisation) == {"Jan Jansen"}
    assert AdministratorRequest.objects.get().state == "declined"
    assert AuditEvent.objects.filter(event="organisation.administrator_request.declined").count() == 1
    _, _, again = ask(client, piet_card)  # after a decision he may ask again
    assert again.status_code == 302 and AdministratorRequest.objects.filter(state="open").count() == 1


def test_one_open_request_per_person(client, organisation, validated):
    _, piet_card, _ = validated
    ask(client, piet_card)
    _, _, second = ask(client, piet_card)
    assert second.status_code == 409 and error_code(second) == "ZID-ORG-ADMIN-REQUEST-OPEN"
    assert AdministratorRequest.objects.count() == 1


def test_an_employee_card_cannot_ask(client, issuer, organisation, validated):
    card = holder_card(issuer, "Els Bakker", "900000003", **N_CARD)
    self_registered(client, card)
    browser, flow_id = card_read(client, card)
    refused = browser.post(f"/valideren/{flow_id}/pas-gelezen")
    assert refused.status_code == 403 and error_code(refused) == "ZID-ORG-VALIDATE-CARD-TYPE"
    refused = browser.post(f"/valideren/{flow_id}/verzoek")
    assert refused.status_code == 403 and error_code(refused) == "ZID-ORG-VALIDATE-CARD-TYPE"
    assert AdministratorRequest.objects.count() == 0


def test_another_browser_cannot_ask_with_the_card_session(client, organisation, validated):
    _, piet_card, _ = validated
    _, flow_id = card_read(client, piet_card)
    response = Client().post(f"/valideren/{flow_id}/verzoek")
    assert response.status_code == 403 and error_code(response) == "ZID-CARD-OTHER-BROWSER"
    assert AdministratorRequest.objects.count() == 0


def test_a_beheerder_cannot_decide_and_the_operator_can(client, organisation, validated, device):
    _, piet_card, piet = validated
    ask(client, piet_card)
    request = AdministratorRequest.objects.get()
    beheerder, beheerder_person = person_with_role(client, Role.BEHEERDER, organisation, "Beppie")
    path = f"/organisatie/{organisation.ura}/administratorverzoeken"
    for response in (beheerder.get(path), beheerder.post(f"{path}/{request.pk}", {"decision": "approve"})):
        assert response.status_code == 403 and error_code(response) == "ZID-PORTAL-FORBIDDEN"
    with pytest.raises(AdministratorRequestNotYours):  # the service refuses too, whoever calls it
        admin_requests.decide(organisation, request.pk, approve=True, by=beheerder_person)
    assert administrators(organisation) == {"Jan Jansen"}
    operator = log_in(client, device)
    assert "Piet Peters" in operator.get(path).content.decode()
    assert operator.post(f"{path}/{request.pk}", {"decision": "approve"}).status_code == 302
    assert administrators(organisation) == {"Jan Jansen", "Piet Peters"}


def test_an_administrator_of_another_organisation_cannot_decide(client, organisation, validated):
    _, piet_card, _ = validated
    ask(client, piet_card)
    request = AdministratorRequest.objects.get()
    oost = add_organisation(name="Ziekenhuis Oost", ura="90000999", kvk="87654321", actor="t")
    other, _ = person_with_role(client, Role.ADMINISTRATOR, oost, "Otto")
    response = other.post(f"/organisatie/{organisation.ura}/administratorverzoeken/{request.pk}",
                          {"decision": "approve"})
    assert response.status_code == 403 and error_code(response) == "ZID-PORTAL-FORBIDDEN"
    response = other.post(f"/organisatie/{oost.ura}/administratorverzoeken/{request.pk}", {"decision": "approve"})
    assert response.status_code == 404 and error_code(response) == "ZID-ORG-ADMIN-REQUEST-UNKNOWN"
    assert administrators(organisation) == {"Jan Jansen"}


@pytest.mark.parametrize("request_id, data, status, code", [
    ("{pk}", {}, 400, "ZID-ORG-ADMIN-REQUEST-DECISION"),
    ("{pk}", {"decision": "ja"}, 400, "ZID-ORG-ADMIN-REQUEST-DECISION"),
    ("999999", {"decision": "approve"}, 404, "ZID-ORG-ADMIN-REQUEST-UNKNOWN"),
    ("99999999999999999999999", {"decision": "approve"}, 404, "ZID-ORG-ADMIN-REQUEST-UNKNOWN"),
])
def test_bad_decisions_are_named(client, organisation, validated, request_id, data, status, code):
    jan_browser, piet_card, _ = validated
    ask(client, piet_card)
    pk = AdministratorRequest.objects.get().pk
    path = f"/organisatie/{organisation.ura}/administratorverzoeken/{request_id.format(pk=pk)}"
    response = jan_browser.post(path, data)
    assert response.status_code == status and error_code(response) == code
    assert AdministratorRequest.objects.get().state == "open"


def test_the_organisation_page_shows_open_requests_to_those_who_decide(client, organisation, validated):
    jan_browser, piet_card, _ = validated
    ask(client, piet_card)
    beheerder, _ = person_with_role(client, Role.BEHEERDER, organisation, "Beppie")
    link = f'href="/organisatie/{organisation.ura}/administratorverzoeken" data-testid="admin-requests"'
    page = jan_browser.get(f"/organisatie/{organisation.ura}").content.decode()
    assert link in page and "administrator te worden (1)" in page
    assert link not in beheerder.get(f"/organisatie/{organisation.ura}").content.decode()
