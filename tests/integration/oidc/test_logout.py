"""Logout started by the application (OpenID Connect RP-Initiated Logout 1.0): GET/POST /oidc/logout with the ID
token of a real login as id_token_hint (docs/koppelen.md "Uitloggen")."""

from __future__ import annotations

import datetime as dt
import urllib.parse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client

from tests.integration.oidc.test_mtls_token import REDIRECT_URI, employee, exchange, log_in_at  # noqa: F401 (fixture)
from tests.unit.pki.certificates import SUPPLIER_DN
from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.care_apps.services import add_application
from zorgid.oidc import keys
from zorgid.oidc.models import AppSession, LogoutDelivery

pytestmark = pytest.mark.django_db
LOGGED_OUT = "https://epd.example/uitgelogd"


def error_code(response) -> str | None:
    page = response.content.decode()
    marker = 'data-testid="error-code">'
    return page.split(marker, 1)[1].split("<", 1)[0] if marker in page else None


@pytest.fixture
def logged_in(client, trust, ov_ca, employee):  # noqa: F811 (the fixtures imported above)
    """Mies logged in at EPD Noord: the application holds her ID token and access token."""
    application = add_application(name="EPD Noord", supplier="Leverancier EPD B.V.", versions=["1.0"],
                                  redirect_uris=[REDIRECT_URI], tls_subject_dn=SUPPLIER_DN,
                                  post_logout_redirect_uris=[LOGGED_OUT, LOGGED_OUT + "?taal=nl"], actor="test")
    login = log_in_at(application, employee, client)
    answer = exchange(login, ov_ca.issue()[0])
    assert answer.status_code == 200, answer.content
    tokens = answer.json()
    tokens["sid"] = jwt.decode(tokens["id_token"], options={"verify_signature": False})["sid"]
    tokens["application"] = application
    return tokens


def _session(tokens) -> AppSession:
    return AppSession.objects.get(sid=tokens["sid"])


