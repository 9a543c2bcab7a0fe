"""A stand-in for the server's side of making a ZORG-ID Smartcard and logging in with one (SMARTCARD contract:
``smartcard_keys_path`` answering a SmartcardKeysResponse), so the Desktop App's side can be tested on its own.

It is not the zorgid server: it serves one card flow of purpose "smartcard" or "smartcard-login", answers the
UZI-pas's response with "answered", and issues the three certificates of the posted keys from a smartcard CA of
its own (zorgid.pki's profile, the other side of the protocol), or refuses them with a configured error.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from zorgid.pki.smartcard_ca import ensure_smartcard_ca
from zorgid.pki.smartcard_profile import SmartcardHolder, smartcard_certificates
from zorgid.protocol.card_keys import CardKeyProof
from zorgid.protocol.messages import card_flow_path, card_response_path, smartcard_keys_path
from zorgid.protocol.payloads import CardPayload

FLOW = "smartcard-flow-0123456789abcdef"
CHALLENGE = "smartcard-challenge-0123456789abcdefghijkl"
CARD_NUMBER = "980000001"
HOLDER = SmartcardHolder(card_number=CARD_NUMBER, given_name="Jan", surname="de Vries", ura="90000382",
                         organisation="Huisartsenpraktijk De Linde", name="Jan de Vries")
PURPOSE_TEXTS = {"smartcard": "Met uw UZI-pas een ZORG-ID Smartcard aanmaken",
                 "smartcard-login": "Inloggen met uw ZORG-ID Smartcard"}
REFUSAL = {"error": {"code": "ZID-CARD-EXPIRED", "status": 410,
                     "cause": {"nl": "Het verzoek is verlopen.", "en": "The request has expired."},
                     "solution": {"nl": "Begin opnieuw.", "en": "Start again."}}}


class SmartcardServer:
    """Serves the card flow, the card's answer and (purpose smartcard) the keys, on 127.0.0.1."""

    def __init__(self, ca_dir: Path, purpose: str = "smartcard") -> None:
        self.ca = ensure_smartcard_ca(ca_dir, "acceptatie")[0]
        self.purpose = purpose
        self.keys_error: dict | None = None
        self.swap_certificates = False  # answer with the signing certificate as the authentication one
        self.keys_delay = 0.0  # seconds before the keys are answered (a slow server, time for a Ctrl-C)
        self.answers: list[dict] = []
        self.keys: list[dict] = []
        self.issued: dict[str, bytes] = {}
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.origin = f"http://127.0.0.1:{self._http.server_address[1]}"
        threading.Thread(target=self._http.serve_forever, daemon=True).start()

    def address(self) -> str:
        return CardPayload(self.origin, FLOW).to_uri()

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()

    def flow(self) -> dict:
        return {"v": 1, "flow": FLOW, "challenge": CHALLENGE, "purpose": self.purpose,
                "purpose_text": PURPOSE_TEXTS[self.purpose], "origin": self.origin,
                "requester": {"name": "ZORG-ID portaal", "origin": self.origin},
                "expires_at": "2030-01-01T00:00:00Z", "state": "pending"}

    def answer_digest(self) -> str | None:
        """SHA-256 of the signature of the last card answer, base64url: what the keys must carry."""
        if not self.answers:
            return None
        signature = base64.urlsafe_b64decode(self.answers[-1]["signature"] + "==")
        return base64.urlsafe_b64encode(hashlib.sha256(signature).digest()).rstrip(b"=").decode()

    def issue(self, body: dict) -> tuple[int, dict]:
        """Check every proof as the server does, then issue the three certificates."""
        public_keys = {}
        for key in body["keys"]:
            der = base64.urlsafe_b64decode(key["public_key"] + "==")
            public = serialization.load_der_public_key(der)
            proof = base64.urlsafe_b64decode(key["proof"] + "==")
            public.verify(proof, CardKeyProof(CHALLENGE, key["role"], der).canonical_bytes(), padding.PKCS1v15(),
                          hashes.SHA256())
            public_keys[key["role"]] = public
        now = dt.datetime.now(dt.UTC)
        certificates = smartcard_certificates(public_keys, holder=HOLDER, start=now - dt.timedelta(minutes=5),
                                              days=365, base_url=self.origin, ca=self.ca)
        self.issued = {role: cert.public_bytes(serialization.Encoding.DER) for role, cert in certificates.items()}
        sent = dict(self.issued)
        if self.swap_certificates:
            sent["authentication"] = self.issued["signing"]
        return 201, {
            "v": 1, "card_number": CARD_NUMBER, "state": "completed",
            "not_after": (now + dt.timedelta(days=365)).isoformat().replace("+00:00", "Z"),
            "certificates": [{"role": role, "certificate": base64.urlsafe_b64encode(der).decode().rstrip("=")}
                             for role, der in sent.items()],
            "chain": [self.ca.issuing.public_bytes(serialization.Encoding.PEM).decode()],
        }

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path != card_flow_path(FLOW):
                    return self._send(404, {"error": {"code": "ZID-NOT-FOUND"}})
                return self._send(200, server.flow())

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if self.path == card_response_path(FLOW):
                    server.answers.append(body)
                    return self._send(200, {"state": "answered" if server.purpose == "smartcard" else "completed"})
                if self.path == smartcard_keys_path(FLOW):
                    server.keys.append(body)
                    if body.get("answer_digest") != server.answer_digest():  # as the server binds the keys
                        return self._send(403, {"error": {"code": "ZID-SMARTCARD-KEYS-NOT-BOUND"}})
                    time.sleep(server.keys_delay)
                    if server.keys_error:
                        return self._send(server.keys_error["error"]["status"], server.keys_error)
                    return self._send(*server.issue(body))
                return self._send(404, {"error": {"code": "ZID-NOT-FOUND"}})

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
