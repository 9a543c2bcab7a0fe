"""The code exchange checks the login again (docs/security.md, "Healthcare applications"): a person who no longer
holds a role in the organisation he logged in for gets no tokens (ZID-OIDC-ORGANISATION-LEFT), and a refused
exchange leaves no access token behind; a role elsewhere does not count, another role there does."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.integration.oidc.relying_party import code_of, register
from zorgid.identities.models import MobileId
from zorgid.oidc.models import AccessToken, AppSession
from zorgid.organisations.models import Role, RoleAssignment
from zorgid.organisations.roles import grant_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(device):
    return MobileId.objects.get(id=device.mobile_id).person


def token_error(answer) -> tuple[int, str, str]:
    body = answer.json()
    return answer.status_code, body["error"], body["error_description"].split(":", 1)[0]


def test_a_person_without_a_role_left_in_the_organisation_gets_no_tokens(client, device, person, linde, oost):
    grant_role(person, Role.MEDEWERKER, linde, actor="test")
    grant_role(person, Role.MEDEWERKER, oost, actor="test")
    rp = register()
    code = code_of(Client(), client, device, rp, ura=linde.ura)
    RoleAssignment.objects.filter(person=person, organisation=linde).delete()  # his role there, and nothing else
    assert token_error(rp.token(client, code)) == (400, "invalid_grant", "ZID-OIDC-ORGANISATION-LEFT")
    assert AccessToken.objects.count() == 0
    assert token_error(rp.token(client, code)) == (400, "invalid_grant", "ZID-OIDC-CODE-USED")  # used all the same


def test_another_role_in_the_same_organisation_is_enough(client, device, person, linde):
    grant_role(person, Role.MEDEWERKER, linde, actor="test")
    grant_role(person, Role.BEHEERDER, linde, actor="test")
    rp = register()
    code = code_of(Client(), client, device, rp)
    RoleAssignment.objects.filter(person=person, organisation=linde, role=Role.MEDEWERKER).delete()
    answer = rp.token(client, code)
    assert answer.status_code == 200, answer.content
    assert AccessToken.objects.get().session == AppSession.objects.get(organisation=linde)


def test_an_ended_session_is_refused_and_leaves_no_token(client, device, person, linde):
    grant_role(person, Role.MEDEWERKER, linde, actor="test")
    rp = register()
    code = code_of(Client(), client, device, rp)
    AppSession.objects.update(ended_at=AppSession.objects.get().started_at, end_reason="test")
    assert token_error(rp.token(client, code)) == (400, "invalid_grant", "ZID-OIDC-LOGIN-ENDED")
    assert AccessToken.objects.count() == 0
