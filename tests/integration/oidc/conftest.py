"""Fixtures of the provider's tests: the device's person as a medewerker of De Linde (``linde``, from
tests/integration/conftest.py), a registered application (``rp``, relying_party.py), and the trust of mutual TLS
(the test certificates of tests/unit/pki/certificates.py through a trusted reverse proxy)."""

from __future__ import annotations

import pytest

from tests.integration.oidc.relying_party import register
from tests.unit.pki.certificates import ov_ca, trusting, uzi_ca  # noqa: F401 (the fixtures ov_ca, uzi_ca)
from zorgid.identities.models import MobileId
from zorgid.organisations.models import Role
from zorgid.organisations.roles import grant_role

PROXY = "10.0.0.5"  # the reverse proxy that passes the client certificate on


@pytest.fixture
def person(device):
    return MobileId.objects.get(id=device.mobile_id).person


@pytest.fixture
def employee(person, linde):
    """The device's person (Jan Willem de Vries) is a medewerker of De Linde."""
    grant_role(person, Role.MEDEWERKER, linde, actor="test")
    return person


@pytest.fixture
def rp(db):
    return register()


@pytest.fixture
def trust(settings, tmp_path, ov_ca, uzi_ca):  # noqa: F811 (the fixtures imported above)
    """Client certificates through the reverse proxy PROXY; the OV CA and the test UZI CA trusted."""
    settings.ZORGID_TRUSTED_PROXIES = [PROXY]
    settings.ZORGID_CLIENT_CERT_HEADER = "X-SSL-Client-Cert"
    with trusting(settings, tmp_path, ov_ca, uzi_ca):
        yield tmp_path
