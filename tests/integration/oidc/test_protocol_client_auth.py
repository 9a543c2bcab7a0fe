"""``private_key_jwt`` against input nobody signed (docs/koppelen.md §4, docs/security.md): the cheap claims of an
assertion are checked before the application is looked up and its keys are read; a ``sub`` that no client_id can
be is no client (never a query); an application of mutual TLS gets the JSON error; and a ``jwks_uri`` is fetched
once at a time, within one deadline (also when the headers trickle), not again for 30 s after a failure, and never
through a redirect."""

from __future__ import annotations

import base64
import http.server
import json
import socket
import threading
import time

import pytest
from django.test import Client

from tests.integration.oidc.relying_party import ISSUER, code_of, new_key, public_jwk, register
from zorgid import clock
from zorgid.identities.models import MobileId
from zorgid.oidc import client_auth
from zorgid.oidc.errors import ClientKeysUnavailable
from zorgid.organisations.models import Role
from zorgid.organisations.roles import grant_role

pytestmark = pytest.mark.django_db

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def _part(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def unsigned(sub: str, **claims) -> str:
    """An assertion anyone can make: plausible claims for ``sub``, a made-up kid and signature."""
    now = int(clock.now().timestamp())
    body = {"iss": sub, "sub": sub, "aud": f"{ISSUER}/oidc/token", "exp": now + 60, "jti": f"j-{time.time_ns()}",
            **claims}
    return f'{_part({"alg": "RS256", "kid": "made-up"})}.{_part(body)}.AAAA'


def token_request(assertion: str):
    return Client(raise_request_exception=False).post("/oidc/token", {
        "grant_type": "authorization_code", "code": "x", "redirect_uri": "https://epd.example.nl/oidc/callback",
        "code_verifier": "v" * 50, "client_assertion_type": ASSERTION_TYPE, "client_assertion": assertion})


def error_code(answer) -> str:
    assert answer["Content-Type"].startswith("application/json"), answer.content[:200]
    return answer.json()["error_description"].split(":", 1)[0]


class KeysHost:
    """A jwks_uri: ``handle(handler)`` answers each GET; ``fetches`` counts them."""

    def __init__(self, handle) -> None:
        self.fetches = 0
        host = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                host.fetches += 1
                try:
                    handle(self)
                except OSError:
                    pass  # zorgid gave up and closed the connection

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/jwks.json"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def answering(status: int, body: bytes = b"{}", *, delay: float = 0.0, headers: dict | None = None):
    def handle(handler):
        time.sleep(delay)
        handler.send_response(status)
        for name, value in (headers or {"Content-Type": "application/json"}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)
    return handle


@pytest.fixture
def fresh_cache():
    client_auth.forget_fetched_keys()
    yield
    client_auth.forget_fetched_keys()


@pytest.fixture
def host_of(fresh_cache):
    hosts = []

    def make(handle) -> KeysHost:
        hosts.append(KeysHost(handle))
        return hosts[-1]

    yield make
    for host in hosts:
        host.stop()


# -- what is checked before anything is looked up -------------------------------------------------------------


@pytest.mark.parametrize("sub", ["\ud800", "a\x00b", "\u202eabc", "x" * 33, "\udcff" * 32])
def test_a_sub_that_no_client_id_can_be_is_no_client(db, sub):
    register()
    answer = token_request(unsigned(sub))
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"
    assert error_code(answer).startswith("ZID-OIDC-")


@pytest.mark.parametrize("claims", [
    {"aud": "https://elsewhere.example/token"},
    {"aud": ["https://elsewhere.example/token", 5]},
    {"aud": None},
    {"exp": None},
    {"exp": "soon"},
    {"exp": True},
    {"exp": 1},
    {"exp": 10 ** 12},
    {"jti": None},
    {"jti": ""},
    {"jti": "j" * 257},
    {"iss": "someone-else"},
])
def test_an_assertion_without_plausible_claims_fetches_no_keys(host_of, claims):
    host = host_of(answering(200, json.dumps({"keys": [public_jwk(new_key(), "rp-1")]}).encode()))
    rp = register(jwks=None, jwks_uri=host.url)
    answer = token_request(unsigned(rp.client_id, **claims))
    assert answer.status_code == 401 and error_code(answer) == "ZID-OIDC-ASSERTION"
    assert host.fetches == 0


def test_an_assertion_for_an_application_of_mutual_tls_is_refused_as_json(db):
    rp = register(jwks=None, tls_subject_dn="C=NL,O=Leverancier B.V.,CN=epd.test")
    answer = token_request(unsigned(rp.client_id))
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"
    assert error_code(answer) == "ZID-OIDC-CLIENT-AUTH"


def test_a_signed_jti_with_an_invisible_character_is_refused_not_a_500(client, device, linde):
    grant_role(MobileId.objects.get(id=device.mobile_id).person, Role.MEDEWERKER, linde, actor="test")
    rp = register()
    code = code_of(Client(), client, device, rp)
    for jti in ("\ud800", "a\x00b"):
        answer = rp.token(Client(raise_request_exception=False), code, client_assertion=rp.assertion(jti=jti))
        assert answer.status_code == 401 and error_code(answer) == "ZID-OIDC-ASSERTION"
    assert rp.token(client, code).status_code == 200


# -- fetching a jwks_uri ------------------------------------------------------------------------------------------


def test_callers_at_the_same_moment_share_one_fetch(host_of):
    key = new_key()
    host = host_of(answering(200, json.dumps({"keys": [public_jwk(key, "rp-1")]}).encode(), delay=0.5))
    rp = register(jwks=None, jwks_uri=host.url)
    found, errors = [], []

    def fetch():
        try:
            found.append(client_auth.application_keys(rp.application))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=fetch) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert not errors and len(found) == 8
    assert host.fetches == 1


