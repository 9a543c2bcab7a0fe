"""schemathesis over /api/schema/: generated requests of every shape, against the real server, no 5xx.

The operations are driven with hypothesis directly (schemathesis' pytest plugin does not load under this
pytest), one property test per operation of the published schema.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

pytestmark = pytest.mark.django_db(transaction=True)


def test_no_server_errors(live_server):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 3
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            response = case.call(timeout=30)
            case.validate_response(response, checks=[not_a_server_error])
            if response.status_code >= 400:
                assert response.json()["error"]["code"].startswith("ZID-")

        check()


def test_schema_documents_the_error_shape(client):
    text = client.get("/api/schema/").content.decode()
    assert "ErrorResponse" in text and "/api/v1/activations" in text and "/api/v1/login-flows/{flow_id}" in text
