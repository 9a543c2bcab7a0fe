"""A photo of an identity document to its MRZ, read and parsed (R-FLOW-WIDSCAN): zorgid.clients.widscan.ocr
reads, zorgid.clients.widscan.mrz parses and decides.

The text recognition gives one reading per variant of the picture (zorgid.clients.widscan.ocr says which).
``read_document`` takes a reading whose check digits all pass only once two variants read it alike: a check digit
is one digit, so a reading with two errors passes it one time in ten (measured: 1 in 24 noisy photos without this
rule, bench/README.md). Letters that text recognition confuses with digits (O and 0, I and 1, …) are put right
where the MRZ allows only letters (the name) before parsing; mrz.parse does so where it allows only digits. When no
reading is confirmed, the one with the most check digits right (of those, the one read most often) is returned,
so that mrz.check refuses it with the check digit that is wrong: a misread is never taken for a valid document on
its own word. The name has no check digit: the employee compares the name shown with the one on the document.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from zorgid.clients.widscan import mrz, ocr
from zorgid.clients.widscan.image_errors import ImageTooLarge, ImageUnreadable, MrzNotFound
from zorgid.protocol.errors import Detail, ZorgidError

AGREEING_READINGS = 2
LETTERS_FOR_DIGITS = str.maketrans({"0": "O", "1": "I", "2": "Z", "5": "S", "6": "G", "8": "B"})


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refused before reading when larger than ocr.MAX_BYTES."""
    try:
        size = path.stat().st_size
        if size > ocr.MAX_BYTES:
            raise ImageTooLarge(detail=f"{path}: {size} bytes; at most {ocr.MAX_BYTES} bytes")
        with path.open("rb") as file:
            return file.read(ocr.MAX_BYTES + 1)
    except OSError as error:
        raise ImageUnreadable(detail=f"{path}: {error.strerror or error}") from None


def letters_in_names(reading: str) -> str:
    """The reading with digits in the name field read as the letters they look like (a name has no digits)."""
    lines = reading.split("\n")
    if [len(line) for line in lines] == [44, 44]:
        lines[0] = lines[0][:5] + lines[0][5:].translate(LETTERS_FOR_DIGITS)
    elif [len(line) for line in lines] == [30, 30, 30]:
        lines[2] = lines[2].translate(LETTERS_FOR_DIGITS)
    return "\n".join(lines)


def _passed(document: mrz.MrzDocument) -> int:
    return sum(digit_field.passed for digit_field in document.digit_fields)


def read_document(image: Path | bytes, today: date) -> mrz.MrzDocument:
    """The MRZ of the document in the picture (a file or its bytes), parsed as read by text recognition."""
    data = read_bytes(image) if isinstance(image, Path) else image
    failing: dict[tuple[str, ...], tuple[int, int, mrz.MrzDocument]] = {}  # lines: check digits right, times read
    passing: dict[tuple[str, ...], int] = {}
    seen: list[str] = []
    for reading in ocr.readings(data):
        seen.append(reading)
        try:
            document = mrz.parse(letters_in_names(reading), from_ocr=True, today=today)
        except ZorgidError:
            continue  # not the shape of an MRZ: the next variant
        if _passed(document) == len(document.digit_fields):
            passing[document.lines] = passing.get(document.lines, 0) + 1
            if passing[document.lines] >= AGREEING_READINGS:
                return document
        else:
            times = failing[document.lines][1] + 1 if document.lines in failing else 1
            failing[document.lines] = (_passed(document), times, document)
    # the unconfirmed reading shown: most check digits right, then read most often (what is printed, most likely)
    best = max(failing.values(), key=lambda entry: entry[:2])[2] if failing else None
    if best is None:
        if passing:
            raise MrzNotFound(detail=Detail(
                nl="één lezing met juiste controlecijfers, maar geen tweede die hetzelfde las",
                en="a reading with correct check digits was not confirmed by a second one"))
        raise MrzNotFound(detail=ocr.not_an_mrz(seen) if seen else ocr.NO_MRZ_LINES)
    return best
