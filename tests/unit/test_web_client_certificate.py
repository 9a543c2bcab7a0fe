"""zorgid.web.client_certificate: the client certificate a trusted reverse proxy passes on, never anyone else's
(docs/koppelen.md §4 "Client-authenticatie")."""

from __future__ import annotations

import urllib.parse

import pytest
from cryptography.hazmat.primitives import serialization
from django.test import RequestFactory

from tests.unit.pki.certificates import OvCa
from zorgid.web import MAX_CLIENT_CERT_HEADER, client_certificate

PROXY = "10.0.0.5"


@pytest.fixture(scope="module")
def certificate():
    return OvCa().issue()[0]


def _pem(certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def _escaped(certificate) -> str:
    """As nginx's $ssl_client_escaped_cert writes it: the PEM, URL-encoded."""
    return urllib.parse.quote(_pem(certificate), safe="")


def _request(address: str, header: str | None, name: str = "HTTP_X_SSL_CLIENT_CERT"):
    meta = {"REMOTE_ADDR": address}
    if header is not None:
        meta[name] = header
    return RequestFactory().post("/oidc/token", **meta)


@pytest.fixture
def proxies(settings):
    settings.ZORGID_TRUSTED_PROXIES = [PROXY, "192.168.10.0/24", "::1"]
    settings.ZORGID_CLIENT_CERT_HEADER = "X-SSL-Client-Cert"


def test_from_a_trusted_proxy_the_header_gives_the_certificate(proxies, certificate):
    assert client_certificate(_request(PROXY, _escaped(certificate))) == certificate
    assert client_certificate(_request("192.168.10.77", _escaped(certificate))) == certificate
    assert client_certificate(_request("::1", _escaped(certificate))) == certificate
    assert client_certificate(_request("::ffff:10.0.0.5", _escaped(certificate))) == certificate


def test_the_same_header_from_another_address_is_ignored(proxies, certificate):
    for address in ("10.0.0.6", "192.168.11.1", "127.0.0.1", "", "not-an-address"):
        assert client_certificate(_request(address, _escaped(certificate))) is None


def test_with_no_trusted_proxy_the_header_is_never_read(settings, certificate):
    settings.ZORGID_TRUSTED_PROXIES = []
    assert client_certificate(_request(PROXY, _escaped(certificate))) is None
    assert client_certificate(_request("127.0.0.1", _escaped(certificate))) is None


def test_the_header_name_is_a_setting(proxies, settings, certificate):
    settings.ZORGID_CLIENT_CERT_HEADER = "X-Client-Cert"
    assert client_certificate(_request(PROXY, _escaped(certificate))) is None
    assert client_certificate(_request(PROXY, _escaped(certificate), "HTTP_X_CLIENT_CERT")) == certificate


def test_a_pem_that_is_not_url_encoded_is_read_too(proxies, certificate):
    assert client_certificate(_request(PROXY, _pem(certificate))) == certificate


def test_a_chain_gives_its_first_certificate(proxies, certificate):
    ca = OvCa()
    chain = _pem(certificate) + ca.issuing.public_bytes(serialization.Encoding.PEM).decode()
    assert client_certificate(_request(PROXY, urllib.parse.quote(chain, safe=""))) == certificate


@pytest.mark.parametrize("header", [
    "", "(null)", "-", "garbage", urllib.parse.quote("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
    "%FF%FE-----BEGIN CERTIFICATE-----", "é" * 10,
])
def test_an_unreadable_header_gives_none(proxies, header):
    assert client_certificate(_request(PROXY, header)) is None


def test_a_header_too_large_gives_none(proxies, certificate):
    padded = _escaped(certificate) + "%0A" * MAX_CLIENT_CERT_HEADER
    assert client_certificate(_request(PROXY, padded)) is None


def test_no_header_gives_none(proxies):
    assert client_certificate(_request(PROXY, None)) is None
