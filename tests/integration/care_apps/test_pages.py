"""The register's pages through the Django test client: the public list (``/applicaties``, Dutch and English) and
the operator's pages (R-ROLE-OPR). Only the operator reaches the operator's pages; every refusal has its code and
writes nothing."""

import json

import pytest
from django.test import Client

from tests.integration.administration.test_administration import person_with_role
from tests.integration.test_card_purposes import log_in
from tests.unit.care_apps.jwks import ec_jwk, jwks, rsa_jwk
from zorgid.audit.models import AuditEvent
from zorgid.care_apps import services
from zorgid.care_apps.models import CareAppEvent, CareApplication, CareAppStatus, CareAppVersion, VersionState
from zorgid.organisations.models import Role
from zorgid.organisations.services import add_organisation

pytestmark = pytest.mark.django_db

FORM = {"name": "Dossier EPD", "supplier": "Leverancier B.V.", "versions": "2.1\n2.0",
        "products": ["mobiel"], "redirect_uris": "https://ehr.example.nl/oidc/callback\nhttps://ehr.example.nl/cb2",
        "jwks": "", "jwks_uri": "https://ehr.example.nl/jwks", "tls_ura": "", "tls_subject_dn": "",
        "post_logout_redirect_uris": "", "backchannel_logout_uri": ""}


@pytest.fixture
def desk(client, device):
    return log_in(client, device)


def add(**changes):
    fields = {"name": "Dossier EPD", "supplier": "Leverancier B.V.", "versions": ["2.1"],
              "redirect_uris": ["https://ehr.example.nl/oidc/callback"], "jwks_uri": "https://ehr.example.nl/jwks",
              "actor": "t"}
    return services.add_application(**{**fields, **changes})


def error_code(response) -> str:
    page = response.content.decode()
    marker = 'data-testid="error-code">'
    return page.split(marker, 1)[1].split("<", 1)[0] if marker in page else ""


def nothing_written() -> bool:
    return not (CareApplication.objects.exists() or CareAppEvent.objects.exists()
                or AuditEvent.objects.filter(event__startswith="care_app.").exists())


# --- the public list --------------------------------------------------------------------------------------------


def test_the_public_list_shows_accepted_applications_per_product_in_dutch_and_english():
    alpha = add(name="Alpha EPD", supplier="Alpha BV", versions=["9.2", "10.0", "1.0"])
    services.refuse_version(alpha.client_id, "1.0", actor="t")
    add(name="Beta HIS", supplier="Beta BV", products=["mobiel", "smartcard"], versions=["3.1"])
    services.suspend(add(name="Geschorst EPD").client_id, actor="t")
    services.withdraw(add(name="Ingetrokken EPD").client_id, actor="t")
    browser = Client()
    response = browser.get("/applicaties")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Geaccepteerde ZORG-ID applicaties" in page and "ZORG-ID Mobiel" in page and "ZORG-ID Smartcard" in page
    mobile, smartcard = page.split('data-testid="product-mobiel"')[1].split('data-testid="product-smartcard"')
    assert "Alpha EPD" in mobile and "Alpha BV" in mobile and "10.0, 9.2" in mobile and "1.0" not in mobile
    assert "Beta HIS" in mobile and "Beta HIS" in smartcard and "Alpha EPD" not in smartcard
    assert "Geschorst" not in page and "Ingetrokken" not in page
    assert alpha.client_id not in page  # the register's ids are for the operator and the supplier

    browser.post("/i18n/setlang/", {"language": "en", "next": "/applicaties"})
    english = browser.get("/applicaties").content.decode()
    assert "Accepted ZORG-ID applications" in english and "Accepted versions" in english
    assert "Alpha EPD" in english


def test_the_public_list_is_linked_from_every_page():
    page = Client().get("/foutmeldingen").content.decode()
    assert 'href="/applicaties"' in page


def test_an_empty_register():
    page = Client().get("/applicaties").content.decode()
    assert page.count("Nog geen geaccepteerde applicaties.") == 2


# --- the operator's pages ---------------------------------------------------------------------------------------


def test_the_operator_registers_an_application(desk):
    assert 'href="/beheer/applicaties"' in desk.get("/overzicht").content.decode()
    assert desk.get("/beheer/applicaties/nieuw").status_code == 200
    response = desk.post("/beheer/applicaties/nieuw", FORM)
    assert response.status_code == 302, response.content.decode()[:3000]
    application = CareApplication.objects.get()
    assert response["Location"] == f"/beheer/applicaties/{application.client_id}"
    assert application.redirect_uris == ["https://ehr.example.nl/oidc/callback", "https://ehr.example.nl/cb2"]
    assert sorted(application.versions.values_list("version", flat=True)) == ["2.0", "2.1"]
    detail = desk.get(response["Location"]).content.decode()
    assert "Geregistreerd. Geef de leverancier de client_id" in detail and application.client_id in detail
    assert "Opgeslagen." not in desk.get(response["Location"]).content.decode()  # told once
    event = AuditEvent.objects.get(event="care_app.added")
    assert event.actor.startswith("person:") and event.ip == "127.0.0.1"
    listing = desk.get("/beheer/applicaties").content.decode()
    assert "Dossier EPD" in listing and application.client_id in listing


