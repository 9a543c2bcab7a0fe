"""Who may act on whom in an organisation's administration (docs/security.md; R-ROLE-ADM, R-ROLE-BEH, R-ROLE-OPR,
R-SEC-AUTHZ), through HTTP: a new activation QR makes its holder the person, with every role he holds anywhere,
so it is made only by someone who manages every one of them; beheerders never block, remove or revoke
administrators or the operator; registering "a new employee" who is an existing person links him, no QR."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.integration.administration.test_administration import WID, person_with_role, register
from tests.integration.test_card_purposes import activate, log_in
from zorgid import clock
from zorgid.identities.models import ActivationCode, MobileId, Person, WidCheck
from zorgid.identities.services import issue_activation_code
from zorgid.organisations.models import Role
from zorgid.organisations.roles import add_operator, grant_role
from zorgid.organisations.services import add_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(db):
    return (add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t"),
            add_organisation(name="Ziekenhuis Oost", ura="90000999", kvk="87654321", actor="t"))


def someone(first_names: str, *roles: tuple[str, object]) -> Person:
    """A person (as in the WID) with ``roles``: (role, organisation or None for the operator role)."""
    person = Person.objects.create(first_names=first_names, last_name="Doel", birth_date=dt.date(1985, 3, 1),
                                   created_at=clock.now())
    for role, organisation in roles:
        grant_role(person, role, organisation, actor="test")
    return person


def operator_browser(client) -> Client:
    issued = add_operator("Olga", "Operator", dt.date(1975, 1, 1), actor="test")
    return log_in(client, activate(client, issued.payload("http://testserver").to_uri()))


def refused_with(response, code: str) -> bool:
    return response.status_code == 403 and code in response.content.decode()


def new_qr(browser: Client, ura: str, person: Person):
    return browser.post(f"/organisatie/{ura}/medewerkers/{person.id}/nieuwe-qr", WID)


@pytest.mark.parametrize("target_roles, code", [
    ([(Role.ADMINISTRATOR, "linde")], "ZID-EMPLOYEE-ADMINISTRATOR-ONLY"),
    ([(Role.BEHEERDER, "linde")], "ZID-EMPLOYEE-ADMINISTRATOR-ONLY"),
    ([(Role.MEDEWERKER, "linde"), (Role.ADMINISTRATOR, "linde")], "ZID-EMPLOYEE-ADMINISTRATOR-ONLY"),
    ([(Role.ADMINISTRATOR, "linde"), (Role.OPERATOR, None)], "ZID-EMPLOYEE-OPERATOR-ONLY"),
    ([(Role.MEDEWERKER, "linde"), (Role.MEDEWERKER, "oost")], "ZID-EMPLOYEE-OTHER-ORGANISATION"),
    ([(Role.MEDEWERKER, "linde"), (Role.ADMINISTRATOR, "oost")], "ZID-EMPLOYEE-OTHER-ORGANISATION"),
])
def test_a_beheerder_makes_no_qr_for_anyone_but_a_plain_medewerker_of_his_own(client, orgs, target_roles, code):
    linde, oost = orgs
    places = {"linde": linde, "oost": oost, None: None}
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    target = someone("Doris", *((role, places[where]) for role, where in target_roles))
    response = new_qr(beheerder, linde.ura, target)
    assert refused_with(response, code), response.content.decode()[:500]
    assert not ActivationCode.objects.filter(person=target).exists()
    assert not WidCheck.objects.filter(person=target).exists()
    page = beheerder.get(f"/organisatie/{linde.ura}/medewerkers/{target.id}").content.decode()
    assert code in page and 'data-testid="reissue"' not in page  # the page says so before anyone tries


def test_a_beheerder_makes_a_qr_for_a_plain_medewerker(client, orgs):
    linde, _ = orgs
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    target = someone("Doris", (Role.MEDEWERKER, linde))
    response = new_qr(beheerder, linde.ura, target)
    assert response.status_code == 200 and 'data-testid="handover-qr"' in response.content.decode()


@pytest.mark.parametrize("target_roles, status", [
    ([(Role.ADMINISTRATOR, "linde")], 200),
    ([(Role.BEHEERDER, "linde"), (Role.MEDEWERKER, "linde")], 200),
    ([(Role.ADMINISTRATOR, "linde"), (Role.OPERATOR, None)], "ZID-EMPLOYEE-OPERATOR-ONLY"),
    ([(Role.MEDEWERKER, "linde"), (Role.MEDEWERKER, "oost")], "ZID-EMPLOYEE-OTHER-ORGANISATION"),
    ([(Role.MEDEWERKER, "linde"), (Role.BEHEERDER, "oost")], "ZID-EMPLOYEE-OTHER-ORGANISATION"),
])
def test_an_administrator_makes_qrs_for_everyone_of_his_organisation_only(client, orgs, target_roles, status):
    linde, oost = orgs
    places = {"linde": linde, "oost": oost, None: None}
    admin, _ = person_with_role(client, Role.ADMINISTRATOR, linde, "Anna")
    target = someone("Doris", *((role, places[where]) for role, where in target_roles))
    response = new_qr(admin, linde.ura, target)
    if status == 200:
        assert response.status_code == 200 and 'data-testid="handover-qr"' in response.content.decode()
    else:
        assert refused_with(response, status), response.content.decode()[:500]
        assert not ActivationCode.objects.filter(person=target).exists()


def test_an_administrator_of_both_organisations_makes_the_qr_of_a_person_of_both(client, orgs):
    linde, oost = orgs
    admin, anna = person_with_role(client, Role.ADMINISTRATOR, linde, "Anna")
    grant_role(anna, Role.BEHEERDER, oost, actor="test")
    target = someone("Doris", (Role.MEDEWERKER, linde), (Role.MEDEWERKER, oost))
    assert new_qr(admin, linde.ura, target).status_code == 200


def test_only_the_operator_makes_the_qr_of_an_operator(client, orgs):
    linde, _ = orgs
    target = someone("Doris", (Role.ADMINISTRATOR, linde), (Role.OPERATOR, None))
    response = new_qr(operator_browser(client), linde.ura, target)
    assert response.status_code == 200 and 'data-testid="handover-qr"' in response.content.decode()


@pytest.mark.parametrize("action, data", [
    ("block", {"confirm": "ja"}), ("delete", {"confirm": "ja"}), ("revoke", None),
])
@pytest.mark.parametrize("target_roles, code", [
    ([(Role.ADMINISTRATOR, "linde")], "ZID-EMPLOYEE-ADMINISTRATOR-ONLY"),
    ([(Role.MEDEWERKER, "linde"), (Role.OPERATOR, None)], "ZID-EMPLOYEE-OPERATOR-ONLY"),
])
def test_a_beheerder_never_blocks_removes_or_revokes_an_administrator_or_the_operator(client, orgs, action, data,
                                                                                      target_roles, code):
    linde, _ = orgs
    places = {"linde": linde, None: None}
    person_with_role(client, Role.ADMINISTRATOR, linde, "Anna")  # not the last administrator: no other refusal
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    target = someone("Doris", *((role, places[where]) for role, where in target_roles))
    device = activate(client, issue_activation_code(target, actor="test").payload("http://testserver").to_uri())
    response = beheerder.post(f"/organisatie/{linde.ura}/medewerkers/{target.id}/{action}",
                              data if data is not None else {"mobile_id": device.mobile_id, "confirm": "ja"})
    assert refused_with(response, code), response.content.decode()[:500]
    target.refresh_from_db()
    assert target.blocked_at is None and target.roles.filter(organisation=linde).exists()
    assert MobileId.objects.get(id=device.mobile_id).status == "active"


def test_a_beheerder_does_not_unblock_a_blocked_administrator(client, orgs):
    linde, _ = orgs
    admin, _ = person_with_role(client, Role.ADMINISTRATOR, linde, "Anna")
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    target = someone("Doris", (Role.ADMINISTRATOR, linde))
    assert admin.post(f"/organisatie/{linde.ura}/medewerkers/{target.id}/block", {"confirm": "ja"}).status_code == 302
    response = beheerder.post(f"/organisatie/{linde.ura}/medewerkers/{target.id}/unblock")
    assert refused_with(response, "ZID-EMPLOYEE-ADMINISTRATOR-ONLY")
    target.refresh_from_db()
    assert target.blocked_at is not None


def test_a_beheerder_blocks_no_manager_of_another_organisation_but_a_shared_medewerker(client, orgs):
    linde, oost = orgs
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    manager_elsewhere = someone("Doris", (Role.MEDEWERKER, linde), (Role.BEHEERDER, oost))
    response = beheerder.post(f"/organisatie/{linde.ura}/medewerkers/{manager_elsewhere.id}/block", {"confirm": "ja"})
    assert refused_with(response, "ZID-EMPLOYEE-OTHER-ORGANISATION")
    shared = someone("Sam", (Role.MEDEWERKER, linde), (Role.MEDEWERKER, oost))  # a lost phone: either may block
    assert beheerder.post(f"/organisatie/{linde.ura}/medewerkers/{shared.id}/block",
                          {"confirm": "ja"}).status_code == 302
    # removing him from this organisation only touches his roles here
    assert beheerder.post(f"/organisatie/{linde.ura}/medewerkers/{manager_elsewhere.id}/delete",
                          {"confirm": "ja"}).status_code == 302
    assert list(manager_elsewhere.roles.values_list("role", flat=True)) == [Role.BEHEERDER]


def test_an_administrator_removes_another_administrator_but_not_the_last(client, orgs):
    linde, _ = orgs
    admin, anna = person_with_role(client, Role.ADMINISTRATOR, linde, "Anna")
    second = someone("Doris", (Role.ADMINISTRATOR, linde))
    assert admin.post(f"/organisatie/{linde.ura}/medewerkers/{second.id}/delete",
                      {"confirm": "ja"}).status_code == 302
    assert not second.roles.exists()
    response = admin.post(f"/organisatie/{linde.ura}/medewerkers/{anna.id}/delete", {"confirm": "ja"})
    assert response.status_code == 409 and "ZID-ORG-LAST-ADMINISTRATOR" in response.content.decode()


def test_the_operator_blocks_and_unblocks_an_administrator(client, orgs):
    linde, _ = orgs
    operator = operator_browser(client)
    target = someone("Doris", (Role.ADMINISTRATOR, linde))
    assert operator.post(f"/organisatie/{linde.ura}/medewerkers/{target.id}/block",
                         {"confirm": "ja"}).status_code == 302
    assert operator.post(f"/organisatie/{linde.ura}/medewerkers/{target.id}/unblock").status_code == 302


def registration_of(person: Person) -> dict:
    return {"first_names": person.first_names.upper(), "last_name": person.last_name,
            "birth_date": person.birth_date.isoformat()}


def test_registering_an_existing_person_with_an_id_links_him_and_makes_no_qr(client, orgs):
    linde, _ = orgs
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    admin = someone("Doris", (Role.ADMINISTRATOR, linde))
    device = activate(client, issue_activation_code(admin, actor="test").payload("http://testserver").to_uri())
    response = register(beheerder, linde.ura, **registration_of(admin))
    page = response.content.decode()
    assert 'data-testid="handover-qr"' not in page and 'data-testid="handover-payload"' not in page
    assert 'data-testid="existing-ids"' in page and device.mobile_id[:8] in page  # its short mark, not its id
    assert Person.objects.filter(last_name="Doel").count() == 1
    assert ActivationCode.objects.filter(person=admin).count() == 1  # only the one he activated
    assert set(admin.roles.values_list("role", flat=True)) == {Role.ADMINISTRATOR, Role.MEDEWERKER}
    assert WidCheck.objects.filter(person=admin).count() == 1


def test_registering_an_existing_administrator_without_an_id_is_refused_to_a_beheerder(client, orgs):
    linde, _ = orgs
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    admin = someone("Doris", (Role.ADMINISTRATOR, linde))
    response = beheerder.post(f"/organisatie/{linde.ura}/medewerkers/nieuw", {**registration_of(admin), **WID})
    assert refused_with(response, "ZID-EMPLOYEE-ADMINISTRATOR-ONLY")
    assert not ActivationCode.objects.filter(person=admin).exists()
    assert not WidCheck.objects.filter(person=admin).exists()
    assert list(admin.roles.values_list("role", flat=True)) == [Role.ADMINISTRATOR]


def test_registering_an_existing_medewerker_without_an_id_links_him_with_a_qr(client, orgs):
    linde, _ = orgs
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    doris = someone("Doris", (Role.MEDEWERKER, linde))
    earlier = issue_activation_code(doris, actor="test")
    response = register(beheerder, linde.ura, **registration_of(doris))
    page = response.content.decode()
    assert 'data-testid="handover-qr"' in page and 'data-testid="linked"' in page
    assert Person.objects.filter(last_name="Doel").count() == 1
    with pytest.raises(AssertionError, match="ZID-ACTIVATION-EXPIRED"):  # one QR at a time
        activate(client, earlier.payload("http://testserver").to_uri())


def test_a_same_named_person_of_another_organisation_is_a_new_person_here(client, orgs):
    linde, oost = orgs
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    elsewhere = someone("Doris", (Role.ADMINISTRATOR, oost))
    response = register(beheerder, linde.ura, **registration_of(elsewhere))
    assert 'data-testid="handover-qr"' in response.content.decode()
    new = Person.objects.exclude(pk=elsewhere.pk).get(last_name="Doel")
    assert list(new.roles.values_list("role", "organisation")) == [(Role.MEDEWERKER, linde.id)]
    assert list(elsewhere.roles.values_list("role", "organisation")) == [(Role.ADMINISTRATOR, oost.id)]
    assert not ActivationCode.objects.filter(person=elsewhere).exists()
