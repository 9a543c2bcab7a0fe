"""Reading the payload from an image (a screenshot of the QR) or from the pasted link."""

import pytest
import segno
from PIL import Image

from zorgid.clients.app.errors import QrUnreadable
from zorgid.clients.app.qr import payload_from_argument, read_qr_text
from zorgid.protocol.errors import PayloadMalformed
from zorgid.protocol.payloads import ActivationPayload, LoginPayload

ACTIVATION = ActivationPayload("https://portal.example", "activation-code-0123456789").to_uri()


def test_reads_the_payload_from_a_png(tmp_path):
    path = tmp_path / "qr.png"
    segno.make(ACTIVATION, error="m").save(str(path), scale=8, border=4)
    assert read_qr_text(path) == ACTIVATION
    payload = payload_from_argument(str(path))
    assert isinstance(payload, ActivationPayload) and payload.code == "activation-code-0123456789"


def test_png_without_a_qr_code_is_refused(tmp_path):
    path = tmp_path / "blank.png"
    Image.new("RGB", (200, 200), "white").save(path)
    with pytest.raises(QrUnreadable) as caught:
        payload_from_argument(str(path))
    assert "no QR code" in caught.value.detail


def test_image_with_two_qr_codes_is_refused(tmp_path):
    one, two = tmp_path / "one.png", tmp_path / "two.png"
    segno.make(ACTIVATION, error="m").save(str(one), scale=8, border=4)
    segno.make("zorgid://other", error="m").save(str(two), scale=8, border=4)
    first, second = Image.open(one).convert("L"), Image.open(two).convert("L")
    both = Image.new("L", (first.width + second.width + 40, max(first.height, second.height)), 255)
    both.paste(first, (0, 0))
    both.paste(second, (first.width + 40, 0))
    both.save(tmp_path / "both.png")
    with pytest.raises(QrUnreadable):
        read_qr_text(tmp_path / "both.png")


def test_file_that_is_no_image_is_refused(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("no image here")
    with pytest.raises(QrUnreadable):
        payload_from_argument(str(path))


def test_missing_image_file_is_refused(tmp_path):
    with pytest.raises(QrUnreadable):
        payload_from_argument(str(tmp_path / "missing.png"))


def test_payload_text_is_parsed():
    uri = LoginPayload("https://portal.example", "flow-id-0123456789abcdef").to_uri()
    assert isinstance(payload_from_argument(uri), LoginPayload)
    with pytest.raises(PayloadMalformed):
        payload_from_argument("https://evil.example/login")
    with pytest.raises(PayloadMalformed):
        payload_from_argument("x" * 5000)
