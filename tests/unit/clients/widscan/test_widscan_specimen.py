"""``zorgid-widscan specimen``: a specimen document (test data) that ``scan`` reads back, valid or expired."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from PIL import Image
from typer.testing import CliRunner

from zorgid.clients.widscan import cli, mrz, specimen, specimen_images

TODAY = dt.date.today()


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.delenv(cli.HOME_ENV, raising=False)
    runner = CliRunner()

    def invoke(*args: object):
        return runner.invoke(cli.app, ["--home", str(tmp_path / "widscan"), *(str(arg) for arg in args)])

    return invoke


def test_a_specimen_identity_card_is_read_back_by_scan_as_valid(run, tmp_path):
    picture = tmp_path / "identiteitskaart.png"
    made = run("specimen", "identiteitskaart", picture)
    assert made.exit_code == 0, made.stdout + made.stderr
    expiry = specimen.expiry_of(mrz.IDENTITEITSKAART, TODAY)
    assert "testgegevens, geen echt document" in made.stdout
    assert "Soort document: identiteitskaart" in made.stdout and "Documentnummer: *****2021" in made.stdout
    assert f"Geldig tot en met: {expiry:%d-%m-%Y}" in made.stdout
    assert picture.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")

    scanned = run("scan", picture, "--no-record")
    assert scanned.exit_code == 0, scanned.stdout + scanned.stderr
    assert "Soort document: identiteitskaart" in scanned.stdout
    assert "Naam: WILLEKE LISELOTTE DE BRUIJN" in scanned.stdout
    assert f"Geldig tot en met: {expiry:%d-%m-%Y}" in scanned.stdout
    assert scanned.stdout.rstrip().endswith("Geldig document")


@pytest.mark.parametrize("kind", list(specimen.KINDS))
def test_an_expired_specimen_fails_the_expiry_check_only(kind):
    drawn = specimen.draw(kind, TODAY, expired=True)
    document = mrz.parse("\n".join(drawn.lines), today=TODAY)
    if kind == mrz.RIJBEWIJS:  # its MRZ has no dates: the date printed at 4b is typed
        document = dataclasses.replace(document, expiry_date=drawn.expiry_date)
    result = mrz.check(document, TODAY)
    assert document.document_type == kind
    assert [item.key for item in result.failures] == ["expiry"]
    assert drawn.expiry_date < TODAY


@pytest.mark.parametrize("kind", list(specimen.KINDS))
def test_a_specimen_is_a_valid_document_of_its_kind_until_its_expiry(kind):
    drawn = specimen.draw(kind, TODAY)
    document = mrz.parse("\n".join(drawn.lines), today=TODAY)
    if kind == mrz.RIJBEWIJS:
        document = dataclasses.replace(document, expiry_date=drawn.expiry_date)
    assert mrz.check(document, TODAY).valid and document.expiry_date == drawn.expiry_date > TODAY
    assert document.number_last4 == drawn.number_last4


def test_expired_is_said_and_the_driving_licence_says_which_date_to_type(run, tmp_path):
    made = run("specimen", "rijbewijs", tmp_path / "rijbewijs.jpg", "--expired")
    expiry = specimen.expiry_of(mrz.RIJBEWIJS, TODAY, expired=True)
    assert made.exit_code == 0, made.stdout + made.stderr
    assert f"Geldig tot en met: {expiry:%d-%m-%Y} (verlopen)" in made.stdout
    assert f"--expiry {expiry:%d-%m-%Y}" in made.stdout
    assert (tmp_path / "rijbewijs.jpg").read_bytes().startswith(b"\xff\xd8")


def test_a_photo_is_written_in_the_format_its_name_says_and_repeats_by_its_seed(run, tmp_path):
    for name in ("a.png", "b.png", "c.jpeg"):
        assert run("specimen", "identiteitskaart", tmp_path / name, "--photo", "--seed", 3).exit_code == 0
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    with Image.open(tmp_path / "a.png") as png, Image.open(tmp_path / "c.jpeg") as jpeg:
        assert (png.format, jpeg.format) == ("PNG", "JPEG") and png.size == jpeg.size
        assert png.size != specimen.draw(mrz.IDENTITEITSKAART, TODAY).image.size  # the card on a table


def test_a_specimen_names_itself_a_specimen_on_its_face():
    drawn = specimen.draw(mrz.PASPOORT, TODAY)
    red = sum(count for count, (r, g, b) in drawn.image.getcolors(1 << 24) if r > 150 and g < 80 and b < 80)
    assert red > 500  # the SPECIMEN stamps
    assert drawn.lines[0].startswith("P<NLDDE<BRUIJN<<WILLEKE<LISELOTTE")


@pytest.mark.parametrize(("args", "hint"), [
    (("reisdocument", "x.png"), "SOORT"),
    (("paspoort", "x.gif"), "BESTAND"),
    (("paspoort", "x.png", "--seed", "-1"), "--seed"),
])
def test_a_wrong_kind_name_or_seed_is_a_usage_error(run, tmp_path, args, hint):
    result = run("specimen", *args)
    assert result.exit_code == 2 and hint in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_a_file_that_cannot_be_written_is_refused_with_a_code(run, tmp_path):
    result = run("specimen", "paspoort", tmp_path / "geen-map" / "paspoort.png")
    assert result.exit_code == 1 and "Fout ZID-WIDSCAN-APP-FILE-NOT-WRITTEN" in result.stderr
    assert "bestaat niet" in result.stderr


def test_without_the_ocr_b_font_the_specimen_is_refused_with_a_code(run, tmp_path, monkeypatch):
    monkeypatch.setattr(specimen_images, "OCR_B", tmp_path / "geen-lettertype.otf")
    result = run("specimen", "paspoort", tmp_path / "paspoort.png")
    assert result.exit_code == 1 and "Fout ZID-WID-SPECIMEN-FONT-MISSING" in result.stderr
    assert not (tmp_path / "paspoort.png").exists()
