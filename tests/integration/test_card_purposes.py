"""The three purposes of a card session, page by page through HTTP (manual §3, §4, §5)."""

import datetime as dt
import re

import pytest
from django.test import Client

from tests.conftest import activate_code
from tests.integration.test_card_flows import start
from tests.integration.test_login_api import approve, fetch, start_flow, status
from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.flows.models import CardFlow, CardFlowPurpose
from zorgid.identities.models import ActivationCode, Person, UziRegistration
from zorgid.organisations.models import Organisation, Role
from zorgid.protocol.payloads import parse_payload

pytestmark = pytest.mark.django_db


def register(browser: Client, client: Client, card, birth_date: str = "14-02-1980") -> str:
    """Registreren → … → Bevestigen; returns the registration QR's payload."""
    flow_id = start(browser, "/registreren")
    assert card.answer(client, flow_id).status_code == 200
    response = browser.post(f"/registreren/{flow_id}/pas-gelezen")
    assert response["Location"] == f"/registreren/{flow_id}/gegevens"
    page = browser.get(response["Location"]).content.decode()
    assert "Jan Jansen" in page and "900000001" in page and "Huisartsenpraktijk De Linde" in page
    assert "Arts – huisarts" in page
    response = browser.post(f"/registreren/{flow_id}/geboortedatum", {"birth_date": birth_date})
    assert response.status_code == 302, response.content.decode()
    page = browser.get(f"/registreren/{flow_id}/samenvatting").content.decode()
    assert "Bevestigen" in page
    response = browser.post(f"/registreren/{flow_id}/samenvatting")
    assert response["Location"] == f"/registreren/{flow_id}/qr-code"
    page = browser.get(response["Location"]).content.decode()
    assert "10 dagen geldig" in page and "<svg" in page
    return re.search(r'data-testid="registration-payload">([^<]+)<', page).group(1).replace("&amp;", "&")


def activate(client: Client, payload: str):
    return activate_code(client, parse_payload(payload).code)


def log_in(client: Client, device) -> Client:
    browser = Client()
    flow_id = start_flow(browser)
    assert approve(client, flow_id, device.approval(fetch(client, flow_id).json())).status_code == 200
    assert status(browser, flow_id).json()["state"] == "done"
    return browser


def test_self_registration_from_card_to_logged_in(client, issuer, organisation):
    browser = Client()
    payload = register(browser, client, issuer.card())
    person = Person.objects.get()
    assert (person.first_names, person.last_name, person.birth_date) == ("Jan", "Jansen", dt.date(1980, 2, 14))
    assert person.roles.get().role == Role.MEDEWERKER and person.roles.get().organisation == organisation
    code = ActivationCode.objects.get(person=person)
    assert (code.expires_at - code.issued_at).days == 10
    device = activate(client, payload)
    flow_id = CardFlow.objects.get(purpose=CardFlowPurpose.SELF_REGISTRATION).id
    assert browser.get(f"/registreren/{flow_id}/id").status_code == 200
    assert browser.get(f"/registreren/{flow_id}/qr-code")["Location"] == "/"  # the secret is gone from the browser
    registration = UziRegistration.objects.get(mobile_id_id=device.mobile_id)
    assert (registration.uzi_number, registration.ura, registration.role) == ("900000001", "90000001", "01.015")
    page = log_in(client, device).get("/overzicht").content.decode()
    assert "Jan Jansen" in page and "UZI-nummer 900000001" in page
    events = set(AuditEvent.objects.values_list("event", flat=True))
    assert {"card.answered", "person.registered", "role.granted", "activation_code.issued",
            "mobile_id.activated", "uzi_attributes.linked"} <= events


def test_registering_twice_matches_the_same_person(client, issuer, organisation):
    register(Client(), client, issuer.card())
    register(Client(), client, issuer.card())
    assert Person.objects.count() == 1
    assert ActivationCode.objects.count() == 2
    register(Client(), client, issuer.card(), birth_date="15-02-1980")
    assert Person.objects.count() == 2  # another birth date is another person


@pytest.mark.parametrize("birth_date, message", [
    ("31-02-1980", "geen bestaande datum"),
    ("01-01-2999", "kan niet kloppen"),
    ("01-01-1850", "kan niet kloppen"),
    ("", "Vul uw geboortedatum in"),
    ("gisteren", "geen bestaande datum"),
    ("1980-02-14", None),
])
def test_birth_date_is_checked(client, issuer, organisation, birth_date, message):
    browser = Client()
    flow_id = start(browser, "/registreren")
    issuer.card().answer(client, flow_id)
    response = browser.post(f"/registreren/{flow_id}/geboortedatum", {"birth_date": birth_date})
    if message is None:
        assert response.status_code == 302  # what the date picker sends
        return
    assert response.status_code == 400 and message in response.content.decode()
    assert Person.objects.count() == 0


def test_bevestigen_works_once(client, issuer, organisation):
    browser = Client()
    flow_id = start(browser, "/registreren")
    issuer.card().answer(client, flow_id)
    browser.post(f"/registreren/{flow_id}/geboortedatum", {"birth_date": "14-02-1980"})
    assert browser.post(f"/registreren/{flow_id}/samenvatting").status_code == 302
    again = browser.post(f"/registreren/{flow_id}/samenvatting")
    assert again.status_code == 409 and "ZID-CARD-USED" in again.content.decode()
    assert ActivationCode.objects.count() == 1