def test_a_pasted_jwks_is_registered(desk):
    keys = jwks(rsa_jwk("r1"), ec_jwk("e1"))
    response = desk.post("/beheer/applicaties/nieuw", {**FORM, "jwks_uri": "", "jwks": json.dumps(keys)})
    assert response.status_code == 302
    assert CareApplication.objects.get().jwks == keys
    assert "kid: r1, e1" in desk.get(response["Location"]).content.decode()


@pytest.mark.parametrize("changes, code, field", [
    ({"jwks_uri": "", "jwks": json.dumps(jwks(ec_jwk(private=True)))}, "ZID-CARE-APP-JWKS", "jwks"),
    ({"jwks_uri": "", "jwks": "{not json"}, "ZID-CARE-APP-JWKS", "jwks"),
    ({"redirect_uris": "https://ehr.example.nl/cb#fragment"}, "ZID-CARE-APP-URI-INVALID", "redirect_uris"),
    ({"redirect_uris": "http://ehr.example.nl/cb"}, "ZID-CARE-APP-URI-INVALID", "redirect_uris"),
    ({"redirect_uris": "\n".join(f"https://e.example/{n}" for n in range(11))}, "ZID-CARE-APP-URI-INVALID",
     "redirect_uris"),
    ({"versions": "2 .1;x"}, "ZID-CARE-APP-VERSION-INVALID", "versions"),
    ({"jwks_uri": ""}, "ZID-CARE-APP-AUTHENTICATION", None),
    ({"tls_ura": "90000382"}, "ZID-CARE-APP-AUTHENTICATION", None),
    ({"jwks_uri": "", "tls_subject_dn": "geen DN"}, "ZID-CARE-APP-AUTHENTICATION", "tls_subject_dn"),
    ({"backchannel_logout_uri": "ftp://ehr.example.nl/bc"}, "ZID-CARE-APP-URI-INVALID", "backchannel_logout_uri"),
])
def test_the_form_shows_the_register_s_refusal_at_its_field(desk, changes, code, field):
    response = desk.post("/beheer/applicaties/nieuw", {**FORM, **changes})
    assert response.status_code == 400
    assert error_code(response) == code
    form = response.context["form"]
    assert code in " ".join(form.errors[field or "__all__"])
    assert nothing_written()


def test_http_redirects_to_loopback_in_acceptatie_not_in_productie(desk, settings):
    loopback = {**FORM, "redirect_uris": "http://127.0.0.1:5000/cb", "jwks_uri": "http://localhost:5000/jwks"}
    settings.ZORGID_ENVIRONMENT = "productie"
    refused = desk.post("/beheer/applicaties/nieuw", loopback)
    assert refused.status_code == 400 and error_code(refused) == "ZID-CARE-APP-URI-INVALID" and nothing_written()
    settings.ZORGID_ENVIRONMENT = "acceptatie"
    assert desk.post("/beheer/applicaties/nieuw", loopback).status_code == 302


@pytest.mark.parametrize("changes", [
    {"name": ""}, {"name": "x" * 129}, {"supplier": "y" * 100_000}, {"products": []}, {"products": ["fax"]},
    {"jwks": "x" * 70_000}, {"redirect_uris": ""}, {"versions": ""},
])
def test_the_form_bounds_its_fields(desk, changes):
    response = desk.post("/beheer/applicaties/nieuw", {**FORM, **changes})
    assert response.status_code == 400 and nothing_written()


def test_the_operator_suspends_reinstates_and_withdraws(desk):
    application = add()
    detail = f"/beheer/applicaties/{application.client_id}"
    response = desk.post(f"{detail}/suspend", {"reason": "Storing bij de leverancier", "confirm": "ja"})
    assert response.status_code == 302 and response["Location"] == detail
    application.refresh_from_db()
    assert application.status == CareAppStatus.SUSPENDED
    page = desk.get(detail).content.decode()
    assert "Opgeschort" in page and "Storing bij de leverancier" in page and 'data-testid="reinstate"' in page
    again = desk.post(f"{detail}/suspend", {"confirm": "ja"})
    assert again.status_code == 409 and error_code(again) == "ZID-CARE-APP-STATE"
    assert desk.post(f"{detail}/reinstate").status_code == 302
    assert desk.post(f"{detail}/withdraw", {"confirm": "ja"}).status_code == 302
    refused = desk.post(f"{detail}/reinstate")
    assert refused.status_code == 409 and error_code(refused) == "ZID-CARE-APP-STATE"
    application.refresh_from_db()
    assert application.status == CareAppStatus.WITHDRAWN
    assert 'data-testid="reinstate"' not in desk.get(detail).content.decode()
    assert [e.event for e in AuditEvent.objects.filter(event__startswith="care_app.")] == [
        "care_app.added", "care_app.suspended", "care_app.reinstated", "care_app.withdrawn"]


