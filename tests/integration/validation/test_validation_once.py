"""Organisation validation happens once, by the right card holder (R-FLOW-UZIORG, manual §4; docs/security.md).

The rule: a zorgverlenerspas (Z) only; an organisation from an application is validated by the administrator its
application names; one the operator entered is validated by the first zorgverlenerspas of its URA while it has
no administrator; never again afterwards. Each refusal has its code, on the page with cause and solution.
"""

import pytest
from django.test import Client

from tests.integration.applications.helpers import FORM
from tests.integration.validation.validating import (
    N_CARD,
    card_read,
    error_code,
    holder_card,
    self_registered,
    validate,
)
from zorgid import clock
from zorgid.applications.models import Application, ApplicationState, Product
from zorgid.audit.models import AuditEvent
from zorgid.flows.models import CardFlow
from zorgid.identities.models import MobileId, Person
from zorgid.organisations.models import Role, RoleAssignment
from zorgid.organisations.roles import grant_role

pytestmark = pytest.mark.django_db


def administrators(organisation) -> set[str]:
    return {f"{r.person.first_names} {r.person.last_name}" for r in
            RoleAssignment.objects.filter(organisation=organisation, role=Role.ADMINISTRATOR).select_related("person")}


def application_of(organisation, administrator: Person | None, state=ApplicationState.ACTIVATION_SENT):
    """The application the organisation came from, as the operator's approval and the follow-up form leave it."""
    now = clock.now()
    fields = {k: v for k, v in FORM.items() if k not in ("product", "organisation_name", "ura")}
    return Application.objects.create(
        reference="ZID-2026-ABCDEFGH", state=state, product=Product.SMARTCARD, organisation_name=organisation.name,
        ura=organisation.ura, status_token_hash="0" * 64, created_at=now, updated_at=now, organisation=organisation,
        administrator=administrator, **fields)


def test_an_operator_entered_organisation_is_validated_once(client, issuer, organisation):
    jan = holder_card(issuer)
    self_registered(client, jan)
    piet = holder_card(issuer, "Piet Peters", "900000002")
    self_registered(client, piet)
    assert validate(client, jan).status_code == 302
    assert administrators(organisation) == {"Jan Jansen"}
    organisation.refresh_from_db()
    first = organisation.validated_at
    assert first is not None
    for card in (piet, jan):  # another holder, or the same card again: never a second validation
        browser, flow_id = card_read(client, card)
        assert browser.post(f"/valideren/{flow_id}/pas-gelezen").status_code == 302
        page = browser.get(f"/valideren/{flow_id}/organisatie")
        assert page.status_code == 200 and error_code(page) == "ZID-ORG-VALIDATED"
        assert 'data-testid="ask-administrator"' in page.content.decode()
        assert 'data-testid="next"' not in page.content.decode()
        refused = browser.post(f"/valideren/{flow_id}/organisatie")
        assert refused.status_code == 409 and error_code(refused) == "ZID-ORG-VALIDATED"
        assert CardFlow.objects.get(id=flow_id).state == "answered"  # not used up: he may still ask
    assert administrators(organisation) == {"Jan Jansen"}
    organisation.refresh_from_db()
    assert organisation.validated_at == first
    assert AuditEvent.objects.filter(event="organisation.validated").count() == 1


def test_an_employee_card_cannot_validate(client, issuer, organisation):
    card = holder_card(issuer, **N_CARD)
    self_registered(client, card)  # an N card registers an ID ...
    response = validate(client, card)  # ... but does not validate
    assert response.status_code == 403 and error_code(response) == "ZID-ORG-VALIDATE-CARD-TYPE"
    assert "zorgverlenerspas" in response.content.decode()
    assert administrators(organisation) == set()
    organisation.refresh_from_db()
    assert organisation.validated_at is None


def test_an_operator_entered_organisation_with_an_administrator_is_not_validated(client, issuer, organisation):
    anna = Person.objects.create(first_names="Anna", last_name="Admin", birth_date="1970-01-01",
                                 created_at=clock.now())
    grant_role(anna, Role.ADMINISTRATOR, organisation, actor="test")
    card = holder_card(issuer)
    self_registered(client, card)
    response = validate(client, card)
    assert response.status_code == 409 and error_code(response) == "ZID-ORG-HAS-ADMINISTRATORS"
    assert administrators(organisation) == {"Anna Admin"}


def test_only_the_administrator_named_in_the_application_validates(client, issuer, organisation):
    jan = holder_card(issuer)
    jan_device = self_registered(client, jan)
    named = MobileId.objects.get(id=jan_device.mobile_id).person
    application = application_of(organisation, named)
    grant_role(named, Role.ADMINISTRATOR, organisation, actor="test")  # send_activation gave him the role
    piet = holder_card(issuer, "Piet Peters", "900000002")
    self_registered(client, piet)

    refused = validate(client, piet)
    assert refused.status_code == 403 and error_code(refused) == "ZID-ORG-VALIDATE-NOT-ADMINISTRATOR"
    assert "Oplossing" in refused.content.decode()
    organisation.refresh_from_db()
    assert organisation.validated_at is None and administrators(organisation) == {"Jan Jansen"}

    done = validate(client, jan)
    assert done.status_code == 302
    organisation.refresh_from_db()
    assert organisation.validated_at is not None and administrators(organisation) == {"Jan Jansen"}
    application.refresh_from_db()
    assert application.state == ApplicationState.COMPLETED
    event = AuditEvent.objects.get(event="organisation.validated")
    assert event.organisation == organisation.ura and jan_device.mobile_id in event.details


def test_an_application_without_its_follow_up_form_names_no_one_to_validate(client, issuer, organisation):
    application_of(organisation, None, state=ApplicationState.FOLLOWUP_SENT)
    card = holder_card(issuer)
    self_registered(client, card)
    response = validate(client, card)
    assert response.status_code == 409 and error_code(response) == "ZID-ORG-VALIDATE-NO-ADMINISTRATOR"
    assert administrators(organisation) == set()


def test_a_declined_application_leaves_the_operator_rule(client, issuer, organisation):
    application_of(organisation, None, state=ApplicationState.DECLINED)
    card = holder_card(issuer)
    self_registered(client, card)
    assert validate(client, card).status_code == 302
    assert administrators(organisation) == {"Jan Jansen"}


def test_the_terms_say_once_and_zorgverlenerspas(client):
    page = Client().get("/valideren").content.decode()
    assert "zorgverlenerspas" in page and "één keer" in page


def test_of_two_holders_on_the_organisation_page_at_once_only_the_first_validates(client, issuer, organisation):
    jan, piet = holder_card(issuer), holder_card(issuer, "Piet Peters", "900000002")
    self_registered(client, jan)
    self_registered(client, piet)
    pages = []
    for card in (jan, piet):  # both see the organisation's data and Volgende before either confirms
        browser, flow_id = card_read(client, card)
        assert browser.post(f"/valideren/{flow_id}/pas-gelezen").status_code == 302
        page = browser.get(f"/valideren/{flow_id}/organisatie")
        assert error_code(page) == "" and 'data-testid="next"' in page.content.decode()
        pages.append((browser, flow_id))
    (jan_browser, jan_flow), (piet_browser, piet_flow) = pages
    assert jan_browser.post(f"/valideren/{jan_flow}/organisatie").status_code == 302
    late = piet_browser.post(f"/valideren/{piet_flow}/organisatie")
    assert late.status_code == 409 and error_code(late) == "ZID-ORG-VALIDATED"
    assert administrators(organisation) == {"Jan Jansen"}
