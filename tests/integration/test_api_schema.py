"""The published OpenAPI schema (/api/schema/) against the real server: every answer is the one it documents.

schemathesis generates requests of every shape for each operation; each answer must not be a 5xx, must have a
documented status and content type, and its body must match the schema for that status (response conformance).
Random requests are refused almost always, so the successful answers of the app's and the Desktop App's calls
are also made for real (an activation, a login, an unlock, a new PIN, a card session) and checked the same way.
The operations are driven with hypothesis directly (schemathesis' pytest plugin does not load under this pytest).
"""

import dataclasses
import secrets

import httpx
import pytest
import schemathesis
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import activate_code, public_der
from tests.integration.test_card_flows import start as start_card_flow
from tests.integration.test_login_api import start_flow
from zorgid import clock
from zorgid.api.serializers import serializer
from zorgid.protocol import bodies, widscan
from zorgid.protocol.bodies import KeySharePinRequest
from zorgid.protocol.messages import (
    ACTIVATIONS_PATH,
    PinChange,
    card_decline_path,
    card_flow_path,
    card_response_path,
    key_share_pin_path,
    key_share_unlock_path,
    login_approval_path,
    login_flow_path,
    smartcard_keys_path,
)

pytestmark = pytest.mark.django_db(transaction=True)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
EXAMPLES = 60  # per operation and kind (fitting the schema, or not): with 16 operations about 1,900 requests


def run_schemathesis(url: str, examples: int, mode: GenerationMode = GenerationMode.POSITIVE,
                     checks: tuple = ()) -> list[int]:
    """Generated requests to every operation of the schema at ``url``; each answer checked; the statuses seen."""
    schema = schemathesis.openapi.from_url(f"{url}/api/schema/")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 16
    statuses = []
    for operation in operations:
        if mode == GenerationMode.NEGATIVE and operation.method.upper() != "POST":
            continue  # only a JSON body can be made not to fit: the addresses' parameters are any text

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            response = case.call(timeout=30)
            statuses.append(response.status_code)
            case.validate_response(response, checks=[*CHECKS, *checks])
            if response.status_code >= 400:
                assert response.json()["error"]["code"].startswith("ZID-")

        check()
    return statuses


def test_every_answer_conforms_to_the_schema(live_server):
    statuses = run_schemathesis(live_server.url, EXAMPLES)
    assert {400, 404} <= set(statuses)


def test_a_request_that_does_not_fit_the_schema_is_refused(live_server):
    """The server reads requests with the same bodies the schema is made from: what the schema excludes (a field
    missing, too long, of another type) is refused with 4xx, and that answer conforms too."""
    statuses = run_schemathesis(live_server.url, EXAMPLES, GenerationMode.NEGATIVE, (refused,))
    assert 400 in statuses


def refused(ctx, response, case):
    """schemathesis' negative_data_rejection, with 413 for a body over the parser's limit (zorgid.api.parsers)."""
    if response.status_code == 413:
        return True
    return negative_data_rejection(ctx, response, case)


def test_the_answers_of_the_request_limits_conform_too(live_server, settings):
    """Every API address answers 429 with the error shape once a client's budget is spent (docs/security.md)."""
    settings.ZORGID_RATE_LIMIT_FACTOR = 1
    settings.ZORGID_RATE_LIMITS = {**settings.ZORGID_RATE_LIMITS, "client-read": (5, 60), "client-write": (5, 60)}
    statuses = run_schemathesis(live_server.url, 10)
    assert statuses.count(429) >= len(statuses) / 2


class Http:
    """The Django test client's calls that tests.conftest's Device makes, over real HTTP to the live server."""

    def __init__(self, base_url: str, seen: list) -> None:
        self.http, self.seen = httpx.Client(base_url=base_url), seen

    def get(self, path: str) -> httpx.Response:
        return self._keep(self.http.get(path))

    def post(self, path: str, body: dict, content_type: str = "application/json") -> httpx.Response:
        return self._keep(self.http.post(path, json=body, headers={"Content-Type": content_type}))

    def _keep(self, response: httpx.Response) -> httpx.Response:
        self.seen.append(response)
        return response


