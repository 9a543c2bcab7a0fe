"""The client's address behind a reverse proxy (zorgid.web.client_ip, docs/deployment.md "Request limits")."""

import pytest
from django.test import RequestFactory

from zorgid.web import client_ip, connecting_address

PROXY = "10.0.0.5"


def request(remote: str, forwarded: str | None = None):
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


@pytest.fixture
def behind_proxy(settings):
    settings.ZORGID_TRUSTED_PROXIES = ["10.0.0.0/24"]


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(settings):
    settings.ZORGID_TRUSTED_PROXIES = []
    assert client_ip(request("198.51.100.7", "192.0.2.1")) == "198.51.100.7"


def test_from_a_trusted_proxy_the_address_the_proxy_saw(behind_proxy):
    assert client_ip(request(PROXY, "192.0.2.1")) == "192.0.2.1"
    assert connecting_address(request(PROXY, "192.0.2.1")) == PROXY  # whose headers are believed: the proxy's


def test_an_address_the_client_wrote_itself_before_the_proxy_s_is_not_believed(behind_proxy):
    # the client sent "X-Forwarded-For: 203.0.113.9"; nginx appended what it saw (192.0.2.1)
    assert client_ip(request(PROXY, "203.0.113.9, 192.0.2.1")) == "192.0.2.1"


def test_a_chain_of_trusted_proxies_is_passed_over(behind_proxy):
    assert client_ip(request(PROXY, "192.0.2.1, 10.0.0.7")) == "192.0.2.1"


def test_from_a_client_that_is_no_proxy_its_header_is_ignored(behind_proxy):
    assert client_ip(request("198.51.100.7", "192.0.2.1")) == "198.51.100.7"


@pytest.mark.parametrize("forwarded", ["", "  ,  ", "not-an-address", "192.0.2.1, nonsense", "10.0.0.7"])
def test_a_missing_or_strange_header_leaves_the_proxy_s_own_address(behind_proxy, forwarded):
    assert client_ip(request(PROXY, forwarded)) == PROXY


def test_an_ipv6_client_and_an_ipv4_mapped_proxy(settings):
    settings.ZORGID_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(request("::ffff:10.0.0.5", "2001:db8::1")) == "2001:db8::1"
