"""Test UZI-passen and the Desktop App, each in a subprocess of its own (the PKCS#11 library reads
SOFTHSM2_CONF once per process), plus a stand-in for the server's two card-flow endpoints.

The stand-in is not the zorgid server: it serves one card flow as the protocol describes it and records
what the Desktop App sends, so these tests check the client's side of the conversation only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from zorgid.protocol.messages import (
    MAX_CARD_SIGNATURE_BYTES,
    CardResponse,
    b64decode,
    card_decline_path,
    card_flow_path,
    card_response_path,
)
from zorgid.protocol.payloads import CardPayload

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "123456"
FLOW = "card-flow-0123456789abcdef"
CHALLENGE = "challenge-0123456789abcdefghijkl"


def make_card(token_dir: Path, ca_dir: Path, uzi: str = "900016528", *options: str, card_type: str = "Z",
              name: str = "Jan de Vries") -> Path:
    """``zorgid dev uzi-pas`` in a subprocess; returns the SOFTHSM2_CONF of the token directory."""
    env = {k: v for k, v in os.environ.items() if k != "SOFTHSM2_CONF"}
    done = subprocess.run(
        [sys.executable, "-m", "zorgid.devtools.cli", "uzi-pas", "--type", card_type, "--name", name, "--uzi", uzi,
         "--ura", "90000382", "--pin", PIN, "--token-dir", str(token_dir), "--ca-dir", str(ca_dir), *options],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return token_dir / "softhsm2.conf"


def desktop(conf: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess:
    """``zorgid-desktop …`` as the browser (or a user) runs it, with the token directory of ``conf``."""
    ours = ("SOFTHSM2_CONF", "ZORGID_CARD_PIN", "ZORGID_PKCS11_MODULE", "LC_ALL", "LC_MESSAGES", "LANG")  # Dutch
    environment = {k: v for k, v in os.environ.items() if k not in ours}
    environment.update({"SOFTHSM2_CONF": str(conf), **env})
    return subprocess.run([sys.executable, "-m", "zorgid.clients.desktop.cli", *args], input=stdin,
                          capture_output=True, text=True, env=environment, timeout=120)


def in_card_process(conf: Path, code: str) -> str:
    """Run ``code`` in a fresh Python that sees the tokens of ``conf``; returns its stdout."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "SOFTHSM2_CONF": str(conf)})
    assert done.returncode == 0, done.stderr
    return done.stdout


class CardServer:
    """Serves ``GET card_flow_path(FLOW)``, ``POST card_response_path(FLOW)`` and ``POST card_decline_path(FLOW)`` (kept
    in ``declined``) on 127.0.0.1."""

    def __init__(self) -> None:
        self.flow_error: dict | None = None
        self.response_error: dict | None = None
        self.posted: list[dict] = []
        self.declined: list[dict] = []
        self.decline_error: dict | None = None
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.origin = f"http://127.0.0.1:{self._http.server_address[1]}"
        self.flow = {
            "v": 1, "flow": FLOW, "challenge": CHALLENGE, "purpose": "self-registration",
            "purpose_text": "u te registreren bij ZORG-ID", "origin": self.origin,
            "requester": {"name": "ZORG-ID portaal", "origin": self.origin}, "expires_at": "2030-01-01T00:00:00Z",
            "state": "pending",
        }
        threading.Thread(target=self._http.serve_forever, daemon=True).start()

    def address(self) -> str:
        return CardPayload(self.origin, FLOW).to_uri()

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()

    def verify(self, posted: dict) -> x509.Certificate:
        """Check a posted answer as the protocol defines it; returns the certificate it came with."""
        cert = x509.load_pem_x509_certificate(posted["certificate"].encode())
        message = CardResponse(FLOW, CHALLENGE, self.origin, self.flow["purpose"], posted["signed_at"])
        signature = b64decode(posted["signature"], limit=MAX_CARD_SIGNATURE_BYTES)
        cert.public_key().verify(signature, message.canonical_bytes(), padding.PKCS1v15(), hashes.SHA256())
        return cert

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path != card_flow_path(FLOW):
                    return self._send(404, {"error": {"code": "ZID-NOT-FOUND"}})
                return self._send(400, server.flow_error) if server.flow_error else self._send(200, server.flow)

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if self.path == card_decline_path(FLOW):
                    server.declined.append(body)
                    if server.decline_error:
                        return self._send(409, server.decline_error)
                    return self._send(200, {"state": "declined"})
                server.posted.append(body)
                if self.path != card_response_path(FLOW):
                    return self._send(404, {"error": {"code": "ZID-NOT-FOUND"}})
                if server.response_error:
                    return self._send(400, server.response_error)
                return self._send(200, {"state": "completed"})

            def _send(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler
