"""A beheerder's WID check taken from his own WID scan app (R-FLOW-BEHREG, R-FLOW-WIDSCAN; docs/architecture.md,
"The WID scan app"): the registration, new-QR, correction and smartcard link forms take the code it showed instead of
the typed data, once, within 60 minutes, only his own and only of a valid document; the employee's page says how
each check was made."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.integration.administration.test_administration import WID, handover_payload
from tests.integration.organisations.test_smartcard_links import software_card
from tests.integration.test_card_purposes import activate, log_in
from tests.integration.widscan.beheerders import beheerder
from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.identities.models import Person, WidCheck
from zorgid.organisations.models import Role, SmartcardLink
from zorgid.organisations.roles import grant_role
from zorgid.organisations.services import add_organisation
from zorgid.organisations.smartcard_links import linked_organisations
from zorgid.widscan.models import WidScanCheck

pytestmark = pytest.mark.django_db

EMPLOYEE = {"first_names": "Bram", "last_name": "Bakker", "birth_date": "1990-06-01"}


@pytest.fixture
def orgs(db):
    return (add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t"),
            add_organisation(name="Ziekenhuis Oost", ura="90000999", kvk="87654321", actor="t"))


@pytest.fixture
def beppie(client, orgs):
    return beheerder(client, orgs[0], "Beppie")


def post_registration(browser, ura: str, **fields):
    return browser.post(f"/organisatie/{ura}/medewerkers/nieuw", {**EMPLOYEE, "confirmed": "on", **fields})


def refused_with(response, code: str) -> None:
    page = response.content.decode()
    assert response.status_code == 400, page[:2000]
    assert code in page and 'id="id_scan_code_error"' in page
    assert not Person.objects.filter(last_name="Bakker").exists()


def test_the_forms_offer_the_scan_code_beside_the_typed_data(orgs, beppie):
    page = beppie.browser.get(f"/organisatie/{orgs[0].ura}/medewerkers/nieuw").content.decode()
    fieldset = page[page.index('data-testid="wid-fieldset"'):page.index("</fieldset>", page.index("wid-fieldset"))]
    assert "Identiteitsbewijs" in fieldset and "WID scan-code" in fieldset
    assert all(f'name="{name}"' in fieldset for name in ("scan_code", "document_type", "number_last4",
                                                         "expiry_date"))
    assert post_registration(beppie.browser, orgs[0].ura, **WID).status_code == 200
    bram = Person.objects.get(last_name="Bakker")
    page = beppie.browser.get(f"/organisatie/{orgs[0].ura}/medewerkers/{bram.id}").content.decode()
    assert 'data-testid="wid-fieldset"' in page and 'name="scan_code"' in page


def test_an_employee_registered_with_a_scan_code_has_a_scanned_wid_check(client, orgs, beppie):
    reference = beppie.reference()
    response = post_registration(beppie.browser, orgs[0].ura, scan_code=f" {reference[:4].lower()}-{reference[4:]} ")
    assert response.status_code == 200, response.content.decode()[:2000]
    bram = Person.objects.get(last_name="Bakker")
    check = WidCheck.objects.get(person=bram)
    assert (check.method, check.document_type, check.number_last4, check.expiry_date, check.checked_by) == (
        "gescand", "paspoort", "X7K9", dt.date(2031, 5, 17), beppie.person)
    scan = WidScanCheck.objects.get(reference=reference)
    assert scan.used_at is not None and scan.used_for == check
    event = AuditEvent.objects.get(event="wid.checked", subject=f"person:{bram.id}")
    assert event.actor == f"person:{beppie.person.id}"
    assert json.loads(event.details) == {"ura": orgs[0].ura, "document": "paspoort", "last4": "X7K9",
                                         "method": "gescand", "widscan_check": scan.id}
    device = activate(client, handover_payload(response))  # the hand-over QR works as after a typed check
    assert "Bram Bakker" in log_in(client, device).get("/overzicht").content.decode()
    page = beppie.browser.get(f"/organisatie/{orgs[0].ura}/medewerkers/{bram.id}").content.decode()
    assert '<span data-testid="wid-check-method">gescand met de WID scan app</span>' in page


def test_a_typed_check_is_recorded_as_typed(orgs, beppie):
    assert post_registration(beppie.browser, orgs[0].ura, **WID).status_code == 200
    check = WidCheck.objects.get(person__last_name="Bakker")
    assert check.method == "getypt"
    assert json.loads(AuditEvent.objects.get(event="wid.checked").details)["method"] == "getypt"
    page = beppie.browser.get(f"/organisatie/{orgs[0].ura}/medewerkers/{check.person_id}").content.decode()
    assert '<span data-testid="wid-check-method">getypt</span>' in page


def test_a_new_qr_takes_a_scan_code_too(orgs, beppie):
    assert post_registration(beppie.browser, orgs[0].ura, **WID).status_code == 200
    bram = Person.objects.get(last_name="Bakker")
    reference = beppie.reference()
    response = beppie.browser.post(f"/organisatie/{orgs[0].ura}/medewerkers/{bram.id}/nieuwe-qr",
                                   {"scan_code": reference, "confirmed": "on"})
    assert response.status_code == 200, response.content.decode()[:2000]
    assert [check.method for check in WidCheck.objects.filter(person=bram)] == ["gescand", "getypt"]
    assert WidScanCheck.objects.get(reference=reference).used_for.person == bram


def test_an_unknown_code_is_refused(orgs, beppie):
    refused_with(post_registration(beppie.browser, orgs[0].ura, scan_code="ABCD2345"),
                 "ZID-WIDSCAN-REFERENCE-UNKNOWN")


def test_a_code_is_used_once(orgs, beppie):
    reference = beppie.reference()
    assert post_registration(beppie.browser, orgs[0].ura, scan_code=reference).status_code == 200
    response = post_registration(beppie.browser, orgs[0].ura, scan_code=reference, first_names="Cor")
    page = response.content.decode()
    assert response.status_code == 400 and "ZID-WIDSCAN-REFERENCE-USED" in page
    assert not Person.objects.filter(first_names="Cor").exists()
    assert WidCheck.objects.count() == 1


def test_a_code_older_than_60_minutes_is_refused(client, orgs, beppie):
    reference = beppie.reference()
    clock.move(dt.timedelta(minutes=61))
    browser = log_in(client, beppie.device)  # a portal session of an hour ago may have ended
    refused_with(post_registration(browser, orgs[0].ura, scan_code=reference), "ZID-WIDSCAN-REFERENCE-EXPIRED")
    assert WidScanCheck.objects.get(reference=reference).used_at is None


def test_a_code_of_59_minutes_is_taken(client, orgs, beppie):
    reference = beppie.reference()
    clock.move(dt.timedelta(minutes=59))
    browser = log_in(client, beppie.device)
    assert post_registration(browser, orgs[0].ura, scan_code=reference).status_code == 200


def test_another_beheerders_code_is_refused(client, orgs, beppie):
    other = beheerder(client, orgs[0], "Karin")
    reference = other.reference()
    refused_with(post_registration(beppie.browser, orgs[0].ura, scan_code=reference),
                 "ZID-WIDSCAN-REFERENCE-NOT-YOURS")
    assert WidScanCheck.objects.get(reference=reference).used_at is None
    assert post_registration(other.browser, orgs[0].ura, scan_code=reference).status_code == 200  # his own


def test_another_organisations_beheerder_is_refused(client, orgs, beppie):
    linde, oost = orgs
    stranger = beheerder(client, oost, "Olga")
    reference = beppie.reference()
    refused_with(post_registration(stranger.browser, oost.ura, scan_code=reference),
                 "ZID-WIDSCAN-REFERENCE-NOT-YOURS")
    response = post_registration(stranger.browser, linde.ura, scan_code=stranger.reference())
    assert response.status_code in (403, 404)
    assert not Person.objects.filter(last_name="Bakker").exists()
    assert not WidScanCheck.objects.filter(used_at__isnull=False).exists()


def test_a_patient_check_gives_no_code(orgs, beppie):
    response = beppie.scanner.record(purpose="patient")
    assert response.status_code == 201 and "reference" not in response.json()
    assert WidScanCheck.objects.get(id=response.json()["check"]).reference is None


def test_an_invalid_documents_code_is_refused(orgs, beppie):
    reference = beppie.reference(outcome="ongeldig")
    refused_with(post_registration(beppie.browser, orgs[0].ura, scan_code=reference),
                 "ZID-WIDSCAN-REFERENCE-INVALID-DOCUMENT")
    assert WidScanCheck.objects.get(reference=reference).used_at is None


def test_both_a_code_and_typed_data_are_refused_and_the_input_kept(orgs, beppie):
    reference = beppie.reference()
    response = post_registration(beppie.browser, orgs[0].ura, scan_code=reference, **WID)
    page = response.content.decode()
    assert response.status_code == 400 and "niet allebei" in page
    assert f'value="{reference}"' in page and 'value="X12B"' in page and 'value="Bram"' in page
    assert not Person.objects.filter(last_name="Bakker").exists()
    assert WidScanCheck.objects.get(reference=reference).used_at is None


def test_neither_a_code_nor_typed_data_is_refused(orgs, beppie):
    response = post_registration(beppie.browser, orgs[0].ura)
    page = response.content.decode()
    assert response.status_code == 400 and "Neem de WID scan-code over" in page
    assert not Person.objects.filter(last_name="Bakker").exists()


def test_a_code_of_the_wrong_form_is_refused_at_its_field(orgs, beppie):
    response = post_registration(beppie.browser, orgs[0].ura, scan_code="ABC10OI!")
    page = response.content.decode()
    assert response.status_code == 400 and "8 letters en cijfers" in page and 'id="id_scan_code_error"' in page


def test_a_refused_registration_leaves_the_code_unused(orgs, beppie):
    """The code is used in the registration's own transaction: a refusal after it was taken undoes the use. Bram,
    registered before and now an administrator without an active ID, is linked again; only an administrator may
    give him a new QR, so the beheerder's registration is refused after his WID check was recorded."""
    assert post_registration(beppie.browser, orgs[0].ura, **WID).status_code == 200
    bram = Person.objects.get(last_name="Bakker")
    grant_role(bram, Role.ADMINISTRATOR, orgs[0], actor="test")
    reference = beppie.reference()
    response = post_registration(beppie.browser, orgs[0].ura, scan_code=reference)
    assert response.status_code == 403 and "ZID-" in response.content.decode()
    assert WidScanCheck.objects.get(reference=reference).used_at is None
    assert WidCheck.objects.filter(person=bram).count() == 1


