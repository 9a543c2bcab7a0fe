"""The addresses zorgid itself calls (``jwks_uri``, ``backchannel_logout_uri``; docs/koppelen.md §1): in productie
never a private, loopback, link-local or other non-public IP address, in whatever form a resolver reads it, nor
localhost; a public address and any host name pass; acceptatie keeps http on loopback for a supplier's own tests.
And a withdrawn application's post-logout address is no longer redirected to."""

from __future__ import annotations

import pytest

from tests.unit.care_apps.jwks import jwks, rsa_jwk
from zorgid.care_apps.errors import CareAppRedirectUriInvalid
from zorgid.care_apps.services import (
    add_application,
    change_application,
    clean_server_uri,
    host_address,
    post_logout_redirect_allowed,
    suspend,
    withdraw,
)

NOT_PUBLIC = [
    "https://127.0.0.1/jwks", "https://127.1/jwks", "https://2130706433/jwks", "https://0x7f.0.0.1/jwks",
    "https://017700000001/jwks", "https://10.0.0.8/jwks", "https://172.16.5.4/jwks", "https://192.168.1.10/jwks",
    "https://169.254.169.254/latest/meta-data", "https://100.64.0.1/jwks", "https://0.0.0.0/jwks",
    "https://[::1]/jwks", "https://[fe80::1]/jwks", "https://[fc00::1]/jwks", "https://[::ffff:127.0.0.1]/jwks",
    "https://[::ffff:10.0.0.1]:8443/jwks", "https://localhost/jwks", "https://api.localhost/jwks",
    "https://localhost./jwks", "https://LOCALHOST/jwks",
]
PUBLIC = ["https://epd.example.nl/jwks", "https://93.184.216.34/jwks", "https://[2a00:1450:4001::1]/jwks",
          "https://cafe.babe/jwks", "https://1e100.net/jwks", "https://123.example/jwks"]


@pytest.fixture
def productie(settings):
    settings.ZORGID_ENVIRONMENT = "productie"


@pytest.mark.parametrize("uri", NOT_PUBLIC)
def test_productie_refuses_an_address_that_is_not_public(productie, uri):
    with pytest.raises(CareAppRedirectUriInvalid, match="not a public address"):
        clean_server_uri(uri, "jwks_uri")


@pytest.mark.parametrize("uri", PUBLIC)
def test_productie_takes_a_public_address_or_a_name(productie, uri):
    assert clean_server_uri(uri, "jwks_uri") == uri


def test_acceptatie_keeps_http_on_loopback(settings):
    settings.ZORGID_ENVIRONMENT = "acceptatie"
    assert clean_server_uri("http://127.0.0.1:8001/jwks.json", "jwks_uri") == "http://127.0.0.1:8001/jwks.json"


@pytest.mark.parametrize("host, expected", [
    ("127.1", "127.0.0.1"), ("2130706433", "127.0.0.1"), ("::ffff:10.0.0.1", "10.0.0.1"), ("epd.example.nl", None),
    ("cafe.babe", None), ("deadbeef", None), ("0x7f000001", "127.0.0.1"), ("1.2.3.4.5", None),
])
def test_host_address_reads_what_a_resolver_reads(host, expected):
    found = host_address(host)
    assert (str(found) if found is not None else None) == expected


@pytest.mark.django_db
def test_registration_and_change_name_the_field(productie):
    values = {"name": "EPD", "supplier": "Leverancier", "versions": ["1.0"], "actor": "test",
              "redirect_uris": ["https://epd.example.nl/cb"]}
    with pytest.raises(CareAppRedirectUriInvalid) as refused:
        add_application(**values, jwks_uri="https://10.1.2.3/jwks.json")
    assert refused.value.field == "jwks_uri"
    with pytest.raises(CareAppRedirectUriInvalid) as refused:
        add_application(**values, jwks=jwks(rsa_jwk()), backchannel_logout_uri="https://192.168.0.5/logout")
    assert refused.value.field == "backchannel_logout_uri"
    application = add_application(**values, jwks=jwks(rsa_jwk()))
    with pytest.raises(CareAppRedirectUriInvalid) as refused:
        change_application(application.client_id, backchannel_logout_uri="https://[::1]/logout", actor="test")
    assert refused.value.field == "backchannel_logout_uri"
    with pytest.raises(CareAppRedirectUriInvalid):
        change_application(application.client_id, jwks_uri="https://127.0.0.1/jwks", actor="test")
    changed = change_application(application.client_id, backchannel_logout_uri="https://epd.example.nl/logout",
                                 actor="test")
    assert changed.backchannel_logout_uri == "https://epd.example.nl/logout"


@pytest.mark.django_db
def test_a_withdrawn_application_gets_no_redirect_after_a_logout():
    application = add_application(name="EPD", supplier="Leverancier", versions=["1.0"], actor="test",
                                  redirect_uris=["https://epd.example.nl/cb"], jwks=jwks(rsa_jwk()),
                                  post_logout_redirect_uris=["https://epd.example.nl/uit"])
    assert post_logout_redirect_allowed(application, "https://epd.example.nl/uit")
    assert not post_logout_redirect_allowed(application, "https://epd.example.nl/uit/")
    assert post_logout_redirect_allowed(suspend(application.client_id, actor="test"), "https://epd.example.nl/uit")
    assert not post_logout_redirect_allowed(withdraw(application.client_id, actor="test"), "https://epd.example.nl/uit")
