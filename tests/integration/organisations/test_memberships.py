"""The employee list's own table (organisations.Membership) stays in step with roles and names, whoever writes
them: registration, roles granted and removed, hand-over, change, delete, import, and the migration that fills it."""

import datetime as dt
import importlib
import threading

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from zorgid import clock
from zorgid.administration import employees, importing
from zorgid.identities.models import Person
from zorgid.identities.people import searchable
from zorgid.organisations import memberships
from zorgid.organisations.models import Membership, Role, RoleAssignment
from zorgid.organisations.roles import add_operator, grant_role
from zorgid.organisations.services import add_organisation

pytestmark = pytest.mark.django_db

BORN = dt.date(1980, 5, 17)
WID_CHECK = employees.Wid("paspoort", "X12B", dt.date(2031, 1, 1))


@pytest.fixture
def orgs(db):
    return (add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t"),
            add_organisation(name="Ziekenhuis Oost", ura="90000999", kvk="87654321", actor="t"))


def employee(organisation, first_names: str, last_name: str, role: str = Role.MEDEWERKER) -> Person:
    person = Person.objects.create(first_names=first_names, last_name=last_name, birth_date=BORN,
                                   created_at=clock.now())
    grant_role(person, role, organisation, actor="test")
    return person


def assert_in_step() -> None:
    """The rule of zorgid.organisations.memberships: one row per (organisation, person with a role there),
    with the person's current names, birth date and search text."""
    wanted = set(RoleAssignment.objects.filter(organisation__isnull=False).values_list("organisation_id",
                                                                                       "person_id"))
    rows = list(Membership.objects.select_related("person"))
    assert sorted((row.organisation_id, row.person_id) for row in rows) == sorted(wanted)
    for row in rows:
        person = row.person
        assert (row.last_name, row.first_names, row.birth_date) == (person.last_name, person.first_names,
                                                                    person.birth_date)
        assert row.search_text == searchable(f"{person.first_names} {person.last_name}")


def on_list(organisation, person) -> bool:
    return Membership.objects.filter(organisation=organisation, person=person).exists()


def test_every_writer_keeps_the_list_in_step(orgs):
    linde, oost = orgs
    boss = employee(linde, "Anna", "Admin", role=Role.ADMINISTRATOR)
    bram = employees.register_employee(linde, first_names="Bram", last_name="Bakker", birth_date=BORN,
                                       wid=WID_CHECK, by=boss).person
    grant_role(bram, Role.MEDEWERKER, oost, actor="test")  # on two lists
    assert on_list(linde, bram) and on_list(oost, bram)
    assert_in_step()

    employees.grant(linde, bram, Role.BEHEERDER, by=boss)
    employees.remove_role(linde, bram, Role.BEHEERDER, by=boss)  # still a medewerker there
    assert on_list(linde, bram)
    assert_in_step()

    servicedesk = add_operator("Olga", "Operator", BORN, actor="t").person  # Bram works in two organisations
    employees.change(linde, bram, first_names="Bram Jan", last_name="van Dijk", birth_date=BORN.replace(day=18),
                     wid=None, by=servicedesk, reason="Naam gewijzigd na huwelijk.")
    assert Membership.objects.get(organisation=oost, person=bram).search_text == "bram jan van dijk"  # both lists
    assert_in_step()

    employees.hand_over_administrator(linde, bram, by=boss)
    assert not on_list(linde, boss)  # the administrator role was all he had there
    assert_in_step()

    employees.delete(oost, bram, by=bram)
    assert not on_list(oost, bram) and on_list(linde, bram)
    assert_in_step()

    report = importing.import_employees(linde, [["Élodie", "Şahin-Öztürk", "01-02-1990"],
                                                ["Jan", "de Vries", "12-03-1975"]], actor="test")
    assert report.written
    assert Membership.objects.get(organisation=linde, last_name="Şahin-Öztürk").search_text == "elodie sahin ozturk"
    assert_in_step()


def test_an_import_that_writes_nothing_lists_no_one(orgs):
    linde, _ = orgs
    report = importing.import_employees(linde, [["Jan", "de Vries", "12-03-1975"], ["", "Leeg", "01-01-1980"]],
                                        actor="test")
    assert not report.written and not Membership.objects.exists()
    importing.import_employees(linde, [["Jan", "de Vries", "12-03-1975"]], actor="test", dry_run=True)
    assert not Membership.objects.exists()


def test_the_migration_fills_the_list_from_the_roles(orgs):
    linde, oost = orgs
    for n in range(12):
        employee(linde, f"P{n}", "Jansen")
    person = employee(oost, "Élodie", "Şahin-Öztürk", role=Role.BEHEERDER)
    grant_role(person, Role.MEDEWERKER, oost, actor="test")  # two roles, one line
    grant_role(person, Role.MEDEWERKER, linde, actor="test")
    Membership.objects.all().delete()
    migration = importlib.import_module("zorgid.organisations.migrations.0002_employee_memberships")
    # the models as they were at that migration, as Django runs it (roles lived in identities then)
    state = MigrationExecutor(connection).loader.project_state(("organisations", "0002_employee_memberships"))
    migration.fill(state.apps, None)
    assert Membership.objects.count() == 14
    assert_in_step()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks across connections: PostgreSQL")
def test_a_role_granted_while_the_last_one_is_removed_keeps_him_listed():
    """Two managers at once: one removes Bram's last role in Linde, the other grants him another. Whichever
    commits first, the list ends as the roles do (memberships locks the person's row)."""
    linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")
    bram = employee(linde, "Bram", "Bakker", role=Role.BEHEERDER)
    removed, go = threading.Event(), threading.Event()

    def remove():
        try:
            with transaction.atomic():
                RoleAssignment.objects.filter(person=bram, organisation=linde).delete()
                memberships.left(bram, linde)
                removed.set()
                go.wait(5)
        finally:
            connection.close()

    remover = threading.Thread(target=remove)
    remover.start()
    assert removed.wait(5)
    granter = threading.Thread(target=lambda: (grant_role(bram, Role.MEDEWERKER, linde, actor="test"),
                                               connection.close()))
    granter.start()
    granter.join(1.0)  # without the lock on Bram's row it would be done by now, on the list he is about to leave
    go.set()
    remover.join(10)
    granter.join(10)
    assert on_list(linde, bram)
    assert_in_step()