def test_a_smartcard_is_linked_after_a_scanned_check(client, orgs, beppie):
    """Linking an employee's ZORG-ID Smartcard to another organisation takes the code too (its form has a prefix)."""
    linde, oost = orgs
    assert post_registration(beppie.browser, linde.ura, **WID).status_code == 200
    bram = Person.objects.get(last_name="Bakker")
    card = software_card(bram, linde)
    grant_role(bram, Role.MEDEWERKER, oost, actor="test")
    olga = beheerder(client, oost, "Olga")
    path = f"/organisatie/{oost.ura}/medewerkers/{bram.id}/smartcard/koppelen"
    refused = olga.browser.post(path, {"smartcard-scan_code": beppie.reference(), "smartcard-confirmed": "on"})
    assert refused.status_code == 400 and "ZID-WIDSCAN-REFERENCE-NOT-YOURS" in refused.content.decode()
    assert 'id="id_smartcard-scan_code_error"' in refused.content.decode()
    reference = olga.reference()
    answer = olga.browser.post(path, {"smartcard-scan_code": reference, "smartcard-confirmed": "on"})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert linked_organisations(card) == [linde, oost]
    link = SmartcardLink.objects.get(organisation=oost)
    assert (link.wid_check.method, link.wid_check.checked_by) == ("gescand", olga.person)
    assert WidScanCheck.objects.get(reference=reference).used_for == link.wid_check


