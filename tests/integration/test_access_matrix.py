"""R-SEC-AUTHZ as one table: every portal page and API endpoint, for every role, in the own organisation and in
another, with the exact answer each must get. The table must name every URL the project has: a new URL without a
row fails this test (docs/security.md, "who may do what").

A cell passes only with its exact outcome: an allowed role gets the page (its status, or the redirect's exact
target); a refused role gets its exact status and error code. "404 either way" cannot pass: the objects a row
names exist, so an allowed role sees them and a refusal is the refusal's own code. The last test removes each
authorisation call in turn and checks that the table then fails (a mutation check of the table itself).

Rules: ``public`` anyone; ``login`` any logged-in person; ``operator`` the service desk; ``managers`` the
organisation's administrators and beheerders (and the operator); ``admin`` its administrators (and the
operator); ``bound`` a flow that another browser started, ``secret`` a link with a wrong secret: everyone gets the
same refusal, whatever the role.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

import pytest
from django.test import Client
from django.urls import get_resolver

from tests.integration.access_rows import (
    data_correction,
    dev_mail,
    employee_import,
    health_metrics,
    smartcard_admin,
    smartcard_login,
    smartcard_making,
    widscan,
)
from tests.integration.administration.test_administration import WID, person_with_role
from tests.integration.test_card_purposes import activate, log_in
from zorgid import clock
from zorgid.applications.models import Application, ApplicationState
from zorgid.care_apps.models import CareApplication
from zorgid.care_apps.services import add_application
from zorgid.flows.cards import start_card_flow
from zorgid.flows.services import start_login
from zorgid.identities.models import Person
from zorgid.organisations.models import AdministratorRequest, Role
from zorgid.organisations.roles import add_operator, grant_role
from zorgid.organisations.services import add_organisation

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "employee", "beheerder", "administrator", "other_beheerder", "operator")
OK = "ok"
LOGIN = (403, "ZID-PORTAL-LOGIN-REQUIRED")
FORBIDDEN = (403, "ZID-PORTAL-FORBIDDEN")
RULES = {
    "public": dict.fromkeys(ROLES, OK),
    "login": {**dict.fromkeys(ROLES, OK), "anonymous": LOGIN},
    "operator": {**dict.fromkeys(ROLES, FORBIDDEN), "anonymous": LOGIN, "operator": OK},
    "managers": {**dict.fromkeys(ROLES, OK), "anonymous": LOGIN, "employee": FORBIDDEN, "other_beheerder": FORBIDDEN},
    "admin": {**dict.fromkeys(ROLES, FORBIDDEN), "anonymous": LOGIN, "administrator": OK, "operator": OK},
    "bound": dict.fromkeys(ROLES, OK),  # OK is the row's refusal, the same for everyone
    "secret": dict.fromkeys(ROLES, OK),
}
ORG_PERSON = "/organisatie/{ura}/medewerkers/{bram}"
LOGGED_IN_START = {role: (302, "/overzicht") for role in ROLES if role != "anonymous"}
OIDC_AUTHORIZE = ("/oidc/authorize?client_id={care_app}&redirect_uri=https%3A%2F%2Fehr.example%2Fcb&response_type=code"
                  "&scope=openid&state=s&nonce=n&code_challenge=" + "E" * 43 + "&code_challenge_method=S256"
                  "&application_version=1.0")

# name: (method, path, rule, POST data, outcome of an allowed role: (status, error code or redirect target)
#        or a dict of outcomes per role where they differ)
TABLE = {
    "api-activations": ("post", "/api/v1/activations", "public", None, (400, "ZID-REQUEST-MALFORMED")),
    "api-login-flow": ("get", "/api/v1/login-flows/{login_flow}", "public", None, (200, None)),
    "api-login-approval": ("post", "/api/v1/login-flows/{login_flow}/approval", "public", None,
                           (400, "ZID-REQUEST-MALFORMED")),
    "api-key-share-unlock": ("post", "/api/v1/key-shares/{mobile_id}/unlock", "public", None,
                             (400, "ZID-REQUEST-MALFORMED")),
    "api-key-share-pin": ("post", "/api/v1/key-shares/{mobile_id}/pin", "public", None,
                          (400, "ZID-REQUEST-MALFORMED")),
    "api-card-flow": ("get", "/api/v1/card-flows/{card_flow}", "public", None, (200, None)),
    "api-card-response": ("post", "/api/v1/card-flows/{card_flow}/response", "public", None,
                          (400, "ZID-REQUEST-MALFORMED")),
    "api-card-decline": ("post", "/api/v1/card-flows/{card_flow}/decline", "public", None,
                         (400, "ZID-REQUEST-MALFORMED")),
    "api-application-document": ("put", "/api/v1/applications/ZID-2026-AAAAAAAA/document", "public", None,
                                 (404, "ZID-APPLICATION-UNKNOWN")),
    "api-schema": ("get", "/api/schema/", "public", None, (200, None)),
    "set_language": ("post", "/i18n/setlang/", "public", {"language": "en"}, (302, "/")),
    "applications-apply": ("get", "/aanvragen/nieuw", "public", None, (200, None)),
    "applications-upload": ("get", "/aanvragen/document", "public", None, (200, None)),
    "applications-validation-tool": ("get", "/aanvragen/validatietool", "public", None, (200, None)),
    "applications-validation-tool-download": ("get", "/aanvragen/validatietool/zorgid-validatietool.pyz", "public",
                                              None, (404, "ZID-APPLICATION-TOOL-MISSING")),
    "applications-status": ("get", "/aanvragen/{reference}/status/wrong", "secret", None,
                            (404, "ZID-APPLICATION-UNKNOWN")),
    "applications-followup": ("get", "/vervolgformulier/wrong", "secret", None,
                              (410, "ZID-APPLICATION-FOLLOWUP-LINK")),
    "applications-activation": ("get", "/activatie/wrong-code-of-enough-length", "secret", None,
                                (404, "ZID-ACTIVATION-UNKNOWN")),
    "applications-operator-queue": ("get", "/beheer/aanvragen", "operator", None, (200, None)),
    "applications-operator-detail": ("get", "/beheer/aanvragen/{reference}", "operator", None, (200, None)),
    "applications-operator-decide": ("post", "/beheer/aanvragen/{reference}/decline", "operator",
                                     {"note": "Geen zorgaanbieder.", "confirm": "ja"},
                                     (302, "/beheer/aanvragen/{reference}")),
    "portal-start": ("get", "/", "public", None, {"anonymous": (200, None), **LOGGED_IN_START}),
    "portal-login-status": ("get", "/inloggen/status/{login_flow}", "bound", None,
                            (403, "ZID-LOGIN-OTHER-BROWSER")),
    "portal-overview": ("get", "/overzicht", "login", None, (200, None)),
    "portal-logout": ("post", "/uitloggen", "public", None, (302, "/")),
    "portal-error-codes": ("get", "/foutmeldingen", "public", None, (200, None)),
    "portal-card": ("get", "/uzi-pas/{card_flow}", "bound", None, (403, "ZID-CARD-OTHER-BROWSER")),
    "portal-card-status": ("get", "/uzi-pas/{card_flow}/status", "bound", None, (403, "ZID-CARD-OTHER-BROWSER")),
    "portal-card-refresh": ("post", "/uzi-pas/{card_flow}/verversen", "bound", {}, (403, "ZID-CARD-OTHER-BROWSER")),
    "portal-register": ("get", "/registreren", "public", None, (200, None)),
    "portal-register-login": ("get", "/registreren/inloggen", "public", None, (200, None)),
    "portal-register-card-read": ("post", "/registreren/{card_flow}/pas-gelezen", "bound", {},
                                  (403, "ZID-CARD-OTHER-BROWSER")),
    "portal-register-card-data": ("get", "/registreren/{card_flow}/gegevens", "bound", None,
                                  (403, "ZID-CARD-OTHER-BROWSER")),
    "portal-register-birth-date": ("get", "/registreren/{card_flow}/geboortedatum", "bound", None,
                                   (403, "ZID-CARD-OTHER-BROWSER")),
    "portal-register-summary": ("get", "/registreren/{card_flow}/samenvatting", "bound", None,
                                (403, "ZID-CARD-OTHER-BROWSER")),
    "portal-register-qr": ("get", "/registreren/{card_flow}/qr-code", "bound", None, (302, "/")),
    "portal-register-installed": ("get", "/registreren/{card_flow}/id", "public", None, (200, None)),
    "portal-validate": ("get", "/valideren", "public", None, (200, None)),
    "portal-validate-card-read": ("post", "/valideren/{card_flow}/pas-gelezen", "bound", {},
                                  (403, "ZID-CARD-OTHER-BROWSER")),
    "portal-validate-organisation": ("get", "/valideren/{card_flow}/organisatie", "bound", None,
                                     (403, "ZID-CARD-OTHER-BROWSER")),
    "portal-validate-done": ("get", "/valideren/{card_flow}/geslaagd", "bound", None, (302, "/")),
    "portal-validate-ask": ("post", "/valideren/{card_flow}/verzoek", "bound", {}, (403, "ZID-CARD-OTHER-BROWSER")),
    "portal-validate-asked": ("get", "/valideren/{card_flow}/verzoek-ingediend", "bound", None, (302, "/")),
    "portal-attributes": ("get", "/attributen", "login", None, (200, None)),
    "portal-attributes-link": ("post", "/attributen/{card_flow}/koppelen", "bound", {},
                               {**dict.fromkeys(ROLES, (403, "ZID-CARD-OTHER-BROWSER")), "anonymous": LOGIN}),
    "portal-attributes-done": ("get", "/attributen/gekoppeld", "login", None, (302, "/overzicht")),
    "portal-org": ("get", "/organisatie/{ura}", "managers", None, (200, None)),
    "portal-org-employees": ("get", "/organisatie/{ura}/medewerkers", "managers", None, (200, None)),
    "portal-org-employee-new": ("post", "/organisatie/{ura}/medewerkers/nieuw", "managers", {}, (200, None)),
    "portal-org-employee": ("get", ORG_PERSON, "managers", None, (200, None)),
    "portal-org-employee-reissue": ("post", ORG_PERSON + "/nieuwe-qr", "managers", WID, (200, None)),
    "portal-org-handover": ("get", ORG_PERSON + "/overdracht", "managers", None, (302, ORG_PERSON)),
    "portal-org-employee-action": ("post", ORG_PERSON + "/make-beheerder", "admin", {}, (302, ORG_PERSON)),
    "portal-operator-organisations": ("get", "/beheer/organisaties", "operator", None, (200, None)),
    "portal-org-audit": ("get", "/organisatie/{ura}/audit", "managers", None, (200, None)),
    "portal-org-admin-requests": ("get", "/organisatie/{ura}/administratorverzoeken", "admin", None, (200, None)),
    "portal-org-admin-request-decide": (  # the first allowed role decides; the request is decided then
        "post", "/organisatie/{ura}/administratorverzoeken/{admin_request}", "admin", {"decision": "decline"},
        {"administrator": (302, "/organisatie/{ura}/administratorverzoeken"),
         "operator": (409, "ZID-ORG-ADMIN-REQUEST-DECIDED")}),
    "portal-operator-audit": ("get", "/beheer/audit", "operator", None, (200, None)),
    # the register of accepted healthcare applications (care_apps)
    "care-apps-public": ("get", "/applicaties", "public", None, (200, None)),
    "care-apps-operator": ("get", "/beheer/applicaties", "operator", None, (200, None)),
    "care-apps-operator-add": ("get", "/beheer/applicaties/nieuw", "operator", None, (200, None)),
    "care-apps-operator-detail": ("get", "/beheer/applicaties/{care_app}", "operator", None, (200, None)),
    "care-apps-operator-action": ("post", "/beheer/applicaties/{care_app}/suspend", "operator",
                                  {"reason": "Storing", "confirm": "ja"}, (302, "/beheer/applicaties/{care_app}")),
    # the OpenID Connect provider (oidc)
    "oidc-discovery": ("get", "/.well-known/openid-configuration", "public", None, (200, None)),
    "oidc-jwks": ("get", "/oidc/jwks", "public", None, (200, None)),
    "oidc-authorize": ("get", OIDC_AUTHORIZE, "public", None, (200, None)),  # the QR page, for everyone
    "oidc-login-status": ("get", "/oidc/authorize/{oidc_flow}/status", "bound", None,
                          (403, "ZID-LOGIN-OTHER-BROWSER")),
    "oidc-authorize-continue": ("get", "/oidc/authorize/{oidc_flow}/verder", "bound", None,
                                (403, "ZID-LOGIN-OTHER-BROWSER")),
    "oidc-token": ("post", "/oidc/token", "public", {}, (400, "ZID-OIDC-GRANT-TYPE")),
    "oidc-userinfo": ("get", "/oidc/userinfo", "public", None, (401, "ZID-OIDC-TOKEN-MISSING")),
    "oidc-logout": ("get", "/oidc/logout", "public", None, (400, "ZID-OIDC-LOGOUT-HINT-MISSING")),
    # the status of the certificates zorgid issues: CRL and OCSP (pki)
    "pki-crl": ("get", "/pki/crl/mobile-id.crl", "public", None, (200, None)),
    "pki-ocsp": ("post", "/pki/ocsp", "public", {}, (200, None)),  # an OCSP answer: malformedRequest
    "pki-ocsp-get": ("get", "/pki/ocsp/MAA=", "public", None, (200, None)),
}

ANNA = "/organisatie/{ura}/medewerkers/{anna}"
ADMINISTRATOR_ONLY = (403, "ZID-EMPLOYEE-ADMINISTRATOR-ONLY")
CONTROL_CHARACTER = (400, "ZID-INPUT-CONTROL-CHARACTER")

# Rows for what the table above cannot show: a manager acting on a person above him (docs/security.md, "who may
# manage whom"), and input with control characters. Same format; the key is a description, not a URL name.
CASES = {
    "new QR for the administrator": ("post", ANNA + "/nieuwe-qr", "managers", WID,
                                     {"beheerder": ADMINISTRATOR_ONLY, "administrator": (200, None),
                                      "operator": (200, None)}),
    "block the administrator": ("post", ANNA + "/block", "managers", {"confirm": "ja"},
                                {"beheerder": ADMINISTRATOR_ONLY, "administrator": (302, ANNA),
                                 "operator": (302, ANNA)}),
    "revoke the administrator's ID": ("post", ANNA + "/revoke", "managers",
                                      {"mobile_id": "{anna_mobile_id}", "confirm": "ja"},
                                      {"beheerder": ADMINISTRATOR_ONLY, "administrator": (302, ANNA),
                                       "operator": (302, ANNA)}),
    "delete the only administrator": ("post", ANNA + "/delete", "managers", {"confirm": "ja"},
                                      {"beheerder": ADMINISTRATOR_ONLY,
                                       "administrator": (409, "ZID-ORG-LAST-ADMINISTRATOR"),
                                       "operator": (409, "ZID-ORG-LAST-ADMINISTRATOR")}),
    "remove the administrator role": ("post", ANNA + "/remove-administrator", "admin", {"confirm": "ja"},
                                      {"administrator": (409, "ZID-ORG-LAST-ADMINISTRATOR"),
                                       "operator": (409, "ZID-ORG-LAST-ADMINISTRATOR")}),
    # a destructive action's GET is its confirmation page: refused as the action itself would be
    "the confirmation of a block": ("get", ORG_PERSON + "/block", "managers", None, (200, None)),
    "a block not confirmed": ("post", ORG_PERSON + "/block", "managers", {}, (400, None)),
    "the confirmation of blocking the administrator": (
        "get", ANNA + "/block", "managers", None,
        {"beheerder": ADMINISTRATOR_ONLY, "administrator": (200, None), "operator": (200, None)}),
    "the confirmation of revoking the administrator's ID": (
        "get", ANNA + "/revoke?mobile_id={anna_mobile_id}", "managers", None,
        {"beheerder": ADMINISTRATOR_ONLY, "administrator": (200, None), "operator": (200, None)}),
    "the confirmation of deleting the only administrator": (
        "get", ANNA + "/delete", "managers", None,
        {"beheerder": ADMINISTRATOR_ONLY, "administrator": (409, "ZID-ORG-LAST-ADMINISTRATOR"),
         "operator": (409, "ZID-ORG-LAST-ADMINISTRATOR")}),
    "the confirmation of taking a role": ("get", ORG_PERSON + "/remove-beheerder", "admin", None, (200, None)),
    "the confirmation of a hand-over": ("get", ORG_PERSON + "/hand-over", "admin", None, (200, None)),
    "an action without a confirmation page": ("get", ORG_PERSON + "/make-beheerder", "admin", None, (405, None)),
    "an unknown action on an employee": ("post", ORG_PERSON + "/opheffen", "managers", {}, (404, "ZID-NOT-FOUND")),
    "NUL in an API flow id": ("get", "/api/v1/login-flows/%00", "public", None, CONTROL_CHARACTER),
    "NUL in a key share's id": ("post", "/api/v1/key-shares/%00/unlock", "public", None, CONTROL_CHARACTER),
    "NUL in a document's reference": ("put", "/api/v1/applications/%00/document", "public", None,
                                      CONTROL_CHARACTER),
    "NUL in a status link": ("get", "/aanvragen/%00/status/x", "public", None, CONTROL_CHARACTER),
    "NUL in an organisation's URA": ("get", "/organisatie/%00", "public", None, CONTROL_CHARACTER),
    "NUL in an employee's id": ("get", "/organisatie/{ura}/medewerkers/%00", "public", None, CONTROL_CHARACTER),
    "NUL in an audit filter": ("get", "/organisatie/{ura}/audit?soort=%00", "public", None, CONTROL_CHARACTER),
    "NUL in an application's reference": ("get", "/beheer/aanvragen/%00", "public", None, CONTROL_CHARACTER),
    "NUL in the operator's audit filter": ("get", "/beheer/audit?soort=a%00", "public", None, CONTROL_CHARACTER),
    "a forged logout hint": ("get", "/oidc/logout?id_token_hint=x.y.z", "public", None, (400, "ZID-OIDC-LOGOUT-HINT")),
    "a logout form without a hint": ("post", "/oidc/logout", "public", {"state": "s"},
                                     (400, "ZID-OIDC-LOGOUT-HINT-MISSING")),
    "NUL in a logout hint": ("get", "/oidc/logout?id_token_hint=%00", "public", None, CONTROL_CHARACTER),
    "an unknown application asking for a login": ("get", "/oidc/authorize?client_id=" + "0" * 32, "public", None,
                                                  (400, "ZID-CARE-APP-UNKNOWN")),
    "NUL in an authorization request": ("get", OIDC_AUTHORIZE + "&ura=%00", "public", None, CONTROL_CHARACTER),
    "a client secret at the token endpoint": ("post", "/oidc/token", "public", {
        "grant_type": "authorization_code", "code": "x", "client_id": "{care_app}", "client_secret": "geheim"},
        (401, "ZID-OIDC-CLIENT-AUTH")),
    "NUL in a healthcare application's client_id": ("get", "/beheer/applicaties/%00", "public", None,
                                                    CONTROL_CHARACTER),
    "an unknown healthcare application": ("get", "/beheer/applicaties/" + "0" * 32, "operator", None,
                                          (404, "ZID-CARE-APP-NOT-FOUND")),
    "the confirmation of suspending a healthcare application": (
        "post", "/beheer/applicaties/{care_app}/suspend", "operator", {"reason": "Storing"}, (200, None)),
    "an unknown action on a healthcare application": ("post", "/beheer/applicaties/{care_app}/delete", "operator",
                                                      {}, (404, "ZID-NOT-FOUND")),
}
ROW_MODULES = (smartcard_making, smartcard_login, smartcard_admin,  # rows kept in tests/integration/access_rows
               dev_mail, employee_import, data_correction, health_metrics, widscan)
for _module in ROW_MODULES:
    TABLE.update(_module.ROWS)
    CASES.update(getattr(_module, "CASES", {}))
ROWS = {**TABLE, **CASES}


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


def _application(ura: str) -> Application:
    """An open application in the operator's queue, made as the form leaves it."""
    now = clock.now()
    contact = {f"{who}_{field}": value for who in ("tb", "vtw", "adm") for field, value in
               (("name", "Tom Test"), ("email", f"{who}@oost.example"), ("phone", "030 123 4567"))}
    return Application.objects.create(
        reference="ZID-2026-MATRIX01", state=ApplicationState.SUBMITTED, product="smartcard",
        environment="acceptatie", organisation_name="Apotheek Zuid", ura=ura, kvk="11223344", street="Laan",
        house_number="1", postcode="3511 AB", city="Utrecht", status_token_hash="0" * 64, created_at=now,
        updated_at=now, **contact)


