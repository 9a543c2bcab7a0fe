"""Correcting a person's names and birth date through the page (docs/security.md, "Correcting a person's data"):
the form, the confirmation (old → new), the result; who may correct whom; bad input refused with its code and
nothing written; the audit event; the notice on the person's overview, once."""

import datetime as dt
import json

import pytest
from django.test import Client

from tests.integration.administration.test_administration import WID, person_with_role
from tests.integration.test_card_purposes import activate, log_in
from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.identities.models import KeyShare, Person, WidCheck
from zorgid.organisations.models import Membership, Role
from zorgid.organisations.roles import add_operator, grant_role
from zorgid.organisations.services import add_organisation

pytestmark = pytest.mark.django_db

NEW = {"first_names": "Bram Jan", "last_name": "van der Bakker", "birth_date": "1990-06-11",
       "reason": "Geboortedatum verkeerd overgenomen bij de registratie; paspoort gezien.", **WID}


@pytest.fixture
def world(client):
    linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")
    oost = add_organisation(name="Ziekenhuis Oost", ura="90000999", kvk="87654321", actor="t")
    browsers, people = {"anonymous": Client()}, {}
    for role, org, name in (("employee", linde, "Mies"), ("beheerder", linde, "Beppie"),
                            ("administrator", linde, "Anna"), ("fellow", linde, "Frits"),
                            ("other_administrator", oost, "Otto")):
        django_role = {"employee": Role.MEDEWERKER, "beheerder": Role.BEHEERDER}.get(role, Role.ADMINISTRATOR)
        browsers[role], people[role] = person_with_role(client, django_role, org, name)
    bram_issued = add_operator("Bram", "Bakker", dt.date(1990, 6, 1), actor="t")  # an ID of his own, activated
    bram = bram_issued.person
    bram.roles.all().delete()
    grant_role(bram, Role.MEDEWERKER, linde, actor="t")
    browsers["bram"] = log_in(client, activate(client, bram_issued.payload("http://testserver").to_uri()))
    operator = add_operator("Olga", "Operator", dt.date(1975, 1, 1), actor="t")
    browsers["operator"] = log_in(client, activate(client, operator.payload("http://testserver").to_uri()))
    people.update(bram=bram, operator=operator.person)
    return linde, oost, browsers, people


def page(linde, person) -> str:
    return f"/organisatie/{linde.ura}/medewerkers/{person.id}/gegevens"


def code_of(response) -> str | None:
    text = response.content.decode()
    marker = 'data-testid="error-code">'
    return text.split(marker, 1)[1].split("<", 1)[0] if marker in text else None


def data_of(person: Person) -> tuple:
    person.refresh_from_db()
    return person.first_names, person.last_name, person.birth_date


def nothing_written(person: Person, before: tuple) -> bool:
    return (data_of(person) == before and not AuditEvent.objects.filter(event="person.changed").exists()
            and not WidCheck.objects.filter(person=person).exists() and person.corrected_at is None)


def test_the_administrator_corrects_in_three_steps_and_the_change_is_audited(world):
    linde, _, browsers, people = world
    anna, bram = browsers["administrator"], people["bram"]
    form = anna.get(page(linde, bram))
    assert form.status_code == 200
    text = form.content.decode()
    assert 'value="Bram"' in text and 'value="Bakker"' in text and 'value="01-06-1990"' in text

    confirm = anna.post(page(linde, bram), NEW)
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert "Correctie bevestigen" in text and "Bakker" in text and "van der Bakker" in text
    assert "01-06-1990" in text and "11-06-1990" in text and "Geboortedatum verkeerd overgenomen" in text
    assert data_of(bram) == ("Bram", "Bakker", dt.date(1990, 6, 1))  # nothing changed yet

    back = anna.post(page(linde, bram), {**NEW, "terug": "ja"})
    assert back.status_code == 200 and 'value="van der Bakker"' in back.content.decode()

    done = anna.post(page(linde, bram), {**NEW, "bevestigd": "ja"}, follow=True)
    assert done.redirect_chain == [(f"/organisatie/{linde.ura}/medewerkers/{bram.id}", 302)]
    assert "De gegevens zijn gecorrigeerd: Bram Jan van der Bakker, geboren 11-06-1990." in done.content.decode()
    assert data_of(bram) == ("Bram Jan", "van der Bakker", dt.date(1990, 6, 11))
    assert Membership.objects.get(person=bram).search_text == "bram jan van der bakker"
    assert (bram.corrected_by, bram.correction_shown_at) == ("Huisartsenpraktijk De Linde", None)
    assert KeyShare.objects.get(mobile_id__person=bram).correction_to_tell
    event = AuditEvent.objects.get(event="person.changed")
    assert (event.actor, event.subject, event.organisation) == (f"person:{people['administrator'].id}",
                                                              f"person:{bram.id}", linde.ura)
    assert json.loads(event.details) == {
        "ura": linde.ura, "by": "organisation", "reason": NEW["reason"],
        "before": {"first_names": "Bram", "last_name": "Bakker", "birth_date": "1990-06-01"},
        "after": {"first_names": "Bram Jan", "last_name": "van der Bakker", "birth_date": "1990-06-11"}}
    check = WidCheck.objects.get(person=bram)
    assert (check.number_last4, check.checked_by) == ("X12B", people["administrator"])