def test_a_correction_shows_the_scanned_document_and_takes_the_code_only_when_confirmed(orgs, beppie):
    assert post_registration(beppie.browser, orgs[0].ura, **WID).status_code == 200
    bram = Person.objects.get(last_name="Bakker")
    path = f"/organisatie/{orgs[0].ura}/medewerkers/{bram.id}/gegevens"
    reference = beppie.reference()
    correction = {"first_names": "Bram", "last_name": "Bakker", "birth_date": "11-06-1990", "confirmed": "on",
                  "reason": "Geboortedatum verkeerd overgenomen.", "scan_code": reference}
    confirm = beppie.browser.post(path, correction)
    page = confirm.content.decode()
    assert confirm.status_code == 200 and 'data-testid="correct-confirm"' in page, page[:2000]
    assert "…X7K9, geldig tot 17-05-2031, gescand met de WID scan app" in page
    assert WidScanCheck.objects.get(reference=reference).used_at is None  # not before the confirmation
    done = beppie.browser.post(path, {**correction, "bevestigd": "ja"})
    assert done.status_code == 302, done.content.decode()[:2000]
    bram.refresh_from_db()
    assert bram.birth_date == dt.date(1990, 6, 11)
    check = WidCheck.objects.filter(person=bram).first()  # the newest
    assert check.method == "gescand" and WidScanCheck.objects.get(reference=reference).used_for == check
    again = beppie.browser.post(path, {**correction, "birth_date": "12-06-1990", "bevestigd": "ja"})
    assert again.status_code == 409 and "ZID-WIDSCAN-REFERENCE-USED" in again.content.decode()
    bram.refresh_from_db()
    assert bram.birth_date == dt.date(1990, 6, 11)


