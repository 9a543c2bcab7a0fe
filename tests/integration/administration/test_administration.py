"""The organisation's own administration through HTTP (R-ROLE-ADM, R-ROLE-BEH, R-FLOW-BEHREG, R-FLOW-PIN,
R-SEC-AUTHZ): register with a WID check, hand-over QR, activation, revoke, block, re-issue, delete, roles."""

import datetime as dt
import json
import re

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client

from tests.integration.test_card_purposes import activate, log_in
from tests.integration.test_login_api import approve, fetch, start_flow, status
from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.identities.models import ActivationCode, MobileId, Person, WidCheck
from zorgid.organisations.models import Role
from zorgid.organisations.roles import add_operator, grant_role
from zorgid.organisations.services import add_organisation
from zorgid.protocol.payloads import parse_payload

pytestmark = pytest.mark.django_db

WID = {"document_type": "paspoort", "number_last4": "X12B", "expiry_date": "2031-01-01", "confirmed": "on"}


def person_with_role(client, role: str, organisation, name: str):
    """A person with ``role`` in ``organisation``, his app activated and logged in; returns (browser, person)."""
    issued = add_operator(name, "Test", clock.parse_date("01-01-1980"), actor="test")
    person = issued.person
    person.roles.all().delete()
    grant_role(person, role, organisation, actor="test")
    device = activate(client, issued.payload("http://testserver").to_uri())
    return log_in(client, device), person


@pytest.fixture
def orgs(db):
    return (add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t"),
            add_organisation(name="Ziekenhuis Oost", ura="90000999", kvk="87654321", actor="t"))


def register(browser: Client, ura: str, **fields):
    """Register an employee; the answer is the hand-over page itself (the QR is shown once, never stored)."""
    response = browser.post(f"/organisatie/{ura}/medewerkers/nieuw", {
        "first_names": "Bram", "last_name": "Bakker", "birth_date": "1990-06-01", **WID, **fields})
    assert response.status_code == 200, response.content.decode()[:2000]
    return response


def handover_payload(response) -> str:
    page = response.content.decode()
    return re.search(r'data-testid="handover-payload">([^<]+)<', page).group(1).replace("&amp;", "&")


