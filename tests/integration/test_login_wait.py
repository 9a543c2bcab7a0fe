"""The waiting portal page learns of the app's approval while its request is still open (R-FLOW-LOGIN).

On PostgreSQL the status request waits with LISTEN/NOTIFY, on SQLite it polls; either way one open request
returns "done" once the app approves, instead of "pending" at the end of its wait.
"""

import threading

import pytest
from django.db import connection
from django.test import Client

from tests.integration.test_login_api import approve, fetch, start_flow

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
