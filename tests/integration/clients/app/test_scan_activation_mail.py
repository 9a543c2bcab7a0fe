"""``zorgid-app scan`` with what the administrator's activation mail gives him, against the real server: the PNG
attached to it (the stored .eml's folder, outbox/dev_mail.py) and the mail's link to the /activatie/ page. The link
was refused with ZID-QR-MALFORMED (the app read only zorgid:// text and images); it is the same activation."""

import pytest

from tests.integration.clients.app.conftest import ORIGIN, PIN
from tests.integration.outbox.mails import activation_mail
from zorgid.identities.models import MobileId


@pytest.fixture
def mail(settings, server):
    settings.ZORGID_BASE_URL = ORIGIN  # the mail names the server the app then talks to
    return activation_mail(settings)


def link_in(mail) -> str:
    from zorgid.outbox.dev_mail_files import body

    links = {word for word in body(mail).text.split() if "/activatie/" in word}
    assert len(links) == 1  # the same link in the Dutch text and the English, no sentence's full stop stuck to it
    return links.pop()


def test_the_mails_png_installs_the_administrators_id(run, mail):
    assert run("setup", "--pin", PIN).exit_code == 0
    result = run("scan", str(mail.attachments[0].path), "--pin", PIN)
    assert result.exit_code == 0, result.output
    assert "ID geïnstalleerd: Anna Admin" in result.output
    assert MobileId.objects.get().person.last_name == "Admin"


def test_the_mails_link_to_the_activation_page_installs_the_same_id(run, mail):
    assert run("setup", "--pin", PIN).exit_code == 0
    link = link_in(mail)
    assert link.startswith(f"{ORIGIN}/activatie/")
    result = run("scan", link, "--pin", PIN)
    assert result.exit_code == 0, result.output
    assert "ID geïnstalleerd: Anna Admin" in result.output and "ZID-QR-MALFORMED" not in result.output
    assert run("scan", str(mail.attachments[0].path), "--pin", PIN).exit_code == 1  # once: the code is used


def test_a_full_stop_copied_with_the_link_is_no_part_of_it(run, mail):
    assert run("setup", "--pin", PIN).exit_code == 0
    result = run("scan", f"{link_in(mail)}.", "--pin", PIN)
    assert result.exit_code == 0 and "ID geïnstalleerd: Anna Admin" in result.output


@pytest.mark.parametrize("link", [
    "https://portal.example/activatie/", "https://portal.example/activatie/kort",
    "https://portal.example/activatie/" + "a" * 32 + "/extra", "https://portal.example/activatie/" + "a" * 32 + "?x=1",
    "https://user@portal.example/activatie/" + "a" * 32, "https://portal.example/inloggen/" + "a" * 32,
    "ftp://portal.example/activatie/" + "a" * 32, "https://portal.example/activatie/" + "a" * 600,
])
def test_other_web_addresses_are_still_no_zorgid_code(run, link):
    assert run("setup", "--pin", PIN).exit_code == 0
    result = run("scan", link, "--pin", PIN)
    assert result.exit_code == 1 and "ZID-QR-MALFORMED" in result.output
