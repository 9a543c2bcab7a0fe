"""The waiting portal page learns of the app's approval while its request is still open (R-FLOW-LOGIN).

On PostgreSQL the status request waits with LISTEN/NOTIFY, on SQLite it polls; either way one open request
returns "done" once the app approves, instead of "pending" at the end of its wait. Waiting holds no database
connection, and the waits are bounded (docs/security.md).
"""

import datetime as dt
import threading
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.conftest import wait_until
from tests.integration.db_connections import connections_in_use
from tests.integration.test_login_api import approve, fetch, start_flow
from zorgid import clock
from zorgid.flows.models import LoginFlow, LoginFlowState
from zorgid.flows.waiting import waits_now

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_open_status_request_returns_done_when_the_app_approves(client, device, settings):
    settings.ZORGID_LOGIN_WAIT_SECONDS = 15
    browser = Client()
    flow_id = start_flow(browser)
    answers = []

    def wait():
        try:
            answers.append(browser.get(f"/inloggen/status/{flow_id}?wait=1").json())
        finally:
            connection.close()

    waiter = threading.Thread(target=wait)
    waiter.start()
    flow = fetch(client, flow_id).json()
    assert approve(client, flow_id, device.approval(flow)).status_code == 200
    waiter.join(timeout=30)
    assert answers == [{"state": "done", "next": "/overzicht"}]


def test_an_open_status_request_without_approval_answers_pending(client, settings):
    settings.ZORGID_LOGIN_WAIT_SECONDS = 0.3
    browser = Client()
    flow_id = start_flow(browser)
    assert browser.get(f"/inloggen/status/{flow_id}?wait=1").json() == {"state": "pending"}


def test_an_approved_flow_whose_time_passed_logs_no_one_in(client, device):
    """The app approved in time, but the browser asks after the flow's 5 minutes: no login, "expired"."""
    browser = Client()
    flow_id = start_flow(browser)
    flow = fetch(client, flow_id).json()
    assert approve(client, flow_id, device.approval(flow)).status_code == 200
    clock.move(dt.timedelta(seconds=settings.ZORGID_LOGIN_FLOW_SECONDS + 1))
    assert browser.get(f"/inloggen/status/{flow_id}").json() == {"state": "expired"}
    assert browser.get("/overzicht").status_code == 403  # not logged in (ZID-PORTAL-LOGIN-REQUIRED)
    assert LoginFlow.objects.get(id=flow_id).state == LoginFlowState.APPROVED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no server connections to hold")
def test_waiting_requests_hold_no_database_connection(settings, no_waiting_pages):
    """Three status requests wait at once, holding none of the pool's connections (db_connections.py)."""
    settings.ZORGID_LOGIN_WAIT_SECONDS = 6
    browsers = [Client() for _ in range(3)]
    flows = [start_flow(browser) for browser in browsers]

    def wait(browser, flow_id):
        try:
            browser.get(f"/inloggen/status/{flow_id}?wait=1")
        finally:
            connection.close()

    waiters = [threading.Thread(target=wait, args=pair) for pair in zip(browsers, flows, strict=True)]
    before = connections_in_use()
    for waiter in waiters:
        waiter.start()
    try:
        assert wait_until(lambda: waits_now() == 3, timeout=5)
        assert connections_in_use() == before  # none of the three holds one
    finally:
        for waiter in waiters:
            waiter.join(timeout=30)


def test_a_status_request_beyond_the_wait_slots_answers_at_once(client, settings):
    """No free slot for this client address: "pending" at once, with the seconds after which to ask again."""
    settings.ZORGID_WAITS_PER_CLIENT = 0
    settings.ZORGID_LOGIN_WAIT_SECONDS = 30
    browser = Client()
    flow_id = start_flow(browser)
    started = time.monotonic()
    answer = browser.get(f"/inloggen/status/{flow_id}?wait=1").json()
    assert answer == {"state": "pending", "retry_after": settings.ZORGID_WAIT_RETRY_SECONDS}
    assert time.monotonic() - started < 20  # it did not wait its 30 s


def test_only_a_pending_flow_is_told_to_ask_again(client, settings):
    """Without a free slot a page waits and asks again; a flow whose time has passed says "expired" at once."""
    settings.ZORGID_WAITS_PER_CLIENT = 0
    browser = Client()
    flow_id = start_flow(browser)
    clock.move(dt.timedelta(seconds=settings.ZORGID_LOGIN_FLOW_SECONDS + 1))
    assert browser.get(f"/inloggen/status/{flow_id}?wait=1").json() == {"state": "expired"}
