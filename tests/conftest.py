"""Shared fixtures: the clock, device keys made like the app makes them, an operator, an activated ID."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from zorgid import clock
from zorgid.protocol.bodies import ActivationRequest, ActivationResponse, KeyShareUnlockRequest, LoginApprovalRequest
from zorgid.protocol.messages import ACTIVATIONS_PATH, DeviceUnlock, LoginApproval, b64encode, key_share_unlock_path


@pytest.fixture(autouse=True)
def _reset_clock():
    clock.reset()
    yield
    clock.reset()


@pytest.fixture(autouse=True)
def _dutch_first():
    """Every test starts in Dutch, as a request without a language choice does: a test that switched to English
    (a page, a command with --lang en) leaves no English behind for texts made outside a request."""
    from django.utils import translation

    translation.activate("nl")
    yield
    translation.activate("nl")


@pytest.fixture(autouse=True)
def _audit_anchor(settings, tmp_path_factory):
    """Each test its own audit anchor (audit/anchor.py): a test's rows are gone after it, its anchor lines too."""
    settings.ZORGID_AUDIT_ANCHOR = tmp_path_factory.getbasetemp() / f"audit-anchor-{secrets.token_hex(8)}"


@pytest.fixture(autouse=True)
def _validation_tool_not_built(settings, tmp_path_factory):
    """The validation tool's download (applications/validation_tool.py) is absent unless a test builds one."""
    settings.ZORGID_VALIDATIETOOL_PYZ = tmp_path_factory.getbasetemp() / "not-built" / "zorgid-validatietool.pyz"


@pytest.fixture(autouse=True)
def _generous_request_limits(settings):
    """Tests make many requests from 127.0.0.1: the request limits are raised, except where a test sets them."""
    settings.ZORGID_RATE_LIMIT_FACTOR = 1000
    settings.ZORGID_WAITS_PER_CLIENT = 1000
    settings.ZORGID_WAIT_SLOTS = 1000


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """The flow listener's own connection (zorgid.flows.waiting) is closed before the test database is dropped."""
    yield
    from zorgid.flows.waiting import stop_listener

    stop_listener()


def make_csr(key: ec.EllipticCurvePrivateKey | None = None) -> tuple[ec.EllipticCurvePrivateKey, str]:
    key = key or ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "zorgid-app")]))
        .sign(key, hashes.SHA256())
    )
    return key, csr.public_bytes(serialization.Encoding.PEM).decode()


@dataclass
class Device:
    """What an activated app holds: its key, its Mobile ID, its PIN proof, the server's key share and its device key.

    ``unlock`` does what the app does for each use of the key: it asks the server (through ``client``, a Django
    test client) for the share with the PIN proof, signed with the device key at a time later than the last;
    ``approval`` unlocks so and carries the one-time token.
    """

    key: ec.EllipticCurvePrivateKey
    mobile_id: str
    certificate: x509.Certificate
    client: object = None
    proof: bytes = b""
    share: bytes = field(default=b"", repr=False)
    device_key: ec.EllipticCurvePrivateKey | None = field(default=None, repr=False)
    signed_at_ms: int = 0  # the last unlock's signing time

    def unlock_body(self, proof: bytes | None = None, *, signed_at_ms: int | None = None, device_key=None) -> dict:
        """The unlock as the app sends it; by default signed now (later than the last) with the device key."""
        proof = self.proof if proof is None else proof
        if signed_at_ms is None:
            signed_at_ms = max(int(clock.now().timestamp() * 1000), self.signed_at_ms + 1)
            self.signed_at_ms = signed_at_ms
        message = DeviceUnlock(self.mobile_id, proof, signed_at_ms)
        signature = (device_key or self.device_key).sign(message.canonical_bytes(), ec.ECDSA(hashes.SHA256()))
        return KeyShareUnlockRequest(pin_proof=proof, signed_at_ms=signed_at_ms, signature=signature).to_json()

    def unlock(self, proof: bytes | None = None, **kwargs):
        return self.client.post(key_share_unlock_path(self.mobile_id), self.unlock_body(proof, **kwargs),
                                content_type="application/json")

    def approval(self, flow: dict, signed_at: int | None = None, key=None, unlock_token: str | None = None) -> dict:
        signed_at = int(clock.now().timestamp()) if signed_at is None else signed_at
        message = LoginApproval(flow["flow"], flow["nonce"], flow["origin"], self.mobile_id, signed_at)
        signature = (key or self.key).sign(message.canonical_bytes(), ec.ECDSA(hashes.SHA256()))
        if unlock_token is None:  # a refused unlock (revoked, blocked): the approval must be refused as well
            answer = self.unlock()
            unlock_token = answer.json()["unlock_token"] if answer.status_code == 200 else "unlock-refused-0000000"
        return LoginApprovalRequest(unlock_token=unlock_token, mobile_id=self.mobile_id, signed_at=signed_at,
                                    signature=b64encode(signature)).to_json()


def public_der(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def activate_code(client, code: str, key: ec.EllipticCurvePrivateKey | None = None) -> Device:
    """Activate as the app does (CSR, PIN proof and device key); the answer carries the key share."""
    key, csr = make_csr(key)
    proof, device_key = secrets.token_bytes(32), ec.generate_private_key(ec.SECP256R1())
    body = ActivationRequest(code=code, csr=csr, pin_proof=proof, device_key=public_der(device_key))
    response = client.post(ACTIVATIONS_PATH, body.to_json(), content_type="application/json")
    assert response.status_code == 201, response.content
    answer = ActivationResponse.from_json(response.json())
    return Device(key, answer.mobile_id, x509.load_pem_x509_certificate(answer.certificate.encode()), client,
                  proof, answer.key_share, device_key)


@pytest.fixture
def operator(db):
    from zorgid.organisations.roles import add_operator

    return add_operator("Jan Willem", "de Vries", clock.parse_date("12-03-1975"), actor="test")


@pytest.fixture
def device(client, operator) -> Device:
    return activate_code(client, operator.code)


@pytest.fixture
def no_waiting_pages(settings):
    """No status request of an earlier test is still waiting in this process: the live server is shared by the
    whole run, and a page it served may wait up to ZORGID_LOGIN_WAIT_SECONDS, holding a slot (docs/security.md)."""
    from zorgid.flows.waiting import waits_now

    wait_until(lambda: waits_now() == 0, timeout=settings.ZORGID_LOGIN_WAIT_SECONDS + 10)


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")


@pytest.fixture
def smtp(settings):
    """Outgoing mail to a sink over real SMTP; incoming mail to the ``zorgid mail-in`` handler over real SMTP."""
    from aiosmtpd.controller import Controller

    from tests.integration.applications.smtp import Sink, free_port
    from zorgid.applications.mail_in import MAX_MESSAGE_BYTES, ReplyHandler

    sink = Sink()
    sink.controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    mail_in = Controller(ReplyHandler(), hostname="127.0.0.1", port=free_port(), data_size_limit=MAX_MESSAGE_BYTES)
    mail_in.start()
    yield sink, mail_in.port
    mail_in.stop()
    sink.controller.stop()
