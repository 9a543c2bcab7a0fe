"""What an application's server gets when the middleware refuses its token or userinfo request before the endpoint
runs (docs/koppelen.md): OAuth's JSON error (RFC 6749 §5.2) with the ZID code in error_description, never the
portal's HTML page."""

import pytest

pytestmark = pytest.mark.django_db


def oauth_error(response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["error"], body["error_description"].split(":", 1)[0]


def test_a_control_character_in_the_token_form_is_an_oauth_error(client):
    answer = client.post("/oidc/token", {"grant_type": "authorization_code", "code": "a\x00b"})
    assert answer["Content-Type"].startswith("application/json")
    assert oauth_error(answer) == (400, "invalid_request", "ZID-INPUT-CONTROL-CHARACTER")


def test_a_token_body_over_the_limit_is_an_oauth_error(client, settings):
    answer = client.post("/oidc/token", {"grant_type": "authorization_code",
                                         "code": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    assert oauth_error(answer) == (400, "invalid_request", "ZID-OIDC-TOKEN-REQUEST")


def test_too_many_fields_in_the_token_body_is_an_oauth_error(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    answer = client.post("/oidc/token", {f"field{n}": "x" for n in range(11)})
    assert oauth_error(answer) == (400, "invalid_request", "ZID-OIDC-TOKEN-REQUEST")


def test_a_request_limit_at_the_token_endpoint_is_an_oauth_error_with_retry_after(client, settings):
    settings.ZORGID_RATE_LIMIT_FACTOR = 1
    settings.ZORGID_RATE_LIMITS = {**settings.ZORGID_RATE_LIMITS, "application-server": (1, 60)}
    client.post("/oidc/token", {})
    answer = client.post("/oidc/token", {})
    assert oauth_error(answer)[0::2] == (429, "ZID-RATE-LIMIT")
    assert 1 <= int(answer["Retry-After"]) <= 60


def test_a_portal_form_over_the_limit_still_gets_djangos_refusal(client, settings):
    answer = client.post("/aanvragen/nieuw", {"x": "y" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    assert answer.status_code == 400
