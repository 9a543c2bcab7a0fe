"""A login at a healthcare application end to end (docs/koppelen.md): the example application
(examples/zorgapplicatie, Flask + Authlib, its own process) registered with the real ``zorgid apps add``, Chromium
clicking "Inloggen met ZORG-ID", zorgid's QR page naming the application, ``zorgid-app`` scanning the QR from
the page and approving, and the application showing the person's name, organisation and UZI number. The ID token
the application received is verified again with PyJWT, a library that knows nothing of zorgid or Authlib, against
zorgid's /oidc/jwks: signature, iss, aud and the nonce the application sent.

Real parts only: the live server over HTTP, the database, the example as a program, the app client as a program,
the QR read back from pixels.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
import zxingcpp
from cryptography.hazmat.primitives.asymmetric import rsa
from PIL import Image
from typer.testing import CliRunner

from tests.conftest import wait_until
from tests.e2e.conftest import AppClient
from zorgid import clock
from zorgid.care_apps.models import CareApplication
from zorgid.cli import app as zorgid_cli
from zorgid.identities.models import MobileId
from zorgid.identities.services import link_uzi_attributes, revoke_mobile_id
from zorgid.oidc.claims import subject
from zorgid.oidc.models import AppSession
from zorgid.organisations.models import Role
from zorgid.organisations.roles import add_operator, grant_role
from zorgid.organisations.services import add_organisation
from zorgid.protocol.payloads import LoginPayload, parse_payload

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "zorgapplicatie" / "app.py"
NAME = "Zorgapplicatie Voorbeeld"
UZI = {"uzi_number": "900016528", "card_type": "Z", "ura": "90000382", "role": "01.015", "agb": "00000000",
       "common_name": "Jan Jansen", "organisation": "Huisartsenpraktijk De Linde", "serial_number": "1234"}


def read_qr(page) -> str:
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(page.screenshot(full_page=True))))
    assert len(found) == 1, f"expected one QR code on the page, found {len(found)}"
    return found[0].text


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ExampleApplication:
    """``examples/zorgapplicatie/app.py`` as a supplier runs it: keys made by its own command, registered with
    ``zorgid apps add``, served as its own process."""

    def __init__(self, tmp_path: Path, issuer: str):
        self.dir, self.issuer = tmp_path / "zorgapp", issuer
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        made = subprocess.run([sys.executable, str(EXAMPLE), "keys", "--out", str(self.dir)], capture_output=True,
                              text=True, timeout=60)
        assert made.returncode == 0, made.stderr
        self.process: subprocess.Popen | None = None
        self.client_id = ""

    def register(self, *extra: str) -> str:
        result = CliRunner().invoke(zorgid_cli, [
            "apps", "add", "--name", NAME, "--supplier", "Voorbeeld B.V.", "--product", "mobiel", "--version", "1.0",
            "--redirect-uri", f"{self.url}/callback", "--post-logout-redirect-uri", f"{self.url}/uitgelogd",
            "--backchannel-logout-uri", f"{self.url}/backchannel-logout", "--jwks", str(self.dir / "jwks.json"),
            *extra])
        assert result.exit_code == 0, result.output
        found = re.search(r"client_id:\s*(\S+)", result.output)
        assert found, result.output
        self.client_id = found.group(1)
        return self.client_id

    def start(self, version: str = "1.0") -> None:
        env = {key: value for key, value in os.environ.items() if not key.startswith("ZORGAPP_")}
        env.update(ZORGAPP_ISSUER=self.issuer, ZORGAPP_CLIENT_ID=self.client_id,
                   ZORGAPP_KEY=str(self.dir / "private.jwk"), ZORGAPP_VERSION=version,
                   ZORGAPP_SECRET_KEY="e2e-" + "x" * 40, ZORGAPP_PORT=str(self.port),
                   AUTHLIB_INSECURE_TRANSPORT="1")  # plain http on 127.0.0.1: development and tests only
        self.log = open(self.dir / "app.log", "wb")  # noqa: SIM115 (the child writes to it)
        self.process = subprocess.Popen([sys.executable, str(EXAMPLE), "serve"], env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output()
            try:
                if httpx.get(self.url + "/", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError(f"the example application did not start:\n{self.output()}")

    def output(self) -> str:
        return (self.dir / "app.log").read_text(errors="replace")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        if self.process is not None:
            self.log.close()


@pytest.fixture
def example(tmp_path, live_server, settings):
    settings.ZORGID_BASE_URL = live_server.url
    application = ExampleApplication(tmp_path, live_server.url)
    yield application
    application.stop()


@pytest.fixture
def linde(db):
    return add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="test")


@pytest.fixture
def employee_app(tmp_path, live_server, settings, linde) -> AppClient:
    """Jan Jansen: a medewerker of De Linde with an activated ZORG-ID and the UZI attributes of his card linked."""
    settings.ZORGID_BASE_URL = live_server.url
    issued = add_operator("Jan", "Jansen", clock.parse_date("12-03-1975"), actor="test")
    issued.person.roles.all().delete()  # no operator: a plain employee of one organisation
    grant_role(issued.person, Role.MEDEWERKER, linde, actor="test")
    app = AppClient(tmp_path / "app-jan")
    app.run("setup", "--pin", app.pin)
    app.run("scan", issued.payload(live_server.url).to_uri())
    link_uzi_attributes(MobileId.objects.get(person=issued.person), UZI, actor="test")
    app.person = issued.person
    return app


def test_log_in_at_the_example_application_with_the_app(page, live_server, settings, example, employee_app):
    settings.ZORGID_LOGIN_WAIT_SECONDS = 5
    client_id = example.register()
    example.start()
    sent = []
    page.on("request", lambda request: sent.append(request.url) if "/oidc/authorize?" in request.url else None)

    page.goto(example.url + "/")
    page.get_by_test_id("login").click()
    page.get_by_test_id("login-qr").wait_for()
    assert page.url.startswith(live_server.url + "/oidc/authorize?")
    assert page.get_by_test_id("oidc-title").inner_text() == f"Inloggen bij {NAME}"
    payload = read_qr(page)
    assert isinstance(parse_payload(payload), LoginPayload)
    assert page.get_by_test_id("login-payload").text_content().strip() == payload

    approved = employee_app.run("scan", payload, "--accept")
    assert NAME in approved.stdout

    page.wait_for_url(example.url + "/profiel", timeout=15_000)
    assert page.get_by_test_id("person-name").inner_text() == "Jan Jansen"
    assert page.get_by_test_id("organisation-name").inner_text() == "Huisartsenpraktijk De Linde"
    assert page.get_by_test_id("organisation-ura").inner_text() == "90000382"
    assert page.get_by_test_id("uzi-id").inner_text() == "900016528"
    relation = page.get_by_test_id("relation")
    assert relation.count() == 1
    assert "01.015" in relation.inner_text() and "medewerker" in relation.inner_text()

    # the ID token as the application received it, verified with PyJWT against zorgid's published keys
    id_token = page.get_by_test_id("id-token").text_content().strip()
    configuration = httpx.get(live_server.url + "/.well-known/openid-configuration").json()
    key_set = jwt.PyJWKSet.from_dict(httpx.get(configuration["jwks_uri"]).json())
    kid = jwt.get_unverified_header(id_token)["kid"]
    key = next(key for key in key_set.keys if key.key_id == kid)
    claims = jwt.decode(id_token, key=key, algorithms=["RS256"], audience=client_id,
                        issuer=configuration["issuer"], options={"require": ["exp", "iat", "sub", "nonce"]})
    assert configuration["issuer"] == live_server.url
    assert len(sent) == 1
    request = parse_qs(urlsplit(sent[0]).query)
    assert claims["nonce"] == request["nonce"][0]
    assert request["application_version"] == ["1.0"] and request["code_challenge_method"] == ["S256"]
    application = CareApplication.objects.get(client_id=client_id)
    assert claims["sub"] == subject(application, str(employee_app.person.id))
    assert claims["acr"] == "http://eidas.europa.eu/LoA/substantial"
    assert claims["uzi_id"] == "900016528" and claims["ura"] == "90000382"
    session = AppSession.objects.get(sid=claims["sid"])
    assert session.person == employee_app.person and session.ended_at is None

    # logging out at the application ends the session at zorgid too, and comes back to the application
    page.get_by_test_id("logout").click()
    page.wait_for_url(example.url + "/uitgelogd*", timeout=15_000)
    assert page.get_by_test_id("logged-out").is_visible()
    session.refresh_from_db()
    assert session.ended_at is not None


def test_a_version_the_register_did_not_accept_comes_back_as_an_error_with_its_code(page, live_server, settings,
                                                                                     example):
    example.register()
    example.start(version="0.9")
    page.goto(example.url + "/")
    page.get_by_test_id("login").click()
    page.get_by_test_id("error").wait_for(timeout=15_000)
    assert page.url.startswith(example.url + "/callback?")
    assert page.get_by_test_id("error-code").inner_text() == "ZID-CARE-APP-VERSION"
    assert page.get_by_test_id("error-detail").inner_text().startswith("unauthorized_client: ZID-CARE-APP-VERSION")


def log_in_at(page, example, app: AppClient) -> None:
    page.goto(example.url + "/")
    page.get_by_test_id("login").click()
    page.get_by_test_id("login-qr").wait_for()
    app.run("scan", read_qr(page), "--accept")


def test_who_works_for_two_organisations_chooses_one_at_zorgid(page, live_server, settings, example, employee_app):
    settings.ZORGID_LOGIN_WAIT_SECONDS = 5
    oost = add_organisation(name="Ziekenhuis Oost", ura="90000999", kvk="87654321", actor="test")
    grant_role(employee_app.person, Role.BEHEERDER, oost, actor="test")
    example.register()
    example.start()

    log_in_at(page, example, employee_app)
    page.get_by_test_id("choose-organisation").wait_for(timeout=15_000)
    page.get_by_test_id("organisation-90000999").check()
    page.get_by_test_id("continue").click()

    page.wait_for_url(example.url + "/profiel", timeout=15_000)
    assert page.get_by_test_id("organisation-name").inner_text() == "Ziekenhuis Oost"
    relations = page.get_by_test_id("relation")
    assert relations.count() == 2
    assert "90000999" in relations.nth(0).inner_text() and "beheerder" in relations.nth(0).inner_text()
    assert "01.015" in relations.nth(1).inner_text()  # his UZI role is De Linde's

    # the application may name the organisation itself (ura): no choice at zorgid then
    page.goto(example.url + "/inloggen?ura=90000382")
    page.get_by_test_id("login-qr").wait_for()
    employee_app.run("scan", read_qr(page), "--accept")
    page.wait_for_url(example.url + "/profiel", timeout=15_000)
    assert page.get_by_test_id("organisation-name").inner_text() == "Huisartsenpraktijk De Linde"


def test_a_revoked_zorg_id_logs_him_out_at_the_application_by_back_channel(page, live_server, settings, example,
                                                                           employee_app):
    settings.ZORGID_LOGIN_WAIT_SECONDS = 5
    example.register()
    example.start()
    log_in_at(page, example, employee_app)
    page.wait_for_url(example.url + "/profiel", timeout=15_000)

    # a logout token that zorgid did not sign (right claims, another key) ends nothing
    id_token = page.get_by_test_id("id-token").text_content().strip()
    claims = jwt.decode(id_token, options={"verify_signature": False})
    forged = jwt.encode({"iss": claims["iss"], "aud": example.client_id, "iat": int(time.time()), "jti": "x1",
                         "sid": claims["sid"], "sub": claims["sub"],
                         "events": {"http://schemas.openid.net/event/backchannel-logout": {}}},
                        rsa.generate_private_key(public_exponent=65537, key_size=2048), algorithm="RS256",
                        headers={"kid": jwt.get_unverified_header(id_token)["kid"], "typ": "logout+jwt"})
    refused = httpx.post(example.url + "/backchannel-logout", data={"logout_token": forged})
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_request"
    assert httpx.post(example.url + "/backchannel-logout", data={}).status_code == 400
    page.goto(example.url + "/profiel")
    assert page.url == example.url + "/profiel"

    revoke_mobile_id(MobileId.objects.get(person=employee_app.person), actor="test", reason="lost phone")

    def logged_out() -> bool:
        page.goto(example.url + "/profiel")
        return page.url == example.url + "/"

    wait_until(logged_out, timeout=15, interval=0.3)
    assert page.get_by_test_id("login").is_visible()
    assert "back-channel logout: 1 sessie(s)" in example.output()
