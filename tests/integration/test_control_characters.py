"""Control characters never reach the database: 400 with ZID-INPUT-CONTROL-CHARACTER, never a 500.

A NUL cannot be stored in PostgreSQL text; every address below once answered 500 on PostgreSQL. Run on both
databases (DATABASE_URL): the answer must be the same.
"""

import pytest

from zorgid.protocol.messages import b64encode

pytestmark = pytest.mark.django_db

CODE = "ZID-INPUT-CONTROL-CHARACTER"
URA = "90000001"

ADDRESSES = [
    ("GET", "/api/v1/login-flows/%00"),
    ("GET", "/api/v1/card-flows/%00"),
    ("POST", "/api/v1/key-shares/%00/unlock"),
    ("PUT", "/api/v1/applications/%00/document"),
    ("GET", "/aanvragen/%00/status/x"),
    ("GET", "/organisatie/%00"),
    ("GET", f"/organisatie/{URA}/medewerkers/%00"),
    ("GET", f"/organisatie/{URA}/audit?soort=%00"),
    ("GET", f"/organisatie/{URA}/audit?persoon=%00"),
    ("GET", "/beheer/aanvragen/%00"),
    ("GET", "/beheer/audit?soort=a%00"),
]


def send(client, method, address, **extra):
    if method == "POST":
        return client.post(address, {"v": 2, "pin_proof": b64encode(bytes(32))}, content_type="application/json")
    if method == "PUT":
        return client.put(address, b"<a/>", content_type="application/xml")
    return client.get(address, **extra)


@pytest.mark.parametrize(("method", "address"), ADDRESSES, ids=[f"{m} {a}" for m, a in ADDRESSES])
def test_a_nul_in_the_address_or_query_is_refused(client, method, address):
    response = send(client, method, address)
    assert response.status_code == 400
    if address.startswith("/api/"):
        assert response.json()["error"]["code"] == CODE
    else:
        assert CODE in response.content.decode()


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\x7f", "\x85"])
def test_other_control_characters_in_the_query_are_refused(client, character):
    response = client.get("/foutmeldingen", {"q": f"a{character}b"})
    assert response.status_code == 400 and CODE in response.content.decode()


def test_a_nul_in_a_json_string_is_refused(client, device):
    response = client.post(f"/api/v1/key-shares/{device.mobile_id}/unlock", {"v": 2, "pin_proof": "AA\u0000=="},
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == CODE


def test_a_nul_in_a_json_key_or_nested_string_is_refused(client):
    response = client.post("/api/v1/activations", {"v": 2, "code": "x", "extra": [{"a\u0000": "b"}]},
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == CODE


def test_a_lone_surrogate_in_a_json_string_is_refused(client):
    response = client.post("/api/v1/activations", b'{"v": 2, "code": "\\ud800", "csr": "", "pin_proof": ""}',
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == CODE


def test_a_nul_in_a_form_field_is_refused(client):
    response = client.post("/aanvragen/nieuw", {"organisation_name": "De Linde\x00", "ura": URA})
    assert response.status_code == 400 and CODE in response.content.decode()


def test_line_breaks_and_tabs_in_text_stay_allowed(client):
    """PEM text in JSON and multi-line form fields hold them: they pass to the service's own checks."""
    response = client.post("/api/v1/activations", {"v": 2, "code": "x", "csr": "a\n\tb\r\n", "pin_proof": ""},
                           content_type="application/json")
    assert response.status_code != 400 or response.json()["error"]["code"] != CODE