def test_the_person_is_told_on_his_overview_once(world):
    linde, _, browsers, people = world
    assert browsers["operator"].post(page(linde, people["bram"]), {**NEW, "bevestigd": "ja"}).status_code == 302
    first = browsers["bram"].get("/overzicht").content.decode()
    today = clock.format_date(clock.today())
    assert (f"Uw gegevens zijn op {today} gecorrigeerd door de servicedesk van ZORG-ID: naam Bram Jan van der "
            "Bakker, geboortedatum 11-06-1990.") in first
    assert "gecorrigeerd" not in browsers["bram"].get("/overzicht").content.decode()
    assert json.loads(AuditEvent.objects.get(event="person.changed").details)["by"] == "servicedesk"


def test_the_operator_reaches_the_page_from_his_list_of_organisations(world):
    linde, _, browsers, people = world
    olga = browsers["operator"]
    assert f'href="/organisatie/{linde.ura}"' in olga.get("/beheer/organisaties").content.decode()
    employee_page = olga.get(f"/organisatie/{linde.ura}/medewerkers/{people['bram'].id}").content.decode()
    assert f'href="{page(linde, people["bram"])}"' in employee_page and "Gegevens corrigeren" in employee_page
    assert olga.get(page(linde, people["bram"])).status_code == 200


@pytest.mark.parametrize("change, status, code", [
    ({"birth_date": "31-02-1990"}, 400, "ZID-PERSON-INVALID"),  # no such date
    ({"birth_date": "1990-13-01"}, 400, "ZID-PERSON-INVALID"),
    ({"birth_date": "2999-01-01"}, 400, "ZID-PERSON-INVALID"),  # in the future
    ({"first_names": ""}, 400, "ZID-PERSON-INVALID"),
    ({"last_name": "   "}, 400, "ZID-PERSON-INVALID"),
    ({"first_names": "Bram2"}, 400, "ZID-PERSON-INVALID"),  # a digit
    ({"last_name": "Bak\u202eker"}, 400, "ZID-PERSON-INVALID"),  # a bidi override: a format character
    ({"last_name": "Bak\x07ker"}, 400, "ZID-INPUT-CONTROL-CHARACTER"),  # refused before any view runs
    ({"reason": ""}, 400, "ZID-CORRECTION-REASON"),
    ({"reason": "x" * 501}, 400, "ZID-CORRECTION-REASON"),
    ({"reason": "verzoek\u200b"}, 400, "ZID-CORRECTION-REASON"),
    ({"reason": "verzoek\x00"}, 400, "ZID-INPUT-CONTROL-CHARACTER"),
    ({"first_names": "Bram", "last_name": "Bakker", "birth_date": "01-06-1990"}, 400, "ZID-CORRECTION-UNCHANGED"),
    ({"expiry_date": "2020-01-01"}, 400, "ZID-WID-EXPIRED"),
    ({"confirmed": ""}, 400, "ZID-PORTAL-FORM"),
])
@pytest.mark.parametrize("step", ["check", "confirm"])
def test_bad_input_is_refused_with_its_code_and_nothing_is_written(world, change, status, code, step):
    linde, _, browsers, people = world
    bram = people["bram"]
    before = data_of(bram)
    sent = {**NEW, **change, **({"bevestigd": "ja"} if step == "confirm" else {})}
    response = browsers["administrator"].post(page(linde, bram), sent)
    assert (response.status_code, code_of(response)) == (status, code)
    assert nothing_written(bram, before)


