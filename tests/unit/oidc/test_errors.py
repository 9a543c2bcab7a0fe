"""The provider's errors as an application gets them: an OAuth error, and the ZID code first in the description."""

from __future__ import annotations

from authlib.oauth2.base import invalid_error_characters

from zorgid.care_apps.errors import CareAppSuspended
from zorgid.identities.errors import PersonBlocked
from zorgid.oidc.errors import CodeUsed, NoOrganisation, describe, oauth_error_of
from zorgid.oidc.oauth import as_oauth_error
from zorgid.pki.uzi.errors import UraInvalid
from zorgid.protocol.errors import registered_errors


def test_each_error_has_its_oauth_error():
    assert oauth_error_of(CodeUsed()) == "invalid_grant"
    assert oauth_error_of(NoOrganisation()) == "access_denied"
    assert oauth_error_of(CareAppSuspended()) == "unauthorized_client"
    assert oauth_error_of(PersonBlocked()) == "access_denied"
    assert oauth_error_of(UraInvalid()) == "invalid_request"


def test_every_description_is_allowed_in_an_oauth_error():
    """RFC 6749 §5.2: only printable ASCII without " and \\ — also for the causes with … or ≤."""
    import zorgid.oidc.errors  # noqa: F401

    for cls in registered_errors():
        text = describe(cls('detail with "quotes", \\ and é'))
        assert text.startswith(f"{cls.code}: ") and not invalid_error_characters(text), cls


def test_an_error_redirected_carries_state_and_its_status():
    status, body, headers = as_oauth_error(NoOrganisation(), redirect_uri="https://a.example/cb?x=1", state="s 1")()
    assert status == 302
    assert headers == [("Location", "https://a.example/cb?x=1&error=access_denied&error_description=ZID-OIDC-NO-"
                                    "ORGANISATION%3A+You+have+no+role+in+an+organisation%3A+with+ZORG-ID+you+log+in+"
                                    "on+behalf+of+a+healthcare+organisation.&state=s+1")]
    assert as_oauth_error(CodeUsed())()[0] == 400
