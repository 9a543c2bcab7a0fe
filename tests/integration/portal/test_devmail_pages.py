"""/dev/mail (portal/devmail_views.py): the operator reads the mail kept without SMTP in acceptatie; in productie
the addresses do not exist. Text is shown as text, attachments are downloads, the activation QR a picture, and no
address leaves the mail folder. Mail made by the real code (the outbox's worker, the development backend)."""

import datetime as dt
import re
from html import unescape

import pytest
from django.test import Client

from tests.integration.outbox.mails import activation_mail, sent_to_disk
from tests.integration.test_card_purposes import activate, log_in
from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.clients.app.qr import payload_from_argument
from zorgid.identities.models import MobileId
from zorgid.outbox.services import Attachment, enqueue
from zorgid.protocol.payloads import ActivationPayload

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_browser(client, device) -> Client:
    return log_in(client, device)


def code_of(response) -> tuple[int, str | None]:
    found = re.search(r'data-testid="error-code">([^<]+)<', response.content.decode())
    return response.status_code, found.group(1) if found else None


def test_the_list_shows_the_newest_first_with_time_to_subject_and_attachments(settings, operator_browser):
    enqueue(["eerste@example.nl"], "Eerste", "Tekst")
    sent_to_disk(settings)
    clock.move(dt.timedelta(seconds=2))
    mail = activation_mail(settings)
    page = operator_browser.get("/dev/mail")
    assert page.status_code == 200
    rows = page.content.decode().split('data-testid="dev-mail"')[1:]
    assert len(rows) == 3 and "eerste@example.nl" in rows[2]  # the activation and the status mail to the VTW
    (row,) = [row for row in rows[:2] if "adm@linde.example" in row]
    assert "zorgid-activatie-ZID-2026-DEVMAIL1.png" in row and f"/dev/mail/{mail.stem}" in row
    assert "uw QR-code om de ZORG-ID app te activeren" in row
    assert re.search(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}", row)


def test_the_activation_mail_shows_its_text_its_qr_and_a_link_the_app_takes(settings, operator_browser):
    mail = activation_mail(settings)
    page = operator_browser.get(f"/dev/mail/{mail.stem}")
    html = page.content.decode()
    assert page.status_code == 200 and "Beste Anna Admin" in html
    png_url = f"/dev/mail/{mail.stem}/zorgid-activatie-ZID-2026-DEVMAIL1.png"
    assert f'src="{png_url}"' in html and 'data-testid="dev-mail-image"' in html
    assert f"zorgid-app scan {mail.attachments[0].path}" in html
    # the mail's link to the activation page: the page answers, and the app reads the link as the PNG's activation
    link = unescape(re.search(r"(http://\S+/activatie/[A-Za-z0-9_-]+)", html).group(1))
    from_png = payload_from_argument(str(mail.attachments[0].path))
    assert isinstance(from_png, ActivationPayload) and payload_from_argument(link) == from_png
    settings.ZORGID_BASE_URL_FROM_ENV = True  # as a server started with its address: the page's QR names it
    page_of_link = Client().get("/" + link.split("://", 1)[1].split("/", 1)[1]).content.decode()
    shown = unescape(re.search(r'data-testid="activation-payload">([^<]+)<', page_of_link).group(1))
    assert payload_from_argument(shown) == from_png
    assert AuditEvent.objects.filter(event="dev_mail.opened", subject=f"dev-mail:{mail.stem}").count() == 1


def test_an_attachment_is_a_download_of_its_own_type_never_sniffed(settings, operator_browser):
    mail = activation_mail(settings)
    png = mail.attachments[0]
    response = operator_browser.get(f"/dev/mail/{mail.stem}/{png.name}")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'attachment; filename="{png.name}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == png.path.read_bytes()
    event = AuditEvent.objects.get(event="dev_mail.attachment")
    assert event.subject == f"dev-mail:{mail.stem}" and png.name in event.details


def test_text_and_html_are_shown_as_text_never_rendered(settings, operator_browser):
    enqueue(["a@example.nl"], "<b>Vet</b> onderwerp", "<script>alert('tekst')</script>",
            attachments=[Attachment("x.html", b"<script>alert(1)</script>", "text/html")])
    (mail,) = sent_to_disk(settings)
    html = operator_browser.get(f"/dev/mail/{mail.stem}").content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#x27;tekst&#x27;)&lt;/script&gt;" in html
    assert "<b>Vet</b>" not in html and "&lt;b&gt;Vet&lt;/b&gt;" in html
    assert 'data-testid="dev-mail-image"' not in html  # an HTML attachment is a download only
    download = operator_browser.get(f"/dev/mail/{mail.stem}/x.html")
    assert download["Content-Disposition"].startswith("attachment;") and download["X-Content-Type-Options"] == "nosniff"


def test_a_mail_with_only_html_shows_its_source_as_text(settings, operator_browser):
    from django.core.mail import EmailMessage

    settings.EMAIL_BACKEND = "zorgid.outbox.dev_mail.DevMailBackend"
    message = EmailMessage("Alleen HTML", "<p onclick=x()>Hallo <img src=x onerror=alert(1)></p>", to=["a@b.nl"])
    message.content_subtype = "html"
    assert message.send() == 1
    (mail,) = sent_to_disk(settings)
    html = operator_browser.get(f"/dev/mail/{mail.stem}").content.decode()
    assert "alleen een HTML-deel" in html and "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


