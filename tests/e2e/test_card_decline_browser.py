"""Nee in the Desktop App, end to end: Chromium waits on the card page, ``zorgid-desktop`` with a SoftHSM2 UZI-pas
is answered "nee", and the page says at once that the holder declined, with "Opnieuw beginnen" (docs/security.md,
"Nee in the Desktop App")."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.e2e.conftest import BIN
from tests.e2e.screenshots import screenshot
from zorgid.flows.models import CardFlow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def answer_nee(card, address: str) -> subprocess.CompletedProcess:
    """The Desktop App as the browser starts it; the holder types his code and then answers nee."""
    env = {**os.environ, "SOFTHSM2_CONF": str(card.conf), "LANG": "nl_NL.UTF-8"}
    return subprocess.run([str(BIN / "zorgid-desktop"), "open", address, "--pin", card.pin], input="nee\n", env=env,
                          capture_output=True, text=True, timeout=60)


def test_nee_in_the_desktop_app_shows_the_message_at_once_and_starts_again(page, live_server, make_uzi_pas):
    card = make_uzi_pas(name="Jan Jansen")
    page.goto(live_server.url + "/")
    page.get_by_test_id("register").click()
    page.get_by_test_id("terms").wait_for()
    page.get_by_test_id("next").click()
    page.get_by_test_id("desktop-link").wait_for()
    flow_id = page.url.rsplit("/", 1)[-1]
    answered = answer_nee(card, page.get_by_test_id("desktop-link").get_attribute("href"))
    assert answered.returncode == 3, answered.stdout + answered.stderr
    assert "De browser toont dat u het gebruik van uw pas heeft geweigerd." in answered.stdout
    declined = page.get_by_test_id("card-declined")
    declined.wait_for(timeout=10_000)  # at once: the waiting request is woken, no expiry waited for
    assert "U heeft het gebruik van uw pas geweigerd in de ZORG-ID Desktop App." in declined.inner_text()
    assert page.get_by_test_id("next").is_hidden() and page.get_by_test_id("desktop-link").is_hidden()
    restart = page.get_by_test_id("refresh")
    assert restart.inner_text() == "Opnieuw beginnen" and "secondary" not in (restart.get_attribute("class") or "")
    assert page.get_by_text("Opent de Desktop App niet vanzelf?").is_hidden()
    screenshot(page, "card-declined")
    assert CardFlow.objects.get(id=flow_id).state == "declined"
    # the page's next step, sent anyway (an old tab): the error page offers what its solution names
    page.evaluate("document.getElementById('card-next').submit()")
    page.get_by_test_id("error-code").wait_for()
    assert page.get_by_test_id("error-code").inner_text() == "ZID-CARD-DECLINED"
    assert "Kies Opnieuw beginnen" in page.get_by_test_id("error").inner_text()
    screenshot(page, "card-declined-error-page")
    page.get_by_test_id("restart").click()
    page.wait_for_url(lambda url: "/uzi-pas/" in url and not url.endswith(flow_id), timeout=10_000)
    page.get_by_test_id("desktop-link").wait_for()
    assert CardFlow.objects.get(id=page.url.rsplit("/", 1)[-1]).state == "pending"
    screenshot(page, "card-page-again")
