"""CRL and OCSP over real HTTP, checked by the independent ``openssl`` command (docs/security.md, "Revocation: CRL
and OCSP"): a Mobile ID is good, held while its person is blocked, good again after the unblock, and revoked for
good; the CRL refuses the revoked certificate in ``openssl verify -crl_check``."""

from __future__ import annotations

import base64
import subprocess
import urllib.parse

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from zorgid import clock
from zorgid.administration.employees import set_blocked
from zorgid.identities.models import MobileId
from zorgid.identities.services import revoke_mobile_id
from zorgid.organisations.models import Role
from zorgid.organisations.roles import add_operator, grant_role
from zorgid.organisations.services import add_organisation
from zorgid.pki.ca import get_ca

pytestmark = pytest.mark.django_db(transaction=True)
PEM = serialization.Encoding.PEM


@pytest.fixture
def files(tmp_path, device):
    ca = get_ca()
    paths = {"issuing": tmp_path / "issuing.pem", "chain": tmp_path / "chain.pem", "cert": tmp_path / "cert.pem"}
    paths["issuing"].write_bytes(ca.issuing.public_bytes(PEM))
    paths["chain"].write_bytes(ca.root.public_bytes(PEM) + ca.issuing.public_bytes(PEM))
    paths["cert"].write_bytes(device.certificate.public_bytes(PEM))
    return paths


def openssl_ocsp(live_server, files, *extra: str) -> str:
    """``extra``: options that must stand before -cert, such as the CertID's digest."""
    run = subprocess.run(
        ["openssl", "ocsp", "-issuer", str(files["issuing"]), *extra, "-cert", str(files["cert"]), "-url",
         f"{live_server.url}/pki/ocsp", "-CAfile", str(files["chain"]), "-resp_text"],
        capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    assert "Response verify OK" in run.stderr + run.stdout, run.stderr
    assert "WARNING" not in run.stderr + run.stdout  # e.g. "WARNING: no nonce in response"
    return run.stdout


def status_line(output: str, files) -> str:
    return next(line for line in output.splitlines() if line.startswith(f"{files['cert']}: ")).split(": ", 1)[1]


def openssl_verify(live_server, files, tmp_path) -> subprocess.CompletedProcess:
    answer = httpx.get(f"{live_server.url}/pki/crl/mobile-id.crl", timeout=30)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pkix-crl"
    assert answer.headers["cache-control"].startswith("public, max-age=")
    (tmp_path / "crl.der").write_bytes(answer.content)
    subprocess.run(["openssl", "crl", "-inform", "DER", "-in", str(tmp_path / "crl.der"), "-out",
                    str(tmp_path / "crl.pem")], check=True, capture_output=True, timeout=60)
    return subprocess.run(["openssl", "verify", "-crl_check", "-CRLfile", str(tmp_path / "crl.pem"), "-CAfile",
                           str(files["chain"]), str(files["cert"])], capture_output=True, text=True, timeout=60,
                          check=False)


def test_good_then_revoked_in_openssl_ocsp_and_verify(live_server, files, device, tmp_path):
    assert status_line(openssl_ocsp(live_server, files), files) == "good"
    assert status_line(openssl_ocsp(live_server, files, "-sha256"), files) == "good"  # a SHA-256 CertID
    good = openssl_verify(live_server, files, tmp_path)
    assert good.returncode == 0 and good.stdout.strip().endswith(": OK"), good.stdout + good.stderr
    revoke_mobile_id(MobileId.objects.get(id=device.mobile_id), actor="test", reason="lost")
    output = openssl_ocsp(live_server, files)
    assert status_line(output, files) == "revoked" and "Revocation Time:" in output
    refused = openssl_verify(live_server, files, tmp_path)
    assert refused.returncode != 0 and "certificate revoked" in refused.stdout + refused.stderr


def test_held_while_blocked_good_after_the_unblock(live_server, files, device, tmp_path):
    linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")
    person = MobileId.objects.get(id=device.mobile_id).person
    grant_role(person, Role.MEDEWERKER, linde, actor="test")
    olga = add_operator("Olga", "Operator", clock.parse_date("01-01-1975"), actor="test").person
    set_blocked(linde, person, True, by=olga)
    output = openssl_ocsp(live_server, files)
    assert status_line(output, files) == "revoked" and "Reason: certificateHold" in output
    held = openssl_verify(live_server, files, tmp_path)
    assert held.returncode != 0 and "certificate revoked" in held.stdout + held.stderr
    set_blocked(linde, person, False, by=olga)
    assert status_line(openssl_ocsp(live_server, files), files) == "good"
    assert openssl_verify(live_server, files, tmp_path).returncode == 0


def request_der(device, nonce: bytes | None = None, algorithm=hashes.SHA256()) -> bytes:
    builder = ocsp.OCSPRequestBuilder().add_certificate(device.certificate, get_ca().issuing, algorithm)
    if nonce:
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
    return builder.build().public_bytes(serialization.Encoding.DER)


def test_the_nonce_is_echoed_and_the_get_form_answers(live_server, device):
    answer = httpx.post(f"{live_server.url}/pki/ocsp", content=request_der(device, b"q" * 20), timeout=30,
                        headers={"Content-Type": "application/ocsp-request"})
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/ocsp-response"
    response = ocsp.load_der_ocsp_response(answer.content)
    assert response.certificate_status == ocsp.OCSPCertStatus.GOOD
    assert response.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce == b"q" * 20
    encoded = urllib.parse.quote(base64.b64encode(request_der(device, b"g" * 16)).decode(), safe="")
    got = httpx.get(f"{live_server.url}/pki/ocsp/{encoded}", timeout=30)
    response = ocsp.load_der_ocsp_response(got.content)
    assert got.status_code == 200 and response.certificate_status == ocsp.OCSPCertStatus.GOOD
    assert response.serial_number == device.certificate.serial_number
    assert response.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce == b"g" * 16


@pytest.mark.parametrize(("method", "path", "body", "content_type"), [
    ("post", "/pki/ocsp", b"\x30\x03\x02\x01\x01", "application/ocsp-request"),
    ("post", "/pki/ocsp", b"hello", "application/ocsp-request"),
    ("post", "/pki/ocsp", b"", "application/ocsp-request"),
    ("post", "/pki/ocsp", b"\x30" * 100_000, "application/ocsp-request"),  # over the limit
    ("post", "/pki/ocsp", b"a=b", "application/x-www-form-urlencoded"),
    ("get", "/pki/ocsp/not*base64", b"", ""),
    ("get", "/pki/ocsp/aGVsbG8=", b"", ""),
])
def test_malformed_requests_get_malformed_request_never_a_server_error(live_server, method, path, body, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    answer = httpx.request(method.upper(), live_server.url + path, content=body or None, headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text[:500]
    assert ocsp.load_der_ocsp_response(answer.content).response_status == ocsp.OCSPResponseStatus.MALFORMED_REQUEST


def test_an_unknown_ca_has_no_crl(live_server):
    assert httpx.get(f"{live_server.url}/pki/crl/nope.crl", timeout=30).status_code == 404
