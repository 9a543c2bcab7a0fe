""""Scan QR": the payload comes from an image file (a photo or screenshot) or is given as text.

A screenshot of a registration QR must work (R-FLOW-SELFREG), so images are decoded with zxing-cpp;
pasting the link from under the QR works too, and so does the activation mail's link to its page. Images are
outside input: their size is bounded before they are decoded, and exactly one QR code must be found, so the app
never guesses which one was meant.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from urllib.parse import urlsplit

import zxingcpp
from PIL import Image, UnidentifiedImageError

from zorgid.protocol.errors import Detail, PayloadMalformed, ZorgidError
from zorgid.protocol.payloads import MAX_PAYLOAD_LENGTH, SCHEME, ActivationPayload, Payload, parse_payload

from .errors import QrUnreadable

MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
ACTIVATION_PAGE = "/activatie/"  # the page the activation mail links to (the server's applications pages)
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff"}


def read_qr_text(path: Path, error: type[ZorgidError] = QrUnreadable) -> str:
    """The text of the one QR code in the image at ``path``; ``error`` is the program's own refusal (the WID scan
    app reads its link QR with this reader too)."""
    try:
        if path.stat().st_size > MAX_IMAGE_BYTES:
            limit = MAX_IMAGE_BYTES // (1024 * 1024)
            raise error(Detail(f"{path.name} is groter dan {limit} MB", f"{path.name} is larger than {limit} MB"))
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise error(Detail(f"{path.name} heeft te veel pixels", f"{path.name} has too many pixels"))
                image.load()
                found = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            ValueError) as exc:
        raise error(Detail(f"{path.name} is geen leesbare afbeelding",
                           f"{path.name} is not a readable image")) from exc
    if not found:
        raise error(Detail(f"geen QR-code gevonden in {path.name}", f"no QR code found in {path.name}"))
    if len(found) > 1:
        raise error(Detail(f"{len(found)} QR-codes gevonden in {path.name}",
                           f"{len(found)} QR codes found in {path.name}"))
    return found[0].text


def payload_from_argument(argument: str) -> Payload:
    """An existing file is read as an image; the activation mail's link to its page is read as the activation that
    page shows; anything else is the payload text itself."""
    if argument.strip().lower().startswith(("http://", "https://")):
        return activation_from_page_link(argument)
    if not argument.startswith(f"{SCHEME}:"):
        path = Path(argument)
        if _is_file(path):
            return parse_payload(read_qr_text(path))
        if path.suffix.lower() in IMAGE_SUFFIXES:
            raise QrUnreadable(Detail(f"bestand {argument} bestaat niet", f"file {argument} does not exist"))
    return parse_payload(argument)


def activation_from_page_link(link: str) -> ActivationPayload:
    """The activation mail's link, ``<server>/activatie/<code>``: the server and code of the QR code on that page
    (``zorgid://activate?server=<server>&code=<code>``). Any other web address is no ZORG-ID code."""
    text = link.strip().rstrip(".,;:)>")  # a sentence's punctuation copied with the link (a code has none)
    if len(text) > MAX_PAYLOAD_LENGTH:
        raise PayloadMalformed(Detail("de link is te lang", "link is too long"))
    parts = urlsplit(text)
    if not parts.path.startswith(ACTIVATION_PAGE) or parts.query or parts.fragment:
        raise PayloadMalformed(Detail("een webadres dat geen link naar een activatiepagina is",
                                      "a web address that is no link to an activation page"))
    return ActivationPayload(server=f"{parts.scheme}://{parts.netloc}", code=parts.path[len(ACTIVATION_PAGE):])


def _is_file(path: Path) -> bool:
    """Like Path.is_file, but a text that cannot be a file name (too long, NUL) is simply not a file."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False
