"""The audit viewer (R-SEC-AUDIT): own organisation only, filters, CSV export; the operator sees all."""

import csv
import io

import pytest

from tests.integration.administration.test_administration import person_with_role, register
from zorgid.audit.models import AuditEvent
from zorgid.audit.services import verify
from zorgid.identities.models import Person
from zorgid.organisations.models import Role
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
    assert verify(check_anchor=False).ok  # a test in a transaction never commits: no anchor (tests/unit/audit)


def test_the_operator_sees_everything(setting, client):
    from tests.integration.test_card_purposes import activate, log_in
    from zorgid import clock
    from zorgid.organisations.roles import add_operator

    operator = add_operator("Olga", "Operator", clock.parse_date("01-01-1975"), actor="t")
    browser = log_in(client, activate(client, operator.payload("http://testserver").to_uri()))
    page = browser.get("/beheer/audit?soort=organisation.added").content.decode()
    assert "organisation:90000382" in page and "organisation:90000999" in page
    assert setting[2].get("/beheer/audit").status_code == 403


def _exported(browser, ura) -> list[dict]:
    response = browser.get(f"/organisatie/{ura}/audit?formaat=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode()), delimiter=";"))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_a_person_in_two_organisations_shows_in_each_only_what_belongs_there(setting, client):
    """Otto is administrator of Oost and beheerder of De Linde; Olga is operator and beheerder of De Linde. De Linde
    sees their logins and IDs, not what Otto did in Oost, not what Oost recorded about him, not Olga's operator
    work."""
    from tests.integration.test_card_purposes import activate, log_in
    from zorgid import clock
    from zorgid.audit.services import record
    from zorgid.organisations.roles import add_operator, grant_role

    linde, oost, linde_admin, oost_admin, _ = setting
    otto = Person.objects.get(first_names="Otto")
    grant_role(otto, Role.BEHEERDER, linde, actor="t")
    register(oost_admin, oost.ura, first_names="Olga", last_name="Oostveen")
    oostveen = Person.objects.get(last_name="Oostveen")
    assert oost_admin.post(f"/organisatie/{oost.ura}/medewerkers/{oostveen.id}/block").status_code == 302
    record("person.changed", actor="person:someone", subject=f"person:{otto.id}", details={"ura": oost.ura})
    operator = add_operator("Olga", "Operator", clock.parse_date("01-01-1975"), actor="t")
    grant_role(operator.person, Role.BEHEERDER, linde, actor="t")
    olga = log_in(client, activate(client, operator.payload("http://testserver").to_uri()))
    assert olga.get("/beheer/audit?formaat=csv").status_code == 200

    seen = _exported(linde_admin, linde.ura)
    assert all(row["organisatie"] in ("", linde.ura) for row in seen), seen
    by_otto = {(row["gebeurtenis"], row["wat/wie"].split(":")[0]) for row in seen if row["wie"] == f"person:{otto.id}"}
    assert ("login.approved", "login_flow") in by_otto and ("mobile_id.activated", "mobile_id") in by_otto
    assert not [row for row in seen if row["wat/wie"] == f"person:{oostveen.id}"]
    assert not [row for row in seen if row["gebeurtenis"] == "person.changed"]
    assert not [row for row in seen if row["gebeurtenis"] == "audit.exported" and row["organisatie"] == ""]
    assert ("role.granted", f"person:{otto.id}") in {(row["gebeurtenis"], row["wat/wie"]) for row in seen}

    in_oost = _exported(oost_admin, oost.ura)
    assert [row for row in in_oost if row["wat/wie"] == f"person:{oostveen.id}" and row["gebeurtenis"] ==
            "person.blocked"]
    assert not [row for row in in_oost if row["organisatie"] == linde.ura]
