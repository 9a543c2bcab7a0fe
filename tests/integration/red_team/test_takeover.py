"""Replays, over real HTTP, two attacks on an organisation's own administration (docs/security.md, "Who manages
whom"). A live server runs the portal and the API; httpx is the attacker's browser and his app.

Take-over: a beheerder asks for a new activation QR for his administrator ("Nieuwe QR-code" after a made-up WID
check), or registers "a new employee" with the administrator's names and birth date, and scans the QR with his
own app: he is then the administrator, with every role he holds anywhere, and makes himself administrator. Across
organisations: a beheerder of an organisation whose administrator is also the operator becomes the operator.
Lock-out: a beheerder removes a second administrator, or blocks the only one.

Each attack is run as far as the server lets it (a QR it hands out is scanned and used); the test then asserts that
the attacker got nothing and was refused with the exact code. On the code before the fix each attack succeeds.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import httpx
import pytest

from tests.conftest import Device, activate_code
from tests.integration.red_team.http_clients import App, Browser
from zorgid.identities.models import ActivationCode, Person
from zorgid.identities.services import issue_activation_code
from zorgid.organisations.models import Role
from zorgid.organisations.roles import add_operator, grant_role
from zorgid.protocol.messages import login_approval_path, login_flow_path
from zorgid.protocol.payloads import parse_payload

pytestmark = pytest.mark.django_db(transaction=True)

WID = {"document_type": "paspoort", "number_last4": "X12B", "expiry_date": "2031-01-01", "confirmed": "on"}


def activated(base: str, code: str) -> Device:
    return activate_code(App(base), code)


def log_in(base: str, device: Device) -> Browser:
    """The portal's login over HTTP: the start page's QR, the app's signed approval, the browser logged in."""
    browser = Browser(base)
    link = re.search(r'data-testid="login-payload">([^<]+)<', browser.get("/").text).group(1)
    flow_id = parse_payload(html.unescape(link)).flow
    flow = device.client.get(login_flow_path(flow_id)).json()
    approval = device.client.post(login_approval_path(flow_id), device.approval(flow))
    assert approval.status_code == 200, approval.text
    assert browser.get(f"/inloggen/status/{flow_id}").json()["state"] == "done"
    return browser


def person(base: str, first_names: str, roles: list[tuple[str, object]], *, activate: bool = True):
    """A person with ``roles`` ((role, organisation or None)), his app activated; returns (person, device)."""
    issued = add_operator(first_names, "Test", dt.date(1980, 1, 1), actor="test")
    issued.person.roles.all().delete()
    for role, organisation in roles:
        grant_role(issued.person, role, organisation, actor="test")
    return issued.person, activated(base, issued.code) if activate else None


def qr_handed_out(browser: Browser, response: httpx.Response) -> str:
    """The activation code of the QR the server handed out, wherever it put it; "" if none."""
    if response.status_code == 302:  # a hand-over page to fetch
        response = browser.get(response.headers["location"])
    found = re.search(r'data-testid="handover-payload">([^<]+)<', response.text)
    return parse_payload(html.unescape(found.group(1))).code if found else ""


def refused(response: httpx.Response, code: str) -> bool:
    return response.status_code == 403 and code in response.text


def test_a_new_qr_does_not_make_the_beheerder_his_administrator(live_server, linde):
    base = live_server.url
    anna, _ = person(base, "Anna", [(Role.ADMINISTRATOR, linde)])
    beppie, beppie_app = person(base, "Beppie", [(Role.BEHEERDER, linde)])
    beheerder = log_in(base, beppie_app)

    asked = beheerder.post(f"/organisatie/{linde.ura}/medewerkers/{anna.id}/nieuwe-qr", WID)
    code = qr_handed_out(beheerder, asked)
    if code:  # the attack goes on: his own app becomes Anna, who makes him administrator
        as_anna = log_in(base, activated(base, code))
        as_anna.post(f"/organisatie/{linde.ura}/medewerkers/{beppie.id}/make-administrator")

    assert not beppie.roles.filter(role=Role.ADMINISTRATOR).exists(), "the beheerder made himself administrator"
    assert code == "" and refused(asked, "ZID-EMPLOYEE-ADMINISTRATOR-ONLY"), asked.status_code
    assert ActivationCode.objects.filter(person=anna).count() == 1  # only the one she activated herself