def test_a_reason_of_500_characters_over_lines_is_kept_as_one_line(world):
    linde, _, browsers, people = world
    reason = "Op verzoek van de medewerker.\r\nPaspoort gezien." + " x" * 227
    assert len(" ".join(reason.split())) == 500
    assert browsers["administrator"].post(page(linde, people["bram"]), {**NEW, "reason": reason,
                                                                        "bevestigd": "ja"}).status_code == 302
    kept = json.loads(AuditEvent.objects.get(event="person.changed").details)["reason"]
    assert kept.startswith("Op verzoek van de medewerker. Paspoort gezien. x")


@pytest.mark.parametrize("who, whom, status, code", [
    ("administrator", "administrator", 403, "ZID-CORRECTION-SELF"),  # his own data: never
    ("beheerder", "administrator", 403, "ZID-EMPLOYEE-ADMINISTRATOR-ONLY"),
    ("beheerder", "fellow", 403, "ZID-EMPLOYEE-ADMINISTRATOR-ONLY"),
    ("beheerder", "beheerder", 403, "ZID-CORRECTION-SELF"),
    ("administrator", "operator_here", 403, "ZID-EMPLOYEE-OPERATOR-ONLY"),  # the operator with a role in De Linde
    ("administrator", "bram_in_two", 403, "ZID-EMPLOYEE-OTHER-ORGANISATION"),  # also a medewerker of Oost
    ("administrator", "otto", 404, "ZID-EMPLOYEE-UNKNOWN"),  # a person of another organisation only
    ("other_administrator", "bram", 403, "ZID-PORTAL-FORBIDDEN"),  # another organisation's administrator
    ("employee", "bram", 403, "ZID-PORTAL-FORBIDDEN"),
    ("bram", "bram", 403, "ZID-PORTAL-FORBIDDEN"),  # a medewerker does not correct himself either
    ("anonymous", "bram", 403, "ZID-PORTAL-LOGIN-REQUIRED"),
])
@pytest.mark.parametrize("method", ["get", "post"])
def test_who_may_not_correct_whom_is_refused_with_its_code(world, who, whom, status, code, method):
    linde, oost, browsers, people = world
    person = {"fellow": people["fellow"], "otto": people["other_administrator"]}.get(whom, people.get(whom))
    if whom == "operator_here":
        person = people["operator"]
        grant_role(person, Role.MEDEWERKER, linde, actor="t")
    if whom == "bram_in_two":
        person = people["bram"]
        grant_role(person, Role.MEDEWERKER, oost, actor="t")
    before = data_of(person)
    browser = browsers[who]
    response = browser.get(page(linde, person)) if method == "get" else browser.post(
        page(linde, person), {**NEW, "bevestigd": "ja"})
    assert (response.status_code, code_of(response)) == (status, code)
    assert data_of(person) == before and not AuditEvent.objects.filter(event="person.changed").exists()


@pytest.mark.parametrize("who, whom", [
    ("beheerder", "bram"),  # R-ROLE-BEH: a plain medewerker of his own organisation only
    ("administrator", "fellow"),  # a fellow administrator: the administrator role is managed by administrators
    ("operator", "administrator"),
])
def test_who_may_correct_whom(world, who, whom):
    linde, _, browsers, people = world
    person = people[whom]
    assert browsers[who].get(page(linde, person)).status_code == 200
    assert browsers[who].post(page(linde, person), {**NEW, "bevestigd": "ja"}).status_code == 302
    assert data_of(person)[0] == "Bram Jan"


def test_a_manager_s_own_page_offers_no_correction_of_his_own_data(world):
    linde, _, browsers, people = world
    own = browsers["administrator"].get(f"/organisatie/{linde.ura}/medewerkers/{people['administrator'].id}")
    fellow = browsers["administrator"].get(f"/organisatie/{linde.ura}/medewerkers/{people['fellow'].id}")
    assert own.status_code == fellow.status_code == 200
    assert 'data-testid="correct"' not in own.content.decode()
    assert 'data-testid="correct"' in fellow.content.decode()
