"""The provider's keys through HTTP and the command line: discovery and /oidc/jwks (public, cacheable), an ID
token signed before a rotation still verifies from the JWKS after it, ``zorgid oidc keys list|rotate|retire``."""

from __future__ import annotations

import datetime as dt

import jwt
import pytest
from authlib.oidc.discovery import OpenIDProviderMetadata
from django.test import Client
from typer.testing import CliRunner

from tests.integration.oidc.relying_party import code_of, register
from zorgid import clock
from zorgid.cli import app as cli
from zorgid.oidc import keys

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(settings, tmp_path):
    """Keys of this test only: a rotation here does not reach the other tests."""
    settings.ZORGID_HOME = tmp_path
    return tmp_path


def test_discovery_names_the_provider_and_is_valid_metadata(client):
    response = client.get("/.well-known/openid-configuration")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300" and response["Access-Control-Allow-Origin"] == "*"
    metadata = response.json()
    assert metadata["issuer"] == "http://testserver"
    assert metadata["authorization_endpoint"] == "http://testserver/oidc/authorize"
    assert metadata["token_endpoint"] == "http://testserver/oidc/token"
    assert metadata["userinfo_endpoint"] == "http://testserver/oidc/userinfo"
    assert metadata["jwks_uri"] == "http://testserver/oidc/jwks"
    assert metadata["response_types_supported"] == ["code"]
    assert metadata["grant_types_supported"] == ["authorization_code"]
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["token_endpoint_auth_methods_supported"] == ["private_key_jwt", "tls_client_auth"]
    assert metadata["id_token_signing_alg_values_supported"] == ["RS256"]
    assert metadata["subject_types_supported"] == ["pairwise"]
    assert metadata["scopes_supported"] == ["openid", "profile", "uzi", "wid_check"]
    assert {"sub", "relations", "uzi_id", "loa_authn", "initials"} <= set(metadata["claims_supported"])
    assert metadata["acr_values_supported"] == ["http://eidas.europa.eu/LoA/substantial"]
    assert metadata["backchannel_logout_supported"] and metadata["backchannel_logout_session_supported"]
    assert metadata["tls_client_certificate_bound_access_tokens"] is False


def test_the_configured_issuer_is_used_for_every_request(client, settings):
    settings.ZORGID_OIDC_ISSUER = "https://zorgid.example.nl"
    metadata = client.get("/.well-known/openid-configuration", HTTP_HOST="other.example").json()
    OpenIDProviderMetadata(metadata).validate()  # RFC 8414 and OpenID Connect Discovery, as Authlib checks them
    assert metadata["issuer"] == "https://zorgid.example.nl"
    assert metadata["token_endpoint"] == "https://zorgid.example.nl/oidc/token"


def test_the_jwks_is_public_and_has_no_private_parts(client, home):
    response = client.get("/oidc/jwks")
    assert response.status_code == 200 and response["Cache-Control"] == "public, max-age=300"
    published = response.json()["keys"]
    assert [key["kid"] for key in published] == [keys.signing_key().kid]
    assert set(published[0]) == {"kty", "n", "e", "kid", "use", "alg"}
    assert client.post("/oidc/jwks").status_code == 405


def test_an_id_token_signed_before_a_rotation_verifies_after_it(client, device, employee, home):
    rp = register()
    before = rp.token(client, code_of(Client(), client, device, rp)).json()["id_token"]
    old_kid = jwt.get_unverified_header(before)["kid"]
    keys.rotate(actor="test")
    assert rp.verify_id_token(client, before)["sub"]  # from the JWKS as it is after the rotation
    clock.move(dt.timedelta(seconds=keys.JWKS_CACHE_SECONDS))  # the new key signs once cached JWKS sets know it
    rp.nonce += "-2"
    after = rp.token(client, code_of(Client(), client, device, rp)).json()["id_token"]
    assert jwt.get_unverified_header(after)["kid"] != old_kid
    assert rp.verify_id_token(client, after)["sub"]
    keys.retire(old_kid, actor="test")
    assert old_kid not in [key["kid"] for key in client.get("/oidc/jwks").json()["keys"]]


def test_the_key_commands(home):
    runner = CliRunner()
    first = keys.signing_key()
    listed = runner.invoke(cli, ["oidc", "keys", "list"])
    assert listed.exit_code == 0 and f"1  {first.kid}  ondertekent" in listed.stdout
    rotated = runner.invoke(cli, ["oidc", "keys", "rotate"])
    assert rotated.exit_code == 0, rotated.output
    new = keys.all_keys()[-1]
    assert f"Nieuwe sleutel {new.kid} is gepubliceerd en ondertekent vanaf " in rotated.stdout
    clock.move(dt.timedelta(seconds=keys.JWKS_CACHE_SECONDS))  # when the new key signs
    listed = runner.invoke(cli, ["oidc", "keys", "list"]).stdout
    assert f"{first.kid}  gepubliceerd" in listed and f"{new.kid}  ondertekent" in listed
    # a kid is base64url and may begin with '-': after '--' it is never taken for an option
    refused = runner.invoke(cli, ["oidc", "keys", "retire", "--", new.kid])
    assert refused.exit_code == 1 and "Fout ZID-OIDC-KEY-IN-USE" in refused.output
    refused = runner.invoke(cli, ["oidc", "keys", "retire", str(new.number)])
    assert refused.exit_code == 1 and "Fout ZID-OIDC-KEY-IN-USE" in refused.output
    for unknown in (["nope"], ["--", "-nope"], ["7"]):
        shown = runner.invoke(cli, ["oidc", "keys", "retire", *unknown])
        assert shown.exit_code == 1 and "Fout ZID-OIDC-KEY-UNKNOWN" in shown.output, unknown
    retired = runner.invoke(cli, ["oidc", "keys", "retire", str(first.number)])
    assert retired.exit_code == 0 and "teruggetrokken" in retired.stdout
    assert f"{first.kid}  teruggetrokken" in runner.invoke(cli, ["oidc", "keys", "list"]).stdout


def test_the_key_commands_have_dutch_help():
    runner = CliRunner()
    for args in (["oidc", "keys", "--help"], ["oidc", "keys", "rotate", "--help"],
                 ["oidc", "keys", "retire", "--help"], ["oidc", "keys", "list", "--help"]):
        shown = runner.invoke(cli, args)
        assert shown.exit_code == 0 and "Toon deze hulp en stop." in shown.stdout, args
    assert "ondertekent" in runner.invoke(cli, ["oidc", "keys", "--help"]).stdout
