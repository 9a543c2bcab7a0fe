"""Mail kept without SMTP (outbox/dev_mail.py): each mail a real .eml named by its time, its attachments beside it
under safe names, written whole or not at all, read back only by the stored forms of its names, purged with
``zorgid purge``."""

import datetime as dt
import email
import email.policy
import os
import re

import pytest
from typer.testing import CliRunner

from tests.integration.outbox.mails import BACKEND, activation_mail, sent_to_disk
from zorgid import clock
from zorgid.cli import app
from zorgid.housekeeping import purge
from zorgid.outbox import dev_mail, dev_mail_files
from zorgid.outbox.dev_mail_files import safe_name
from zorgid.outbox.services import Attachment, enqueue, send_due

pytestmark = pytest.mark.django_db
STEM = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{8}$")
NASTY = (("../../etc/passwd", b"root", "text/plain"), ("/abs/path/a.png", b"\x89PNG", "image/png"),
         ("..", b"dots", "text/plain"), (".htaccess", b"hidden", "text/plain"), ("a.png", b"second", "image/png"),
         ("C:\\Windows\\evil.xml", b"<x/>", "application/xml"), ("naïeve naam 😀.txt", b"t", "text/plain"))


def test_each_mail_is_an_eml_named_by_its_time_with_its_attachments_beside_it(settings):
    enqueue(["anna@linde.example"], "Uw QR-code é", "Beste Anna,\nhttp://127.0.0.1:8000/activatie/abc\n",
            attachments=[Attachment(*item) for item in NASTY])
    (mail,) = sent_to_disk(settings)
    folder = dev_mail.folder()
    assert STEM.match(mail.stem) and mail.stem.startswith(f"{clock.now():%Y%m%d-%H}")
    assert sorted(os.listdir(folder)) == [mail.stem, f"{mail.stem}.eml"]  # nothing half-written left over
    parsed = email.message_from_bytes((folder / f"{mail.stem}.eml").read_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == "Uw QR-code é" and parsed["To"] == "anna@linde.example"
    assert "/activatie/abc" in parsed.get_body(preferencelist=("plain",)).get_content()
    names = ["passwd", "a.png", "bijlage", "htaccess", "a-2.png", "evil.xml", "na_eve_naam_.txt"]
    assert sorted(os.listdir(folder / mail.stem)) == sorted(names)
    stored = dev_mail_files.read(folder, mail.stem)
    assert [item.name for item in stored.attachments] == names  # in the mail's order
    assert [(folder / mail.stem / name).read_bytes() for name in names] == [item[1] for item in NASTY]
    assert all(item.path.parent == folder / mail.stem for item in stored.attachments)
    modes = {path.name: path.stat().st_mode & 0o777 for path in (folder / f"{mail.stem}.eml", folder / mail.stem,
                                                                  stored.attachments[0].path)}
    assert modes == {f"{mail.stem}.eml": 0o600, mail.stem: 0o700, "passwd": 0o600}  # for the server's user only


def test_a_mail_without_attachments_has_no_folder(settings):
    enqueue(["a@example.nl"], "Zonder bijlage", "Tekst")
    (mail,) = sent_to_disk(settings)
    assert os.listdir(dev_mail.folder()) == [f"{mail.stem}.eml"] and mail.attachments == ()


def test_the_names_sort_by_time_newest_first(settings):
    settings.EMAIL_BACKEND = BACKEND
    for number in range(3):
        enqueue(["a@example.nl"], f"Mail {number}", "Tekst")
        assert send_due().sent == 1
        clock.move(dt.timedelta(seconds=61 if number else 3600 * 24))
    assert [mail.subject for mail in dev_mail.page_of(dev_mail.stored())] == ["Mail 2", "Mail 1", "Mail 0"]
    assert dev_mail.stored() == sorted((name[:-4] for name in os.listdir(dev_mail.folder())), reverse=True)


@pytest.mark.parametrize(("given", "safe"), [
    ("zorgid-activatie-ZID-2026-AB12CD34.png", "zorgid-activatie-ZID-2026-AB12CD34.png"),
    ("../../x.png", "x.png"), ("..", "bijlage"), ("...", "bijlage"), ("", "bijlage"), (None, "bijlage"),
    ("a/b/../c", "c"), ("x\\..\\y.xml", "y.xml"), (".bashrc", "bashrc"), ("a\x00b", "a_b"),
    ("%2e%2e%2fx", "_2e_2e_2fx"),
    ("x" * 300 + ".png", "x" * 96 + ".png"),
])
def test_attachment_names_are_made_safe(given, safe):
    assert safe_name(given) == safe
    assert "/" not in safe and "\\" not in safe and not safe.startswith(".")


def test_an_unfinished_write_is_never_listed_and_purge_clears_it(settings):
    folder = dev_mail.folder()
    old = "20200101-000000-0123abcd"
    (folder / f".tmp-{old}-deadbeef.eml").write_bytes(b"Subject: half")  # a write that died
    (folder / f".tmp-{old}-cafebabe").mkdir()
    (folder / old).mkdir()  # attachments whose .eml was never renamed into place
    (folder / "notes.eml").write_bytes(b"Subject: not ours")
    assert dev_mail.stored() == []
    assert purge(days=30, actor="test").removed["dev_mail"] == 0
    assert sorted(os.listdir(folder)) == ["notes.eml"]


@pytest.mark.parametrize("stem", ["..", "../mail", "/etc/passwd", "20260101-000000-0123abc", "20260101-000000-0123ABCD",
                                  "20260101-000000-0123abcd/../../x", "%2e%2e", "", "20260101-000000-0123abcd\n"])
def test_reading_takes_only_the_stored_form_of_a_name(settings, stem):
    assert dev_mail_files.read(dev_mail.folder(), stem) is None


def test_an_attachment_is_read_only_from_its_own_folder(settings, tmp_path):
    enqueue(["a@example.nl"], "Met bijlage", "Tekst", attachments=[Attachment("a.txt", b"a", "text/plain")])
    (mail,) = sent_to_disk(settings)
    folder = dev_mail.folder()
    secret = tmp_path / "secret.txt"
    secret.write_text("geheim")
    (folder / mail.stem / "link.txt").symlink_to(secret)
    assert dev_mail_files.attachment(folder, mail.stem, "a.txt").path.read_bytes() == b"a"
    for name in ("../" + mail.stem + ".eml", "..", ".", "link.txt", str(secret), "a.txt/", "A.TXT", "a.txt\x00"):
        assert dev_mail_files.attachment(folder, mail.stem, name) is None, name


def test_purge_removes_stored_mail_older_than_its_days_and_a_dry_run_only_counts(settings):
    settings.EMAIL_BACKEND = BACKEND
    enqueue(["a@example.nl"], "Oud", "Tekst", attachments=[Attachment("a.txt", b"a", "text/plain")])
    send_due()
    clock.move(dt.timedelta(days=31))
    enqueue(["a@example.nl"], "Nieuw", "Tekst")
    send_due()
    (new, old) = dev_mail.stored()
    dry = CliRunner().invoke(app, ["purge", "--days", "30", "--dry-run"])
    assert dry.exit_code == 0 and "1  bewaarde e-mails zonder SMTP" in dry.output
    assert dev_mail.stored() == [new, old] and (dev_mail.folder() / old).is_dir()
    assert purge(days=30, actor="test").removed["dev_mail"] == 1
    assert dev_mail.stored() == [new] and not (dev_mail.folder() / old).exists()


def test_the_activation_mail_carries_its_qr_as_a_png_file(settings):
    mail = activation_mail(settings)
    (png,) = mail.attachments
    assert png.name == "zorgid-activatie-ZID-2026-DEVMAIL1.png" and png.content_type == "image/png"
    assert png.path == dev_mail.folder() / mail.stem / png.name and png.path.read_bytes().startswith(b"\x89PNG")
