"""Helpers of the OpenID Connect replays (test_oidc_*.py; no tests here): an employee with his own activated app
(not the operator the ``device`` fixture is), an organisation, and a token request whose assertion is not signed."""

from __future__ import annotations

import base64
import json

from tests.conftest import Device, activate_code
from zorgid import clock
from zorgid.identities.models import Person
from zorgid.organisations.models import Organisation, Role
from zorgid.organisations.roles import add_operator, grant_role
from zorgid.organisations.services import add_organisation

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def employee(client, *organisations: Organisation, name: str = "Bram") -> tuple[Person, Device]:
    """A medewerker of ``organisations`` with his app activated (no operator role)."""
    issued = add_operator(name, "Bakker", clock.parse_date("01-06-1990"), actor="test")
    issued.person.roles.all().delete()
    for organisation in organisations:
        grant_role(issued.person, Role.MEDEWERKER, organisation, actor="test")
    return issued.person, activate_code(client, issued.code)


def organisation(name: str = "Huisartsenpraktijk De Linde", ura: str = "90000382") -> Organisation:
    return add_organisation(name=name, ura=ura, kvk=ura, actor="test")


def _part(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def unsigned_token_request(client, sub: str, *, kid: str = "made-up"):
    """What anyone can send: a client assertion naming ``sub`` with a made-up kid and no valid signature."""
    assertion = f'{_part({"alg": "RS256", "kid": kid})}.{_part({"iss": sub, "sub": sub})}.AAAA'
    return client.post("/oidc/token", {
        "grant_type": "authorization_code", "code": "x", "redirect_uri": "https://epd.example.nl/oidc/callback",
        "code_verifier": "v" * 50, "client_assertion_type": ASSERTION_TYPE, "client_assertion": assertion})
