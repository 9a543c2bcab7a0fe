"""Fixtures of the integration tests: a trusted self-made UZI root and a registered organisation (the card
sessions); De Linde and Oost, two organisations (the red-team tests, the provider's)."""

import pytest

from tests.integration.cards import CardIssuer, issuer_keys
from zorgid.organisations.services import add_organisation
from zorgid.pki import uzi_installation


@pytest.fixture(autouse=True)
def _dev_mail_dir(settings, tmp_path_factory):
    """Mail kept without SMTP (outbox/dev_mail.py) goes to a folder of each test's own, never ZORGID_HOME/mail."""
    settings.ZORGID_DEV_MAIL_DIR = tmp_path_factory.mktemp("dev-mail")


@pytest.fixture
def issuer(settings, tmp_path):
    result = CardIssuer(tmp_path / "trust", issuer_keys())
    settings.ZORGID_UZI_TRUST_DIR = str(result.trust_dir)
    settings.ZORGID_UZI_CRL_DIR = str(tmp_path / "crl")
    uzi_installation.forget()
    yield result
    uzi_installation.forget()


@pytest.fixture
def organisation(db):
    return add_organisation(name="Huisartsenpraktijk De Linde", ura="90000001", kvk="12345678", actor="test")


@pytest.fixture
def linde(db):
    return add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")


@pytest.fixture
def oost(db):
    return add_organisation(name="Ziekenhuis Oost", ura="90000999", kvk="87654321", actor="t")
