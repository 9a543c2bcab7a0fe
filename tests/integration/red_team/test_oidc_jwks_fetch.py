"""Replays against the fetching of an application's ``jwks_uri`` (docs/koppelen.md §4: "binnen 5 seconden, ten
hoogste 64 KiB"). Anyone may trigger a fetch: Authlib resolves the keys of the assertion's unverified ``sub``
before any signature is checked.

- A jwks_uri that fails (down, blackholed, 5xx) was fetched again for every anonymous token request: each one
  an outgoing request holding a worker up to the timeout, 1,200 a minute per address (application-server budget).
- The timeout was httpx's per-read timeout: a server that trickles its answer held the request far beyond it.

The requests here carry an assertion whose cheap claims (iss = sub, aud, exp, jti) hold but whose signature is
made up: zorgid checks those claims before it fetches anything, so an assertion without them fetches nothing.
"""

from __future__ import annotations

import base64
import http.server
import json
import threading
import time

import pytest
from django.test import Client

from tests.integration.oidc.relying_party import ISSUER, register
from tests.integration.red_team.test_oidc_support import ASSERTION_TYPE, unsigned_token_request
from zorgid import clock
from zorgid.oidc import client_auth

pytestmark = pytest.mark.django_db


class KeysHost:
    """The supplier's jwks_uri: answers ``status`` with ``body``, a byte every ``trickle`` seconds if set."""

    def __init__(self, status: int = 503, body: bytes = b"{}", trickle: float = 0.0) -> None:
        self.fetches = 0
        host = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                host.fetches += 1
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                for index in range(len(body)):
                    self.wfile.write(body[index:index + 1])
                    self.wfile.flush()
                    time.sleep(trickle)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/jwks.json"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _part(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def plausible_token_request(client, sub: str, number: int = 0):
    """What anyone can send: an assertion for ``sub`` with a made-up kid and signature, its other claims fine."""
    now = int(clock.now().timestamp())
    claims = {"iss": sub, "sub": sub, "aud": f"{ISSUER}/oidc/token", "exp": now + 60, "jti": f"made-up-{number}"}
    assertion = f'{_part({"alg": "RS256", "kid": "made-up"})}.{_part(claims)}.AAAA'
    return client.post("/oidc/token", {
        "grant_type": "authorization_code", "code": "x", "redirect_uri": "https://epd.example.nl/oidc/callback",
        "code_verifier": "v" * 50, "client_assertion_type": ASSERTION_TYPE, "client_assertion": assertion})


@pytest.fixture
def fresh_cache():
    client_auth.forget_fetched_keys()
    yield
    client_auth.forget_fetched_keys()


def test_a_failing_jwks_uri_is_not_fetched_for_every_anonymous_request(fresh_cache):
    host = KeysHost(status=503)
    try:
        rp = register(jwks=None, jwks_uri=host.url)
        for number in range(20):
            answer = plausible_token_request(Client(), rp.client_id, number)
            assert answer.status_code == 401
            assert "ZID-OIDC-JWKS-UNAVAILABLE" in answer.json()["error_description"]
        assert host.fetches <= 2, f"{host.fetches} fetches for 20 unsigned requests"
        answer = unsigned_token_request(Client(), rp.client_id)  # no aud, exp, jti: refused before any fetch
        assert answer.status_code == 401 and "ZID-OIDC-ASSERTION" in answer.json()["error_description"]
    finally:
        host.stop()


def test_a_trickling_jwks_uri_is_given_up_within_the_timeout(fresh_cache, monkeypatch):
    monkeypatch.setattr(client_auth, "JWKS_TIMEOUT_SECONDS", 0.5)
    host = KeysHost(status=200, body=b" " * 30 + b"{}", trickle=0.2)  # 6.4 s in all, no pause above 0.5 s
    try:
        rp = register(jwks=None, jwks_uri=host.url)
        started = time.monotonic()
        answer = plausible_token_request(Client(), rp.client_id)
        took = time.monotonic() - started
        assert answer.status_code == 401 and "ZID-OIDC-JWKS-UNAVAILABLE" in answer.json()["error_description"]
        assert took < 2.0, f"the fetch took {took:.1f} s with a timeout of 0.5 s"
    finally:
        host.stop()
