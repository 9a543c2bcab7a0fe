"""Fixtures for the app client: a set-up app home and self-made certificates (no server needed)."""

from __future__ import annotations

import base64
import datetime as dt
import json

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from zorgid.clients.app.identity import Holder, MobileIdentity
from zorgid.clients.app.keystore import Keystore
from zorgid.clients.app.server import ServerClient
from zorgid.protocol.messages import LoginApproval, b64decode

PIN = "123456"
SERVER = "https://portal.example"
MOBILE_ID = "mobile-id-0123456789abcdef"


def issue_certificate(public_key, *, days: int = 365) -> str:
    """A self-signed-by-a-throwaway-CA certificate for ``public_key``, as PEM."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Jan de Vries")]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")]))
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .sign(ca_key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def make_identity(private_key, mobile_id: str = MOBILE_ID, server: str = SERVER) -> MobileIdentity:
    return MobileIdentity(
        mobile_id=mobile_id,
        server=server,
        holder=Holder(first_names="Jan", last_name="de Vries", birth_date="01-02-1980"),
        certificate_pem=issue_certificate(private_key.public_key()),
        chain_pem=(),
    )


@pytest.fixture
def home(tmp_path):
    return tmp_path / "app-home"


@pytest.fixture
def store(home) -> Keystore:
    keystore = Keystore(home)
    keystore.setup(PIN)
    return keystore


@pytest.fixture
def installed(store):
    """A set-up app with an ID installed through the keystore API."""
    key = ec.generate_private_key(ec.SECP256R1())
    identity = make_identity(key)
    store.install_id(identity, key, PIN)
    return store, identity, key


@pytest.fixture
def new_identity():
    """``new_identity(private_key, mobile_id=..., server=...)`` builds an ID with a fresh certificate."""
    return make_identity


@pytest.fixture
def pin() -> str:
    return PIN


CODE = "activation-code-0123456789"
FLOW = "flow-id-0123456789abcdef"
NONCE = "nonce-0123456789abcdef"
SERVER_MOBILE_ID = "mobile-id-fedcba9876543210"


def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


class FakeServer:
    """A stand-in for the server's three endpoints as an httpx.MockTransport: it checks what the app sends."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict | None]] = []
        self.ca_key = ec.generate_private_key(ec.SECP256R1())
        self.device_public_key = None
        self.approved = False
        self.error_for: str | None = None

    def factory(self, base_url: str):
        return ServerClient(base_url, transport=httpx.MockTransport(self.handle))

    def handle(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        self.requests.append((request.method, request.url.path, body))
        if self.error_for == request.url.path:
            return httpx.Response(410, json={"error": {
                "code": "ZID-SERVER-ONLY-CODE", "status": 410,
                "cause": {"nl": "De QR-code is verlopen.", "en": "The QR code has expired."},
                "solution": {"nl": "Vernieuw de QR-code.", "en": "Refresh the QR code."},
            }})
        if request.method == "POST" and request.url.path == "/api/v1/activations":
            return self._activate(body)
        if request.method == "GET" and request.url.path == f"/api/v1/login-flows/{FLOW}":
            return httpx.Response(200, json=self.flow_answer())
        if request.method == "POST" and request.url.path == f"/api/v1/login-flows/{FLOW}/approval":
            return self._approve(body)
        return httpx.Response(404, text="<html>not found</html>")

    def flow_answer(self) -> dict:
        return {
            "v": 1, "flow": FLOW, "nonce": NONCE, "origin": SERVER,
            "requester": {"name": "ZORG-ID portaal", "origin": SERVER},
            "expires_at": "2030-01-01T00:00:00Z", "state": "pending",
        }

    def _activate(self, body: dict) -> httpx.Response:
        assert set(body) == {"v", "code", "csr"} and body["v"] == 1 and body["code"] == CODE
        csr = x509.load_pem_x509_csr(body["csr"].encode("ascii"))
        assert csr.is_signature_valid
        self.device_public_key = csr.public_key()
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Jan de Vries")]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Fake CA")]))
            .public_key(csr.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=730))
            .sign(self.ca_key, hashes.SHA256())
        )
        return httpx.Response(201, json={
            "v": 1, "mobile_id": SERVER_MOBILE_ID, "certificate": _pem(cert), "chain": [],
            "holder": {"first_names": "Jan", "last_name": "de Vries", "birth_date": "01-02-1980"},
            "server": SERVER,
        })

    def _approve(self, body: dict) -> httpx.Response:
        assert set(body) == {"v", "mobile_id", "signed_at", "signature"} and body["v"] == 1
        approval = LoginApproval(FLOW, NONCE, SERVER, body["mobile_id"], body["signed_at"])
        signature = b64decode(body["signature"])
        self.device_public_key.verify(signature, approval.canonical_bytes(), ec.ECDSA(hashes.SHA256()))
        assert base64.urlsafe_b64encode(signature).rstrip(b"=").decode() == body["signature"]
        self.approved = True
        return httpx.Response(200, json={"v": 1, "flow": FLOW, "state": "approved"})


@pytest.fixture
def fake_server() -> FakeServer:
    return FakeServer()
