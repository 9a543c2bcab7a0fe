"""A person's sessions at healthcare applications end for an organisation he no longer holds a role in
(docs/security.md, "Ending sessions"): removed from it, or his last role there taken away, or the administrator
role handed over. His sessions for other organisations go on; a code issued before is not exchanged; userinfo
refuses a token whose person holds no role there, whatever removed it.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.integration.oidc.relying_party import code_of, register
from tests.integration.red_team.test_oidc_support import employee, organisation
from zorgid import clock
from zorgid.administration import employees
from zorgid.audit.models import AuditEvent
from zorgid.identities.models import MobileIdStatus
from zorgid.oidc.models import AppSession, LogoutDelivery
from zorgid.organisations.models import Role, RoleAssignment
from zorgid.organisations.roles import add_operator, grant_role

pytestmark = pytest.mark.django_db

BACKCHANNEL = "https://epd.example.nl/oidc/backchannel"


@pytest.fixture(autouse=True)
def _no_sending(settings):
    settings.ZORGID_BACKCHANNEL_SEND_AT_ONCE = False  # the deliveries are looked at, not sent


def administrator_of(org, name: str = "Adam"):
    person = add_operator(name, "Admin", clock.parse_date("01-01-1970"), actor="test").person
    person.roles.all().delete()
    grant_role(person, Role.ADMINISTRATOR, org, actor="test")
    return person


def userinfo(access_token: str):
    return Client().get("/oidc/userinfo", HTTP_AUTHORIZATION=f"Bearer {access_token}")


def logged_in(client, device, rp, org) -> str:
    """A whole login at ``rp`` for ``org``; its access token."""
    rp.nonce = f"{rp.nonce[:16]}-{org.ura}"
    answer = rp.token(client, code_of(Client(), client, device, rp, ura=org.ura))
    assert answer.status_code == 200, answer.content
    return answer.json()["access_token"]


def session_for(org) -> AppSession:
    return AppSession.objects.get(organisation=org)


def test_taking_his_last_role_there_away_ends_his_sessions_for_that_organisation_only(client):
    linde, oost = organisation(), organisation("Ziekenhuis Oost", "90000999")
    person, device = employee(client, oost)
    grant_role(person, Role.BEHEERDER, linde, actor="test")  # his only role at De Linde
    rp = register(backchannel_logout_uri=BACKCHANNEL)
    at_linde, at_oost = logged_in(client, device, rp, linde), logged_in(client, device, rp, oost)

    employees.remove_role(linde, person, Role.BEHEERDER, by=administrator_of(linde))

    ended = session_for(linde)
    assert ended.ended_at is not None and ended.end_reason == "removed"
    assert LogoutDelivery.objects.filter(session=ended).exists()
    assert userinfo(at_linde).status_code == 401
    assert "ZID-OIDC-SESSION-ENDED" in userinfo(at_linde)["WWW-Authenticate"]
    assert session_for(oost).ended_at is None and userinfo(at_oost).status_code == 200
    event = AuditEvent.objects.get(event="oidc.sessions.ended")
    details = json.loads(event.details)
    assert (details["reason"], details["ura"], details["count"]) == ("removed", linde.ura, 1)


def test_taking_one_of_his_roles_there_away_keeps_his_session(client):
    linde = organisation()
    person, device = employee(client, linde)
    grant_role(person, Role.BEHEERDER, linde, actor="test")  # and medewerker there
    rp = register(backchannel_logout_uri=BACKCHANNEL)
    access_token = logged_in(client, device, rp, linde)

    employees.remove_role(linde, person, Role.BEHEERDER, by=administrator_of(linde))

    assert session_for(linde).ended_at is None
    assert userinfo(access_token).status_code == 200
    assert not LogoutDelivery.objects.exists()
    assert not AuditEvent.objects.filter(event="oidc.sessions.ended").exists()


def test_a_code_issued_before_the_removal_is_not_exchanged(client):
    linde, oost = organisation(), organisation("Ziekenhuis Oost", "90000999")
    person, device = employee(client, linde, oost)
    rp = register(backchannel_logout_uri=BACKCHANNEL)
    code = code_of(Client(), client, device, rp, ura=linde.ura)

    employees.delete(linde, person, by=administrator_of(linde))

    answer = rp.token(client, code)
    assert answer.status_code == 400, answer.content
    assert answer.json()["error"] == "invalid_grant"
    assert "ZID-OIDC-LOGIN-ENDED" in answer.json()["error_description"]
    session = session_for(linde)
    assert session.end_reason == "removed"
    assert not LogoutDelivery.objects.filter(session=session).exists()  # the application never got tokens


def test_removed_from_his_only_organisation_his_sessions_end_and_his_ids_are_revoked(client):
    linde = organisation()
    person, device = employee(client, linde)
    rp = register(backchannel_logout_uri=BACKCHANNEL)
    access_token = logged_in(client, device, rp, linde)

    employees.delete(linde, person, by=administrator_of(linde))

    session = session_for(linde)
    assert session.ended_at is not None and session.end_reason == "removed"
    assert LogoutDelivery.objects.filter(session=session).count() == 1  # told once, not again by the revoke
    assert set(person.mobile_ids.values_list("status", flat=True)) == {MobileIdStatus.REVOKED}
    assert userinfo(access_token).status_code == 401


def test_handing_over_the_administrator_role_ends_the_former_administrators_session_there(client):
    linde = organisation()
    successor, _ = employee(client, linde, name="Bram")
    former, device = employee(client, name="Adam")
    grant_role(former, Role.ADMINISTRATOR, linde, actor="test")  # his only role
    rp = register(backchannel_logout_uri=BACKCHANNEL)
    access_token = logged_in(client, device, rp, linde)

    employees.hand_over_administrator(linde, successor, by=former)

    assert session_for(linde).end_reason == "removed"
    assert userinfo(access_token).status_code == 401


def test_userinfo_refuses_a_token_whose_person_holds_no_role_in_its_organisation(client):
    """Whatever removed his roles there (even without ending the session), the token no longer answers."""
    linde, oost = organisation(), organisation("Ziekenhuis Oost", "90000999")
    person, device = employee(client, linde, oost)
    rp = register()
    access_token = logged_in(client, device, rp, linde)
    assert userinfo(access_token).json()["ura"] == linde.ura

    RoleAssignment.objects.filter(person=person, organisation=linde).delete()

    answer = userinfo(access_token)
    assert answer.status_code == 401
    assert "ZID-OIDC-SESSION-ENDED" in answer["WWW-Authenticate"]