BRAM_BORN = dt.date(1990, 6, 1)  # EMPLOYEE's birth date


def test_a_scanned_document_with_the_employees_birth_date_registers_him(orgs, beppie):
    reference = beppie.reference(holder_birth_date=BRAM_BORN)
    assert WidScanCheck.objects.get(reference=reference).holder_digest not in ("", BRAM_BORN.isoformat())
    response = post_registration(beppie.browser, orgs[0].ura, scan_code=reference)
    assert response.status_code == 200, response.content.decode()[:2000]
    assert WidCheck.objects.get(person__last_name="Bakker").method == "gescand"


def test_a_scanned_document_of_someone_born_on_another_day_is_refused_and_its_code_stays_unused(orgs, beppie):
    reference = beppie.reference(holder_birth_date=BRAM_BORN + dt.timedelta(days=1))
    refused_with(post_registration(beppie.browser, orgs[0].ura, scan_code=reference),
                 "ZID-WIDSCAN-REFERENCE-OTHER-PERSON")
    assert WidScanCheck.objects.get(reference=reference).used_at is None
    assert not WidCheck.objects.exists()
    # the birth date was typed wrongly: typed as the document has it, the same code registers him
    fixed = post_registration(beppie.browser, orgs[0].ura, scan_code=reference, birth_date="1990-06-02")
    assert fixed.status_code == 200, fixed.content.decode()[:2000]
    assert Person.objects.get(last_name="Bakker").birth_date == dt.date(1990, 6, 2)


def test_a_new_qr_refuses_a_document_of_someone_else(orgs, beppie):
    assert post_registration(beppie.browser, orgs[0].ura, **WID).status_code == 200
    bram = Person.objects.get(last_name="Bakker")
    reference = beppie.reference(holder_birth_date=dt.date(1975, 3, 12))
    response = beppie.browser.post(f"/organisatie/{orgs[0].ura}/medewerkers/{bram.id}/nieuwe-qr",
                                   {"scan_code": reference, "confirmed": "on"})
    assert response.status_code == 400 and "ZID-WIDSCAN-REFERENCE-OTHER-PERSON" in response.content.decode()
    assert [check.method for check in WidCheck.objects.filter(person=bram)] == ["getypt"]
    assert WidScanCheck.objects.get(reference=reference).used_at is None


def test_a_correction_compares_the_document_with_the_corrected_birth_date(orgs, beppie):
    assert post_registration(beppie.browser, orgs[0].ura, **WID).status_code == 200
    bram = Person.objects.get(last_name="Bakker")
    path = f"/organisatie/{orgs[0].ura}/medewerkers/{bram.id}/gegevens"
    reference = beppie.reference(holder_birth_date=dt.date(1990, 6, 11))  # the document has the right date
    correction = {"first_names": "Bram", "last_name": "Bakker", "confirmed": "on",
                  "reason": "Geboortedatum verkeerd overgenomen.", "scan_code": reference}
    wrong = beppie.browser.post(path, {**correction, "birth_date": "12-06-1990"})  # mistyped again
    assert wrong.status_code == 422 and "ZID-WIDSCAN-REFERENCE-OTHER-PERSON" in wrong.content.decode()
    done = beppie.browser.post(path, {**correction, "birth_date": "11-06-1990", "bevestigd": "ja"})
    assert done.status_code == 302, done.content.decode()[:2000]
    bram.refresh_from_db()
    assert bram.birth_date == dt.date(1990, 6, 11)
