"""The self-registration QR's activation code is kept by the browser only (docs/security.md).

After "Bevestigen" the QR page can be shown again (reloaded) in the same browser, but the one-time code is in no
table of the database, the session store included: it travels in a cookie sealed with a key from the
installation's secret, for this flow's address only.
"""

import json

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client

from tests.integration.test_card_flows import start
from tests.integration.test_card_purposes import activate, register
from zorgid.flows.models import CardFlow, CardFlowPurpose
from zorgid.portal.sessions import SessionStore
from zorgid.protocol.payloads import parse_payload

pytestmark = pytest.mark.django_db


def every_value_in_the_database():
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    yield table, bytes(value).decode("latin-1") if isinstance(value, bytes | memoryview) else str(value)


def test_the_registration_code_is_in_no_table_and_no_session(client, issuer, organisation):
    browser = Client()
    payload = register(browser, client, issuer.card())
    code = parse_payload(payload).code
    assert len(code) >= 24
    sessions = [json.dumps(SessionStore().decode(s.session_data)) for s in Session.objects.all()]
    assert not [s for s in sessions if code in s]
    assert not [table for table, value in every_value_in_the_database() if code in value]
    flow_id = CardFlow.objects.get(purpose=CardFlowPurpose.SELF_REGISTRATION).id
    again = browser.get(f"/registreren/{flow_id}/qr-code")
    assert again.status_code == 200 and code in again.content.decode()  # reloading shows it again
    activate(client, payload)


def test_the_qr_is_shown_to_its_own_browser_and_flow_only(client, issuer, organisation):
    from zorgid.portal import sealed_cookies
    from zorgid.portal.registration_views import QR_COOKIE

    browser = Client()
    code = parse_payload(register(browser, client, issuer.card())).code
    assert code not in browser.cookies[QR_COOKIE].value
    flow_path = browser.cookies[QR_COOKIE]["path"]
    assert flow_path.startswith("/registreren/") and flow_path.endswith("/")
    assert Client().get(f"{flow_path}qr-code")["Location"] == "/"
    other_flow = start(Client(), "/registreren")  # the test client sends a cookie to every path; a browser would not
    assert browser.get(f"/registreren/{other_flow}/qr-code")["Location"] == "/"
    forged = Client()
    forged.cookies[QR_COOKIE] = sealed_cookies.seal(["zorgid://activate?v=1", "2030-01-01T00:00:00+00:00"],
                                                    purpose="another purpose", bound_to=flow_path)
    assert forged.get(f"{flow_path}qr-code")["Location"] == "/"
    assert browser.get(f"{flow_path}id").status_code == 200  # Volgende: the cookie is removed
    assert browser.get(f"{flow_path}qr-code")["Location"] == "/"
