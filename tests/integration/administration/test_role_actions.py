"""Which actions apply to a person for a manager, decided in one place (administration.employees) and read by the
employee page: role changes only by an administrator or the operator and only those that change something, never
the last administrator's role; the refusal an action would meet, before its confirmation page; and who still waits
for his first WID check (an imported employee)."""

from __future__ import annotations

import pytest

from tests.integration.administration.test_who_manages_whom import someone
from zorgid.administration import employees, importing
from zorgid.administration.employees import RoleAction as A
from zorgid.identities.models import Person
from zorgid.identities.services import issue_activation_code
from zorgid.organisations.errors import AdministratorOnly, LastAdministrator
from zorgid.organisations.models import Role
from zorgid.organisations.roles import grant_role
from zorgid.organisations.services import add_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def linde(db):
    return add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")


def test_role_actions_follow_the_manager_and_the_person(linde):
    anna = someone("Anna", (Role.ADMINISTRATOR, linde))
    beppie = someone("Beppie", (Role.BEHEERDER, linde))
    bram = someone("Bram", (Role.MEDEWERKER, linde))
    operator = someone("Olga", (Role.OPERATOR, None))
    assert employees.role_actions(linde, bram, by=beppie) == []  # a beheerder gives and takes no roles
    assert employees.role_actions(linde, bram, by=anna) == [A.MAKE_BEHEERDER, A.MAKE_ADMINISTRATOR, A.HAND_OVER]
    assert employees.role_actions(linde, bram, by=operator) == [A.MAKE_BEHEERDER, A.MAKE_ADMINISTRATOR]
    assert employees.role_actions(linde, beppie, by=anna) == [A.REMOVE_BEHEERDER, A.MAKE_ADMINISTRATOR, A.HAND_OVER]
    assert employees.role_actions(linde, anna, by=anna) == [A.MAKE_BEHEERDER]  # the last administrator: kept
    grant_role(bram, Role.ADMINISTRATOR, linde, actor="t")
    assert employees.role_actions(linde, anna, by=anna) == [A.MAKE_BEHEERDER, A.REMOVE_ADMINISTRATOR]
    assert employees.role_actions(linde, bram, by=anna) == [A.MAKE_BEHEERDER, A.REMOVE_ADMINISTRATOR]


def test_the_refusal_comes_before_the_confirmation(linde):
    anna = someone("Anna", (Role.ADMINISTRATOR, linde))
    beppie = someone("Beppie", (Role.BEHEERDER, linde))
    for action in ("block", "unblock", "revoke", "delete"):
        with pytest.raises(AdministratorOnly):
            employees.require_may(linde, anna, beppie, action)
    for action in ("delete", "remove-administrator", "hand-over"):
        with pytest.raises(LastAdministrator):
            employees.require_may(linde, anna, anna, action)
    employees.require_may(linde, beppie, anna, "block")  # allowed: nothing raised


def test_only_someone_without_any_check_code_or_id_waits_for_his_wid_check(linde):
    importing.import_employees(linde, [("Ilse", "Import", "01-02-1988")], actor="test")
    ilse = Person.objects.get(last_name="Import")
    rita = someone("Rita", (Role.MEDEWERKER, linde))
    issue_activation_code(rita, actor="test")
    assert employees.awaiting_wid_check([ilse, rita]) == {ilse.id}
    assert employees.awaiting_wid_check([]) == set()