def _userinfo(tokens):
    return Client().get("/oidc/userinfo", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")


def test_logout_ends_the_session_and_returns_to_the_registered_address_with_state(logged_in):
    assert _userinfo(logged_in).status_code == 200

    answer = Client().get("/oidc/logout", {"id_token_hint": logged_in["id_token"], "state": "s-123&x",
                                           "post_logout_redirect_uri": LOGGED_OUT,
                                           "client_id": logged_in["application"].client_id})

    assert answer.status_code == 302
    assert answer["Location"] == LOGGED_OUT + "?state=s-123%26x"
    session = _session(logged_in)
    assert session.ended_at is not None and session.end_reason == "logout"
    refused = _userinfo(logged_in)
    assert refused.status_code == 401 and "ZID-OIDC-SESSION-ENDED" in refused.json()["error_description"]
    event = AuditEvent.objects.get(event="oidc.logout")
    assert event.subject == f"sid:{session.sid}" and event.actor == f"person:{session.person_id}"
    assert not LogoutDelivery.objects.exists()  # the application asked: it is not told again


def test_a_registered_address_keeps_its_query(logged_in):
    answer = Client().get("/oidc/logout", {"id_token_hint": logged_in["id_token"], "state": "abc",
                                           "post_logout_redirect_uri": LOGGED_OUT + "?taal=nl"})
    assert answer["Location"] == LOGGED_OUT + "?taal=nl&state=abc"


def test_without_an_address_zorgid_says_so_itself_in_dutch(logged_in):
    answer = Client().get("/oidc/logout", {"id_token_hint": logged_in["id_token"]})

    assert answer.status_code == 200
    page = answer.content.decode()
    assert "U bent uitgelogd bij EPD Noord" in page
    assert 'data-testid="redirect-refused"' not in page
    assert answer["Cache-Control"] == "no-store"
    assert _session(logged_in).ended_at is not None


def test_an_unregistered_address_gets_no_redirect(logged_in):
    for uri in ("https://evil.example/", LOGGED_OUT + "/", LOGGED_OUT.upper()):
        answer = Client().get("/oidc/logout", {"id_token_hint": logged_in["id_token"], "state": "x",
                                               "post_logout_redirect_uri": uri})
        assert answer.status_code == 200, uri
        assert 'data-testid="redirect-refused"' in answer.content.decode()
    assert _session(logged_in).ended_at is not None


def test_the_form_may_be_posted_from_the_applications_page(logged_in):
    browser = Client(enforce_csrf_checks=True)
    answer = browser.post("/oidc/logout", {"id_token_hint": logged_in["id_token"],
                                           "post_logout_redirect_uri": LOGGED_OUT})
    assert answer.status_code == 302 and answer["Location"] == LOGGED_OUT
    assert _session(logged_in).end_reason == "logout"


def test_an_expired_id_token_still_logs_out(logged_in):
    clock.move(dt.timedelta(hours=12))
    answer = Client().get("/oidc/logout", {"id_token_hint": logged_in["id_token"]})
    assert answer.status_code == 200
    assert _session(logged_in).ended_at is not None


def test_logging_out_twice_ends_once(logged_in):
    for _ in range(2):
        assert Client().get("/oidc/logout", {"id_token_hint": logged_in["id_token"]}).status_code == 200
    assert AuditEvent.objects.filter(event="oidc.logout").count() == 1


def _forged(claims: dict, *, kid: str, typ: str = "JWT") -> str:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(claims, other, algorithm="RS256", headers={"kid": kid, "typ": typ})


def _tampered(token: str, **changes) -> str:
    header, payload, signature = token.split(".")
    claims = jwt.decode(token, options={"verify_signature": False})
    claims.update(changes)
    body = jwt.utils.base64url_encode(jwt.api_jws.json.dumps(claims).encode()).decode()
    return ".".join((header, body, signature))


def test_a_bad_or_forged_hint_is_refused_with_its_code_and_ends_nothing(logged_in):
    claims = jwt.decode(logged_in["id_token"], options={"verify_signature": False})
    kid = jwt.get_unverified_header(logged_in["id_token"])["kid"]
    none_alg = jwt.encode(claims, None, algorithm="none")
    bad_hints = {
        "garbage": "not-a-jwt",
        "forged with another key": _forged(claims, kid=kid),
        "tampered sid": _tampered(logged_in["id_token"], sid="0" * 32),
        "alg none": none_alg,
        "another issuer": keys.sign_jwt({**claims, "iss": "https://elders.example"}),
        "a logout token": keys.sign_jwt(claims, typ="logout+jwt"),
        "no sid": keys.sign_jwt({key: value for key, value in claims.items() if key != "sid"}),
        "an unknown audience": keys.sign_jwt({**claims, "aud": "f" * 32}),
    }
    for name, hint in bad_hints.items():
        answer = Client().get("/oidc/logout", {"id_token_hint": hint, "post_logout_redirect_uri": LOGGED_OUT})
        assert (answer.status_code, error_code(answer)) == (400, "ZID-OIDC-LOGOUT-HINT"), name
    assert _session(logged_in).ended_at is None
    assert not AuditEvent.objects.filter(event="oidc.logout").exists()


def test_the_hint_is_required_and_the_client_must_be_its_audience(logged_in):
    missing = Client().get("/oidc/logout", {"post_logout_redirect_uri": LOGGED_OUT, "state": "x"})
    assert (missing.status_code, error_code(missing)) == (400, "ZID-OIDC-LOGOUT-HINT-MISSING")
    other = Client().get("/oidc/logout", {"id_token_hint": logged_in["id_token"], "client_id": "a" * 32})
    assert (other.status_code, error_code(other)) == (400, "ZID-OIDC-LOGOUT-CLIENT")
    assert _session(logged_in).ended_at is None


@pytest.mark.parametrize("query", [
    "id_token_hint=a&id_token_hint=b",
    "state=" + "s" * 256,
    "client_id=" + "c" * 65,
    "post_logout_redirect_uri=" + urllib.parse.quote("https://x.example/" + "p" * 500),
    "id_token_hint=" + "h" * (8 * 1024 + 1),
])
def test_repeated_or_overlong_parameters_are_refused(db, query):
    answer = Client().get("/oidc/logout?" + query)
    assert (answer.status_code, error_code(answer)) == (400, "ZID-OIDC-LOGOUT-REQUEST")


def test_control_characters_are_refused_before_the_view(db):
    answer = Client().get("/oidc/logout?id_token_hint=a%00b")
    assert (answer.status_code, error_code(answer)) == (400, "ZID-INPUT-CONTROL-CHARACTER")


def test_the_page_speaks_english_when_asked(logged_in):
    browser = Client()
    browser.post("/i18n/setlang/", {"language": "en"})
    page = browser.get("/oidc/logout", {"id_token_hint": logged_in["id_token"]}).content.decode()
    assert "You have logged out of EPD Noord" in page
