""""Scan QR": the payload comes from an image file (a photo or screenshot) or is given as text.

A screenshot of a registration QR must work (R-FLOW-SELFREG), so images are decoded with zxing-cpp;
pasting the link from under the QR works too. Images are outside input: their size is bounded before
they are decoded, and exactly one QR code must be found, so the app never guesses which one was meant.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import zxingcpp
from PIL import Image, UnidentifiedImageError

from zorgid.protocol.payloads import SCHEME, Payload, parse_payload

from .errors import QrUnreadable

MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff"}


def read_qr_text(path: Path) -> str:
    """The text of the one QR code in the image at ``path``."""
    try:
        if path.stat().st_size > MAX_IMAGE_BYTES:
            raise QrUnreadable(f"{path.name} is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB")
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise QrUnreadable(f"{path.name} has too many pixels")
                image.load()
                found = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            ValueError) as exc:
        raise QrUnreadable(f"{path.name} is not a readable image") from exc
    if not found:
        raise QrUnreadable(f"no QR code found in {path.name}")
    if len(found) > 1:
        raise QrUnreadable(f"{len(found)} QR codes found in {path.name}")
    return found[0].text


def payload_from_argument(argument: str) -> Payload:
    """An existing file is read as an image; anything else is the payload text itself."""
    if not argument.startswith(f"{SCHEME}:"):
        path = Path(argument)
        if _is_file(path):
            return parse_payload(read_qr_text(path))
        if path.suffix.lower() in IMAGE_SUFFIXES:
            raise QrUnreadable(f"file {argument} does not exist")
    return parse_payload(argument)


def _is_file(path: Path) -> bool:
    """Like Path.is_file, but a text that cannot be a file name (too long, NUL) is simply not a file."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False
