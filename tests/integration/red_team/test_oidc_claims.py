"""Replays of what a login at a healthcare application asserts and what it sets off.

- UZI attributes are linked to one Mobile ID (identities.models.UziRegistration; the portal shows them per
  Mobile ID). The provider claimed those of every Mobile ID the person ever had: after his phone was lost and its
  ID revoked, a login with his new ID (which never read a UZI-pas) still carried ``uzi_id``, ``loa_uzi`` high and
  the card's role codes.
- A login at an application completed the portal's onboarding ("De portaal administrator is ingelogd"), as if
  the administrator had logged in to the portal (flows.services._complete sends login_completed for both).
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import activate_code
from tests.integration.oidc.relying_party import approve_in_app, code_of, register, start, wait_done
from tests.integration.red_team.test_oidc_support import employee, organisation
from zorgid import clock
from zorgid.applications.models import Application, ApplicationState, Product
from zorgid.identities.models import MobileId, UziRegistration
from zorgid.identities.services import issue_activation_code, revoke_mobile_id
from zorgid.organisations.models import Role
from zorgid.organisations.roles import grant_role

pytestmark = pytest.mark.django_db


def test_the_uzi_attributes_of_a_revoked_mobile_id_are_not_claimed(client):
    linde = organisation()
    person, lost_phone = employee(client, linde)
    lost = MobileId.objects.get(id=lost_phone.mobile_id)
    UziRegistration.objects.create(mobile_id=lost, uzi_number="900016528", card_type="Z", ura=linde.ura,
                                   role="01.015", agb="00000000", common_name="Bram Bakker", organisation_name="x",
                                   certificate_serial="1", registered_at=clock.now())
    revoke_mobile_id(lost, actor="test", reason="telefoon kwijt")
    new_phone = activate_code(client, issue_activation_code(person, actor="test").code)
    rp = register()
    claims = rp.verify_id_token(client, rp.token(client, code_of(Client(), client, new_phone, rp)).json()["id_token"])
    assert "uzi_id" not in claims and "loa_uzi" not in claims, (claims.get("uzi_id"), claims.get("loa_uzi"))
    assert claims["relations"][0]["roles"] == []


def test_a_login_at_an_application_does_not_complete_the_portal_onboarding(client):
    linde = organisation()
    person, device = employee(client, linde)
    grant_role(person, Role.ADMINISTRATOR, linde, actor="test")
    now = clock.now()
    onboarding = Application.objects.create(
        reference="ZID-2026-ABCDEFGH", state=ApplicationState.ACTIVATION_SENT, product=Product.MOBIEL,
        organisation_name=linde.name, ura=linde.ura, status_token_hash="0" * 64, created_at=now, updated_at=now,
        organisation=linde, administrator=person, environment="acceptatie", kvk=linde.kvk, street="Dorpsstraat",
        house_number="1", postcode="1234AB", city="Utrecht", **{f"{who}_{what}": value for who in ("tb", "vtw", "adm")
                                                               for what, value in (("name", "Bram Bakker"),
                                                                                   ("email", "bram@example.nl"),
                                                                                   ("phone", "0612345678"))})
    rp = register()
    browser = Client()
    flow_id = start(browser, rp)
    approve_in_app(client, device, flow_id)
    wait_done(browser, flow_id)
    onboarding.refresh_from_db()
    assert onboarding.state == ApplicationState.ACTIVATION_SENT, "an EHR login completed the portal onboarding"
