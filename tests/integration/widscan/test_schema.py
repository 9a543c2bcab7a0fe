"""The WID scan app's successful answers, made for real over HTTP against the live server, are the ones the
published OpenAPI schema documents (its refusals are checked with every operation in test_api_schema.py)."""

from __future__ import annotations

import pytest
import schemathesis

from tests.conftest import activate_code
from tests.integration.test_api_schema import Http
from tests.integration.widscan.apps import Scanner, decline, link_up, offer

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_successful_answers_conform_to_the_schema(live_server, operator):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    seen: list = []
    http = Http(live_server.url, seen)
    try:
        device = activate_code(http, operator.code)
        scanner = Scanner(http)
        link_up(device, scanner)
        scanner.state()
        scanner.record()
        scanner.record(purpose="medewerker", outcome="ongeldig")
        declined = offer(device)
        decline(http, declined["link"], declined["code"])
    finally:
        http.http.close()
    statuses = [response.status_code for response in seen if "/widscan-" in response.request.url.path]
    assert statuses == [201, 200, 200, 200, 201, 201, 201, 200]  # offer, claim, approval, state, 2 checks, offer, no
    for response in seen:
        operation = schema.find_operation_by_path(response.request.method, response.request.url.path)
        assert str(response.status_code) in operation.definition.raw["responses"]
        operation.validate_response(response)
