"""Linking UZI attributes takes the card of the logged-in person by name, compared by the one folded form of
identities.people (case, accents, punctuation and spacing ignored; a surname with its prefix written after it,
"Vries, de", is "de Vries"). Before, the card check folded names its own way, keeping the hyphen and the comma."""

import pytest

from tests.integration.test_card_flows import start
from tests.integration.test_card_purposes import log_in
from zorgid.identities.models import UziRegistration

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("given_name, surname", [
    ("JAN-WILLEM", "DE VRIES"),  # the operator is Jan Willem de Vries
    ("Jan", "Vries, de"),
    ("Jân", "de  Vriës"),
])
def test_the_card_of_the_logged_in_person_is_taken_however_its_names_are_written(client, issuer, organisation,
                                                                                 device, given_name, surname):
    browser = log_in(client, device)
    flow_id = start(browser, "/attributen")
    card = issuer.card(given_name=given_name, surname=surname, common_name=f"{given_name} {surname}")
    assert card.answer(client, flow_id).status_code == 200
    assert browser.post(f"/attributen/{flow_id}/koppelen")["Location"] == "/attributen/gekoppeld"
    assert UziRegistration.objects.filter(mobile_id_id=device.mobile_id).count() == 1


@pytest.mark.parametrize("given_name, surname", [("Jan", "Vries"), ("Willem", "de Vries"), ("Jan", "van Vries")])
def test_a_card_of_another_name_is_still_refused(client, issuer, organisation, device, given_name, surname):
    browser = log_in(client, device)
    flow_id = start(browser, "/attributen")
    card = issuer.card(given_name=given_name, surname=surname, common_name=f"{given_name} {surname}")
    assert card.answer(client, flow_id).json()["error"]["code"] == "ZID-CARD-OTHER-PERSON"
    assert UziRegistration.objects.count() == 0
