"""Replays at the token endpoint with input nobody signed: Authlib reads the client assertion's ``sub`` before any
signature is checked and zorgid looks it up in the register. A ``sub`` with a NUL (PostgreSQL) or a lone surrogate
(any database: it cannot be encoded) was a 500; a parseable assertion for an application registered for mutual TLS
was zorgid's HTML error page instead of the JSON error of RFC 6749 §5.2. (Last: coverage of the algorithm
confusions, which hold.)"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
from cryptography.hazmat.primitives import serialization
from django.test import Client

from tests.integration.oidc.relying_party import ISSUER, register
from tests.integration.red_team.test_oidc_support import unsigned_token_request
from zorgid.oidc import keys

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("sub", ["\ud800", "a\x00b", "\udcff" * 32], ids=["surrogate", "nul", "surrogates"])
def test_an_unsigned_assertion_with_an_unstorable_sub_is_an_oauth_error_not_a_500(db, sub):
    register()
    answer = unsigned_token_request(Client(raise_request_exception=False), sub)
    assert answer.status_code == 401, answer.content[:300]
    assert answer.json()["error"] == "invalid_client"


def test_an_assertion_for_an_application_of_mutual_tls_is_a_json_oauth_error(db):
    application = register(jwks=None, tls_subject_dn="C=NL,O=Leverancier B.V.,CN=epd.test").application
    answer = unsigned_token_request(Client(raise_request_exception=False), application.client_id)
    assert answer.status_code == 401
    assert answer["Content-Type"].startswith("application/json"), answer.content[:200]
    assert answer.json()["error"] == "invalid_client"
    assert answer.json()["error_description"].startswith("ZID-")


def _part(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode() if not isinstance(value, bytes) else value).rstrip(
        b"=").decode()


def _unsigned(header: dict, claims: dict) -> str:
    return f"{_part(header)}.{_part(claims)}"


def test_alg_none_and_hs256_with_the_public_key_are_refused(client):
    """Coverage: the algorithm confusions of a client assertion and of an id_token_hint (they hold)."""
    rp = register()
    pem = rp.key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    claims = {"iss": rp.client_id, "sub": rp.client_id, "aud": f"{ISSUER}/oidc/token", "exp": int(time.time()) + 60,
              "jti": "confused"}
    none = _unsigned({"alg": "none", "kid": rp.kid}, claims) + "."
    signed = _unsigned({"alg": "HS256", "kid": rp.kid}, claims)
    hs256 = signed + "." + _part(hmac.new(pem, signed.encode(), hashlib.sha256).digest())
    for assertion in (none, hs256):
        answer = rp.token(client, "no-code", client_assertion=assertion)
        assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"
    zorgid_pem = keys.signing_key().jwk.as_pem(private=False)
    hint = _unsigned({"alg": "HS256", "kid": keys.signing_key().kid}, {"iss": ISSUER, "aud": rp.client_id,
                                                                         "sub": "x", "sid": "y"})
    for forged in (hint + "." + _part(hmac.new(zorgid_pem, hint.encode(), hashlib.sha256).digest()),
                   _unsigned({"alg": "none"}, {"iss": ISSUER, "aud": rp.client_id, "sub": "x", "sid": "y"}) + "."):
        answer = client.get("/oidc/logout", {"id_token_hint": forged})
        assert answer.status_code == 400 and "Location" not in answer
