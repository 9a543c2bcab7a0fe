"""Each request's id (portal/request_ids.py): in the answer, on the error pages, in every log line and audit event
of the request; the access log's fields (portal/access_log.py); an unhandled exception (docs/security.md, "Logs").
"""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from django.test import Client, override_settings

from tests.conftest import activate_code
from tests.integration.test_login_api import approve, fetch, start_flow, status
from zorgid import log_handlers
from zorgid.audit.models import AuditEvent
from zorgid.audit.services import verify
from zorgid.identities.models import MobileId

pytestmark = pytest.mark.django_db
MADE = re.compile(r"^[0-9a-f]{32}$")
PROXY_ID = "nginx-5f2b9c1e0a7d4e3f"


@pytest.fixture
def logged():
    """The JSON lines the server writes meanwhile, as `zorgid serve` writes them (zorgid.log_handlers)."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(log_handlers.ConsoleFormatter())
    root, zorgid = logging.getLogger(), logging.getLogger("zorgid")
    log_handlers.log_as_service("json")
    root.addHandler(handler)
    level, zorgid.level = zorgid.level, logging.INFO
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    zorgid.level = level
    root.removeHandler(handler)
    log_handlers.as_command()


def access_lines(logged) -> list[dict]:
    return [line for line in logged() if line["logger"] == "zorgid.access"]


def test_each_answer_has_a_request_id_of_its_own():
    first, second = Client().get("/foutmeldingen"), Client().get("/api/v1/login-flows/" + "0" * 32)
    assert MADE.match(first["X-Request-ID"]) and MADE.match(second["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_trusted_proxy_s_id_is_kept(settings):
    settings.ZORGID_TRUSTED_PROXIES = ["127.0.0.1"]
    assert Client().get("/foutmeldingen", headers={"X-Request-ID": PROXY_ID})["X-Request-ID"] == PROXY_ID


def test_anyone_else_s_id_is_replaced(settings):
    settings.ZORGID_TRUSTED_PROXIES = ["10.0.0.1"]
    answer = Client().get("/foutmeldingen", headers={"X-Request-ID": PROXY_ID})
    assert answer["X-Request-ID"] != PROXY_ID and MADE.match(answer["X-Request-ID"])


@pytest.mark.parametrize("offered", ["kort", "x" * 65, "met spatie 123", "nieuwe\r\nregel12", "<script>1234",
                                     "naam@example.nl"])
def test_a_trusted_proxy_s_insane_id_is_replaced(settings, offered):
    settings.ZORGID_TRUSTED_PROXIES = ["127.0.0.1"]
    answer = Client().get("/foutmeldingen", headers={"X-Request-ID": offered})
    assert MADE.match(answer["X-Request-ID"])


def test_the_error_page_shows_the_request_id(logged):
    page = Client().get("/bestaat-niet")
    assert page.status_code == 404
    shown = re.search(r'data-testid="request-id">([^<]+)<', page.content.decode()).group(1)
    assert shown == page["X-Request-ID"]
    (line,) = access_lines(logged)
    assert line["request_id"] == shown and line["error_code"] == "ZID-NOT-FOUND" and line["route"] == "-"
    assert line["status"] == 404 and line["method"] == "GET" and isinstance(line["duration_ms"], float)


def test_an_api_error_s_code_is_in_the_access_line(logged):
    answer = Client().post("/api/v1/activations", {}, content_type="application/json")
    assert answer.status_code == 400
    (line,) = access_lines(logged)
    assert line["error_code"] == answer.json()["error"]["code"] and line["route"] == "/api/v1/activations"
    assert line["request_id"] == answer["X-Request-ID"] and "actor" not in line


def test_an_activation_s_audit_events_carry_its_request_id_and_the_chain_holds(client, operator, logged):
    device = activate_code(client, operator.code)
    (line,) = access_lines(logged)
    events = AuditEvent.objects.filter(event="mobile_id.activated")
    assert [e.request_id for e in events] == [line["request_id"]]
    earlier = AuditEvent.objects.get(event="operator.added")  # recorded outside a request
    assert earlier.request_id == ""
    assert line["actor"] == f"person:{operator.person.id}" and "Vries" not in json.dumps(line)
    assert device.mobile_id
    assert verify(check_anchor=False).ok


def test_a_logged_in_person_is_the_actor_of_his_pages(client, device, logged):
    browser = Client()
    flow_id = start_flow(browser)
    assert approve(client, flow_id, device.approval(fetch(client, flow_id).json())).status_code == 200
    assert status(browser, flow_id).json()["state"] == "done"
    assert browser.get("/overzicht").status_code == 200
    line = access_lines(logged)[-1]
    person_id = MobileId.objects.get(id=device.mobile_id).person_id
    assert line["route"] == "/overzicht" and line["actor"] == f"person:{person_id}"


@override_settings(ROOT_URLCONF="tests.integration.request_id_urls")
def test_an_unhandled_exception_is_one_line_with_its_traceback_and_the_generic_page(logged):
    page = Client(raise_request_exception=False).get("/test/kapot")
    assert page.status_code == 500
    text = page.content.decode()
    assert "ZID-INTERNAL" in text and "een fout in de code" not in text and "Traceback" not in text
    assert re.search(r'data-testid="request-id">([^<]+)<', text).group(1) == page["X-Request-ID"]
    (error,) = [line for line in logged() if line["logger"] == "django.request"]
    assert error["level"] == "ERROR" and error["message"] == "Internal Server Error: /test/kapot"
    assert "RuntimeError: een fout in de code" in error["traceback"] and error["request_id"] == page["X-Request-ID"]
    (access,) = access_lines(logged)
    assert access["status"] == 500 and access["error_code"] == "ZID-INTERNAL"
    assert access["request_id"] == page["X-Request-ID"]
