"""``zorgid dev mail list`` / ``show``: the mail kept without SMTP for scripts and README steps (Dutch help,
errors with code), reading the same files as /dev/mail."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.integration.outbox.mails import activation_mail, sent_to_disk
from zorgid import clock
from zorgid.cli import app
from zorgid.clients.app.qr import payload_from_argument
from zorgid.outbox import dev_mail
from zorgid.outbox.services import enqueue
from zorgid.protocol.payloads import ActivationPayload

pytestmark = pytest.mark.django_db
runner = CliRunner()


def dev(*args: str):
    return runner.invoke(app, ["dev", "mail", *args, "--dir", str(dev_mail.folder())])


@pytest.fixture
def mails(settings):
    enqueue(["tb@linde.example"], "Bevestiging", "Tekst voor Tom")
    sent_to_disk(settings)
    clock.move(dt.timedelta(seconds=5))
    return activation_mail(settings)


def test_list_shows_the_newest_first(mails):
    result = dev("list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines[:3]] == dev_mail.stored()
    assert lines[0].split()[0] == mails.stem or lines[1].split()[0] == mails.stem  # with the VTW's status mail
    assert "Bevestiging" in lines[2] and "tb@linde.example" in lines[2] and "UTC" in lines[2]
    only = dev("list", "--aan", "ADM@linde.example")
    assert only.exit_code == 0 and len([line for line in only.output.splitlines() if "@" in line]) == 1


def test_show_prints_the_files_to_scan(mails):
    result = dev("show", mails.stem)
    assert result.exit_code == 0, result.output
    assert f"E-mail: {mails.path}" in result.output
    assert f"Bijlage: {mails.attachments[0].path}  (image/png" in result.output
    assert "Beste Anna Admin" in result.output
    paths = dev("show", mails.stem, "--paden").output.splitlines()
    assert paths == [str(mails.path), str(mails.attachments[0].path)] and all(Path(path).is_file() for path in paths)


def test_the_newest_to_an_address_and_its_png_for_a_script(mails):
    result = dev("show", "laatste", "--aan", "adm@linde.example", "--bijlage", "*.png")
    assert result.exit_code == 0, result.output
    (png,) = result.output.splitlines()
    assert isinstance(payload_from_argument(png), ActivationPayload)
    assert dev("show", "laatste", "--aan", "tb@linde.example").output.startswith(f"E-mail: {dev_mail.folder()}")


@pytest.mark.parametrize("args", [
    ("show", "../etc/passwd"), ("show", "/etc/passwd"), ("show", "20260101-000000-0123abcd"),
    ("show", "laatste", "--aan", "niemand@example.nl"), ("show", "laatste", "--bijlage", "*.xml"),
])
def test_a_mail_that_is_not_there_is_reported_with_its_code(mails, args):
    result = dev(*args)
    assert result.exit_code == 1 and "Fout ZID-DEV-MAIL-UNKNOWN" in result.stderr and "Oplossing:" in result.stderr
    assert "Traceback" not in result.output


def test_an_empty_folder_is_said_so(settings, tmp_path):
    result = runner.invoke(app, ["dev", "mail", "list", "--dir", str(tmp_path / "leeg")])
    assert result.exit_code == 0 and "Geen bewaarde e-mail" in result.output


def test_the_help_is_dutch_and_the_default_folder_is_zorgid_home(mails, tmp_path):
    help_text = runner.invoke(app, ["dev", "mail", "show", "--help"]).output
    assert "Toon één bewaarde e-mail" in help_text and "--paden" in help_text and "Gebruik" in help_text
    home = tmp_path / "home"
    (home / "mail").parent.mkdir()
    os.symlink(dev_mail.folder(), home / "mail")
    result = subprocess.run([sys.executable, "-m", "zorgid.devtools.cli", "mail", "list"], capture_output=True,
                            text=True, env={**os.environ, "ZORGID_HOME": str(home)}, timeout=60)
    assert result.returncode == 0 and mails.stem in result.stdout, result.stderr
