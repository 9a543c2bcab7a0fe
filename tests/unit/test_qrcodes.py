"""A page's QR (zorgid.qrcodes.svg_inline) reads back as its payload: drawn from the SVG's own path, decoded by
zxing-cpp as the app's scanner does."""

import re

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from zorgid import qrcodes
from zorgid.protocol.payloads import LoginPayload

RUN = re.compile(r"M(\d+) (\d+(?:\.\d+)?)h(\d+)")


def draw(svg: str) -> Image.Image:
    """The SVG as a picture: white square, each dark run of the path one module high, 6 pixels a module."""
    modules = int(re.search(r'd="M0 0h(\d+)v', svg).group(1))
    picture = Image.new("L", (modules * qrcodes.SCALE, modules * qrcodes.SCALE), 255)
    pen = ImageDraw.Draw(picture)
    dark = re.search(r'<path stroke="#000" d="([^"]+)"', svg).group(1)
    for x, y, length in RUN.findall(dark):
        top = int(float(y) - 0.5) * qrcodes.SCALE
        left = int(x) * qrcodes.SCALE
        pen.rectangle([left, top, left + int(length) * qrcodes.SCALE - 1, top + qrcodes.SCALE - 1], fill=0)
    return picture


@pytest.mark.parametrize("payload", [
    LoginPayload(server="https://zorgid.example.nl", flow="0123456789abcdef0123456789abcdef").to_uri(),
    "zorgid://activate?v=3&server=http%3A%2F%2F127.0.0.1%3A8000&code=ABCD-EFGH-IJKL",
])
def test_a_pages_qr_reads_back_as_its_payload(payload):
    svg = qrcodes.svg_inline(payload, title="QR-code")
    found = zxingcpp.read_barcode(draw(svg), formats=zxingcpp.BarcodeFormat.QRCode)
    assert found is not None and found.text == payload


def test_the_title_is_escaped():
    svg = qrcodes.svg_inline("zorgid://x", title='<script>"')
    assert "<title>&lt;script&gt;&quot;</title>" in svg and "<script>" not in svg
