"""The portal's overview shows its holder his own linked WID scan app and his last recorded WID checks, in local
time and in Dutch (R-FLOW-WIDSCAN); another person sees none of them."""

from __future__ import annotations

import datetime as dt
import html
import zoneinfo

import pytest

from tests.conftest import activate_code
from tests.integration.test_card_purposes import log_in
from tests.integration.widscan.apps import Scanner, link_up
from zorgid.organisations.roles import add_operator
from zorgid.widscan.models import WidScanCheck

pytestmark = pytest.mark.django_db


def page(browser) -> str:
    response = browser.get("/overzicht")
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_overview_shows_the_linked_app_and_the_checks(client, device):
    browser = log_in(client, device)
    assert 'data-testid="no-widscan-link"' in page(browser)
    scanner = Scanner(client)
    link_up(device, scanner)
    assert scanner.record(outcome="ongeldig").status_code == 201
    check = WidScanCheck.objects.get()
    local = check.checked_at.astimezone(zoneinfo.ZoneInfo("Europe/Amsterdam")).strftime("%d-%m-%Y %H:%M")
    text = page(browser)
    assert "Pixel van de balie" in text and 'data-testid="widscan-link"' in text
    row = text.split('data-testid="widscan-check">', 1)[1].split("</tr>", 1)[0]
    cells = [cell.split("</td>", 1)[0].strip() for cell in row.split("<td>")[1:]]
    assert cells == [local, "Patiënt", "Paspoort", "…X7K9", "17-05-2031", "Ongeldig"]


def test_the_overview_shows_the_last_ten_newest_first(client, device):
    browser = log_in(client, device)
    scanner = Scanner(client)
    link_up(device, scanner)
    base = int(dt.datetime.now(dt.UTC).timestamp()) - 100
    for number in range(12):
        assert scanner.record(signed_at=base + number).status_code == 201
    assert page(browser).count('data-testid="widscan-check"') == 10


def test_another_person_sees_neither_the_app_nor_the_checks(client, device):
    scanner = Scanner(client)
    link_up(device, scanner)
    assert scanner.record().status_code == 201
    other = activate_code(client, add_operator("Olga", "Operator", dt.date(1975, 1, 1), actor="t").code)
    text = page(log_in(client, other))
    assert "X7K9" not in text and "Pixel van de balie" not in text
    assert 'data-testid="no-widscan-link"' in text and 'data-testid="widscan-checks"' not in text
