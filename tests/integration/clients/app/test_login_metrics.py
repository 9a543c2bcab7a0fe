"""/metrics after what the app really does (its own client code against the server, conftest.py): one login, one
activation, wrong PINs, each counted exactly once (zorgid.metrics)."""

from __future__ import annotations

import html
import re

import httpx
import pytest
from django.core.wsgi import get_wsgi_application

from tests.integration.metrics_text import samples, value
from zorgid.clients.app.actions import Questions, activate, login
from zorgid.identities.keyshare import FREE_TRIES
from zorgid.protocol.payloads import parse_payload

from .conftest import PIN

PAYLOAD_LINK = re.compile(r'<a\b[^>]*\bid="payload"[^>]*>([^<]+)</a>')
ASK = Questions(confirm=lambda question: True, ask_pin=lambda: PIN)


@pytest.fixture
def browser(server) -> httpx.Client:
    transport = httpx.WSGITransport(app=get_wsgi_application())
    with httpx.Client(transport=transport, base_url="http://testserver") as client:
        yield client


def _scrape(browser: httpx.Client) -> dict:
    response = browser.get("/metrics")
    assert response.status_code == 200
    return samples(response.text)


def _changes(before: dict, after: dict) -> dict:
    return {key: after[key] - before.get(key, 0.0) for key in after
            if key[0].startswith("zorgid_") and after[key] != before.get(key, 0.0)}


def test_a_portal_login_counts_one_start_approval_and_done_and_observes_both_latencies(installed, server, browser):
    store, _identity, _ = installed
    before = _scrape(browser)
    page = browser.get("/")
    payload = parse_payload(html.unescape(PAYLOAD_LINK.search(page.text).group(1)))
    login(store, payload, ASK, server.factory)
    assert browser.get(f"/inloggen/status/{payload.flow}").json()["state"] == "done"
    after = _scrape(browser)

    for outcome in ("started", "approved", "done"):
        assert value(after, "zorgid_logins_total", kind="portal", outcome=outcome, code="") - value(
            before, "zorgid_logins_total", kind="portal", outcome=outcome, code="") == 1
    for step in ("approval", "done"):
        assert value(after, "zorgid_login_flow_seconds_count", kind="portal", step=step) - value(
            before, "zorgid_login_flow_seconds_count", kind="portal", step=step) == 1
        assert value(after, "zorgid_login_flow_seconds_bucket", kind="portal", step=step, le="+Inf") - value(
            before, "zorgid_login_flow_seconds_bucket", kind="portal", step=step, le="+Inf") == 1
    # the approval's audit event: one append observed
    assert value(after, "zorgid_audit_append_seconds_count") - value(before, "zorgid_audit_append_seconds_count") == 1
    changed = {name for name, _ in _changes(before, after)}
    assert not any(name.startswith(("zorgid_key_share_refusals", "zorgid_activations")) for name in changed)


def test_a_refused_approval_is_counted_with_its_code(installed, server, browser):
    store, _identity, _ = installed
    page = browser.get("/")
    payload = parse_payload(html.unescape(PAYLOAD_LINK.search(page.text).group(1)))
    before = _scrape(browser)

    def reload_the_page_before_accepting(question) -> bool:
        browser.get("/")  # a new QR code: the flow the app shows is replaced before its approval arrives
        return True

    ask = Questions(confirm=reload_the_page_before_accepting, ask_pin=lambda: PIN)
    with pytest.raises(Exception) as refused:  # noqa: PT011 - the app's own error for the server's refusal
        login(store, payload, ask, server.factory)
    assert getattr(refused.value, "code", "") == "ZID-LOGIN-REPLACED"
    after = _scrape(browser)
    logins = {tuple(sorted(labels)): change for (name, labels), change in _changes(before, after).items()
              if name == "zorgid_logins_total"}
    assert logins == {  # the refusal, and the reloaded page's new login
        (("code", "ZID-LOGIN-REPLACED"), ("kind", "portal"), ("outcome", "refused")): 1,
        (("code", ""), ("kind", "portal"), ("outcome", "started")): 1}


def test_an_activation_is_counted_once(store, server, browser):
    before = _scrape(browser)
    activate(store, parse_payload(server.activation()), ASK, server.factory)
    after = _scrape(browser)
    assert value(after, "zorgid_activations_total", outcome="activated", code="") - value(
        before, "zorgid_activations_total", outcome="activated", code="") == 1


def test_wrong_pins_count_as_wrong_pin_then_locked_then_wait(installed, server, browser):
    store, identity, _ = installed
    before = _scrape(browser)
    wrong = "999999" if PIN != "999999" else "888888"
    for _ in range(FREE_TRIES + 1):
        with server.factory(identity.server) as client, pytest.raises(Exception):  # noqa: PT011
            store.unlock_key(wrong, client.unlock)
    after = _scrape(browser)
    counted = {reason: value(after, "zorgid_key_share_refusals_total", reason=reason)
               - value(before, "zorgid_key_share_refusals_total", reason=reason)
               for reason in ("wrong_pin", "locked", "wait")}
    assert counted == {"wrong_pin": FREE_TRIES - 1, "locked": 1, "wait": 1}