def test_a_failure_is_remembered_for_a_while_then_fetched_again(host_of, monkeypatch):
    monkeypatch.setattr(client_auth, "JWKS_FAILURE_SECONDS", 0.5)
    host = host_of(answering(503))
    rp = register(jwks=None, jwks_uri=host.url)
    for _ in range(5):
        with pytest.raises(ClientKeysUnavailable, match="HTTP 503"):
            client_auth.application_keys(rp.application)
    assert host.fetches == 1
    time.sleep(0.6)
    with pytest.raises(ClientKeysUnavailable, match="HTTP 503"):
        client_auth.application_keys(rp.application)
    assert host.fetches == 2


def test_trickled_headers_are_given_up_at_the_deadline(host_of, monkeypatch):
    monkeypatch.setattr(client_auth, "JWKS_TIMEOUT_SECONDS", 0.5)

    def trickle_headers(handler):
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for _ in range(40):  # 8 s of headers, no pause as long as the timeout
            handler.wfile.write(b"X-Pad: .\r\n")
            handler.wfile.flush()
            time.sleep(0.2)

    host = host_of(trickle_headers)
    rp = register(jwks=None, jwks_uri=host.url)
    started = time.monotonic()
    with pytest.raises(ClientKeysUnavailable, match="within 0.5 s"):
        client_auth.application_keys(rp.application)
    assert time.monotonic() - started < 1.5
    with pytest.raises(ClientKeysUnavailable):  # remembered: the next caller does not wait again
        client_auth.application_keys(rp.application)
    assert time.monotonic() - started < 1.6 and host.fetches == 1


def test_a_redirect_is_not_followed(host_of):
    target = host_of(answering(200, json.dumps({"keys": [public_jwk(new_key(), "rp-1")]}).encode()))
    host = host_of(answering(302, b"", headers={"Location": target.url}))
    rp = register(jwks=None, jwks_uri=host.url)
    with pytest.raises(ClientKeysUnavailable, match="HTTP 302"):
        client_auth.application_keys(rp.application)
    assert target.fetches == 0


def test_a_closed_port_is_refused_with_its_code(fresh_cache):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    rp = register(jwks=None, jwks_uri=f"http://127.0.0.1:{port}/jwks.json")
    with pytest.raises(ClientKeysUnavailable, match="ConnectError"):
        client_auth.application_keys(rp.application)


def test_an_unknown_client_with_plausible_claims_is_invalid_client(db):
    answer = token_request(unsigned("0" * 32))
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"
    assert error_code(answer) == "ZID-OIDC-ASSERTION"
