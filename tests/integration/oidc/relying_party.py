"""A healthcare application as the tests of the provider play it, with PyJWT (a library that knows nothing of
zorgid): its key pair and JWK Set, its authorization request with PKCE, its client assertion, the token request,
and the ID token checked against the provider's JWKS. ``log_in`` drives one whole login over HTTP, as a browser,
the ZORG-ID app and the application do it (docs/koppelen.md §3).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client

from tests.integration.test_login_api import approve, fetch
from zorgid import clock
from zorgid.care_apps.models import CareApplication
from zorgid.care_apps.services import add_application

ISSUER = "http://testserver"
REDIRECT_URI = "https://epd.example.nl/oidc/callback"
VERSION = "1.0"


def public_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict:
    return {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key())), "kid": kid, "use": "sig",
            "alg": "RS256"}


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


_KEY = new_key()  # one key for the tests' applications: 2048-bit keys take a while to make


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


@dataclass
class RelyingParty:
    """One registered application with its own key (kid ``rp-1``) and its login's state, nonce and verifier."""

    application: CareApplication
    key: rsa.RSAPrivateKey = _KEY
    kid: str = "rp-1"
    redirect_uri: str = REDIRECT_URI
    state: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    verifier: str = ""
    challenge: str = ""

    def __post_init__(self) -> None:
        self.verifier, self.challenge = pkce()

    @property
    def client_id(self) -> str:
        return self.application.client_id

    def authorize_params(self, **overrides) -> dict[str, str]:
        params = {"client_id": self.client_id, "redirect_uri": self.redirect_uri, "response_type": "code",
                  "scope": "openid profile uzi", "state": self.state, "nonce": self.nonce,
                  "code_challenge": self.challenge, "code_challenge_method": "S256", "application_version": VERSION}
        params.update(overrides)
        return {name: value for name, value in params.items() if value is not None}

    def authorize_url(self, **overrides) -> str:
        return "/oidc/authorize?" + urlencode(self.authorize_params(**overrides))

    def assertion(self, *, key=None, kid: str | None = None, aud: str = f"{ISSUER}/oidc/token",
                  jti: str | None = None, lifetime: int = 60, **claims) -> str:
        now = int(clock.now().timestamp())
        body = {"iss": self.client_id, "sub": self.client_id, "aud": aud, "iat": now, "exp": now + lifetime,
                "jti": str(uuid.uuid4()) if jti is None else jti, **claims}
        return jwt.encode(body, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid})

    def token_form(self, code: str, **overrides) -> dict[str, str]:
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri,
                "code_verifier": self.verifier,
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": self.assertion()}
        form.update(overrides)
        return {name: value for name, value in form.items() if value is not None}

    def token(self, client: Client, code: str, **overrides):
        return client.post("/oidc/token", self.token_form(code, **overrides))

    def verify_id_token(self, client: Client, id_token: str) -> dict:
        """The ID token checked as a client library does it: the key by kid from the JWKS, RS256, iss, aud, nonce."""
        keys = jwt.PyJWKSet.from_dict(client.get("/oidc/jwks").json())
        kid = jwt.get_unverified_header(id_token)["kid"]
        key = next(item for item in keys.keys if item.key_id == kid)
        claims = jwt.decode(id_token, key.key, algorithms=["RS256"], audience=self.client_id, issuer=ISSUER,
                            options={"require": ["exp", "iat", "sub", "nonce", "auth_time"]},
                            leeway=abs(clock.now().timestamp() - time.time()) + 5)
        assert claims["nonce"] == self.nonce
        return claims


def register(*, name: str = "EPD De Linde", supplier: str = "Voorbeeld B.V.", key: rsa.RSAPrivateKey = _KEY,
             kid: str = "rp-1", **fields) -> RelyingParty:
    """An application accepted in the register (version 1.0, ZORG-ID Mobiel, private_key_jwt with an inline JWKS)."""
    values = {"versions": [VERSION], "redirect_uris": [REDIRECT_URI], "products": ["mobiel"],
              "jwks": {"keys": [public_jwk(key, kid)]}, **fields}
    application = add_application(name=name, supplier=supplier, actor="test", **values)
    return RelyingParty(application, key=key, kid=kid)


def flow_id_of(page) -> str:
    return re.search(r"flow=([0-9a-f]{32})", page.content.decode()).group(1)


def redirect_params(response) -> dict[str, str]:
    assert response.status_code == 302, response.content.decode()[:1000]
    location = response["Location"]
    assert location.startswith(REDIRECT_URI), location
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


def start(browser: Client, rp: RelyingParty, **overrides) -> str:
    """The browser at /oidc/authorize: the QR page; returns its flow id."""
    page = browser.get(rp.authorize_url(**overrides))
    assert page.status_code == 200, page.content.decode()[:2000]
    return flow_id_of(page)


def approve_in_app(client: Client, device, flow_id: str) -> None:
    answer = approve(client, flow_id, device.approval(fetch(client, flow_id).json()))
    assert answer.status_code == 200, answer.content


def wait_done(browser: Client, flow_id: str) -> str:
    """The QR page's status request after the approval; returns the continue address it names."""
    answer = browser.get(f"/oidc/authorize/{flow_id}/status").json()
    assert answer["state"] == "done", answer
    return answer["next"]


def log_in(browser: Client, client: Client, device, rp: RelyingParty, **overrides):
    """authorize → QR → the app approves → status → continue: the answer of the continue page."""
    flow_id = start(browser, rp, **overrides)
    approve_in_app(client, device, flow_id)
    return browser.get(wait_done(browser, flow_id))


def code_of(browser: Client, client: Client, device, rp: RelyingParty, **overrides) -> str:
    params = redirect_params(log_in(browser, client, device, rp, **overrides))
    assert params["state"] == rp.state, params
    return params["code"]