def test_registering_the_administrator_as_a_new_employee_gives_no_qr(live_server, linde):
    base = live_server.url
    anna, anna_app = person(base, "Anna", [(Role.ADMINISTRATOR, linde)])
    beppie, beppie_app = person(base, "Beppie", [(Role.BEHEERDER, linde)])
    beheerder = log_in(base, beppie_app)

    registered = beheerder.post(f"/organisatie/{linde.ura}/medewerkers/nieuw", {
        "first_names": anna.first_names, "last_name": anna.last_name, "birth_date": anna.birth_date.isoformat(),
        **WID})
    code = qr_handed_out(beheerder, registered)
    if code:
        as_anna = log_in(base, activated(base, code))
        as_anna.post(f"/organisatie/{linde.ura}/medewerkers/{beppie.id}/make-administrator")

    assert not beppie.roles.filter(role=Role.ADMINISTRATOR).exists(), "the beheerder made himself administrator"
    assert code == "" and registered.status_code == 200, registered.status_code
    assert 'data-testid="existing-ids"' in registered.text and anna_app.mobile_id[:8] in registered.text
    assert Person.objects.filter(first_names="Anna").count() == 1  # linked, not made anew


def test_registering_the_administrator_without_an_id_is_refused(live_server, linde):
    base = live_server.url
    anna, _ = person(base, "Anna", [(Role.ADMINISTRATOR, linde)], activate=False)
    ActivationCode.objects.filter(person=anna).delete()  # an administrator whose QR was never used
    _, beppie_app = person(base, "Beppie", [(Role.BEHEERDER, linde)])
    beheerder = log_in(base, beppie_app)

    registered = beheerder.post(f"/organisatie/{linde.ura}/medewerkers/nieuw", {
        "first_names": "Anna", "last_name": "Test", "birth_date": "1980-01-01", **WID})

    assert qr_handed_out(beheerder, registered) == ""
    assert refused(registered, "ZID-EMPLOYEE-ADMINISTRATOR-ONLY"), registered.status_code
    assert not ActivationCode.objects.filter(person=anna).exists()


def test_a_beheerder_does_not_become_the_operator_who_administers_his_organisation(live_server, oost):
    base = live_server.url
    olga, _ = person(base, "Olga", [(Role.OPERATOR, None), (Role.ADMINISTRATOR, oost)])
    _, otto_app = person(base, "Otto", [(Role.BEHEERDER, oost)])
    beheerder = log_in(base, otto_app)
    assert beheerder.get("/beheer/organisaties").status_code == 403

    asked = beheerder.post(f"/organisatie/{oost.ura}/medewerkers/{olga.id}/nieuwe-qr", WID)
    code = qr_handed_out(beheerder, asked)
    back_office = log_in(base, activated(base, code)).get("/beheer/organisaties").status_code if code else None

    assert back_office != 200, "the beheerder reached the operator's back office"
    assert code == "" and refused(asked, "ZID-EMPLOYEE-OPERATOR-ONLY"), asked.status_code
    issued = issue_activation_code(olga, actor="test")  # the operator's own service desk still can
    assert log_in(base, activated(base, issued.code)).get("/beheer/organisaties").status_code == 200


def test_a_beheerder_removes_no_administrator(live_server, linde):
    base = live_server.url
    person(base, "Anna", [(Role.ADMINISTRATOR, linde)], activate=False)
    doris, _ = person(base, "Doris", [(Role.ADMINISTRATOR, linde)], activate=False)
    _, beppie_app = person(base, "Beppie", [(Role.BEHEERDER, linde)])
    beheerder = log_in(base, beppie_app)

    response = beheerder.post(f"/organisatie/{linde.ura}/medewerkers/{doris.id}/delete", {"confirm": "ja"})

    assert doris.roles.filter(role=Role.ADMINISTRATOR, organisation=linde).exists(), "an administrator was removed"
    assert refused(response, "ZID-EMPLOYEE-ADMINISTRATOR-ONLY"), response.status_code


def test_a_beheerder_does_not_lock_out_the_only_administrator(live_server, linde):
    base = live_server.url
    anna, anna_app = person(base, "Anna", [(Role.ADMINISTRATOR, linde)])
    _, beppie_app = person(base, "Beppie", [(Role.BEHEERDER, linde)])
    beheerder = log_in(base, beppie_app)

    response = beheerder.post(f"/organisatie/{linde.ura}/medewerkers/{anna.id}/block", {"confirm": "ja"})

    anna.refresh_from_db()
    assert anna.blocked_at is None, "the only administrator was blocked"
    assert refused(response, "ZID-EMPLOYEE-ADMINISTRATOR-ONLY"), response.status_code
    assert log_in(base, anna_app).get(f"/organisatie/{linde.ura}/medewerkers").status_code == 200
