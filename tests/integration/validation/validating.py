"""Card holders with a registered ID, and the validation pages, through HTTP (manual §3, §4)."""

from __future__ import annotations

from django.test import Client

from tests.conftest import Device
from tests.integration.test_card_flows import start
from tests.integration.test_card_purposes import activate

N_CARD = {"card_type": "N", "role": "00.000"}


def holder_card(issuer, name: str = "Jan Jansen", uzi: str = "900000001", **fields):
    given, surname = name.split(" ", 1)
    return issuer.card(given_name=given, surname=surname, common_name=name, uzi_number=uzi, **fields)


def self_registered(client: Client, card, birth_date: str = "14-02-1980") -> Device:
    """Registreren with ``card`` (any named card of the URA) and the app activated: a registered ID."""
    browser = Client()
    flow_id = start(browser, "/registreren")
    assert card.answer(client, flow_id).status_code == 200
    assert browser.post(f"/registreren/{flow_id}/pas-gelezen").status_code == 302
    assert browser.post(f"/registreren/{flow_id}/geboortedatum", {"birth_date": birth_date}).status_code == 302
    assert browser.post(f"/registreren/{flow_id}/samenvatting").status_code == 302
    page = browser.get(f"/registreren/{flow_id}/qr-code").content.decode()
    payload = page.split('data-testid="registration-payload">', 1)[1].split("<", 1)[0].replace("&amp;", "&")
    return activate(client, payload)


def card_read(client: Client, card) -> tuple[Client, str]:
    """Valideren → voorwaarden → the card answers → pas-gelezen; returns the browser and the flow."""
    browser = Client()
    flow_id = start(browser, "/valideren")
    assert card.answer(client, flow_id).status_code == 200
    return browser, flow_id


def validate(client: Client, card):
    """The whole validation: card step, organisation page, Volgende; returns the last answer."""
    browser, flow_id = card_read(client, card)
    response = browser.post(f"/valideren/{flow_id}/pas-gelezen")
    if response.status_code != 302:
        return response
    return browser.post(f"/valideren/{flow_id}/organisatie")


def error_code(response) -> str:
    page = response.content.decode()
    marker = 'data-testid="error-code">'  # the error page's code (the header's link to all codes is no match)
    return page.split(marker, 1)[1].split("<", 1)[0] if marker in page else ""
