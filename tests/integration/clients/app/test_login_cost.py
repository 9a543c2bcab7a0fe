"""What one complete login costs the server, counted (docs/architecture.md, "The login's hot path").

A browser opens the start page and asks for its status; the app (its own client code) fetches the flow, unlocks
its key share and approves; the browser's next status request logs it in. This test counts the HTTP requests of
each side and the SQL statements of each request, and fails when they grow: a new query or round trip on the
hot path must be a decision, written into these numbers, not an accident. How long they take is measured by
bench/login.py, never here.
"""

from __future__ import annotations

import html
import re

import httpx
import pytest
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zorgid.clients.app.actions import Questions, login
from zorgid.flows.models import LoginFlow, LoginFlowState
from zorgid.protocol.payloads import parse_payload

from .conftest import PIN

# per request: the statements it sends (BEGIN/COMMIT of a transaction included), on PostgreSQL and SQLite alike
STATEMENTS = {
    "GET /": 2,  # rate-limit budgets (one statement), the new flow
    "GET /inloggen/status/<flow>": 2,  # budgets, the flow (pending)
    "GET /api/v1/login-flows/<flow>": 2,  # budgets, the flow
    "POST /api/v1/key-shares/<mobile_id>/unlock": 7,  # budgets, ID; BEGIN, share locked, new codes, share, COMMIT
    # budgets, flow, ID; BEGIN, token used, flow approved (and NOTIFY, PostgreSQL), audit head, audit row, COMMIT
    "POST /api/v1/login-flows/<flow>/approval": 9,
    # budgets, flow; BEGIN, flow completed, person, applications to complete, COMMIT; the new session
    "GET /inloggen/status/<flow> (done)": 8,
}
APP_REQUESTS = [("GET", "/api/v1/login-flows/<flow>"), ("POST", "/api/v1/key-shares/<mobile_id>/unlock"),
                ("POST", "/api/v1/login-flows/<flow>/approval")]


def _counted(run) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        result = run()
    return result, [query["sql"] for query in captured.captured_queries]


PAYLOAD_LINK = re.compile(r'<a\b[^>]*\bid="payload"[^>]*>([^<]+)</a>')


@pytest.fixture
def browser(server) -> httpx.Client:
    """A browser with its cookies, through the same WSGI handler as the app (the server fixture's rules)."""
    transport = httpx.WSGITransport(app=get_wsgi_application())
    with httpx.Client(transport=transport, base_url="http://testserver") as client:
        yield client


def test_one_complete_login_costs_its_counted_requests_and_statements(installed, server, browser):
    store, identity, _ = installed
    server.requests.clear()
    page, start_sql = _counted(lambda: browser.get("/"))
    payload = parse_payload(html.unescape(PAYLOAD_LINK.search(page.text).group(1)))
    status = f"/inloggen/status/{payload.flow}"
    pending, status_sql = _counted(lambda: browser.get(status))
    assert pending.json() == {"state": "pending"}

    app_sql: list[str] = []
    recorded = server.requests

    class Counting(list):  # the app's requests, each with the statements the server sent for it
        def append(self, item):
            super().append(item)
            app_sql.append(len(captured.captured_queries))

    server._transport.requests = counting = Counting()
    ask = Questions(confirm=lambda question: True, ask_pin=lambda: PIN)
    with CaptureQueriesContext(connection) as captured:
        login(store, payload, ask, server.factory)
    app_sql.append(len(captured.captured_queries))
    server._transport.requests = recorded

    done, done_sql = _counted(lambda: browser.get(status))
    assert done.json()["state"] == "done"
    assert LoginFlow.objects.get(id=payload.flow).state == LoginFlowState.COMPLETED

    # the app: three requests, in this order (what it shows, the key share, the signed approval)
    paths = [(method, path.replace(payload.flow, "<flow>").replace(identity.mobile_id, "<mobile_id>"))
             for method, path in counting]
    assert paths == APP_REQUESTS
    per_app_request = [after - before for before, after in zip(app_sql, app_sql[1:], strict=False)]
    assert dict(zip([f"{m} {p}" for m, p in APP_REQUESTS], per_app_request, strict=True)) == {
        f"{m} {p}": STATEMENTS[f"{m} {p}"] for m, p in APP_REQUESTS}
    # the browser: the start page and two status requests (pending, done)
    assert (len(start_sql), len(status_sql), len(done_sql)) == tuple(
        STATEMENTS[name] for name in ("GET /", "GET /inloggen/status/<flow>", "GET /inloggen/status/<flow> (done)"))
