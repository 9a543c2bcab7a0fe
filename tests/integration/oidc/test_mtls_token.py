"""Mutual TLS client authentication at the token endpoint (RFC 8705 ``tls_client_auth``; docs/koppelen.md): a
whole login through HTTP, then the application exchanges its code with only its client certificate, as a reverse
proxy passes it on (ZORGID_CLIENT_CERT_HEADER, from ZORGID_TRUSTED_PROXIES only)."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from django.test import Client

from tests.conftest import activate_code
from tests.integration.oidc.conftest import PROXY
from tests.integration.oidc.relying_party import RelyingParty, log_in
from tests.unit.pki.certificates import SUPPLIER_DN, OvCa, write_crl
from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.care_apps.services import add_application
from zorgid.devtools.test_uzi_ca import ensure_test_uzi_ca
from zorgid.organisations.models import Role
from zorgid.organisations.roles import add_operator, grant_role

pytestmark = pytest.mark.django_db
REDIRECT_URI = "http://127.0.0.1:8765/callback"
URA = "90000382"


def escaped(certificate) -> str:
    """The header as nginx writes it ($ssl_client_escaped_cert)."""
    return urllib.parse.quote(certificate.public_bytes(serialization.Encoding.PEM).decode(), safe="")


@dataclass
class Login:
    code: str
    verifier: str
    nonce: str
    client_id: str


def log_in_at(application, device, client: Client, *, scope: str = "openid profile uzi") -> Login:
    """authorize → QR page → the app approves → status → continue → the code on the redirect_uri (relying_party's
    login, with this application and its redirect_uri)."""
    rp = RelyingParty(application, redirect_uri=REDIRECT_URI)
    back = log_in(Client(), client, device, rp, scope=scope)
    assert back.status_code == 302, back.content.decode()[:2000]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(back["Location"]).query)
    assert query["state"] == [rp.state], query
    return Login(query["code"][0], rp.verifier, rp.nonce, application.client_id)


def exchange(login: Login, certificate=None, *, address: str = PROXY, **extra):
    """The application's token request, authenticated by nothing but its certificate (through the proxy)."""
    data = {"grant_type": "authorization_code", "code": login.code, "redirect_uri": REDIRECT_URI,
            "client_id": login.client_id, "code_verifier": login.verifier, **extra}
    headers = {"HTTP_X_SSL_CLIENT_CERT": escaped(certificate)} if certificate is not None else {}
    return Client().post("/oidc/token", data, REMOTE_ADDR=address, **headers)


