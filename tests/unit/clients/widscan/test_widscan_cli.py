"""zorgid-widscan through its command line, without a server: scan --mrz (a driving licence with its typed expiry
date too), status, and link up to the server."""

from __future__ import annotations

import datetime as dt
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
import segno
import typer.main
from PIL import Image
from tests.unit.clients.languages import assert_all_in
from typer.testing import CliRunner

from zorgid.clients.widscan import cli, specimen_images
from zorgid.clients.widscan.mrz import compose_driving_licence, compose_td1, compose_td3
from zorgid.protocol.widscan import WidScanLinkPayload


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.delenv(cli.HOME_ENV, raising=False)
    runner = CliRunner()
    home = tmp_path / "widscan"

    def invoke(*args: object, stdin: str | None = None):
        return runner.invoke(cli.app, ["--home", str(home), *(str(arg) for arg in args)], input=stdin)

    return invoke


def passport(expiry: dt.date) -> str:
    return "\n".join(compose_td3(expiry_date=expiry))


VALID = passport(dt.date.today() + dt.timedelta(days=400))
EXPIRED = passport(dt.date.today() - dt.timedelta(days=1))


def test_help_is_dutch_and_every_option_is_explained():
    group = typer.main.get_command(cli.app)
    for name, command in group.commands.items():
        assert command.help, name
        for param in command.params:
            assert getattr(param, "help", None), (name, param.name)
            if param.name == "help":
                assert param.help == "Toon deze hulp en stop."


def test_a_valid_passport_is_shown_with_its_number_masked_and_exits_0(run):
    result = run("scan", "--mrz", VALID, "--no-record")
    assert result.exit_code == 0, result.stderr
    assert "Soort document: paspoort" in result.stdout
    assert "Naam: WILLEKE LISELOTTE DE BRUIJN" in result.stdout
    assert "Geboortedatum: 10-03-1965" in result.stdout
    assert "Documentnummer: *****2014" in result.stdout and "SPECI2014" not in result.stdout
    assert "✓ Controlecijfer documentnummer klopt" in result.stdout
    assert "✗" not in result.stdout
    assert result.stdout.rstrip().endswith("Geldig document")


def test_an_expired_passport_exits_1_with_the_failed_check_and_its_code(run):
    result = run("scan", "--mrz", EXPIRED, "--no-record")
    assert result.exit_code == 1
    expired_on = (dt.date.today() - dt.timedelta(days=1)).strftime("%d-%m-%Y")
    assert f"✗ Verlopen op {expired_on}" in result.stdout
    assert f"Ongeldig: Verlopen op {expired_on}" in result.stdout
    assert "Fout ZID-WID-MRZ-EXPIRED" in result.stderr


def test_a_wrong_check_digit_names_each_failure(run):
    first, second = compose_td3(expiry_date=dt.date.today() + dt.timedelta(days=400))
    wrong = second[:9] + str((int(second[9]) + 1) % 10) + second[10:]
    result = run("scan", "--mrz", f"{first}\n{wrong}", "--no-record")
    assert result.exit_code == 1
    assert "✗ Controlecijfer documentnummer klopt niet" in result.stdout
    assert "Fout ZID-WID-MRZ-CHECK-DIGIT" in result.stderr


def test_english_on_request(run):
    result = run("--lang", "en", "scan", "--mrz", VALID, "--no-record")
    assert result.exit_code == 0 and "Valid document" in result.stdout and "Kind of document: paspoort" in result.stdout


def test_text_that_is_no_mrz_is_refused_with_a_code(run):
    result = run("scan", "--mrz", "dit is geen MRZ")
    assert result.exit_code == 1 and "Fout ZID-WID-MRZ-MALFORMED" in result.stderr
    assert "Traceback" not in result.stderr


def test_recording_without_a_link_is_refused_before_the_document_is_read(run):
    result = run("scan", "--mrz", VALID, "--record")
    assert result.exit_code == 1
    assert "Fout ZID-WIDSCAN-APP-NOT-LINKED" in result.stderr
    assert "Geldig document" not in result.stdout


def test_scan_wants_an_image_or_mrz_text_and_a_known_purpose(run):
    assert run("scan").exit_code == 2
    assert run("scan", "--mrz", VALID, "--purpose", "bezoeker").exit_code == 2


