"""R-SEC-AUTHZ as one table: every portal page and API endpoint, for every role, in the own organisation and in
another. The table must name every URL the project has: a new URL without a row fails this test.

Rules: ``public`` anyone; ``login`` any logged-in person; ``operator`` the service desk; ``managers`` the
organisation's administrators and beheerders (and the operator); ``admin`` its administrators (and the
operator); ``bound`` a flow that another browser started (everyone is refused or sees nothing); ``secret`` a
link with a secret (a wrong secret is refused for everyone, whatever the role).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import get_resolver

from tests.integration.organisations.test_administration import WID, person_with_role
from tests.integration.test_card_purposes import activate, log_in
from zorgid.flows.cards import start_card_flow
from zorgid.flows.services import start_login
from zorgid.identities.models import Person, Role
from zorgid.identities.services import add_operator, grant_role
from zorgid.organisations.services import add_organisation

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "employee", "beheerder", "administrator", "other_beheerder", "operator")
ALLOWED = {
    "public": set(ROLES),
    "login": set(ROLES) - {"anonymous"},
    "operator": {"operator"},
    "managers": {"beheerder", "administrator", "operator"},
    "admin": {"administrator", "operator"},
    "bound": set(),
    "secret": set(),
}

# name: (method, path, rule, POST data)
TABLE = {
    "api-activations": ("post", "/api/v1/activations", "public", None),
    "api-login-flow": ("get", "/api/v1/login-flows/{login_flow}", "public", None),
    "api-login-approval": ("post", "/api/v1/login-flows/{login_flow}/approval", "public", None),
    "api-key-share-unlock": ("post", "/api/v1/key-shares/{mobile_id}/unlock", "public", None),
    "api-key-share-pin": ("post", "/api/v1/key-shares/{mobile_id}/pin", "public", None),
    "api-card-flow": ("get", "/api/v1/card-flows/{card_flow}", "public", None),
    "api-card-response": ("post", "/api/v1/card-flows/{card_flow}/response", "public", None),
    "api-application-document": ("put", "/api/v1/applications/ZID-2026-AAAAAAAA/document", "public", None),
    "api-schema": ("get", "/api/schema/", "public", None),
    "set_language": ("post", "/i18n/setlang/", "public", {"language": "en"}),
    "applications-apply": ("get", "/aanvragen/nieuw", "public", None),
    "applications-upload": ("get", "/aanvragen/document", "public", None),
    "applications-validation-tool": ("get", "/aanvragen/validatietool", "public", None),
    "applications-status": ("get", "/aanvragen/ZID-2026-AAAAAAAA/status/wrong", "secret", None),
    "applications-followup": ("get", "/vervolgformulier/wrong", "secret", None),
    "applications-activation": ("get", "/activatie/wrong-code-of-enough-length", "secret", None),
    "applications-operator-queue": ("get", "/beheer/aanvragen", "operator", None),
    "applications-operator-detail": ("get", "/beheer/aanvragen/ZID-2026-AAAAAAAA", "operator", None),
    "applications-operator-decide": ("post", "/beheer/aanvragen/ZID-2026-AAAAAAAA/decline", "operator", {}),
    "portal-start": ("get", "/", "public", None),
    "portal-login-status": ("get", "/inloggen/status/{login_flow}", "bound", None),
    "portal-overview": ("get", "/overzicht", "login", None),
    "portal-logout": ("post", "/uitloggen", "public", None),
    "portal-error-codes": ("get", "/foutmeldingen", "public", None),
    "portal-card": ("get", "/uzi-pas/{card_flow}", "bound", None),
    "portal-card-status": ("get", "/uzi-pas/{card_flow}/status", "bound", None),
    "portal-card-refresh": ("post", "/uzi-pas/{card_flow}/verversen", "bound", {}),
    "portal-register": ("get", "/registreren", "public", None),
    "portal-register-login": ("get", "/registreren/inloggen", "public", None),
    "portal-register-card-read": ("post", "/registreren/{card_flow}/pas-gelezen", "bound", {}),
    "portal-register-card-data": ("get", "/registreren/{card_flow}/gegevens", "bound", None),
    "portal-register-birth-date": ("get", "/registreren/{card_flow}/geboortedatum", "bound", None),
    "portal-register-summary": ("get", "/registreren/{card_flow}/samenvatting", "bound", None),
    "portal-register-qr": ("get", "/registreren/{card_flow}/qr-code", "bound", None),
    "portal-register-installed": ("get", "/registreren/{card_flow}/id", "public", None),
    "portal-validate": ("get", "/valideren", "public", None),
    "portal-validate-card-read": ("post", "/valideren/{card_flow}/pas-gelezen", "bound", {}),
    "portal-validate-organisation": ("get", "/valideren/{card_flow}/organisatie", "bound", None),
    "portal-validate-done": ("get", "/valideren/{card_flow}/geslaagd", "bound", None),
    "portal-attributes": ("get", "/attributen", "login", None),
    "portal-attributes-link": ("post", "/attributen/{card_flow}/koppelen", "bound", {}),
    "portal-attributes-done": ("get", "/attributen/gekoppeld", "login", None),
    "portal-org": ("get", "/organisatie/{ura}", "managers", None),
    "portal-org-employees": ("get", "/organisatie/{ura}/medewerkers", "managers", None),
    "portal-org-employee-new": ("post", "/organisatie/{ura}/medewerkers/nieuw", "managers", {}),
    "portal-org-employee": ("get", "/organisatie/{ura}/medewerkers/{bram}", "managers", None),
    "portal-org-employee-reissue": ("post", "/organisatie/{ura}/medewerkers/{bram}/nieuwe-qr", "managers", WID),
    "portal-org-handover": ("get", "/organisatie/{ura}/medewerkers/{bram}/overdracht", "managers", None),
    "portal-org-employee-action": ("post", "/organisatie/{ura}/medewerkers/{bram}/make-beheerder", "admin", {}),
    "portal-operator-organisations": ("get", "/beheer/organisaties", "operator", None),
    "portal-org-audit": ("get", "/organisatie/{ura}/audit", "managers", None),
    "portal-operator-audit": ("get", "/beheer/audit", "operator", None),
}


def url_names() -> set[str]:
    def walk(resolver):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                yield from walk(pattern)
            else:
                yield pattern.name

    return set(walk(get_resolver()))


def test_every_url_has_a_row():
    assert url_names() - set(TABLE) == set(), "add a row for each new URL to TABLE"
    assert set(TABLE) - url_names() == set()


@pytest.fixture
def world(client):
    linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")
    oost = add_organisation(name="Ziekenhuis Oost", ura="90000999", kvk="87654321", actor="t")
    bram = Person.objects.create(first_names="Bram", last_name="Bakker", birth_date="1990-06-01",
                                 created_at="2026-01-01T00:00:00Z")
    grant_role(bram, Role.MEDEWERKER, linde, actor="t")
    browsers = {"anonymous": Client()}
    for role, org, name in (("employee", linde, "Mies"), ("beheerder", linde, "Beppie"),
                            ("administrator", linde, "Anna"), ("other_beheerder", oost, "Otto")):
        django_role = {"employee": Role.MEDEWERKER, "administrator": Role.ADMINISTRATOR}.get(role, Role.BEHEERDER)
        browsers[role], _ = person_with_role(client, django_role, org, name)
    operator = add_operator("Olga", "Operator", dt.date(1975, 1, 1), actor="t")
    browsers["operator"] = log_in(client, activate(client, operator.payload("http://testserver").to_uri()))
    values = {
        "ura": linde.ura, "bram": bram.id, "mobile_id": "0" * 32,
        "login_flow": start_login(browser_secret="another-browser", origin="http://testserver",
                                  requester_name="x").id,
        "card_flow": start_card_flow(browser_secret="another-browser", origin="http://testserver",
                                     purpose="self-registration", requester_name="x").id,
    }
    return browsers, values


@pytest.mark.parametrize("name", sorted(TABLE))
def test_access(world, name):
    browsers, values = world
    method, path, rule, data = TABLE[name]
    path = path.format(**values)
    for role in ROLES:
        response = _call(browsers[role], method, path, data)
        refused = response.status_code in (401, 403, 404, 410) or (
            rule == "bound" and response.status_code == 302 and response["Location"] == "/")
        assert response.status_code < 500, (name, role, response.status_code)
        if role in ALLOWED[rule]:
            assert response.status_code not in (401, 403), (name, role, response.status_code)
        else:
            assert refused, (name, role, response.status_code)


def _call(browser: Client, method: str, path: str, data):
    if method == "get":
        return browser.get(path)
    if method == "put":
        return browser.put(path, b"<a/>", content_type="application/xml")
    if path.startswith("/api/"):
        return browser.post(path, {}, content_type="application/json")
    return browser.post(path, data or {})