@pytest.fixture
def world(client):
    linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")
    oost = add_organisation(name="Ziekenhuis Oost", ura="90000999", kvk="87654321", actor="t")
    bram = Person.objects.create(first_names="Bram", last_name="Bakker", birth_date="1990-06-01",
                                 created_at="2026-01-01T00:00:00Z")
    grant_role(bram, Role.MEDEWERKER, linde, actor="t")
    browsers, people = {"anonymous": Client()}, {}
    for role, org, name in (("employee", linde, "Mies"), ("beheerder", linde, "Beppie"),
                            ("administrator", linde, "Anna"), ("other_beheerder", oost, "Otto")):
        django_role = {"employee": Role.MEDEWERKER, "administrator": Role.ADMINISTRATOR}.get(role, Role.BEHEERDER)
        browsers[role], people[role] = person_with_role(client, django_role, org, name)
    operator = add_operator("Olga", "Operator", dt.date(1975, 1, 1), actor="t")
    browsers["operator"] = log_in(client, activate(client, operator.payload("http://testserver").to_uri()))
    values = {
        "ura": linde.ura, "bram": bram.id, "anna": people["administrator"].id,
        "anna_mobile_id": people["administrator"].mobile_ids.get().id, "mobile_id": "0" * 32,
        "reference": _application("90000555").reference,
        "admin_request": AdministratorRequest.objects.create(  # Bram asked to become administrator of De Linde
            organisation=linde, person=bram, uzi_number="900000002", common_name="Bram Bakker", role="01.015",
            requested_at=clock.now()).pk,
        "login_flow": start_login(browser_secret="another-browser", origin="http://testserver",
                                  requester_name="x").id,
        "care_app": add_application(name="Dossier", supplier="Leverancier BV", versions=["1.0"], actor="t",
                                    redirect_uris=["https://ehr.example/cb"], jwks_uri="https://ehr.example/jwks",
                                    ).client_id,
        "oidc_flow": start_login(browser_secret="another-browser", origin="http://testserver", requester_name="x",
                                 application=CareApplication.objects.get(name="Dossier")).id,
        "card_flow": start_card_flow(browser_secret="another-browser", origin="http://testserver",
                                     purpose="self-registration", requester_name="x").id,
    }
    for module in ROW_MODULES:
        values.update(module.values(linde=linde, oost=oost, bram=bram, people=people))
    return browsers, values