def test_status_of_an_app_that_is_not_linked(run):
    result = run("status")
    assert result.exit_code == 0 and "Niet gekoppeld" in result.stdout


def test_link_refuses_a_payload_of_another_kind(run):
    result = run("link", "zorgid://activate?v=1&server=https%3A%2F%2Fportal.example&code=abc")
    assert result.exit_code == 1 and "Fout ZID-QR-MALFORMED" in result.stderr


def test_link_refuses_an_image_without_a_qr_code(run, tmp_path):
    blank = tmp_path / "leeg.png"
    Image.new("L", (200, 200), 255).save(blank)
    result = run("link", "--qr", blank)
    assert result.exit_code == 1 and "Fout ZID-WIDSCAN-APP-QR-UNREADABLE" in result.stderr


def test_link_reads_the_qr_image_and_goes_to_the_server_it_names(run, tmp_path):
    """The QR as zorgid-app link-widscan saves it: decoded, and the claim goes to its server (here: none)."""
    uri = WidScanLinkPayload(server="http://127.0.0.1:9", link="link-0123456789abcdef",
                             code="code-0123456789abcdef").to_uri()
    png = tmp_path / "koppel.png"
    segno.make(uri, error="m").save(png, scale=8, border=4)
    result = run("--lang", "en", "link", "--qr", png, "--accept")  # a technical detail is shown in English
    assert result.exit_code == 1 and "Error ZID-WIDSCAN-APP-SERVER-UNREACHABLE" in result.stderr
    assert "127.0.0.1:9/api/v1/widscan-links/link-0123456789abcdef/claim" in result.stderr
    assert not (tmp_path / "widscan" / "link.json").exists()


@pytest.mark.parametrize(("language", "mrz_text", "status"), [
    ("nl", VALID, 0), ("nl", EXPIRED, 1), ("en", VALID, 0), ("en", EXPIRED, 1),
])
def test_every_line_of_a_scan_is_in_one_language(run, language, mrz_text, status):
    result = run("--lang", language, "scan", "--mrz", mrz_text, "--no-record")
    assert result.exit_code == status
    assert_all_in(language, result.stdout, result.stderr, names=("WILLEKE LISELOTTE DE BRUIJN",))


@pytest.mark.parametrize("language", ["nl", "en"])
def test_status_and_refusals_are_in_one_language(run, language):
    assert_all_in(language, run("--lang", language, "status").stdout)
    assert_all_in(language, run("--lang", language, "scan", "--mrz", VALID, "--record").stderr)


def test_a_photo_of_a_valid_identity_card_is_read_and_checked(run, tmp_path):
    picture = tmp_path / "identiteitskaart.png"
    lines = compose_td1(number="NXC4F2K61", expiry_date=dt.date.today() + dt.timedelta(days=400))
    picture.write_bytes(specimen_images.png(specimen_images.document(lines)))
    result = run("scan", picture, "--no-record")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "Soort document: identiteitskaart" in result.stdout and "Documentnummer: *****2K61" in result.stdout
    assert result.stdout.rstrip().endswith("Geldig document")


def test_a_picture_without_an_mrz_is_refused_with_a_code(run, tmp_path):
    blank = tmp_path / "leeg.png"
    Image.new("L", (1200, 800), 255).save(blank)
    result = run("scan", blank)
    assert result.exit_code == 1 and "Fout ZID-WID-MRZ-NOT-FOUND" in result.stderr


def test_scan_wants_an_image_or_mrz_text_not_both(run, tmp_path):
    assert run("scan", tmp_path / "foto.png", "--mrz", VALID).exit_code == 2


# --- a driving licence: its expiry date typed off the card ----------------------------------------------------------

LICENCE = compose_driving_licence()[0]


def _dutch(day: dt.date) -> str:
    return f"{day:%d-%m-%Y}"


def test_a_driving_licence_with_a_typed_future_expiry_is_valid(run):
    expiry = dt.date.today() + dt.timedelta(days=400)
    result = run("scan", "--mrz", LICENCE, "--expiry", _dutch(expiry), "--no-record")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert f"Geldig tot en met: {_dutch(expiry)}" in result.stdout
    assert f"✓ Geldig tot en met {_dutch(expiry)}" in result.stdout
    assert "overgetypt van het rijbewijs (4b)" in result.stdout
    assert result.stdout.rstrip().endswith("Geldig document")


