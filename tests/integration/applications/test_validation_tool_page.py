"""The validation tool's page (R-FLOW-APPLY step 2): the manual as HTML, the download with its SHA-256, and the
confirmation mail's link to that download (applications/validation_tool.py)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.applications.helpers import apply, delivered
from zorgid.applications import validation_tool

pytestmark = pytest.mark.django_db(transaction=True)  # the outbox sends what other transactions committed
BUILD = Path(__file__).resolve().parents[3] / "scripts" / "build_validatietool.py"
DOWNLOAD = "/aanvragen/validatietool/zorgid-validatietool.pyz"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """``make validatietool``'s script, run as make runs it."""
    out = tmp_path_factory.mktemp("dist") / "zorgid-validatietool.pyz"
    subprocess.run([sys.executable, str(BUILD), str(out)], check=True, capture_output=True, timeout=120)
    return out


def test_the_manual_is_html_not_markdown(client):
    page = client.get("/aanvragen/validatietool").content.decode()
    manual = page.split('data-testid="manual"', 1)[1]
    assert "<h3>Installeren</h3>" in manual and "<table>" in manual and "<code>sign</code>" in manual
    assert "<h1>" not in manual and "handleiding voor de technisch beheerder" not in manual  # the page's own title
    assert "\n## " not in manual and "```" not in manual


def test_raw_html_in_the_manual_is_shown_as_text_never_passed_through():
    html = validation_tool._render("Tekst <script>alert(1)</script> en <b>vet</b>\n\n<div onclick=x>blok</div>\n")
    assert "<script>" not in html and "<b>" not in html and "<div" not in html
    assert "&lt;script&gt;" in html and "&lt;div onclick=x&gt;" in html


def test_without_a_build_the_page_says_so_and_the_download_is_a_clear_404(client):
    page = client.get("/aanvragen/validatietool").content.decode()
    assert 'data-testid="download-missing"' in page and DOWNLOAD not in page
    response = client.get(DOWNLOAD)
    assert response.status_code == 404 and "ZID-APPLICATION-TOOL-MISSING" in response.content.decode()


def test_the_page_offers_the_built_file_with_its_sha256(client, settings, built):
    settings.ZORGID_VALIDATIETOOL_PYZ = built
    page = client.get("/aanvragen/validatietool").content.decode()
    assert f'href="{DOWNLOAD}"' in page
    assert hashlib.sha256(built.read_bytes()).hexdigest() in page
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="zorgid-validatietool.pyz"'
    assert b"".join(response.streaming_content) == built.read_bytes()


def test_the_confirmation_mail_links_the_download(client, mailoutbox, settings):
    settings.ZORGID_BASE_URL = "https://portaal.zorgid.example"
    apply(client, product="mobiel")
    confirmation = next(m for m in delivered(mailoutbox) if m.to == ["tb@linde.example"])
    assert "https://portaal.zorgid.example" + DOWNLOAD in confirmation.body
    assert "pip install" not in confirmation.body
