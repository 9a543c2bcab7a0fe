"""The header of every portal page (base.html): "Uitloggen" and the navigation of a logged-in person only, the
operator's "Beheer" for the operator only; a page about a person (an employee, an applicant) shown to a visitor
is still a visitor's page."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from tests.integration.administration.test_administration import person_with_role
from tests.integration.test_card_purposes import activate, log_in
from zorgid.identities.models import Person
from zorgid.organisations.models import Role
from zorgid.organisations.roles import add_operator
from zorgid.organisations.services import add_organisation
from zorgid.portal.application_forms import ApplicationForm
from zorgid.portal.care_app_forms import CareAppForm

pytestmark = pytest.mark.django_db


def test_a_visitor_sees_no_logout_and_the_visitors_navigation():
    page = Client().get("/foutmeldingen").content.decode()
    assert 'data-testid="logout"' not in page and 'data-testid="nav-overview"' not in page
    assert 'data-testid="nav-login"' in page
    assert 'data-testid="nav-error-codes"' in page and 'aria-current="page"' in page


def test_a_page_about_a_person_is_still_a_visitors_page_when_nobody_logged_in():
    """A page names the person it is about ``person`` (e.g. an administrator's activation page): not a login."""
    about = Person(first_names="Bram", last_name="Bakker", birth_date=dt.date(1990, 6, 1))
    page = render_to_string("portal/base.html", {"person": about}, request=RequestFactory().get("/"))
    assert 'data-testid="logout"' not in page and 'data-testid="nav-login"' in page


def test_an_administrator_sees_his_organisation_and_no_beheer(client):
    linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")
    browser, _ = person_with_role(client, Role.ADMINISTRATOR, linde, "Anna")
    page = browser.get("/overzicht").content.decode()
    assert 'data-testid="logout"' in page and 'data-testid="nav-login"' not in page
    assert f'href="/organisatie/{linde.ura}" data-testid="nav-organisations"' in page
    assert 'data-testid="nav-operator"' not in page


def test_the_operator_sees_beheer(client):
    operator = add_operator("Olga", "Operator", dt.date(1975, 1, 1), actor="t")
    browser = log_in(client, activate(client, operator.payload("http://testserver").to_uri()))
    page = browser.get("/beheer/organisaties").content.decode()
    assert 'href="/beheer/organisaties" data-testid="nav-operator" aria-current="page"' in page
    assert 'data-testid="nav-organisations"' not in page  # the operator holds no role in an organisation


class _Fieldsets(HTMLParser):
    """The outermost field sets of a page: each legend with the names of the controls inside (nested ones too)."""

    def __init__(self):
        super().__init__()
        self.groups, self.depth, self.in_legend = [], 0, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "fieldset":
            self.depth += 1
            if self.depth == 1:
                self.groups.append(["", set()])
        elif tag == "legend" and self.depth == 1:
            self.in_legend = True
        elif tag in ("input", "select", "textarea") and self.depth and attrs.get("name"):
            self.groups[-1][1].add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "fieldset":
            self.depth -= 1
        elif tag == "legend":
            self.in_legend = False

    def handle_data(self, data):
        if self.in_legend:
            self.groups[-1][0] += data.strip()


def _fieldsets(page: str) -> list[tuple[str, set[str]]]:
    parser = _Fieldsets()
    parser.feed(page)
    return [(legend, names) for legend, names in parser.groups]


def test_the_application_form_asks_every_field_in_a_group_of_its_own():
    page = Client().get("/aanvragen/nieuw").content.decode()
    groups = _fieldsets(page)
    assert [legend for legend, _ in groups] == ["Organisatie", "Adres van de organisatie", "Technisch beheerder",
                                                "Vertegenwoordiger", "Portaal administrator", "Product en omgeving"]
    grouped = set().union(*(names for _, names in groups))
    assert grouped == set(ApplicationForm.base_fields)
    assert {"tb_name", "tb_email", "tb_phone"} == dict(groups)["Technisch beheerder"]


def test_the_care_app_form_of_the_operator_asks_every_field_in_a_group(client):
    operator = add_operator("Olga", "Operator", dt.date(1975, 1, 1), actor="t")
    browser = log_in(client, activate(client, operator.payload("http://testserver").to_uri()))
    page = browser.get("/beheer/applicaties/nieuw").content.decode()
    grouped = set().union(*(names for _, names in _fieldsets(page)))
    assert grouped == set(CareAppForm.base_fields)
