"""R-FLOW-LOGIN end to end: Chromium shows the QR, zorgid-app scans it from a screenshot, the portal logs in.

Real parts only: the live server over HTTP, the database, the CA, the app client as a program with its
encrypted key, the QR read back from pixels with zxing-cpp.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
import zxingcpp
from PIL import Image

from zorgid import clock
from zorgid.protocol.payloads import LoginPayload, parse_payload

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def read_qr(png: bytes) -> str:
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(found) == 1, f"expected one QR code on the page, found {len(found)}"
    return found[0].text


def test_login_by_scanning_the_qr_on_the_page(page, live_server, activated_app, settings):
    settings.ZORGID_LOGIN_WAIT_SECONDS = 5
    page.goto(live_server.url + "/")
    qr = page.get_by_test_id("login-qr")
    qr.wait_for()
    payload = read_qr(page.screenshot(full_page=True))
    assert isinstance(parse_payload(payload), LoginPayload)
    assert page.get_by_test_id("login-payload").text_content().strip() == payload

    result = activated_app.run("scan", payload, "--accept")
    assert "ZORG-ID Portaal" in result.stdout

    page.wait_for_url("**/overzicht", timeout=15_000)
    assert page.get_by_test_id("person-name").inner_text() == "Jan Willem de Vries"
    assert "Operator" in page.get_by_test_id("roles").inner_text()
    assert "Acceptatieomgeving" in page.get_by_test_id("environment").inner_text()

    page.get_by_test_id("logout").click()
    page.get_by_test_id("login-qr").wait_for()


def test_an_expired_qr_is_replaced_by_a_click(page, live_server, activated_app, settings):
    settings.ZORGID_LOGIN_WAIT_SECONDS = 1
    page.clock.install()
    page.goto(live_server.url + "/")
    first = read_qr(page.screenshot(full_page=True))

    clock.move(dt.timedelta(minutes=5, seconds=1))
    page.clock.fast_forward("05:01")
    expired = page.get_by_test_id("login-expired")
    expired.wait_for(state="visible", timeout=10_000)
    assert not page.get_by_test_id("login-qr").is_visible()
    refused = activated_app.run("scan", first, "--accept", check=False)
    assert refused.returncode == 1 and "ZID-LOGIN-EXPIRED" in refused.stderr
    # the app signs with its own (real) time: from here on, server and browser run on the real time again
    clock.reset()
    page.clock.set_system_time(dt.datetime.now(dt.UTC))

    expired.click()
    page.get_by_test_id("login-qr").wait_for(state="visible")
    second = read_qr(page.screenshot(full_page=True))
    assert second != first
    activated_app.run("scan", second, "--accept")
    page.wait_for_url("**/overzicht", timeout=15_000)
    assert page.get_by_test_id("person-name").inner_text() == "Jan Willem de Vries"


def test_another_browser_cannot_take_over_an_approved_flow(chromium, page, live_server, activated_app, settings):
    settings.ZORGID_LOGIN_WAIT_SECONDS = 5
    page.goto(live_server.url + "/")
    payload = read_qr(page.screenshot(full_page=True))
    flow_id = parse_payload(payload).flow

    other = chromium.new_context().new_page()
    other.goto(live_server.url + "/")
    activated_app.run("scan", payload, "--accept")
    answer = other.request.get(f"{live_server.url}/inloggen/status/{flow_id}")
    assert answer.status == 403 and answer.json()["error"]["code"] == "ZID-LOGIN-OTHER-BROWSER"
    page.wait_for_url("**/overzicht", timeout=15_000)
    other.context.close()
