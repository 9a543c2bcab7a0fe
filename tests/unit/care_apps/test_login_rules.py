"""care_apps.services: the rules every login at an application checks (docs/koppelen.md)."""

import pytest

from zorgid import clock
from zorgid.care_apps import services
from zorgid.care_apps.errors import (
    CareAppProductNotSupported,
    CareAppSuspended,
    CareAppUnknown,
    CareAppVersionRefused,
    CareAppWithdrawn,
    RedirectUriNotRegistered,
)
from zorgid.care_apps.models import CareApplication, CareAppStatus, CareAppVersion, VersionState

pytestmark = pytest.mark.django_db

REDIRECT = "https://ehr.example.nl/oidc/callback"


@pytest.fixture
def app():
    now = clock.now()
    application = CareApplication.objects.create(
        name="Dossier", supplier="Leverancier BV", products=["mobiel"], redirect_uris=[REDIRECT],
        post_logout_redirect_uris=["https://ehr.example.nl/uitgelogd"], jwks_uri="https://ehr.example.nl/jwks",
        created_at=now, updated_at=now)
    CareAppVersion.objects.create(application=application, version="2.1", changed_at=now)
    CareAppVersion.objects.create(application=application, version="1.0", state=VersionState.REFUSED, changed_at=now)
    return application


def test_an_accepted_application_is_found(app):
    assert services.application_for_login(app.client_id) == app


@pytest.mark.parametrize("client_id", [None, "", 5, ["x"], {"a": 1}, "x" * 33, "0" * 32, "x" * 10_000, b"abc"])
def test_an_unknown_or_malformed_client_id_is_unknown(app, client_id):
    with pytest.raises(CareAppUnknown) as caught:
        services.application_for_login(client_id)
    assert caught.value.code == "ZID-CARE-APP-UNKNOWN"
    assert len(str(caught.value)) < 200  # bounded detail


@pytest.mark.parametrize("status, error, code", [
    (CareAppStatus.SUSPENDED, CareAppSuspended, "ZID-CARE-APP-SUSPENDED"),
    (CareAppStatus.WITHDRAWN, CareAppWithdrawn, "ZID-CARE-APP-WITHDRAWN"),
])
def test_a_suspended_or_withdrawn_application_is_refused(app, status, error, code):
    CareApplication.objects.filter(pk=app.pk).update(status=status)
    with pytest.raises(error) as caught:
        services.application_for_login(app.client_id)
    assert caught.value.code == code and caught.value.status == 403


def test_the_redirect_uri_must_match_exactly(app):
    assert services.check_redirect_uri(app, REDIRECT) == REDIRECT


@pytest.mark.parametrize("uri", [
    None, "", 7, [REDIRECT], REDIRECT + "/", REDIRECT.upper(), REDIRECT + "?x=1", REDIRECT + "#f",
    "https://ehr.example.nl/oidc/callback ", "http://ehr.example.nl/oidc/callback", REDIRECT + "x" * 1000,
])
def test_another_redirect_uri_is_refused(app, uri):
    with pytest.raises(RedirectUriNotRegistered) as caught:
        services.check_redirect_uri(app, uri)
    assert caught.value.code == "ZID-CARE-APP-REDIRECT-URI" and caught.value.status == 400


def test_an_accepted_version_passes(app):
    assert services.check_version(app, "2.1") == "2.1"


@pytest.mark.parametrize("version, says", [
    (None, "missing"), ("", "missing"), ("9.9", "not in the register"), ("1.0", "refused"),
    (3, "not in the register"), ("x" * 100, "not in the register"), (["2.1"], "not in the register"),
])
def test_a_missing_unknown_or_refused_version_is_refused(app, version, says):
    with pytest.raises(CareAppVersionRefused) as caught:
        services.check_version(app, version)
    assert caught.value.code == "ZID-CARE-APP-VERSION" and caught.value.status == 403
    assert says in caught.value.detail


def test_a_version_of_another_application_does_not_count(app):
    now = clock.now()
    other = CareApplication.objects.create(name="Ander", supplier="X", products=["mobiel"], redirect_uris=[REDIRECT],
                                           jwks_uri="https://x.example/jwks", created_at=now, updated_at=now)
    CareAppVersion.objects.create(application=other, version="7.0", changed_at=now)
    with pytest.raises(CareAppVersionRefused):
        services.check_version(app, "7.0")


def test_the_product_must_be_supported(app):
    services.check_product(app, "mobiel")
    with pytest.raises(CareAppProductNotSupported) as caught:
        services.check_product(app, "smartcard")
    assert caught.value.code == "ZID-CARE-APP-PRODUCT" and caught.value.status == 403


def test_post_logout_redirect_matches_exactly(app):
    assert services.post_logout_redirect_allowed(app, "https://ehr.example.nl/uitgelogd")
    for uri in (None, "", "https://ehr.example.nl/uitgelogd/", REDIRECT, 5, "x" * 10_000):
        assert not services.post_logout_redirect_allowed(app, uri)
