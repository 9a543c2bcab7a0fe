"""Replays, over real HTTP and real SMTP, the public application form used as an anonymous mailer, and an
organisation document that holds NUL bytes (docs/security.md, "What a mail may quote").

Mailer: anyone fills in /aanvragen/nieuw with a victim's address as technisch beheerder and vertegenwoordiger,
any URA that is not registered, and his own text in the name fields, line breaks and all ("Uw ZORG-ID is
geblokkeerd. Log in via http://evil…"); zorgid sends two official mails that quote that text, again for every
new URA, without limit. ``zorgid mail-in`` answers a message without a (known) reference to its sender, which
anyone can forge. Document: a UTF-16 document (every one holds NUL bytes) was stored before it was verified,
which PostgreSQL refuses: a 500 on the upload page and the API, and no answer by mail.

A live server runs the portal and the API, httpx is the attacker's browser, aiosmtpd the victims' mail server
(the ``smtp`` fixture; the sink runs the outbox worker's passes while a test waits for mail). On the code before
the fix every test here fails.
"""

from __future__ import annotations

import re

import httpx
import pytest

from tests.integration.applications.helpers import FORM
from tests.integration.applications.smtp import send
from zorgid.applications.models import Application

pytestmark = pytest.mark.django_db(transaction=True)

LURE = "Uw ZORG-ID is geblokkeerd. Log in via http://evil.example/herstel"
VICTIM = {"tb_email": "slachtoffer@example.org", "vtw_email": "directie@example.org"}
ENCODING = "ZID-APPLICATION-DOCUMENT-ENCODING"


class Browser:
    """A browser: its cookies, and forms sent with the CSRF token the form pages set."""

    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=30)

    def post(self, path: str, data: dict, files: dict | None = None) -> httpx.Response:
        if "csrftoken" not in self.http.cookies:
            assert self.http.get(path).status_code == 200
        return self.http.post(path, data=data, files=files, headers={"X-CSRFToken": self.http.cookies["csrftoken"]})

    def apply(self, **changes) -> httpx.Response:
        return self.post("/aanvragen/nieuw", {**FORM, **changes})


def reference_of(response: httpx.Response) -> str:
    assert response.status_code == 302, response.text[:2000]
    return re.search(r"ZID-[0-9]{4}-[A-Z0-9]{8}", response.headers["location"]).group(0)


def text_of(message) -> str:
    """What the victim reads: the subject and every text part (the XML attachment is the document to check)."""
    parts = [message["Subject"]]
    parts += [part.get_content() for part in message.walk() if part.get_content_type() == "text/plain"]
    return "\n".join(parts)


@pytest.fixture
def browser(live_server) -> Browser:
    return Browser(live_server.url)


def test_text_with_line_breaks_is_refused_at_the_form(browser, smtp):
    for field in ("tb_name", "vtw_name", "organisation_name", "city"):  # Smartcard: no XML document is made
        response = browser.apply(**VICTIM, product="smartcard",
                                 **{field: f"Beste klant,\r\n\r\n{LURE}\r\n\r\nMet vriendelijke groet"})
        assert response.status_code == 400, field
        assert "één regel" in response.text
    # a bidi override turns the text after it around
    response = browser.apply(**VICTIM, product="smartcard", tb_name="Tom\u202eBeheer")
    assert response.status_code == 400 and "één regel" in response.text
    assert Application.objects.count() == 0


def test_the_mails_of_the_form_quote_nothing_the_sender_typed(browser, smtp):
    sink, _ = smtp
    reference = reference_of(browser.apply(**VICTIM, product="mobiel", organisation_name=LURE, tb_name=LURE,
                                           vtw_name=LURE, adm_name=LURE, street=LURE, city=LURE))
    messages = sink.wait_for(2)
    assert sorted(m["To"] for m in messages) == ["directie@example.org", "slachtoffer@example.org"]
    for message in messages:
        text = text_of(message)
        assert reference in text and "URA 90000382" in text
        assert "evil.example" not in text and "geblokkeerd" not in text


def test_one_address_is_named_in_at_most_three_applications_a_day_and_one_client_sends_five_an_hour(
        browser, smtp, settings):
    settings.ZORGID_RATE_LIMIT_FACTOR = 1  # the production limits
    for n in (1, 2, 3):
        reference_of(browser.apply(**VICTIM, product="smartcard", ura=f"9000000{n}", adm_email=f"a{n}@example.net"))
    again = browser.apply(product="smartcard", ura="90000004", tb_email="Slachtoffer+4@Example.org",
                          vtw_email="v4@example.net", adm_email="a4@example.net")
    assert again.status_code == 429 and "ZID-RATE-LIMIT" in again.text and int(again.headers["Retry-After"]) > 0
    reference_of(browser.apply(product="smartcard", ura="90000005"))  # other addresses: the fifth of this hour
    last = browser.apply(product="smartcard", ura="90000006", tb_email="ander@example.net",
                         vtw_email="ander2@example.net", adm_email="ander3@example.net")
    assert last.status_code == 429 and "ZID-RATE-LIMIT" in last.text
    assert Application.objects.count() == 4


def test_mail_in_answers_no_stranger(smtp):
    sink, port = smtp
    send(port, subject="Re: uw ZORG-ID", body=LURE, sender="slachtoffer@example.org")
    send(port, subject="Re: ZID-2026-ABCDEFGH", body=LURE, sender="slachtoffer@example.org")
    assert sink.wait_for(1, timeout=1) == []


def test_a_utf16_document_is_refused_with_its_code_everywhere_and_nothing_of_it_is_stored(browser, smtp):
    sink, port = smtp
    reference = reference_of(browser.apply(product="mobiel"))
    (confirmation,) = [m for m in sink.wait_for(2) if m["To"] == "tb@linde.example"]
    (attachment,) = list(confirmation.iter_attachments())
    utf16 = attachment.get_payload(decode=True).decode("utf-8").encode("utf-16")
    assert b"\x00" in utf16

    upload = browser.post("/aanvragen/document", {"reference": reference},
                          files={"document": ("organisatie.xml", utf16, "application/xml")})
    assert upload.status_code == 400 and ENCODING in upload.text
    api = browser.http.put(f"/api/v1/applications/{reference}/document", content=utf16,
                           headers={"Content-Type": "application/xml"})
    assert api.status_code == 400 and api.json()["error"]["code"] == ENCODING
    send(port, subject=f"RE: {confirmation['Subject']}", body="Bijgevoegd.", sender="iemand@example.org",
         attachments=(("organisatie.xml", utf16),))
    answers = [m for m in sink.wait_for(2 + 4)[2:] if ENCODING in m["Subject"]]
    assert answers and {m["To"] for m in answers} == {"tb@linde.example"}

    application = Application.objects.get(reference=reference)
    assert application.state == "submitted" and application.signed_document == ""
    assert application.verification["code"] == ENCODING