def refusal(response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body.get("error", ""), body.get("error_description", "").split(":", 1)[0]


@pytest.fixture
def employee(client, linde):
    """Mies, a medewerker of De Linde (URA), her app activated."""
    issued = add_operator("Mies", "Medewerker", clock.parse_date("03-03-1985"), actor="t")
    issued.person.roles.all().delete()
    grant_role(issued.person, Role.MEDEWERKER, linde, actor="t")
    return activate_code(client, issued.code)


def register(**authentication):
    return add_application(name="EPD Noord", supplier="Leverancier EPD B.V.", versions=["1.0"],
                           redirect_uris=[REDIRECT_URI], actor="test", **authentication)


def test_an_ov_certificate_through_the_trusted_proxy_gets_the_tokens(client, trust, ov_ca, employee):
    application = register(tls_subject_dn=SUPPLIER_DN)
    certificate, _ = ov_ca.issue()
    login = log_in_at(application, employee, client)

    answer = exchange(login, certificate)

    assert answer.status_code == 200, answer.content
    tokens = answer.json()
    claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
    assert claims["aud"] == application.client_id and claims["nonce"] == login.nonce
    assert Client().get("/oidc/userinfo", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").status_code == 200
    event = AuditEvent.objects.filter(event="oidc.token").get()
    assert '"auth_method":"tls_client_auth"' in event.details


def test_the_same_header_from_another_address_is_ignored(client, trust, ov_ca, employee):
    application = register(tls_subject_dn=SUPPLIER_DN)
    certificate, _ = ov_ca.issue()
    login = log_in_at(application, employee, client)

    for address in ("10.0.0.6", "127.0.0.1"):
        assert refusal(exchange(login, certificate, address=address)) == (
            401, "invalid_client", "ZID-OIDC-TLS-CERTIFICATE")
    assert refusal(exchange(login, None)) == (401, "invalid_client", "ZID-OIDC-TLS-CERTIFICATE")
    assert exchange(login, certificate).status_code == 200  # a refused client used no code


def test_each_bad_ov_certificate_is_refused_with_its_code(client, trust, ov_ca, employee):
    application = register(tls_subject_dn=SUPPLIER_DN)
    revoked, _ = ov_ca.issue()
    write_crl(trust / "tls-crl", ov_ca.crl([revoked]))
    bad = {
        "ZID-TLS-CLIENT-UNTRUSTED": OvCa(name="Onbekend").issue()[0],
        "ZID-TLS-CLIENT-EXPIRED": ov_ca.issue(expired=True)[0],
        "ZID-TLS-CLIENT-REVOKED": revoked,
        "ZID-TLS-CLIENT-KEY-USAGE": ov_ca.issue(usages=())[0],
        "ZID-OIDC-TLS-SUBJECT": ov_ca.issue("C=NL,O=Leverancier EPD B.V.,CN=ander.leverancier.example")[0],
    }
    login = log_in_at(application, employee, client)

    for code, certificate in bad.items():
        assert refusal(exchange(login, certificate)) == (401, "invalid_client", code), code
    assert exchange(login, ov_ca.issue()[0]).status_code == 200
    assert not AuditEvent.objects.filter(event="oidc.token").exclude(details__contains="tls_client_auth").exists()


def test_a_uzi_server_certificate_of_the_registered_ura_gets_the_tokens(client, trust, uzi_ca, employee,
                                                                           tmp_path_factory):
    application = register(tls_ura=URA)
    revoked = uzi_ca.issue_server_certificate(URA, "epd.linde.example").certificate
    write_crl(trust / "uzi-crl", uzi_ca.issue_crl([revoked], issuer="server"))
    other_ca = ensure_test_uzi_ca(tmp_path_factory.mktemp("other-uzi-ca") / "ca")
    bad = {
        "ZID-OIDC-TLS-URA": uzi_ca.issue_server_certificate("90000999", "epd.oost.example").certificate,
        "ZID-UZI-EXPIRED": uzi_ca.issue_server_certificate(URA, "oud.linde.example", expired=True).certificate,
        "ZID-UZI-REVOKED": revoked,
        "ZID-UZI-UNTRUSTED": other_ca.issue_server_certificate(URA, "epd.linde.example").certificate,
    }
    login = log_in_at(application, employee, client)

    for code, certificate in bad.items():
        assert refusal(exchange(login, certificate)) == (401, "invalid_client", code), code
    good = uzi_ca.issue_server_certificate(URA, "epd.linde.example").certificate
    answer = exchange(login, good)
    assert answer.status_code == 200, answer.content
    assert jwt.decode(answer.json()["id_token"], options={"verify_signature": False})["ura"] == URA


def test_an_ov_certificate_is_no_uzi_server_certificate_and_a_card_is_none_either(client, trust, ov_ca, uzi_ca,
                                                                                     employee):
    from cryptography.hazmat.primitives.asymmetric import ec

    from zorgid.devtools import uzi_profile as profile

    application = register(tls_ura=URA)
    holder = profile.CardHolder(card_type="Z", name="Mies Medewerker", uzi_number="900012345", ura=URA,
                                role="01.015", given_name="Mies", surname="Medewerker")
    card = uzi_ca.issue_card_certificate(holder, profile.CertificateKind.AUTHENTICATION,
                                         ec.generate_private_key(ec.SECP256R1()).public_key())
    login = log_in_at(application, employee, client)

    assert refusal(exchange(login, ov_ca.issue()[0])) == (401, "invalid_client", "ZID-UZI-NOT-UZI")
    assert refusal(exchange(login, card)) == (401, "invalid_client", "ZID-TLS-CLIENT-NOT-SERVER")


def test_an_application_of_private_key_jwt_cannot_use_a_certificate(client, trust, ov_ca, employee):
    from tests.unit.care_apps.jwks import jwks, rsa_jwk

    application = register(jwks=jwks(rsa_jwk()))
    login = log_in_at(application, employee, client)

    status, error, _ = refusal(exchange(login, ov_ca.issue()[0]))
    assert (status, error) == (401, "invalid_client")


def test_a_tls_application_sending_an_assertion_is_not_authenticated_by_its_certificate(client, trust, ov_ca,
                                                                                          employee):
    application = register(tls_subject_dn=SUPPLIER_DN)
    login = log_in_at(application, employee, client)

    answer = exchange(login, ov_ca.issue()[0], client_assertion="x.y.z",
                      client_assertion_type="urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
    assert refusal(answer)[:2] == (401, "invalid_client")
