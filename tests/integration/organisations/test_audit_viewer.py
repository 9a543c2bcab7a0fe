"""The audit viewer (R-SEC-AUDIT): own organisation only, filters, CSV export; the operator sees all."""

import csv
import io

import pytest

from tests.integration.organisations.test_administration import person_with_role, register
from zorgid.audit.models import AuditEvent
from zorgid.audit.services import verify
from zorgid.identities.models import Person, Role
from zorgid.organisations.services import add_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(client):
    linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")
    oost = add_organisation(name="Ziekenhuis Oost", ura="90000999", kvk="87654321", actor="t")
    linde_admin, _ = person_with_role(client, Role.ADMINISTRATOR, linde, "Anna")
    oost_admin, _ = person_with_role(client, Role.ADMINISTRATOR, oost, "Otto")
    register(linde_admin, linde.ura)
    bram = Person.objects.get(last_name="Bakker")
    linde_admin.post(f"/organisatie/{linde.ura}/medewerkers/{bram.id}/block")
    return linde, oost, linde_admin, oost_admin, bram


def test_the_organisation_sees_its_events_and_not_anothers(setting):
    linde, oost, linde_admin, oost_admin, bram = setting
    own = linde_admin.get(f"/organisatie/{linde.ura}/audit").content.decode()
    assert "person.blocked" in own and "wid.checked" in own and f"person:{bram.id}" in own
    other = oost_admin.get(f"/organisatie/{oost.ura}/audit").content.decode()
    assert f"person:{bram.id}" not in other and "person.blocked" not in other
    assert oost_admin.get(f"/organisatie/{linde.ura}/audit").status_code == 403


def test_filters_by_type_person_and_period(setting):
    linde, _, linde_admin, _, bram = setting
    page = linde_admin.get(f"/organisatie/{linde.ura}/audit?soort=wid.").content.decode()
    assert "wid.checked" in page and "person.blocked" not in page
    page = linde_admin.get(f"/organisatie/{linde.ura}/audit?persoon={bram.id}").content.decode()
    assert "person.blocked" in page and "organisation.added" not in page
    page = linde_admin.get(f"/organisatie/{linde.ura}/audit?van=01-01-2099").content.decode()
    assert "Geen gebeurtenissen" in page
    assert linde_admin.get(f"/organisatie/{linde.ura}/audit?van=31-02-2026").status_code == 200  # ignored


def test_csv_export_is_audited_and_keeps_the_chain(setting):
    linde, _, linde_admin, _, bram = setting
    response = linde_admin.get(f"/organisatie/{linde.ura}/audit?formaat=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode()), delimiter=";"))
    assert rows[0][:3] == ["volgnummer", "tijd", "gebeurtenis"]
    assert any(row[2] == "person.blocked" and row[4] == f"person:{bram.id}" for row in rows[1:])
    assert AuditEvent.objects.filter(event="audit.exported", organisation=linde.ura).exists()
    assert verify().ok


def test_the_operator_sees_everything(setting, client):
    from tests.integration.test_card_purposes import activate, log_in
    from zorgid import clock
    from zorgid.identities.services import add_operator

    operator = add_operator("Olga", "Operator", clock.parse_date("01-01-1975"), actor="t")
    browser = log_in(client, activate(client, operator.payload("http://testserver").to_uri()))
    page = browser.get("/beheer/audit?soort=organisation.added").content.decode()
    assert "organisation:90000382" in page and "organisation:90000999" in page
    assert setting[2].get("/beheer/audit").status_code == 403
