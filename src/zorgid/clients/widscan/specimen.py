"""Specimen identity documents for trying ``zorgid-widscan scan`` without a real one (R-FLOW-WIDSCAN): test data.

A specimen carries the names of the Dutch government's specimen documents (DE BRUIJN, WILLEKE LISELOTTE), numbers
that begin with SPECI (a driving licence: 999…), "SPECIMEN" on its face, and an MRZ with correct check digits
(zorgid.clients.widscan.mrz's compose_* functions) that expires after the document's usual validity from today, or
a year ago (``expired``). zorgid.clients.widscan.specimen_images draws it, as a clean scan or as a phone photo.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ..terminal import file_problem
from . import mrz, specimen_images
from .app_errors import FileNotWritten

# the kind of document → (years valid, document number): the documents' usual validity for an adult
KINDS = {
    mrz.PASPOORT: (10, "SPECI2014"),
    mrz.IDENTITEITSKAART: (10, "SPECI2021"),
    mrz.RIJBEWIJS: (10, "9999992024"),
    mrz.VERBLIJFSDOCUMENT: (5, "SPECI2022"),
}
SUFFIXES = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
SURNAME, GIVEN_NAMES, BIRTH_DATE = "DE BRUIJN", "WILLEKE LISELOTTE", date(1965, 3, 10)
STAMP = "SPECIMEN"
_STAMP_INK = (200, 30, 40)


@dataclass(frozen=True)
class Specimen:
    """A drawn document: its kind, MRZ lines, expiry date (the driving licence's on its face only) and picture."""

    kind: str
    lines: tuple[str, ...]
    expiry_date: date
    number: str
    image: Image.Image

    @property
    def number_last4(self) -> str:
        return self.number[-4:]


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without it
        return day.replace(year=day.year + years, day=28)


def expiry_of(kind: str, today: date, *, expired: bool = False) -> date:
    """A year before today when ``expired``; otherwise the last day of the kind's validity from today."""
    if expired:
        return _years_later(today, -1)
    return _years_later(today, KINDS[kind][0]) - timedelta(days=1)


def _lines(kind: str, number: str, expiry: date) -> tuple[str, ...]:
    common = {"surname": SURNAME, "given_names": GIVEN_NAMES, "number": number, "birth_date": BIRTH_DATE,
              "expiry_date": expiry}
    if kind == mrz.PASPOORT:
        return mrz.compose_td3(**common)
    if kind == mrz.IDENTITEITSKAART:
        return mrz.compose_td1(**common)
    if kind == mrz.VERBLIJFSDOCUMENT:
        return mrz.compose_td1(document_code="IR", nationality="USA", **common)
    return mrz.compose_driving_licence(number=number)


def _face(kind: str, expiry: date) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The title and printed fields (label, value): on a card only three fit, the expiry date among them."""
    if kind == mrz.RIJBEWIJS:
        return "RIJBEWIJS  NEDERLAND  (SPECIMEN)", (
            ("1. 2. Naam / Name", f"{SURNAME}, {GIVEN_NAMES}"), ("3. Geboortedatum", f"{BIRTH_DATE:%d.%m.%Y}"),
            ("4b. Geldig tot / Valid until", f"{expiry:%d.%m.%Y}"))
    title = {mrz.PASPOORT: "KONINKRIJK DER NEDERLANDEN  PASPOORT", mrz.IDENTITEITSKAART: "NEDERLANDSE IDENTITEITSKAART",
             mrz.VERBLIJFSDOCUMENT: "VERBLIJFSDOCUMENT"}[kind]
    return title, (("Naam / Surname", SURNAME), ("Voornamen / Given names", GIVEN_NAMES),
                   ("Geldig tot / Date of expiry", f"{expiry:%d-%m-%Y}"))


def _stamp(image: Image.Image) -> None:
    """SPECIMEN in red in the photo's box and in the top right corner, away from the MRZ."""
    mm = specimen_images.DOTS_PER_MM
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(round(3.2 * mm))
    draw.text((image.width - 4 * mm, 3 * mm), STAMP, font=font, fill=_STAMP_INK, anchor="ra")
    draw.text((6 * mm, 16 * mm), STAMP, font=font, fill=_STAMP_INK)


def draw(kind: str, today: date, *, expired: bool = False) -> Specimen:
    """The specimen of this kind (mrz.PASPOORT, mrz.IDENTITEITSKAART, mrz.RIJBEWIJS, mrz.VERBLIJFSDOCUMENT)."""
    number = KINDS[kind][1]
    expiry = expiry_of(kind, today, expired=expired)
    lines = _lines(kind, number, expiry)
    title, fields = _face(kind, expiry)
    image = specimen_images.document(lines, title=title, fields=fields)
    _stamp(image)
    return Specimen(kind=kind, lines=lines, expiry_date=expiry, number=number, image=image)


def picture(specimen: Specimen, file_format: str, *, photo: bool = False, seed: int = 0) -> bytes:
    """The specimen's bytes as a clean scan, or as a phone photo of it (specimen_images.photo, repeatable by
    ``seed``), in ``file_format`` ("PNG" or "JPEG")."""
    image = specimen.image
    if photo:
        jpeg = specimen_images.photo(image, seed)
        if file_format == "JPEG":
            return jpeg
        image = Image.open(io.BytesIO(jpeg))
    out = io.BytesIO()
    image.convert("RGB").save(out, format=file_format, **({"quality": 92} if file_format == "JPEG" else {}))
    return out.getvalue()


def write(path: Path, data: bytes) -> None:
    """The picture's bytes to ``path`` (an existing file is replaced); FileNotWritten when that fails."""
    try:
        path.write_bytes(data)
    except OSError as error:
        raise FileNotWritten(file_problem(f"{path} is niet geschreven", f"{path} was not written", error)) from None



def file_format(path: Path) -> str | None:
    """"PNG" or "JPEG" as the file's name says, or None when it says neither."""
    return SUFFIXES.get(path.suffix.lower())
