"""One "same person" rule (identities.people.find_same_person): the same names, folded, and birth date within
one organisation, whether the beheerder registers him, a file imports him or he registers himself with his
UZI-pas. Before, each route compared names its own way; the beheerder's and the card's route used the
database's case-insensitive match, which on SQLite knows only ASCII letters, so "ÖZTÜRK" and "Öztürk" became
two persons there and one on PostgreSQL."""

import datetime as dt

import pytest
from django.test import Client

from tests.integration.test_card_flows import start
from zorgid import clock
from zorgid.administration import employees, importing
from zorgid.identities.models import Person
from zorgid.organisations.models import Role
from zorgid.organisations.roles import grant_role
from zorgid.organisations.services import add_organisation

pytestmark = pytest.mark.django_db

BORN = dt.date(1980, 2, 14)
WID_CHECK = employees.Wid("paspoort", "X12B", dt.date(2031, 1, 1))


@pytest.fixture
def boss(organisation):
    person = Person.objects.create(first_names="Anna", last_name="Admin", birth_date=BORN, created_at=clock.now())
    grant_role(person, Role.ADMINISTRATOR, organisation, actor="test")
    return person


def register(organisation, boss, first_names: str, last_name: str) -> employees.Handover:
    return employees.register_employee(organisation, first_names=first_names, last_name=last_name,
                                       birth_date=BORN, wid=WID_CHECK, by=boss)


def test_the_beheerder_registering_someone_again_in_other_capitals_links_the_same_person(organisation, boss):
    first = register(organisation, boss, "Émile", "Öztürk")
    again = register(organisation, boss, "ÉMILE", "ÖZTÜRK")
    assert again.linked and again.person == first.person
    assert Person.objects.filter(birth_date=BORN).exclude(pk=boss.pk).count() == 1


def test_the_beheerder_never_links_a_person_of_another_organisation(organisation, boss):
    other = add_organisation(name="Ziekenhuis Oost", ura="90000999", kvk="87654321", actor="t")
    person = Person.objects.create(first_names="Émile", last_name="Öztürk", birth_date=BORN, created_at=clock.now())
    grant_role(person, Role.MEDEWERKER, other, actor="test")
    here = register(organisation, boss, "Émile", "Öztürk")
    assert not here.linked and here.person != person


def test_the_import_skips_whom_the_beheerder_registered(organisation, boss):
    register(organisation, boss, "Émile", "Öztürk")
    report = importing.import_employees(organisation, [("ÉMILE", "ÖZTÜRK", "14-02-1980")], actor="test")
    assert (report.imported, [note.line for note in report.already]) == (0, [2])


def test_self_registration_with_the_card_finds_whom_the_beheerder_registered(client, issuer, organisation, boss):
    registered = register(organisation, boss, "Émile", "Öztürk").person
    browser = Client()
    flow_id = start(browser, "/registreren")
    assert issuer.card(given_name="ÉMILE", surname="ÖZTÜRK", common_name="ÉMILE ÖZTÜRK").answer(
        client, flow_id).status_code == 200
    assert browser.post(f"/registreren/{flow_id}/pas-gelezen").status_code == 302
    assert browser.post(f"/registreren/{flow_id}/geboortedatum", {"birth_date": "14-02-1980"}).status_code == 302
    assert browser.post(f"/registreren/{flow_id}/samenvatting")["Location"] == f"/registreren/{flow_id}/qr-code"
    assert list(Person.objects.filter(birth_date=BORN).exclude(pk=boss.pk)) == [registered]
    assert registered.activation_codes.count() == 2  # the beheerder's QR and the card's
