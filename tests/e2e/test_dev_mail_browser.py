"""/dev/mail in Chromium: the operator, logged in with the app, opens the list of the mail kept without SMTP, opens
the administrator's activation mail and sees its QR code as a picture, which zxing-cpp reads back from the pixels
as the activation the app accepts. Screenshots at 1280 and 390 wide (when ZORGID_SCREENSHOTS names a folder)."""

from __future__ import annotations

import pytest

from tests.e2e.screenshots import screenshot
from tests.e2e.test_browser_login import read_qr
from tests.integration.outbox.mails import activation_mail, sent_to_disk
from zorgid.clients.app.qr import payload_from_argument
from zorgid.outbox.services import Attachment, enqueue
from zorgid.protocol.payloads import ActivationPayload, parse_payload

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_operator_opens_the_activation_mail_and_sees_its_qr(page, live_server, activated_app, settings, tmp_path):
    settings.ZORGID_LOGIN_WAIT_SECONDS = 5
    settings.ZORGID_DEV_MAIL_DIR = tmp_path / "mail"
    enqueue(["tb@linde.example"], "ZORG-ID: aanvraag ZID-2026-DEVMAIL1 ontvangen / application received",
            "Beste technisch beheerder,\n\nUw aanvraag is ontvangen.\n",
            attachments=[Attachment("organisatie-ZID-2026-DEVMAIL1.xml", b"<organisatie/>", "application/xml")])
    sent_to_disk(settings)
    mail = activation_mail(settings)

    page.goto(live_server.url + "/")
    activated_app.run("scan", read_qr(page.screenshot(full_page=True)), "--accept")
    page.wait_for_url("**/overzicht", timeout=15_000)

    page.goto(live_server.url + "/dev/mail")
    rows = page.get_by_test_id("dev-mail")
    assert rows.count() == 3
    screenshot(page, "devmail-list")
    page.get_by_role("link", name="uw QR-code om de ZORG-ID app te activeren").click()
    page.wait_for_url(f"**/dev/mail/{mail.stem}")
    assert "Anna Admin" in page.get_by_test_id("dev-mail-body").inner_text()
    image = page.get_by_test_id("dev-mail-image")
    image.wait_for()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    shown = read_qr(image.screenshot())
    assert isinstance(parse_payload(shown), ActivationPayload)
    assert parse_payload(shown) == payload_from_argument(str(mail.attachments[0].path))
    screenshot(page, "devmail-detail")