def test_a_driving_licence_with_a_typed_past_expiry_is_invalid_by_its_expiry(run):
    expiry = dt.date.today() - dt.timedelta(days=1)
    result = run("scan", "--mrz", LICENCE, "--expiry", _dutch(expiry), "--no-record")
    assert result.exit_code == 1
    assert f"✗ Verlopen op {_dutch(expiry)}" in result.stdout
    assert f"Ongeldig: Verlopen op {_dutch(expiry)}" in result.stdout
    assert "Fout ZID-WID-MRZ-EXPIRED" in result.stderr


@pytest.mark.parametrize(("typed", "detail"), [
    ("31-02-2030", "de datum 31-02-2030 bestaat niet"),
    ("1-1-99", "'1-1-99' is geen datum als dd-mm-jjjj"),
    ("01-01-3000", "01-01-3000 ligt meer dan 10 jaar na vandaag"),
    ("01-01-1999", "01-01-1999 ligt vóór 01-01-2000"),
    ("volgend jaar", "'volgend jaar' is geen datum als dd-mm-jjjj"),
    ("", "er is geen datum getypt"),
])
def test_a_strange_expiry_date_is_refused_with_its_code_before_the_document_is_checked(run, typed, detail):
    result = run("scan", "--mrz", LICENCE, "--expiry", typed, "--no-record")
    assert result.exit_code == 1
    assert "Fout ZID-WIDSCAN-APP-EXPIRY-DATE" in result.stderr and f"Details: {detail}" in result.stderr
    assert "Soort document" not in result.stdout and "Traceback" not in result.stderr


def test_a_typed_expiry_is_for_a_driving_licence_only(run):
    result = run("scan", "--mrz", VALID, "--expiry", _dutch(dt.date.today() + dt.timedelta(days=30)), "--no-record")
    assert result.exit_code == 2 and "alleen bij een rijbewijs" in result.stderr


def test_a_driving_licence_without_a_typed_date_is_not_valid_for_its_expiry_was_not_checked(run):
    result = run("scan", "--mrz", LICENCE, "--no-record")  # not a terminal: nothing is asked
    assert result.exit_code == 1 and "Geldig document" not in result.stdout
    assert "Geldig tot en met: (niet in de MRZ)" in result.stdout and "controleer de vervaldatum" in result.stdout
    assert "Fout ZID-WID-EXPIRY-UNCHECKED" in result.stderr


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_driving_licence_and_its_refusals_are_in_one_language(run, language):
    future = _dutch(dt.date.today() + dt.timedelta(days=30))
    valid = run("--lang", language, "scan", "--mrz", LICENCE, "--expiry", future, "--no-record")
    assert valid.exit_code == 0
    refused = run("--lang", language, "scan", "--mrz", LICENCE, "--expiry", "31-02-2030", "--no-record")
    assert refused.exit_code == 1
    assert_all_in(language, valid.stdout, refused.stderr)


def test_in_a_terminal_the_expiry_date_is_asked_again_until_it_is_a_date(tmp_path):
    """The real program with a terminal as its standard input: a wrong date is refused with its code, then asked
    again."""
    expiry = dt.date.today() + dt.timedelta(days=30)
    leader, follower = pty.openpty()
    program = Path(sys.executable).parent / "zorgid-widscan"
    args = [str(program), "--home", str(tmp_path / "widscan"), "--lang", "nl", "scan", "--mrz", LICENCE]
    with subprocess.Popen(args, stdin=follower, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        os.close(follower)
        os.write(leader, f"31-02-2030\n{expiry:%d.%m.%Y}\n".encode())
        out, err = process.communicate(timeout=60)
    os.close(leader)
    assert process.returncode == 0, out + err
    assert out.count("Vervaldatum op het rijbewijs (4b)") == 2
    assert "Fout ZID-WIDSCAN-APP-EXPIRY-DATE" in err and "31-02-2030 bestaat niet" in err
    assert f"✓ Geldig tot en met {_dutch(expiry)}" in out
