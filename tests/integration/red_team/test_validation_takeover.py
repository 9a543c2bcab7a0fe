"""Replays, over real HTTP, the take-over of an organisation through "Valideren" (docs/security.md, organisation
validation). A live server runs the portal and the API; httpx is the attacker's browser, his app and his Desktop
App (a test UZI card made in software, trusted by the installation).

The attack: anyone with a UZI card of an organisation (a medewerkerpas N as well as a zorgverlenerspas Z)
registers an ID with it ("Registreren"), then chooses "Valideren" and becomes the organisation's portal
administrator: after the organisation was validated, while it has administrators, and before the administrator
its application names had his turn; no one is asked. The source documents say the registration is done once,
by the administrator named in the application, with a zorgverlenerspas.

Each attack is run as far as the server lets it; the test then asserts that the attacker got no administrator
role and was refused with the exact code. On the code before the fix each attack succeeds.
"""

from __future__ import annotations

import html
import re

import httpx
import pytest

from tests.conftest import Device, activate_code
from tests.integration.applications.helpers import FORM
from tests.integration.validation.validating import N_CARD, holder_card
from zorgid import clock
from zorgid.applications.models import Application, ApplicationState, Product
from zorgid.identities.models import MobileId
from zorgid.organisations.models import AdministratorRequest, Organisation, Role, RoleAssignment
from zorgid.organisations.roles import grant_role
from zorgid.organisations.services import add_organisation
from zorgid.protocol.payloads import parse_payload

pytestmark = pytest.mark.django_db(transaction=True)


class Http:
    """One client with its cookies: a browser (forms with the CSRF token) or an app and Desktop App (JSON)."""

    opened: list[httpx.Client] = []

    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=30)
        self.opened.append(self.http)

    def get(self, path: str) -> httpx.Response:
        return self.http.get(path)

    def post(self, path: str, body: dict | None = None, content_type: str = "") -> httpx.Response:
        if content_type == "application/json":
            return self.http.post(path, json=body)
        if "csrftoken" not in self.http.cookies:
            self.get("/valideren")
        return self.http.post(path, data=body or {}, headers={"X-CSRFToken": self.http.cookies["csrftoken"]})


def card_step(base: str, purpose_path: str, card) -> tuple[Http, str]:
    """A browser starts the purpose; the Desktop App answers the card session with ``card``."""
    browser = Http(base)
    started = browser.post(purpose_path)
    assert started.status_code == 302, started.text
    flow_id = started.headers["location"].rsplit("/", 1)[-1]
    answer = card.answer(Http(base), flow_id)
    assert answer.status_code == 200, answer.text
    return browser, flow_id


def registered(base: str, card) -> Device:
    """Registreren with the card, birth date, Bevestigen, and the app scans the registration QR."""
    browser, flow_id = card_step(base, "/registreren", card)
    for step, data in (("pas-gelezen", {}), ("geboortedatum", {"birth_date": "01-01-1985"}), ("samenvatting", {})):
        assert browser.post(f"/registreren/{flow_id}/{step}", data).status_code == 302
    page = browser.get(f"/registreren/{flow_id}/qr-code").text
    payload = html.unescape(re.search(r'data-testid="registration-payload">([^<]+)<', page).group(1))
    return activate_code(Http(base), parse_payload(payload).code)


def valideren(base: str, card) -> httpx.Response:
    """Valideren → voorwaarden → UZI-pas → organisatiegegevens → Volgende, as far as the server goes along."""
    browser, flow_id = card_step(base, "/valideren", card)
    read = browser.post(f"/valideren/{flow_id}/pas-gelezen")
    if read.status_code != 302:
        return read
    return browser.post(f"/valideren/{flow_id}/organisatie")


def code_of(response: httpx.Response) -> str:
    found = re.search(r'data-testid="error-code">([^<]+)<', response.text)
    return found.group(1) if found else f"no error code (status {response.status_code})"


def administrators(organisation: Organisation) -> set[str]:
    return {a.person.last_name for a in RoleAssignment.objects.filter(
        organisation=organisation, role=Role.ADMINISTRATOR).select_related("person")}


@pytest.fixture(autouse=True)
def _closed_connections():
    """Each client's keep-alive connection holds a server thread, and that thread a database connection."""
    yield
    while Http.opened:
        Http.opened.pop().close()


@pytest.fixture
def linde(issuer):
    return add_organisation(name="Huisartsenpraktijk De Linde", ura="90000001", kvk="12345678", actor="operator")


def test_a_card_of_the_organisation_does_not_take_over_a_validated_organisation(live_server, issuer, linde):
    base = live_server.url
    jan = holder_card(issuer, "Jan Jansen", "900000001")
    registered(base, jan)
    assert valideren(base, jan).status_code == 302  # the first validation of an organisation the operator entered
    assert administrators(linde) == {"Jansen"}

    mallory_n = holder_card(issuer, "Mallory Mol", "900000066", **N_CARD)  # a medewerkerpas of the same URA
    registered(base, mallory_n)
    refused = valideren(base, mallory_n)
    assert (refused.status_code, code_of(refused)) == (403, "ZID-ORG-VALIDATE-CARD-TYPE")

    mallory_z = holder_card(issuer, "Mallory Mol", "900000067")  # even a zorgverlenerspas
    registered(base, mallory_z)
    refused = valideren(base, mallory_z)
    assert (refused.status_code, code_of(refused)) == (409, "ZID-ORG-VALIDATED")

    assert administrators(linde) == {"Jansen"}
    # what she can do instead: ask, which makes her nothing until an administrator decides
    browser, flow_id = card_step(base, "/valideren", mallory_z)
    assert browser.post(f"/valideren/{flow_id}/pas-gelezen").status_code == 302
    assert browser.post(f"/valideren/{flow_id}/verzoek").status_code == 302
    assert AdministratorRequest.objects.get().state == "open"
    assert administrators(linde) == {"Jansen"}


def test_a_card_of_the_organisation_does_not_pre_empt_the_administrator_of_its_application(
        live_server, issuer, linde):
    base = live_server.url
    jan = holder_card(issuer, "Jan Jansen", "900000001")
    named = MobileId.objects.get(id=registered(base, jan).mobile_id).person
    now = clock.now()
    Application.objects.create(  # approved, follow-up form filled in by Jan, activation QR sent
        reference="ZID-2026-ABCDEFGH", state=ApplicationState.ACTIVATION_SENT, product=Product.SMARTCARD,
        organisation_name=linde.name, ura=linde.ura, status_token_hash="0" * 64, created_at=now, updated_at=now,
        organisation=linde, administrator=named,
        **{k: v for k, v in FORM.items() if k not in ("product", "organisation_name", "ura")})
    grant_role(named, Role.ADMINISTRATOR, linde, actor="operator")

    mallory = holder_card(issuer, "Mallory Mol", "900000067")
    registered(base, mallory)
    refused = valideren(base, mallory)
    assert (refused.status_code, code_of(refused)) == (403, "ZID-ORG-VALIDATE-NOT-ADMINISTRATOR")
    assert administrators(linde) == {"Jansen"}
    linde.refresh_from_db()
    assert linde.validated_at is None

    assert valideren(base, jan).status_code == 302  # the administrator of the application validates, once
    assert Application.objects.get().state == ApplicationState.COMPLETED
    refused = valideren(base, mallory)
    assert (refused.status_code, code_of(refused)) == (409, "ZID-ORG-VALIDATED")
    assert administrators(linde) == {"Jansen"}