def expected(name: str, role: str, values: dict) -> tuple[int, str | None]:
    _, _, rule, _, allowed = ROWS[name]
    outcome = RULES[rule][role]
    if isinstance(allowed, dict) and role in allowed:
        outcome = allowed[role]
    elif outcome == OK:
        outcome = allowed[role] if isinstance(allowed, dict) else allowed
    status, detail = outcome
    return status, detail.format(**values) if detail else detail


def outcome(response) -> tuple[int, str | None]:
    """The answer as the table writes it: a redirect's target, an error's code, or the status alone."""
    status = response.status_code
    if status in (301, 302, 303):
        return status, response["Location"]
    if status < 400:
        return status, None
    if response.get("Content-Type", "").startswith("application/json"):
        body = json.loads(response.content)
        if isinstance(body.get("error"), str):  # an OAuth error (RFC 6749 §5.2): the ZID code opens its description
            return status, str(body.get("error_description", "")).split(":", 1)[0]
        return status, (body.get("error") or {}).get("code")
    page = response.content.decode(errors="replace")
    marker = 'data-testid="error-code">'
    return status, page.split(marker, 1)[1].split("<", 1)[0] if marker in page else None


def mismatches(name: str, browsers: dict, values: dict) -> list[tuple]:
    """Every role whose answer differs from its cell; a server error is always a mismatch."""
    method, path, _, data, _ = ROWS[name]
    if data:
        data = {key: value.format(**values) if isinstance(value, str) else value for key, value in data.items()}
    found = []
    for role in ROLES:
        want = expected(name, role, values)
        got = outcome(_call(browsers[role], method, path.format(**values), data))
        if want[1] is None and got[0] == want[0] and got[0] >= 400:
            got = (got[0], None)  # a form's own 400 page carries no error code of its own
        if got != want or got[0] >= 500:
            found.append((name, role, want, got))
    return found


