"""Portal pages (R-ENV, R-ERR, R-SEC): Dutch first, English selectable, environment shown, headers set."""

import pytest
from django.test import Client

from zorgid.portal.errors_catalogue import catalogue

pytestmark = pytest.mark.django_db


def test_start_page_is_dutch_and_shows_the_environment(client):
    page = client.get("/").content.decode()
    assert '<html lang="nl"' in page
    assert "Inloggen" in page and "De QR-code is 5 minuten geldig." in page
    assert "Acceptatieomgeving" in page
    assert "<svg" in page and "zorgid://login?v=1&amp;server=" in page


def test_productie_is_shown_as_such(client, settings):
    settings.ZORGID_ENVIRONMENT = "productie"
    assert "Productieomgeving" in client.get("/foutmeldingen").content.decode()


def test_english_can_be_chosen(client):
    client.get("/")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert '<html lang="en"' in page
    assert "Log in" in page and "The QR code is valid for 5 minutes." in page
    assert "Acceptance environment" in page


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "HttpOnly" in str(response.cookies["zorgid_browser"])
    assert "zorgid_session" not in response.cookies  # no session row for a visitor of the start page
    assert "<script>" not in response.content.decode()  # no inline script: CSP allows none


def test_session_cookie_is_secure_when_served_over_https(settings):
    settings.SESSION_COOKIE_SECURE = True
    response = Client().get("/", secure=True)
    assert response.cookies["zorgid_browser"]["secure"]


def test_forms_need_a_csrf_token():
    browser = Client(enforce_csrf_checks=True)
    browser.get("/")
    response = browser.post("/uitloggen")
    assert response.status_code == 403
    assert "ZID-PORTAL-CSRF" in response.content.decode()


def test_the_error_page_lists_every_code_from_the_code(client):
    page = client.get("/foutmeldingen").content.decode()
    codes = [cls.code for cls in catalogue()]
    for code in codes:
        assert f'id="{code}"' in page
    assert "ZID-LOGIN-EXPIRED" in codes and "ZID-ACTIVATION-USED" in codes
    assert "De inlog-QR-code is verlopen" in page


def test_unknown_pages_answer_with_a_code(client):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404 and "ZID-NOT-FOUND" in response.content.decode()
    response = client.get("/api/v1/bestaat-niet")
    assert response.status_code == 404 and response.json()["error"]["code"] == "ZID-NOT-FOUND"


def test_overview_needs_login(client):
    response = client.get("/overzicht")
    assert response.status_code == 403 and "ZID-PORTAL-LOGIN-REQUIRED" in response.content.decode()


def test_wrong_methods(client):
    assert client.head("/").status_code == 200
    assert client.post("/").status_code == 405
    assert client.get("/uitloggen").status_code == 405