def test_the_successful_answers_conform_to_the_schema(live_server, operator, issuer, organisation):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    seen: list[httpx.Response] = []
    http = Http(live_server.url, seen)
    try:
        device = activate_code(http, operator.code)
        flow = http.get(login_flow_path(start_flow(Client()))).json()
        http.post(login_approval_path(flow["flow"]), device.approval(flow))
        new_device = ec.generate_private_key(ec.SECP256R1())
        change = PinChange(device.mobile_id, secrets.token_bytes(32), int(clock.now().timestamp()),
                           public_der(new_device))
        signature = device.key.sign(change.canonical_bytes(), ec.ECDSA(hashes.SHA256()))
        http.post(key_share_pin_path(device.mobile_id), KeySharePinRequest(
            pin_proof=change.pin_proof, signed_at=change.signed_at, signature=signature,
            device_key=change.device_key).to_json())
        card_flow = start_card_flow(Client())
        http.get(card_flow_path(card_flow))
        issuer.card().answer(http, card_flow)
        declined_flow = start_card_flow(Client())
        challenge = http.get(card_flow_path(declined_flow)).json()["challenge"]
        http.post(card_decline_path(declined_flow), {"v": 1, "challenge": challenge})
    finally:
        http.http.close()
    operations = [(response.request.method, response.status_code) for response in seen]
    assert operations == [("POST", 201), ("GET", 200), ("POST", 200), ("POST", 200), ("POST", 200), ("GET", 200),
                          ("GET", 200), ("POST", 200), ("GET", 200), ("POST", 200)]
    for response in seen:
        operation = schema.find_operation_by_path(response.request.method, response.request.url.path)
        assert str(response.status_code) in operation.definition.raw["responses"]
        operation.validate_response(response)


@pytest.mark.parametrize("body", [*bodies.API_BODIES, *widscan.WIDSCAN_BODIES])
def test_the_schema_has_every_field_of_the_protocols_bodies_and_no_other(client, body):
    """A field added to a body (zorgid.protocol.bodies) is in the published schema, with its version, and only
    there: the schema is made from the bodies, never kept by hand beside them."""
    components = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["components"]["schemas"]
    for part in [body, *_parts(body)]:
        published = components[serializer(part).__name__]
        expected = {item.name for item in dataclasses.fields(part)} | ({"v"} if part.version else set())
        assert set(published["properties"]) == expected
        required = {name for name, spec in part.wire_fields() if not spec.optional} | ({"v"} if part.version else set())
        assert set(published.get("required", [])) == required
        if part.version:
            assert published["properties"]["v"]["minimum"] == published["properties"]["v"]["maximum"] == part.version


def _parts(body: type[bodies.Body]) -> list[type[bodies.Body]]:
    """The bodies nested in ``body``, at any depth."""
    nested = [spec.body for _, spec in body.wire_fields() if spec.body is not None]
    return [part for inner in nested for part in (inner, *_parts(inner))]


def test_the_protocols_paths_are_the_apis_addresses(client):
    """The clients' paths (zorgid.protocol.messages) reach the views they are for, and every JSON operation of the
    schema is one of them (the Validatietool's XML upload has its own path in zorgid.clients.validatietool)."""
    from django.urls import resolve

    token = "t" * 32
    paths = {ACTIVATIONS_PATH: "api-activations", login_flow_path(token): "api-login-flow",
             login_approval_path(token): "api-login-approval", key_share_unlock_path(token): "api-key-share-unlock",
             key_share_pin_path(token): "api-key-share-pin", card_flow_path(token): "api-card-flow",
             card_response_path(token): "api-card-response", card_decline_path(token): "api-card-decline",
             smartcard_keys_path(token): "api-smartcard-keys",
             widscan.widscan_links_path(): "api-widscan-links", widscan.widscan_claim_path(token): "api-widscan-claim",
             widscan.widscan_state_path(token): "api-widscan-state",
             widscan.widscan_approval_path(token): "api-widscan-approval",
             widscan.widscan_decline_path(token): "api-widscan-decline",
             widscan.widscan_checks_path(): "api-widscan-checks"}
    assert {path: resolve(path).url_name for path in paths} == paths
    published = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    templates = {path.replace(token, "{flow_id}").replace("key-shares/{flow_id}", "key-shares/{mobile_id}")
                 .replace("widscan-links/{flow_id}", "widscan-links/{link}") for path in paths}
    assert set(published) - templates == {"/api/v1/applications/{reference}/document"}


def test_the_card_purposes_of_the_protocol_are_the_card_flows():
    """A card flow answer names its purpose from the flows' list; the protocol's list (which the Desktop App signs
    and the schema's enum says) is the same, so no answer can fall outside the schema."""
    from zorgid.flows.models import CardFlowPurpose
    from zorgid.protocol.messages import CARD_PURPOSES

    assert set(CARD_PURPOSES) == set(CardFlowPurpose.values)


def test_schema_documents_the_error_shape(client):
    text = client.get("/api/schema/").content.decode()
    assert "ErrorResponse" in text and "/api/v1/activations" in text and "/api/v1/login-flows/{flow_id}" in text