def test_the_operator_accepts_and_refuses_versions(desk):
    application = add()
    detail = f"/beheer/applicaties/{application.client_id}"
    assert desk.post(f"{detail}/accept-version", {"version": "2.2"}).status_code == 302
    assert desk.post(f"{detail}/refuse-version", {"version": "2.1", "confirm": "ja"}).status_code == 302
    states = dict(CareAppVersion.objects.values_list("version", "state"))
    assert states == {"2.1": VersionState.REFUSED, "2.2": VersionState.ACCEPTED}
    page = desk.get(detail).content.decode()
    assert "versie geweigerd" in page and "Niet geaccepteerd" in page
    for data, status, code in (({"version": "2 2"}, 400, "ZID-CARE-APP-VERSION-INVALID"),
                               ({}, 400, "ZID-CARE-APP-VERSION-INVALID"),
                               ({"version": "x" * 5000}, 400, "ZID-CARE-APP-VERSION-INVALID"),
                               ({"version": "2.2"}, 409, "ZID-CARE-APP-STATE")):
        response = desk.post(f"{detail}/accept-version", data)
        assert (response.status_code, error_code(response)) == (status, code)
    too_long = desk.post(f"{detail}/suspend", {"reason": "x" * 600, "confirm": "ja"})
    assert (too_long.status_code, error_code(too_long)) == (400, "ZID-CARE-APP-INVALID")
    assert CareAppEvent.objects.count() == 3


def test_unknown_client_ids_and_actions(desk):
    application = add()
    for path, method, status, code in (
        ("/beheer/applicaties/" + "0" * 32, "get", 404, "ZID-CARE-APP-NOT-FOUND"),
        ("/beheer/applicaties/" + "x" * 3000, "get", 404, "ZID-CARE-APP-NOT-FOUND"),
        ("/beheer/applicaties/nope/suspend", "post", 404, "ZID-CARE-APP-NOT-FOUND"),
        (f"/beheer/applicaties/{application.client_id}/delete", "post", 404, "ZID-NOT-FOUND"),
        (f"/beheer/applicaties/{application.client_id}/suspend", "get", 405, ""),
    ):
        response = getattr(desk, method)(path)
        assert (response.status_code, error_code(response)) == (status, code), path


def test_the_operator_pages_need_a_csrf_token(device, client):
    browser = log_in(client, device)
    browser.handler.enforce_csrf_checks = True
    response = browser.post("/beheer/applicaties/nieuw", FORM)
    assert response.status_code == 403 and error_code(response) == "ZID-PORTAL-CSRF"
    assert nothing_written()


def test_only_the_operator_reaches_the_operator_pages(client):
    """An administrator of an organisation is refused (ZID-PORTAL-FORBIDDEN), anonymous visitors must log in
    (ZID-PORTAL-LOGIN-REQUIRED); neither changes anything."""
    application = add()
    linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")
    administrator, _ = person_with_role(client, Role.ADMINISTRATOR, linde, "Anna")
    detail = f"/beheer/applicaties/{application.client_id}"
    for browser, code in ((administrator, "ZID-PORTAL-FORBIDDEN"), (Client(), "ZID-PORTAL-LOGIN-REQUIRED")):
        for method, path, data in (("get", "/beheer/applicaties", None), ("get", "/beheer/applicaties/nieuw", None),
                                   ("post", "/beheer/applicaties/nieuw", FORM), ("get", detail, None),
                                   ("post", f"{detail}/suspend", {}), ("post", f"{detail}/withdraw", {}),
                                   ("post", f"{detail}/accept-version", {"version": "9"}),
                                   ("post", f"{detail}/allow-wid-check", {"confirm": "ja"})):
            response = getattr(browser, method)(path, data) if data is not None else getattr(browser, method)(path)
            assert (response.status_code, error_code(response)) == (403, code), (code, method, path)
    assert 'href="/beheer/applicaties"' not in administrator.get("/overzicht").content.decode()
    application.refresh_from_db()
    assert application.status == CareAppStatus.ACCEPTED and application.wid_check_allowed is False
    assert CareApplication.objects.count() == 1 and CareAppEvent.objects.count() == 1
