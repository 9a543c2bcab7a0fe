"""Pages that the other browser tests do not load, checked by axe-core like every page (accessibility.py): the
application form empty and with its errors, the public pages, and the operator's and an administrator's pages."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from tests.e2e import accessibility
from zorgid.identities.models import Person
from zorgid.organisations.models import Role
from zorgid.organisations.roles import grant_role
from zorgid.organisations.services import add_organisation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PUBLIC = ["/", "/foutmeldingen", "/applicaties", "/aanvragen/nieuw", "/aanvragen/document", "/registreren",
          "/valideren"]
LOGGED_IN = ["/overzicht", "/organisatie/90000382", "/organisatie/90000382/medewerkers",
             "/organisatie/90000382/medewerkers/nieuw", "/organisatie/90000382/audit",
             "/organisatie/90000382/administratorverzoeken", "/beheer/organisaties", "/beheer/aanvragen",
             "/beheer/applicaties", "/beheer/applicaties/nieuw", "/beheer/audit"]


def visit(page, url: str) -> None:
    page.goto(url)
    accessibility.settle(page)  # this page's check, before the next page replaces it


def test_public_pages_and_the_application_form_with_its_errors(page, live_server):
    for path in PUBLIC:
        visit(page, live_server.url + path)
    page.goto(live_server.url + "/aanvragen/nieuw")
    page.get_by_test_id("submit").click()
    page.get_by_test_id("form-errors").wait_for()
    assert accessibility.check_page(page) == []
    assert len(accessibility.CURRENT.checked) >= len(PUBLIC)


def test_the_pages_of_an_administrator_who_is_the_operator(page, live_server, activated_app, settings):
    settings.ZORGID_LOGIN_WAIT_SECONDS = 3
    linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")
    grant_role(Person.objects.get(first_names="Jan Willem"), Role.ADMINISTRATOR, linde, actor="t")
    page.goto(live_server.url + "/")
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(page.screenshot(full_page=True))))
    activated_app.run("scan", found[0].text, "--accept")
    page.wait_for_url("**/overzicht", timeout=15_000)
    for path in LOGGED_IN:
        visit(page, live_server.url + path)
    page.goto(live_server.url + "/beheer/applicaties/nieuw")
    page.get_by_test_id("register-care-app").click()
    page.wait_for_load_state()
    assert accessibility.check_page(page) == []
    assert len(accessibility.CURRENT.checked) >= len(LOGGED_IN)
