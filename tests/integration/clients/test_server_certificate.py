"""Every client program over real TLS: a server whose certificate the client does not trust is refused with the
program's own code (not "unreachable"), and trusted once SSL_CERT_FILE names the certificate (docs/deployment.md,
"Trying it on one machine")."""

from __future__ import annotations

import datetime as dt
import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from zorgid.clients.app import errors as app_errors
from zorgid.clients.app.server import ServerClient as AppServer
from zorgid.clients.desktop import errors as desktop_errors
from zorgid.clients.desktop.server import DesktopServerClient
from zorgid.clients.validatietool import errors as validatietool_errors
from zorgid.clients.validatietool.server import ValidatietoolServerClient

FLOW = "flow-id-0123456789abcdef"


def self_signed(directory):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=1))
                   .not_valid_after(now + dt.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


class Answer(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        body = json.dumps({"flow": "answered"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def tls_server(tmp_path):
    cert_file, key_file = self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://localhost:{server.server_address[1]}", cert_file
    server.shutdown()
    server.server_close()


CLIENTS = [
    (AppServer, app_errors.ServerCertificateUntrusted, "ZID-APP-SERVER-CERTIFICATE"),
    (DesktopServerClient, desktop_errors.ServerCertificateUntrusted, "ZID-DESKTOP-SERVER-CERTIFICATE"),
    (ValidatietoolServerClient, validatietool_errors.ServerCertificateUntrusted,
     "ZID-VALIDATIETOOL-SERVER-CERTIFICATE"),
]


@pytest.mark.parametrize(("client_class", "error", "code"), CLIENTS)
def test_an_untrusted_server_certificate_is_refused_with_its_own_code(tls_server, monkeypatch, client_class,
                                                                        error, code):
    url, _ = tls_server
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    with client_class(url) as client, pytest.raises(error) as refused:
        client._call("GET", "/anything", None, expect=200)
    assert refused.value.code == code
    assert "self-signed certificate" in refused.value.detail  # OpenSSL's reason, for the service desk


@pytest.mark.parametrize(("client_class", "error", "code"), CLIENTS)
def test_the_certificate_named_by_ssl_cert_file_is_trusted(tls_server, monkeypatch, client_class, error, code):
    url, cert_file = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))
    with client_class(url) as client:
        assert client._call("GET", "/anything", None, expect=200) == {"flow": "answered"}


def test_a_refused_connection_is_still_unreachable_not_a_certificate_error(monkeypatch):
    with AppServer("https://127.0.0.1:9") as client, pytest.raises(app_errors.ServerUnreachable):
        client._call("GET", "/anything", None, expect=200)