@pytest.mark.parametrize("path", [
    "/dev/mail/..", "/dev/mail/%2e%2e", "/dev/mail/..%2F..%2Fetc%2Fpasswd", "/dev/mail/%2Fetc%2Fpasswd",
    "/dev/mail//etc/passwd", "/dev/mail/20260101-000000-0123abcd", "/dev/mail/{stem}/..", "/dev/mail/{stem}/%2e%2e",
    "/dev/mail/{stem}/..%2F{stem}.eml", "/dev/mail/{stem}/%2Fetc%2Fpasswd", "/dev/mail/{stem}//etc/passwd",
    "/dev/mail/{stem}/..%5C..%5Cx", "/dev/mail/{stem}/secret.txt", "/dev/mail/{stem}.eml",
])
def test_no_address_leaves_the_mail_folder(settings, operator_browser, tmp_path, path):
    mail = activation_mail(settings)
    (mail.folder / "secret.txt").symlink_to(tmp_path / "secret.txt")
    (tmp_path / "secret.txt").write_text("GEHEIM")
    response = operator_browser.get(path.format(stem=mail.stem))
    assert code_of(response) in ((404, "ZID-DEV-MAIL-UNKNOWN"), (404, "ZID-NOT-FOUND"))
    assert b"GEHEIM" not in response.content and b"root:" not in response.content


def test_a_large_folder_is_shown_50_per_page(settings, operator_browser):
    for number in range(120):
        enqueue([f"p{number:03d}@example.nl"], f"Mail {number:03d}", "Tekst")
    sent_to_disk(settings)
    sent_to_disk(settings)  # a pass sends at most 100
    first = operator_browser.get("/dev/mail").content.decode()
    last = operator_browser.get("/dev/mail?pagina=3").content.decode()
    assert first.count('data-testid="dev-mail"') == 50 and "Pagina 1 / 3" in first
    assert last.count('data-testid="dev-mail"') == 20 and "Pagina 3 / 3" in last
    for strange in ("999", "-1", "x", ""):
        assert operator_browser.get(f"/dev/mail?pagina={strange}").status_code == 200


def test_in_productie_the_pages_do_not_exist_for_anyone(settings, operator_browser):
    mail = activation_mail(settings)
    settings.ZORGID_ENVIRONMENT = "productie"
    for browser in (Client(), operator_browser):
        for path in ("/dev/mail", f"/dev/mail/{mail.stem}", f"/dev/mail/{mail.stem}/{mail.attachments[0].name}"):
            assert code_of(browser.get(path)) == (404, "ZID-NOT-FOUND"), path
    assert not AuditEvent.objects.filter(event__startswith="dev_mail.").exists()


def test_an_empty_folder_says_so(settings, operator_browser):
    assert 'data-testid="no-dev-mail"' in operator_browser.get("/dev/mail").content.decode()


def test_the_png_of_the_stored_mail_activates_the_administrators_id(client, settings):
    mail = activation_mail(settings)
    device = activate(client, payload_from_argument(str(mail.attachments[0].path)).to_uri())
    assert MobileId.objects.get(id=device.mobile_id).person.first_names == "Anna"


def test_the_operators_overview_links_the_page_in_acceptatie_only(settings, operator_browser):
    assert 'href="/dev/mail"' in operator_browser.get("/overzicht").content.decode()
    settings.ZORGID_ENVIRONMENT = "productie"
    assert 'href="/dev/mail"' not in operator_browser.get("/overzicht").content.decode()


def test_the_pages_speak_english_too(settings, operator_browser):
    mail = activation_mail(settings)
    operator_browser.post("/i18n/setlang/", {"language": "en", "next": "/dev/mail"})
    listed = operator_browser.get("/dev/mail").content.decode()
    assert "Development mail" in listed and "Attachments" in listed and "newest first" in listed
    shown = operator_browser.get(f"/dev/mail/{mail.stem}").content.decode()
    assert "Kept on" in shown and "Scan with the app:" in shown and "Back to the development mail" in shown


@pytest.mark.parametrize("content", [
    b"\x00\xff\xfe kapot \r\n\r\n", b"",
    b"Subject: =?bogus?q?x?=\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain; "
    b"charset=bestaat-niet\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!\r\n--zz\r\nContent-Disposition: attachment; "
    b"filename*=utf-8''..%2F..%2Fetc%2Fpasswd\r\nContent-Type: image/png\r\n\r\n###\r\n",
])
def test_a_damaged_eml_is_shown_as_far_as_it_goes_never_a_server_error(settings, operator_browser, content):
    from zorgid.outbox import dev_mail

    stem = "20260101-000000-0123abcd"
    (dev_mail.folder() / f"{stem}.eml").write_bytes(content)
    assert operator_browser.get("/dev/mail").status_code == 200
    assert operator_browser.get(f"/dev/mail/{stem}").status_code == 200
    assert code_of(operator_browser.get(f"/dev/mail/{stem}/passwd")) == (404, "ZID-DEV-MAIL-UNKNOWN")
