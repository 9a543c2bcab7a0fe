"""``private_key_jwt`` against a JWK Set the application publishes at its ``jwks_uri`` (docs/koppelen.md §4): fetched
with a bound time and size, kept 5 minutes, fetched again at once when an assertion names a new kid (the supplier
rotated its key), and refused with ZID-OIDC-JWKS-UNAVAILABLE when it cannot be had. The application's server is a
real HTTP server in a thread."""

from __future__ import annotations

import http.server
import json
import threading
import time
from dataclasses import dataclass, field

import pytest
from django.test import Client

from tests.integration.oidc.relying_party import code_of, new_key, public_jwk, register
from zorgid.oidc import client_auth

pytestmark = pytest.mark.django_db


@dataclass
class KeyServer:
    """The application's jwks_uri: answers ``body`` with ``status`` (after ``delay`` seconds), counts the fetches."""

    body: bytes = b""
    status: int = 200
    delay: float = 0.0
    fetches: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        served = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                served.fetches.append(self.path)
                time.sleep(served.delay)
                self.send_response(served.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(served.body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/jwks.json"

    def publish(self, *pairs) -> None:
        self.body = json.dumps({"keys": [public_jwk(key, kid) for key, kid in pairs]}).encode()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def keys_server():
    client_auth.forget_fetched_keys()
    served = KeyServer()
    yield served
    served.stop()
    client_auth.forget_fetched_keys()


def error_code(response) -> str:
    return response.json()["error_description"].split(":", 1)[0]


def login(client, device, rp) -> str:
    rp.nonce += "-again"
    return code_of(Client(), client, device, rp)


def test_the_keys_are_fetched_once_and_again_for_a_new_kid(client, device, employee, keys_server):
    first, second = new_key(), new_key()
    keys_server.publish((first, "k1"))
    rp = register(jwks=None, jwks_uri=keys_server.url, key=first, kid="k1")
    assert rp.token(client, login(client, device, rp)).status_code == 200
    assert rp.token(client, login(client, device, rp)).status_code == 200
    assert len(keys_server.fetches) == 1  # kept
    keys_server.publish((first, "k1"), (second, "k2"))  # the supplier adds its new key and uses it
    rp.key, rp.kid = second, "k2"
    answer = rp.token(client, login(client, device, rp))
    assert answer.status_code == 200, answer.content
    assert len(keys_server.fetches) == 2
    forged = rp.assertion(kid="k3")  # an unknown kid again within 10 s: no new fetch, refused
    answer = rp.token(client, login(client, device, rp), client_assertion=forged)
    assert answer.status_code == 401 and error_code(answer) == "ZID-OIDC-ASSERTION"
    assert len(keys_server.fetches) == 2


@pytest.mark.parametrize("body, status", [
    (b"{not json", 200),
    (json.dumps({"keys": "none"}).encode(), 200),
    (b"{}", 404),
    (b" " * (64 * 1024 + 1), 200),
])
def test_keys_that_cannot_be_had_are_refused(client, device, employee, keys_server, body, status):
    keys_server.body, keys_server.status = body, status
    rp = register(jwks=None, jwks_uri=keys_server.url)
    answer = rp.token(client, login(client, device, rp))
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"
    assert error_code(answer) == "ZID-OIDC-JWKS-UNAVAILABLE"


def test_a_slow_jwks_uri_is_given_up(client, device, employee, keys_server, monkeypatch):
    monkeypatch.setattr(client_auth, "JWKS_TIMEOUT_SECONDS", 0.3)
    keys_server.publish((new_key(), "rp-1"))
    keys_server.delay = 1.0
    rp = register(jwks=None, jwks_uri=keys_server.url)
    answer = rp.token(client, login(client, device, rp))
    assert answer.status_code == 401 and error_code(answer) == "ZID-OIDC-JWKS-UNAVAILABLE"


def test_an_unreachable_jwks_uri_is_refused(client, device, employee, keys_server):
    rp = register(jwks=None, jwks_uri=keys_server.url)
    keys_server.stop()
    answer = rp.token(client, login(client, device, rp))
    assert answer.status_code == 401 and error_code(answer) == "ZID-OIDC-JWKS-UNAVAILABLE"