def test_confirmation_after_its_time_is_refused(client, issuer, organisation):
    browser = Client()
    flow_id = start(browser, "/registreren")
    issuer.card().answer(client, flow_id)
    browser.post(f"/registreren/{flow_id}/geboortedatum", {"birth_date": "14-02-1980"})
    clock.move(dt.timedelta(minutes=31))
    response = browser.post(f"/registreren/{flow_id}/samenvatting")
    assert response.status_code == 410 and "ZID-CARD-EXPIRED" in response.content.decode()
    assert Person.objects.count() == 0


def test_pages_of_a_session_that_was_not_answered_are_refused(client, issuer, organisation):
    browser = Client()
    flow_id = start(browser, "/registreren")
    response = browser.get(f"/registreren/{flow_id}/gegevens")
    assert response.status_code == 404 and "ZID-CARD-UNKNOWN" in response.content.decode()


def test_organisation_validation_makes_the_card_holder_administrator(client, issuer, organisation):
    device = activate(client, register(Client(), client, issuer.card()))
    browser = Client()
    flow_id = start(browser, "/valideren")
    assert issuer.card().answer(client, flow_id).status_code == 200
    response = browser.post(f"/valideren/{flow_id}/pas-gelezen")
    page = browser.get(response["Location"]).content.decode()
    assert "Huisartsenpraktijk De Linde" in page and "90000001" in page
    response = browser.post(f"/valideren/{flow_id}/organisatie")
    page = browser.get(response["Location"]).content.decode()
    assert device.mobile_id[:8] in page and "portaal administrator" in page
    person = Person.objects.get()
    assert person.roles.filter(role=Role.ADMINISTRATOR, organisation=organisation).exists()
    assert Organisation.objects.get().validated_at is not None
    assert AuditEvent.objects.filter(event="organisation.validated").exists()


def test_organisation_validation_needs_a_registered_id(client, issuer, organisation):
    browser = Client()
    flow_id = start(browser, "/valideren")
    assert issuer.card().answer(client, flow_id).json()["error"]["code"] == "ZID-CARD-NO-ID"


def test_organisation_validation_with_a_card_of_another_ura(client, issuer, organisation):
    activate(client, register(Client(), client, issuer.card()))
    other = issuer.card(ura="90000002")
    response = other.answer(client, start(Client(), "/valideren"))
    assert response.json()["error"]["code"] == "ZID-ORG-NOT-REGISTERED"


def test_attributes_are_linked_to_the_logged_in_id(client, issuer, organisation, device):
    browser = log_in(client, device)  # Jan Willem de Vries, operator
    flow_id = start(browser, "/attributen")
    card = issuer.card(given_name="Jan", surname="de Vries", common_name="Jan de Vries")
    assert card.answer(client, flow_id).status_code == 200
    response = browser.post(f"/attributen/{flow_id}/koppelen")
    assert response["Location"] == "/attributen/gekoppeld"
    assert "succesvol gekoppeld" in browser.get("/attributen/gekoppeld").content.decode()
    assert UziRegistration.objects.filter(mobile_id_id=device.mobile_id, uzi_number="900000001").exists()
    assert "UZI-nummer 900000001" in browser.get("/overzicht").content.decode()


def test_attributes_of_someone_elses_card_are_refused(client, issuer, organisation, device):
    browser = log_in(client, device)
    flow_id = start(browser, "/attributen")
    response = issuer.card().answer(client, flow_id)  # Jan Jansen, not Jan Willem de Vries
    assert response.json()["error"]["code"] == "ZID-CARD-OTHER-PERSON"
    assert browser.post(f"/attributen/{flow_id}/koppelen").status_code == 404
    assert UziRegistration.objects.count() == 0


def test_attributes_need_a_login(client, issuer):
    assert Client().post("/attributen").status_code == 403


def test_the_pages_keep_their_state_on_the_flow_row_not_in_the_session(client, issuer, organisation):
    """The birth date chosen and the validation's outcome are kept on the card session's row, bound to the
    browser; the Django session holds none of it."""
    browser = Client()
    payload = register(browser, client, issuer.card())
    activate(client, payload)
    validator = Client()
    flow_id = start(validator, "/valideren")
    issuer.card().answer(client, flow_id)
    validator.post(f"/valideren/{flow_id}/pas-gelezen")
    assert validator.post(f"/valideren/{flow_id}/organisatie")["Location"] == f"/valideren/{flow_id}/geslaagd"
    assert "Huisartsenpraktijk De Linde" in validator.get(f"/valideren/{flow_id}/geslaagd").content.decode()
    assert Client().get(f"/valideren/{flow_id}/geslaagd")["Location"] == "/"  # another browser sees nothing
    for kept in (dict(browser.session.items()), dict(validator.session.items())):
        assert not [key for key in kept if key.startswith(("zorgid_selfreg_", "zorgid_orgval_"))]
        assert "1980-02-14" not in str(kept.values())
    registration = CardFlow.objects.get(purpose=CardFlowPurpose.SELF_REGISTRATION)
    assert registration.page_state == {"birth_date": "1980-02-14"}
    assert CardFlow.objects.get(id=flow_id).page_state["validated"]["ura"] == "90000001"