@pytest.mark.parametrize("name", sorted(ROWS))
def test_access(world, name):
    browsers, values = world
    assert mismatches(name, browsers, values) == []


def _call(browser: Client, method: str, path: str, data):
    if method == "get":
        return browser.get(path)
    if method == "put":
        return browser.put(path, b"<a/>", content_type="application/xml")
    if path.startswith("/api/"):
        return browser.post(path, {}, content_type="application/json")
    return browser.post(path, data or {})


def _permissive_operator(request):
    from zorgid.portal.access import require_person

    return require_person(request)


def _permissive_org_role(request, ura, roles=()):
    from zorgid.organisations.models import Organisation
    from zorgid.portal.access import require_person

    return require_person(request), Organisation.objects.get(ura=ura)


MUTANTS = {"require_operator": _permissive_operator, "require_org_role": _permissive_org_role}


def _modules_calling(function: str) -> list[str]:
    return sorted(name for name, module in list(sys.modules.items())
                  if name.startswith("zorgid.") and name != "zorgid.portal.access"
                  and getattr(module, function, None) is not None)


def _rows_served_by(module: str, values: dict) -> list[str]:
    from django.urls import resolve

    return [name for name, (_, path, *_rest) in sorted(ROWS.items())
            if resolve(path.format(**values).split("?")[0]).func.__module__ == module]


@pytest.mark.parametrize("function", sorted(MUTANTS))
def test_the_table_fails_when_an_authorisation_call_is_removed(world, monkeypatch, function):
    """Per view module that calls ``function``: with its check made permissive there, a row of that module's
    pages fails. So the table cannot stay green when a view loses its authorisation call."""
    import zorgid.urls  # noqa: F401  (every view module imported)

    browsers, values = world
    modules = _modules_calling(function)
    assert modules, f"no view module calls {function}"
    for module in modules:
        rows = _rows_served_by(module, values)
        assert rows, f"{module} calls {function} but serves no row of the table"
        with monkeypatch.context() as patch:
            patch.setattr(sys.modules[module], function, MUTANTS[function])
            caught = [cell for name in rows for cell in mismatches(name, browsers, values)]
        assert caught, f"removing {function} from {module} went unnoticed by the table"
