"""The app against the zorgid server itself: its HTTP calls go through Django's WSGI handler in this process.

No stand-in for the server: activation, the key share (3 tries, doubling waits), login flows and the new
PIN after a restore are the server's own code, on the test database.
"""

from __future__ import annotations

import httpx
import pytest
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from typer.testing import CliRunner

from zorgid import clock
from zorgid.clients.app import cli
from zorgid.clients.app.actions import Questions, activate
from zorgid.clients.app.keystore import Keystore
from zorgid.clients.app.server import ServerClient
from zorgid.flows.models import LoginFlow
from zorgid.flows.services import start_login
from zorgid.organisations.roles import add_operator
from zorgid.protocol.payloads import ActivationPayload, LoginPayload, parse_payload

PIN = "123456"
ORIGIN = "http://testserver"


class _Recording(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, requests: list) -> None:
        self.inner, self.requests = inner, requests

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((request.method, request.url.path))
        return self.inner.handle_request(request)


class RealServer:
    """The server for the app: ``factory`` is the app's ServerFactory; payloads are made as the portal makes them."""

    origin = ORIGIN

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        self._transport = _Recording(httpx.WSGITransport(app=get_wsgi_application()), self.requests)

    def factory(self, base_url: str) -> ServerClient:
        return ServerClient(base_url, transport=self._transport)

    def activation(self, first_names: str = "Jan", last_name: str = "de Vries") -> str:
        issued = add_operator(first_names, last_name, clock.parse_date("01-02-1980"), actor="test")
        return ActivationPayload(ORIGIN, issued.code).to_uri()

    def login(self) -> str:
        flow = start_login(browser_secret="browser-secret-of-the-test", origin=ORIGIN, requester_name="ZORG-ID portaal")
        return LoginPayload(ORIGIN, flow.id).to_uri()

    @staticmethod
    def state(login_uri: str) -> str:
        flow_id = login_uri.split("flow=")[1].split("&")[0]
        return LoginFlow.objects.get(id=flow_id).state

    def posts(self) -> list[str]:
        return [path for method, path in self.requests if method == "POST"]


@pytest.fixture
def server(db, monkeypatch) -> RealServer:
    """As Django's test client does: the test's transaction must outlive each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    real = RealServer()
    monkeypatch.setattr(cli, "server_factory", real.factory)
    yield real
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def home(tmp_path):
    return tmp_path / "app-home"


@pytest.fixture
def pin() -> str:
    return PIN


@pytest.fixture
def store(home) -> Keystore:
    keystore = Keystore(home)
    keystore.setup(PIN)
    return keystore


@pytest.fixture
def installed(store, server):
    """A set-up app with an ID activated at the server; returns the store, the ID and its key."""
    ask = Questions(confirm=lambda question: True, ask_pin=lambda: PIN)
    identity = activate(store, parse_payload(server.activation()), ask, server.factory)
    with server.factory(identity.server) as client:
        key = store.unlock_key(PIN, client.unlock).key
    return store, identity, key


@pytest.fixture
def run(home, monkeypatch):
    """``run(*args, input=None)``: zorgid-app with this home, no PIN, password or home in the environment."""
    for name in (cli.PIN_ENV, cli.PASSWORD_ENV, cli.HOME_ENV):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()

    def invoke(*args, input=None, at=None):
        return runner.invoke(cli.app, ["--home", str(at or home), *args], input=input)

    return invoke


@pytest.fixture
def new_identity():
    """``new_identity(private_key, mobile_id=..., server=...)``: an ID with a self-made certificate."""
    from tests.unit.clients.app.conftest import make_identity

    return make_identity