def test_beheerder_registers_an_employee_who_activates_and_logs_in(client, orgs):
    linde, _ = orgs
    beheerder, manager = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    handover = register(beheerder, linde.ura)
    assert handover["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    bram = Person.objects.get(last_name="Bakker")
    check = WidCheck.objects.get(person=bram)
    assert (check.document_type, check.number_last4, check.checked_by) == ("paspoort", "X12B", manager)
    device = activate(client, handover_payload(handover))
    assert "Bram Bakker" in log_in(client, device).get("/overzicht").content.decode()
    page = beheerder.get(f"/organisatie/{linde.ura}/medewerkers?q=bak").content.decode()
    assert "Bakker, Bram" in page
    detail = beheerder.get(f"/organisatie/{linde.ura}/medewerkers/{bram.id}").content.decode()
    assert device.mobile_id[:8] in detail and "Mobile ID geactiveerd" in detail and "X12B" in detail


@pytest.mark.parametrize("change, message", [
    ({"expiry_date": "2020-01-01"}, "ZID-WID-EXPIRED"),
    ({"number_last4": "12"}, "Vul precies 4 letters of cijfers in"),
    ({"confirmed": ""}, "vereist"),
    ({"document_type": "bibliotheekpas"}, "geen beschikbare keuze"),
    ({"birth_date": "2999-01-01"}, "kan niet kloppen"),
])
def test_registration_refuses_bad_wid_data(client, orgs, change, message):
    beheerder, _ = person_with_role(client, Role.BEHEERDER, orgs[0], "Beppie")
    response = beheerder.post(f"/organisatie/{orgs[0].ura}/medewerkers/nieuw", {
        "first_names": "Bram", "last_name": "Bakker", "birth_date": "1990-06-01", **WID, **change})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Person.objects.filter(last_name="Bakker").exists()


def test_lost_phone_revoke_block_and_a_new_qr(client, orgs):
    linde, _ = orgs
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    handover = register(beheerder, linde.ura)
    bram = Person.objects.get(last_name="Bakker")
    device = activate(client, handover_payload(handover))
    bram_browser = log_in(client, device)
    beheerder.post(f"/organisatie/{linde.ura}/medewerkers/{bram.id}/block", {"confirm": "ja"})
    assert bram_browser.get("/overzicht").status_code == 403  # at once, everywhere
    flow_id = start_flow(Client())
    assert approve(client, flow_id, device.approval(fetch(client, flow_id).json())).json()["error"]["code"] == \
        "ZID-PERSON-BLOCKED"
    beheerder.post(f"/organisatie/{linde.ura}/medewerkers/{bram.id}/unblock")
    assert bram_browser.get("/overzicht").status_code == 403  # the session from before the block stays over
    again = log_in(client, device)  # but his app logs in again
    assert again.get("/overzicht").status_code == 200
    beheerder.post(f"/organisatie/{linde.ura}/medewerkers/{bram.id}/revoke",
                   {"mobile_id": device.mobile_id, "confirm": "ja"})
    assert again.get("/overzicht").status_code == 403
    assert MobileId.objects.get(id=device.mobile_id).status == "revoked"
    response = beheerder.post(f"/organisatie/{linde.ura}/medewerkers/{bram.id}/nieuwe-qr", WID)
    assert response.status_code == 200 and 'data-testid="existing-ids"' not in response.content.decode()
    new_device = activate(client, handover_payload(response))
    browser = Client()
    flow_id = start_flow(browser)
    assert approve(client, flow_id, new_device.approval(fetch(client, flow_id).json())).status_code == 200
    assert status(browser, flow_id).json()["state"] == "done"
    events = set(AuditEvent.objects.values_list("event", flat=True))
    assert {"person.blocked", "person.unblocked", "mobile_id.revoked", "wid.checked"} <= events


def test_deleting_the_last_organisation_revokes_the_id(client, orgs):
    linde, _ = orgs
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    device = activate(client, handover_payload(register(beheerder, linde.ura)))
    bram = Person.objects.get(last_name="Bakker")
    unconfirmed = beheerder.post(f"/organisatie/{linde.ura}/medewerkers/{bram.id}/delete")
    assert unconfirmed.status_code == 400 and 'data-testid="unconfirmed"' in unconfirmed.content.decode()
    assert bram.roles.exists() and MobileId.objects.get(id=device.mobile_id).status == "active"
    response = beheerder.post(f"/organisatie/{linde.ura}/medewerkers/{bram.id}/delete", {"confirm": "ja"})
    assert response["Location"] == f"/organisatie/{linde.ura}/medewerkers"
    assert not bram.roles.exists() and MobileId.objects.get(id=device.mobile_id).status == "revoked"


def test_administrator_assigns_beheerder_and_keeps_the_last_administrator(client, orgs):
    linde, _ = orgs
    admin, admin_person = person_with_role(client, Role.ADMINISTRATOR, linde, "Anna")
    register(admin, linde.ura)
    bram = Person.objects.get(last_name="Bakker")
    admin.post(f"/organisatie/{linde.ura}/medewerkers/{bram.id}/make-beheerder")
    assert bram.roles.filter(role=Role.BEHEERDER, organisation=linde).exists()
    response = admin.post(f"/organisatie/{linde.ura}/medewerkers/{admin_person.id}/remove-administrator",
                          {"confirm": "ja"})
    assert response.status_code == 409 and "ZID-ORG-LAST-ADMINISTRATOR" in response.content.decode()
    admin.post(f"/organisatie/{linde.ura}/medewerkers/{bram.id}/make-administrator")
    admin.post(f"/organisatie/{linde.ura}/medewerkers/{admin_person.id}/remove-administrator",
               {"confirm": "ja"})  # hand-over
    assert not admin_person.roles.filter(role=Role.ADMINISTRATOR).exists()
    assert bram.roles.filter(role=Role.ADMINISTRATOR, organisation=linde).exists()


def test_a_beheerder_cannot_assign_roles(client, orgs):
    linde, _ = orgs
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    register(beheerder, linde.ura)
    bram = Person.objects.get(last_name="Bakker")
    response = beheerder.post(f"/organisatie/{linde.ura}/medewerkers/{bram.id}/make-beheerder")
    assert response.status_code == 403
    assert not bram.roles.filter(role=Role.BEHEERDER).exists()


def test_nothing_of_another_organisation_is_visible_or_changeable(client, orgs):
    linde, oost = orgs
    beheerder_linde, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    beheerder_oost, _ = person_with_role(client, Role.BEHEERDER, oost, "Otto")
    register(beheerder_linde, linde.ura)
    bram = Person.objects.get(last_name="Bakker")
    for method, path in (("get", f"/organisatie/{linde.ura}"), ("get", f"/organisatie/{linde.ura}/medewerkers"),
                         ("get", f"/organisatie/{linde.ura}/medewerkers/{bram.id}"),
                         ("post", f"/organisatie/{linde.ura}/medewerkers/{bram.id}/block"),
                         ("post", f"/organisatie/{linde.ura}/medewerkers/nieuw")):
        assert getattr(beheerder_oost, method)(path).status_code == 403, path
    # through his own organisation's addresses, Oost's beheerder does not reach Linde's employee either
    assert beheerder_oost.get(f"/organisatie/{oost.ura}/medewerkers/{bram.id}").status_code == 404
    assert beheerder_oost.post(f"/organisatie/{oost.ura}/medewerkers/{bram.id}/block",
                               {"confirm": "ja"}).status_code == 404
    assert "Bakker, Bram" not in beheerder_oost.get(f"/organisatie/{oost.ura}/medewerkers?q=Bakker").content.decode()
    employee_browser, _ = person_with_role(client, Role.MEDEWERKER, linde, "Mies")
    assert employee_browser.get(f"/organisatie/{linde.ura}/medewerkers").status_code == 403
    assert Client().get(f"/organisatie/{linde.ura}/medewerkers").status_code == 403
    assert Person.objects.get(pk=bram.pk).blocked_at is None


def test_paging_and_search_by_birth_date(client, orgs):
    linde, _ = orgs
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    for n in range(30):
        person = Person.objects.create(first_names=f"P{n:02d}", last_name="Jansen", birth_date=dt.date(1970, 1, 1),
                                       created_at=clock.now())
        grant_role(person, Role.MEDEWERKER, linde, actor="test")
    first = beheerder.get(f"/organisatie/{linde.ura}/medewerkers?q=jansen").content.decode()
    assert first.count("Jansen, P") == 25 and 'data-testid="next-page"' in first
    second = beheerder.get(f"/organisatie/{linde.ura}/medewerkers" + next_link(first)).content.decode()
    assert second.count("Jansen, P") == 5 and "Pagina 2" in second
    born = beheerder.get(f"/organisatie/{linde.ura}/medewerkers?geboortedatum=01-01-1970").content.decode()
    assert "geboortedatum=01-01-1970" in next_link(born)
    born = beheerder.get(f"/organisatie/{linde.ura}/medewerkers" + next_link(born)).content.decode()
    assert born.count("Jansen, P") == 5


def next_link(page: str) -> str:
    return re.search(r'<a href="(\?[^"]*)" rel="next"', page).group(1).replace("&amp;", "&")


def test_the_administrator_hands_his_role_over_in_one_step(client, orgs):
    linde, _ = orgs
    admin, anna = person_with_role(client, Role.ADMINISTRATOR, linde, "Anna")
    register(admin, linde.ura)
    bram = Person.objects.get(last_name="Bakker")
    assert admin.post(f"/organisatie/{linde.ura}/medewerkers/{anna.id}/hand-over",
                      {"confirm": "ja"}).status_code == 409  # to himself
    response = admin.post(f"/organisatie/{linde.ura}/medewerkers/{bram.id}/hand-over", {"confirm": "ja"})
    assert response["Location"] == "/overzicht"
    assert bram.roles.filter(role=Role.ADMINISTRATOR, organisation=linde).exists()
    assert not anna.roles.filter(role=Role.ADMINISTRATOR, organisation=linde).exists()
    assert AuditEvent.objects.filter(event="role.handed_over").exists()
    assert admin.get(f"/organisatie/{linde.ura}/medewerkers").status_code == 403  # no longer a manager there


def stored_anywhere(secret: str) -> list[str]:
    """The tables (and the decoded portal sessions) that hold ``secret`` anywhere in any column."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (our own table names)
            for row in cursor.fetchall():
                text = " ".join(bytes(v).decode("latin-1") if isinstance(v, bytes | memoryview) else str(v)
                                for v in row)
                if secret in text:
                    found.append(table)
    found += [f"session {s.session_key}" for s in Session.objects.all() if secret in repr(s.get_decoded())]
    return found


def test_the_handover_code_is_kept_in_no_session_and_no_table(client, orgs):
    linde, _ = orgs
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    response = beheerder.post(f"/organisatie/{linde.ura}/medewerkers/nieuw", {  # wherever the QR is shown
        "first_names": "Bram", "last_name": "Bakker", "birth_date": "1990-06-01", **WID}, follow=True)
    registered = parse_payload(handover_payload(response)).code
    bram = Person.objects.get(last_name="Bakker")
    response = beheerder.post(f"/organisatie/{linde.ura}/medewerkers/{bram.id}/nieuwe-qr", WID, follow=True)
    reissued = parse_payload(handover_payload(response)).code
    assert Session.objects.exists()  # the beheerder's session is there, without the codes
    assert stored_anywhere(registered) == [] and stored_anywhere(reissued) == []
    assert ActivationCode.objects.filter(person=bram).count() == 2  # by their hashes
    old_address = beheerder.get(f"/organisatie/{linde.ura}/medewerkers/{bram.id}/overdracht")
    assert old_address["Location"] == f"/organisatie/{linde.ura}/medewerkers/{bram.id}"
    activate(client, handover_payload(register(beheerder, linde.ura, first_names="Cor")))  # one more works


def test_a_new_qr_names_the_ids_that_stay_active(client, orgs):
    linde, _ = orgs
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    device = activate(client, handover_payload(register(beheerder, linde.ura)))
    bram = Person.objects.get(last_name="Bakker")
    detail = beheerder.get(f"/organisatie/{linde.ura}/medewerkers/{bram.id}").content.decode()
    assert 'data-testid="reissue-existing-ids"' in detail
    response = beheerder.post(f"/organisatie/{linde.ura}/medewerkers/{bram.id}/nieuwe-qr", WID)
    page = response.content.decode()
    assert 'data-testid="existing-ids"' in page and device.mobile_id[:8] in page and 'data-testid="handover-qr"' in page
    issued = AuditEvent.objects.filter(event="activation_code.issued", subject=f"person:{bram.id}").order_by("seq")
    assert [json.loads(event.details)["existing_mobile_ids"] for event in issued] == [[], [device.mobile_id]]
    new_device = activate(client, handover_payload(response))
    assert set(MobileId.objects.filter(person=bram, status="active").values_list("id", flat=True)) == {
        device.mobile_id, new_device.mobile_id}  # the old one stays active until revoked


def test_registering_the_same_employee_again_links_him_without_a_qr(client, orgs):
    linde, _ = orgs
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    device = activate(client, handover_payload(register(beheerder, linde.ura)))
    page = register(beheerder, linde.ura, first_names="bram").content.decode()
    assert 'data-testid="handover-qr"' not in page and 'data-testid="existing-ids"' in page
    assert device.mobile_id[:8] in page
    bram = Person.objects.get(last_name="Bakker")
    assert ActivationCode.objects.filter(person=bram).count() == 1 and WidCheck.objects.filter(person=bram).count() == 2
    linked = AuditEvent.objects.get(event="employee.linked")
    assert linked.subject == f"person:{bram.id}"
    assert json.loads(linked.details)["existing_mobile_ids"] == [device.mobile_id]
