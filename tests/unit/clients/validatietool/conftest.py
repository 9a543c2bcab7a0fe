"""Fixtures for zorgid-validatietool: a test UZI CA, its server certificate as the files a technisch beheerder
has (PEM, PKCS#12), the CLI runner, and a stand-in for the server's upload endpoint."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from tests.unit.orgdoc.factory import URA
from typer.testing import CliRunner

from zorgid.clients.validatietool import cli
from zorgid.devtools.test_uzi_ca import ensure_test_uzi_ca

PASSWORD = "geheim123"
ENVIRONMENT_VARIABLES = ("ZORGID_ENVIRONMENT", "ZORGID_KEY_PASSWORD", "ZORGID_TOKEN_PIN", "ZORGID_PKCS11_MODULE",
                         "ZORGID_SERVER")


@dataclass(frozen=True)
class Files:
    ca: object
    trust_dir: Path
    cert: Path
    key: Path
    pkcs12: Path
    server: object


@pytest.fixture(scope="session")
def files(tmp_path_factory) -> Files:
    ca = ensure_test_uzi_ca(tmp_path_factory.mktemp("validatietool-ca") / "ca")
    server = ca.issue_server_certificate(URA, "portaal.zorg.example")
    written = server.write(tmp_path_factory.mktemp("validatietool-server") / "uzi", PASSWORD)
    return Files(ca, ca.trust_dir, written["certificaat"], written["sleutel"], written["pkcs12"], server)


@pytest.fixture
def run(monkeypatch):
    for name in ENVIRONMENT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli.app, [str(arg) for arg in args])

    return invoke


@dataclass
class UploadServer:
    """Answers ``PUT /api/v1/applications/<reference>/document`` as the issue describes, and records requests."""

    answer: tuple[int, bytes] = (200, b"")
    received: list[dict] = field(default_factory=list)

    def start(self) -> str:
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        threading.Thread(target=self._http.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._http.server_address[1]}"

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                server.received.append({"path": self.path, "type": self.headers["Content-Type"], "body": body})
                status, data = server.answer
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler


@pytest.fixture
def upload():
    server = UploadServer()
    server.origin = server.start()
    yield server
    server.close()


def json_answer(status: int, body: dict) -> tuple[int, bytes]:
    return status, json.dumps(body).encode()
