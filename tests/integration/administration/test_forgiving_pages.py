"""The administration pages forgive a practice manager (R-ROLE-ADM, R-ROLE-BEH, R-FLOW-BEHREG): nothing destructive
in one click (a confirmation page first, portal.confirmations), a banner that says what each action did, only the
actions that apply to this person for this manager, forms that keep their input on an error, and imported
employees shown as waiting for their WID check until they get it."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.test import Client

from tests.integration.administration.test_administration import WID, handover_payload, person_with_role, register
from tests.integration.administration.test_who_manages_whom import operator_browser, someone
from tests.integration.test_card_purposes import activate
from zorgid.administration import importing
from zorgid.identities.models import MobileId, Person
from zorgid.identities.services import issue_activation_code
from zorgid.organisations.models import AdministratorRequest, Role
from zorgid.organisations.roles import grant_role
from zorgid.organisations.services import add_organisation

pytestmark = pytest.mark.django_db

ROLE_BUTTONS = ("make-beheerder", "remove-beheerder", "make-administrator", "remove-administrator", "hand-over")


@pytest.fixture
def linde(db):
    return add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")


def path(organisation, person, action: str = "") -> str:
    return f"/organisatie/{organisation.ura}/medewerkers/{person.id}" + (f"/{action}" if action else "")


def text(response) -> str:
    return html.unescape(response.content.decode())


def banners(response) -> list[str]:
    """The texts of the banners a page shows (base.html: data-testid="messages", before the page's heading)."""
    page = text(response)
    if 'data-testid="messages"' not in page:
        return []
    block = page.split('data-testid="messages"', 1)[1].split("<h1", 1)[0]
    return [" ".join(re.sub(r"<[^>]+>", " ", chunk.split(">", 1)[1]).split())
            for chunk in re.split(r'class="[^"]*\bbanner\b', block)[1:]]


def shown_buttons(page: str) -> set[str]:
    return {name for name in (*ROLE_BUTTONS, "block", "unblock", "delete", "revoke")
            if f'data-testid="{name}"' in page}


def employee_with_id(client, browser: Client, organisation, **names) -> tuple[Person, str]:
    """An employee registered on the page by ``browser``, his app activated: (person, his Mobile ID)."""
    response = register(browser, organisation.ura, **names)
    device = activate(client, handover_payload(response))
    return Person.objects.get(mobile_ids__id=device.mobile_id), device.mobile_id


# -- a confirmation before each destructive action, and a banner after it --------------------------------------


def confirms(browser: Client, url: str, data: dict, *, question: str) -> str:
    """The GET shows the question with Bevestigen and Annuleren; a POST without confirm=ja does nothing and shows
    it again; the confirmation page's own form carries the CSRF token and confirm=ja. Returns the GET page."""
    page = text(browser.get(url))
    assert "Weet u het zeker?" in page and question in page, page[:3000]
    assert 'name="csrfmiddlewaretoken"' in page and 'name="confirm" value="ja"' in page
    assert 'data-testid="confirm-button"' in page and 'data-testid="cancel"' in page
    again = browser.post(url, data)
    assert again.status_code == 400 and 'data-testid="unconfirmed"' in again.content.decode()
    return page


def test_blocking_asks_first_does_nothing_unconfirmed_and_says_what_it_did(client, linde):
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    bram, _ = employee_with_id(client, beheerder, linde)
    employee_page = text(beheerder.get(path(linde, bram)))
    assert f'href="{path(linde, bram, "block")}" data-testid="block"' in employee_page  # a link, not a POST form
    confirms(beheerder, path(linde, bram, "block"), {}, question="Bram Bakker wordt geblokkeerd.")
    assert Person.objects.get(pk=bram.pk).blocked_at is None
    done = beheerder.post(path(linde, bram, "block"), {"confirm": "ja"}, follow=True)
    assert Person.objects.get(pk=bram.pk).blocked_at is not None
    assert done.redirect_chain == [(path(linde, bram), 302)]
    assert banners(done) == ["Bram Bakker is geblokkeerd: hij kan nergens meer inloggen tot u hem deblokkeert."]
    assert shown_buttons(text(done)) == {"unblock", "delete", "revoke"}  # block XOR unblock
    unblocked = beheerder.post(path(linde, bram, "unblock"), follow=True)  # undoes itself: no confirmation
    assert banners(unblocked) == ["Bram Bakker is gedeblokkeerd en kan weer inloggen met zijn ZORG-ID."]
    assert Person.objects.get(pk=bram.pk).blocked_at is None
    assert banners(beheerder.get(path(linde, bram))) == []  # a banner is shown once


def test_revoking_asks_first_and_is_offered_only_for_active_mobile_ids(client, linde):
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    bram, mobile_id = employee_with_id(client, beheerder, linde)
    url = path(linde, bram, "revoke")
    page = confirms(beheerder, f"{url}?mobile_id={mobile_id}", {"mobile_id": mobile_id},
                    question=f"({mobile_id[:8]}) van Bram Bakker wordt ingetrokken.")
    assert f'name="mobile_id" value="{mobile_id}"' in page and "definitief" in page
    assert MobileId.objects.get(id=mobile_id).status == "active"
    done = beheerder.post(url, {"mobile_id": mobile_id, "confirm": "ja"}, follow=True)
    assert MobileId.objects.get(id=mobile_id).status == "revoked"
    assert len(banners(done)) == 1 and banners(done)[0].startswith("Mobile ID van ")
    assert banners(done)[0].endswith(f"({mobile_id[:8]}) van Bram Bakker is ingetrokken.")
    assert "revoke" not in shown_buttons(text(done))  # nothing active left to revoke
    assert beheerder.get(f"{url}?mobile_id={'0' * 32}").status_code == 404  # not his: ZID-EMPLOYEE-UNKNOWN


def test_deleting_asks_first_and_says_his_id_goes_with_his_last_organisation(client, linde):
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    bram, mobile_id = employee_with_id(client, beheerder, linde)
    page = confirms(beheerder, path(linde, bram, "delete"), {}, question="Bram Bakker wordt uit Huisartsenpraktijk "
                    "De Linde verwijderd.")
    assert "Dit is zijn laatste organisatie: zijn ZORG-ID (Mobile ID) wordt ingetrokken." in page
    assert bram.roles.exists()
    done = beheerder.post(path(linde, bram, "delete"), {"confirm": "ja"}, follow=True)
    assert done.redirect_chain == [(f"/organisatie/{linde.ura}/medewerkers", 302)]
    assert banners(done) == ["Bram Bakker is uit Huisartsenpraktijk De Linde verwijderd."]
    assert not bram.roles.exists() and MobileId.objects.get(id=mobile_id).status == "revoked"


def test_deleting_someone_of_two_organisations_says_his_id_stays(client, linde):
    oost = add_organisation(name="Ziekenhuis Oost", ura="90000999", kvk="87654321", actor="t")
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    sam = someone("Sam", (Role.MEDEWERKER, linde), (Role.MEDEWERKER, oost))
    page = text(beheerder.get(path(linde, sam, "delete")))
    assert "In zijn andere organisaties blijft hij werken met zijn ZORG-ID." in page


def test_taking_a_role_and_handing_over_ask_first_giving_one_does_not(client, linde):
    admin, anna = person_with_role(client, Role.ADMINISTRATOR, linde, "Anna")
    bram = someone("Bram", (Role.MEDEWERKER, linde))
    given = admin.post(path(linde, bram, "make-beheerder"), follow=True)
    assert banners(given) == ["Bram Doel is nu beheerder."]
    confirms(admin, path(linde, bram, "remove-beheerder"), {},
             question="Bram Doel is daarna geen beheerder meer van Huisartsenpraktijk De Linde.")
    assert bram.roles.filter(role=Role.BEHEERDER).exists()
    taken = admin.post(path(linde, bram, "remove-beheerder"), {"confirm": "ja"}, follow=True)
    assert banners(taken) == ["Bram Doel is geen beheerder meer."]
    assert not bram.roles.filter(role=Role.BEHEERDER).exists()
    made = admin.post(path(linde, bram, "make-administrator"), follow=True)
    assert banners(made) == ["Bram Doel is nu administrator."]
    confirms(admin, path(linde, bram, "remove-administrator"), {},
             question="Bram Doel is daarna geen administrator meer van Huisartsenpraktijk De Linde.")
    removed = admin.post(path(linde, bram, "remove-administrator"), {"confirm": "ja"}, follow=True)
    assert banners(removed) == ["Bram Doel is geen administrator meer."]
    confirms(admin, path(linde, bram, "hand-over"), {}, question="Bram Doel wordt administrator van "
             "Huisartsenpraktijk De Linde en u bent het daarna niet meer.")
    assert anna.roles.filter(role=Role.ADMINISTRATOR).exists()
    handed = admin.post(path(linde, bram, "hand-over"), {"confirm": "ja"}, follow=True)
    assert handed.redirect_chain == [("/overzicht", 302)]
    assert banners(handed) == ["U heeft uw administratorrol van Huisartsenpraktijk De Linde overgedragen aan Bram "
                               "Doel."]
    assert not anna.roles.filter(role=Role.ADMINISTRATOR).exists()


def test_a_confirmation_that_would_be_refused_is_refused_at_once(client, linde):
    admin, anna = person_with_role(client, Role.ADMINISTRATOR, linde, "Anna")
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    response = beheerder.get(path(linde, anna, "block"))
    assert response.status_code == 403 and "ZID-EMPLOYEE-ADMINISTRATOR-ONLY" in response.content.decode()
    response = admin.get(path(linde, anna, "delete"))  # the last administrator
    assert response.status_code == 409 and "ZID-ORG-LAST-ADMINISTRATOR" in response.content.decode()
    response = admin.get(path(linde, anna, "hand-over"))  # to himself
    assert response.status_code == 409
    assert admin.get(path(linde, anna, "make-beheerder")).status_code == 405  # giving a role is one POST


def test_the_cancel_link_leads_back_to_the_employee(client, linde):
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    bram = someone("Bram", (Role.MEDEWERKER, linde))
    page = text(beheerder.get(path(linde, bram, "block")))
    assert f'href="{path(linde, bram)}" data-testid="cancel"' in page


# -- only the actions that apply ----------------------------------------------------------------------------------


def test_a_beheerder_sees_no_role_buttons_and_nothing_he_may_not_do(client, linde):
    person_with_role(client, Role.ADMINISTRATOR, linde, "Anna")
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    bram, _ = employee_with_id(client, beheerder, linde)
    assert shown_buttons(text(beheerder.get(path(linde, bram)))) == {"block", "delete", "revoke"}
    anna = Person.objects.get(first_names="Anna")
    page = text(beheerder.get(path(linde, anna)))
    assert shown_buttons(page) == set() and 'data-testid="role-actions"' not in page
    assert 'data-testid="refused-id"' in page  # and the page says why


def test_an_administrator_sees_the_role_buttons_that_apply_to_the_person(client, linde):
    admin, anna = person_with_role(client, Role.ADMINISTRATOR, linde, "Anna")
    bram = someone("Bram", (Role.MEDEWERKER, linde))
    assert shown_buttons(text(admin.get(path(linde, bram)))) == {
        "block", "delete", "make-beheerder", "make-administrator", "hand-over"}
    grant_role(bram, Role.BEHEERDER, linde, actor="test")
    assert shown_buttons(text(admin.get(path(linde, bram)))) == {
        "block", "delete", "remove-beheerder", "make-administrator", "hand-over"}
    grant_role(bram, Role.ADMINISTRATOR, linde, actor="test")
    assert shown_buttons(text(admin.get(path(linde, bram)))) == {
        "block", "delete", "remove-beheerder", "remove-administrator"}


def test_nothing_that_would_be_refused_for_the_last_administrator(client, linde):
    admin, anna = person_with_role(client, Role.ADMINISTRATOR, linde, "Anna")
    page = text(admin.get(path(linde, anna)))
    assert shown_buttons(page) == {"block", "make-beheerder", "revoke"}  # no delete, no remove, no hand-over
    assert 'data-testid="last-administrator"' in page
    second = someone("Doris", (Role.ADMINISTRATOR, linde))
    page = text(admin.get(path(linde, anna)))
    assert {"remove-administrator", "delete"} <= shown_buttons(page)
    assert 'data-testid="last-administrator"' not in page
    assert "hand-over" not in shown_buttons(text(admin.get(path(linde, second))))  # an administrator already


def test_the_operator_gives_roles_but_has_none_to_hand_over(client, linde):
    operator = operator_browser(client)
    bram = someone("Bram", (Role.MEDEWERKER, linde))
    assert shown_buttons(text(operator.get(path(linde, bram)))) == {
        "block", "delete", "make-beheerder", "make-administrator"}


# -- forms keep their input ---------------------------------------------------------------------------------------


def field_error(page: str, field: str) -> str:
    """The error shown at a field of the form (portal/_field.html)."""
    found = re.search(rf'id="id_{field}[-_]error"[^>]*>(.*?)</(?:div|p)>', page, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()) if found else ""


def test_an_expired_identity_document_is_shown_at_its_field_and_keeps_the_rest(client, linde):
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    response = beheerder.post(f"/organisatie/{linde.ura}/medewerkers/nieuw", {
        "first_names": "Bram Jan", "last_name": "van Dijk", "birth_date": "1990-06-01", **WID,
        "document_type": "rijbewijs", "number_last4": "Q7Z9", "expiry_date": "2020-01-01"})
    page = text(response)
    assert response.status_code == 400
    assert field_error(page, "expiry_date").startswith("Het identiteitsbewijs is verlopen.")
    assert field_error(page, "expiry_date").endswith("(ZID-WID-EXPIRED)")
    for kept in ('name="first_names" value="Bram Jan"', 'name="last_name" value="van Dijk"',
                 'name="birth_date" value="1990-06-01"', 'name="number_last4" value="Q7Z9"',
                 'value="2020-01-01"', '<option value="rijbewijs" selected>'):
        assert kept in page, kept
    assert re.search(r'<input type="checkbox" name="confirmed"[^>]* checked', page)
    assert 'data-testid="form-errors"' in page
    assert not Person.objects.filter(last_name="van Dijk").exists()  # nothing half-written


def test_any_invalid_field_keeps_every_other_value(client, linde):
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    response = beheerder.post(f"/organisatie/{linde.ura}/medewerkers/nieuw", {
        "first_names": "Bram", "last_name": "Bakker", "birth_date": "2999-01-01", **WID})
    page = text(response)
    assert response.status_code == 400 and "kan niet kloppen" in field_error(page, "birth_date")
    assert 'name="first_names" value="Bram"' in page and 'name="number_last4" value="X12B"' in page


def test_the_new_qr_form_keeps_its_input_with_an_expired_document(client, linde):
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    bram = someone("Bram", (Role.MEDEWERKER, linde))
    response = beheerder.post(path(linde, bram, "nieuwe-qr"), {**WID, "number_last4": "K4L5",
                                                               "expiry_date": "2021-03-04"})
    page = text(response)
    assert response.status_code == 400 and "ZID-WID-EXPIRED" in field_error(page, "expiry_date")
    assert 'name="number_last4" value="K4L5"' in page and 'value="2021-03-04"' in page
    assert "Nieuwe QR-code voor Bram Doel" in page and f'href="{path(linde, bram)}" data-testid="cancel"' in page
    assert not bram.activation_codes.exists() and not bram.wid_checks.exists()


def test_registering_and_a_new_qr_say_what_they_did(client, linde):
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    assert banners(register(beheerder, linde.ura)) == ["Bram Bakker is geregistreerd."]
    bram = Person.objects.get(last_name="Bakker")
    again = beheerder.post(path(linde, bram, "nieuwe-qr"), WID)
    assert again.status_code == 200 and banners(again) == ["Nieuwe QR-code gemaakt voor Bram Bakker."]


# -- imported employees wait for their WID check --------------------------------------------------------------------


def test_an_imported_employee_waits_for_his_wid_check_and_is_active_after_it(client, linde):
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    report = importing.import_employees(linde, [("Ilse", "Import", "01-02-1988")], actor="test")
    assert report.written
    ilse = Person.objects.get(last_name="Import")
    registered = someone("Rita", (Role.MEDEWERKER, linde))
    issue_activation_code(registered, actor="test")  # registered, QR not scanned yet: not waiting for a WID check
    listing = text(beheerder.get(f"/organisatie/{linde.ura}/medewerkers"))
    row = re.search(r"Import, Ilse</a>.*?</tr>", listing, re.S).group(0)
    assert "Wacht op WID-controle" in row and "Actief" not in row
    assert f'href="{path(linde, ilse)}#wid-check" data-testid="wid-check-link"' in row
    assert "Actief" in re.search(r"Doel, Rita</a>.*?</tr>", listing, re.S).group(0)
    page = text(beheerder.get(path(linde, ilse)))
    status = re.search(r'data-testid="employee-status">(.*?)</dd>', page, re.S).group(1)
    assert "Wacht op WID-controle" in status and "Actief" not in status
    assert 'data-testid="awaiting-wid-check"' in page and 'id="wid-check"' in page
    assert "WID-controle vastleggen en QR-code maken" in page
    handover = beheerder.post(path(linde, ilse, "nieuwe-qr"), WID)
    assert handover.status_code == 200 and 'data-testid="handover-qr"' in handover.content.decode()
    listing = text(beheerder.get(f"/organisatie/{linde.ura}/medewerkers"))
    row = re.search(r"Import, Ilse</a>.*?</tr>", listing, re.S).group(0)
    assert "Actief" in row and "Wacht op WID-controle" not in row
    page = text(beheerder.get(path(linde, ilse)))
    assert 'data-testid="awaiting-wid-check"' not in page


# -- the other administration pages say what they did ---------------------------------------------------------------


def test_deciding_a_request_to_become_administrator_says_so(client, linde):
    from zorgid import clock

    admin, _ = person_with_role(client, Role.ADMINISTRATOR, linde, "Anna")
    asking = [Person.objects.create(first_names=name, last_name="Vrager", birth_date=dt.date(1980, 1, 1),
                                    created_at=clock.now()) for name in ("Vera", "Wim")]
    ids = [AdministratorRequest.objects.create(organisation=linde, person=person, uzi_number="900000002",
                                               common_name=person.full_name, requested_at=clock.now()).pk
           for person in asking]
    url = f"/organisatie/{linde.ura}/administratorverzoeken"
    approved = admin.post(f"{url}/{ids[0]}", {"decision": "approve"}, follow=True)
    assert banners(approved) == ["Vera Vrager is nu administrator van Huisartsenpraktijk De Linde."]
    declined = admin.post(f"{url}/{ids[1]}", {"decision": "decline"}, follow=True)
    assert banners(declined) == ["Het verzoek van Wim Vrager is afgewezen."]


def test_the_banners_speak_english_on_an_english_page(client, linde):
    from django.conf import settings

    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    bram = someone("Bram", (Role.MEDEWERKER, linde))
    beheerder.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = text(beheerder.get(path(linde, bram, "block")))
    assert "Are you sure?" in page and "Bram Doel will be blocked." in page and ">Confirm<" in page
    done = beheerder.post(path(linde, bram, "block"), {"confirm": "ja"}, follow=True)
    assert banners(done) == ["Bram Doel has been blocked: he cannot log in anywhere until you unblock him."]
