"""Replays against the fetching of an application's ``jwks_uri`` (docs/koppelen.md §4: "binnen 5 seconden, ten
hoogste 64 KiB"). Anyone may trigger a fetch: Authlib resolves the keys of the assertion's unverified ``sub``
before any signature is checked.

- A jwks_uri that fails (down, blackholed, 5xx) was fetched again for every anonymous token request: each one
  an outgoing request holding a worker up to the timeout, 1,200 a minute per address (application-server budget).
- The timeout was httpx's per-read timeout: a server that trickles its answer held the request far beyond it.
"""

from __future__ import annotations

import http.server
import threading
import time

import pytest
from django.test import Client

from tests.integration.oidc.relying_party import register
from tests.integration.red_team.test_oidc_support import unsigned_token_request
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


@pytest.fixture
def fresh_cache():
    client_auth.forget_fetched_keys()
    yield
    client_auth.forget_fetched_keys()


def test_a_failing_jwks_uri_is_not_fetched_for_every_anonymous_request(fresh_cache):
    host = KeysHost(status=503)
    try:
        rp = register(jwks=None, jwks_uri=host.url)
        for _ in range(20):
            answer = unsigned_token_request(Client(), rp.client_id)
            assert answer.status_code == 401
        assert host.fetches <= 2, f"{host.fetches} fetches for 20 unsigned requests"
    finally:
        host.stop()


def test_a_trickling_jwks_uri_is_given_up_within_the_timeout(fresh_cache, monkeypatch):
    monkeypatch.setattr(client_auth, "JWKS_TIMEOUT_SECONDS", 0.5)
    host = KeysHost(status=200, body=b" " * 30 + b"{}", trickle=0.2)  # 6.4 s in all, no pause above 0.5 s
    try:
        rp = register(jwks=None, jwks_uri=host.url)
        started = time.monotonic()
        answer = unsigned_token_request(Client(), rp.client_id)
        took = time.monotonic() - started
        assert answer.status_code == 401 and "ZID-OIDC-JWKS-UNAVAILABLE" in answer.json()["error_description"]
        assert took < 2.0, f"the fetch took {took:.1f} s with a timeout of 0.5 s"
    finally:
        host.stop()
