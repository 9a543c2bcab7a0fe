"""The operator's organisations page and ``zorgid org add`` (R-ROLE-OPR, R-SEC-AUTHZ)."""

import pytest
from django.test import Client
from typer.testing import CliRunner

from tests.integration.test_card_purposes import log_in
from zorgid.audit.models import AuditEvent
from zorgid.cli import app
from zorgid.identities.models import MobileId
from zorgid.organisations.models import Organisation, Role, RoleAssignment
from zorgid.organisations.services import add_organisation

pytestmark = pytest.mark.django_db


def test_operator_adds_an_organisation(client, device):
    browser = log_in(client, device)
    assert "Organisaties beheren" in browser.get("/overzicht").content.decode()
    response = browser.post("/beheer/organisaties", {"name": "Zorggroep Oost", "ura": "90000123", "kvk": "87654321"})
    assert response.status_code == 302
    page = browser.get("/beheer/organisaties").content.decode()
    assert "Zorggroep Oost" in page and "90000123" in page
    assert "Organisatie met URA 90000123 ingevoerd." in page.split('data-testid="messages"', 1)[1]  # a banner, once
    assert 'data-testid="messages"' not in browser.get("/beheer/organisaties").content.decode()
    assert AuditEvent.objects.filter(event="organisation.added", subject="organisation:90000123").exists()


@pytest.mark.parametrize("form, message", [
    ({"name": "", "ura": "90000123", "kvk": "87654321"}, "Dit veld is vereist"),
    ({"name": "X", "ura": "9000012", "kvk": "87654321"}, "Het URA bestaat uit 8 cijfers"),
    ({"name": "X", "ura": "90000123", "kvk": "8765432a"}, "Het KvK-nummer bestaat uit 8 cijfers"),
    ({"name": "X", "ura": "90000001", "kvk": "87654321"}, "Er is al een organisatie met dit URA"),
])
def test_the_organisation_form_refuses_bad_input(client, device, form, message):
    add_organisation(name="Bestaand", ura="90000001", kvk="11111111", actor="test")
    browser = log_in(client, device)
    response = browser.post("/beheer/organisaties", form)
    assert response.status_code == 400 and message in response.content.decode()
    assert Organisation.objects.count() == 1


def test_only_operators_see_the_page(client, device):
    assert Client().get("/beheer/organisaties").status_code == 403
    RoleAssignment.objects.filter(role=Role.OPERATOR).delete()
    organisation = add_organisation(name="Praktijk", ura="90000009", kvk="11111111", actor="test")
    RoleAssignment.objects.create(person=MobileId.objects.get().person, role=Role.ADMINISTRATOR,
                                  organisation=organisation, granted_at=organisation.created_at)
    browser = log_in(client, device)
    response = browser.get("/beheer/organisaties")
    assert response.status_code == 403 and "ZID-PORTAL-FORBIDDEN" in response.content.decode()
    assert browser.post("/beheer/organisaties", {"name": "X", "ura": "90000123", "kvk": "1"}).status_code == 403
    assert Organisation.objects.count() == 1


def test_org_add_on_the_command_line():
    runner = CliRunner()
    result = runner.invoke(app, ["org", "add", "--name", "Huisartsenpraktijk De Linde", "--ura", "90000001",
                                 "--kvk", "12345678"])
    assert result.exit_code == 0 and "ingevoerd" in result.output
    again = runner.invoke(app, ["org", "add", "--name", "Ander", "--ura", "90000001", "--kvk", "12345678"])
    assert again.exit_code == 1 and "ZID-ORG-EXISTS" in again.output
    bad = runner.invoke(app, ["org", "add", "--name", "Ander", "--ura", "123", "--kvk", "12345678"])
    assert bad.exit_code == 1 and "ZID-ORG-INVALID" in bad.output
    assert Organisation.objects.count() == 1
