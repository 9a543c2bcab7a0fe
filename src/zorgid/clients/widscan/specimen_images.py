"""Specimen pictures of identity documents for zorgid-widscan's tests and bench (R-FLOW-WIDSCAN): no photograph
of a real document is needed, nor trusted.

``document(lines)`` draws the machine readable zone (MRZ) in OCR-B, at its standard pitch of 2.54 mm per
character, on a pale card with printed "document" text, boxes and background lines above it, so that a reader has
to find the MRZ first: two lines of 44 on a passport page (TD3, 125 x 88 mm), three lines of 30 on an identity
card or residence document (TD1, ID-1 card size 85.6 x 54 mm), one line of 30 on a driving licence (ID-1).
``blank(kind)`` is the same card without an MRZ. ``photo(image, seed)`` makes what a phone camera gives of it:
the card on a table, slightly rotated (up to 3 degrees), optionally in perspective, unevenly lit, blurred, noisy
and JPEG-compressed; the same seed gives the same bytes.

The font is Debian's fonts-ocr-b (scripts/system-deps.sh installs it); Pillow draws everything.
"""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from zorgid.clients.widscan.image_errors import SpecimenFontMissing

OCR_B = Path("/usr/share/fonts/opentype/ocr-b/OCRB.otf")
DOTS_PER_MM = 12  # about 300 dpi, what a flatbed scan or a sharp phone photo of a card gives
PITCH_MM = 2.54  # ICAO 9303: ten characters per inch
LINE_PITCH_MM = 4.3

PASSPORT = "passport"
ID_CARD = "id_card"
DRIVING_LICENCE = "driving_licence"
SIZES_MM = {PASSPORT: (125.0, 88.0), ID_CARD: (85.6, 54.0), DRIVING_LICENCE: (85.6, 54.0)}
PALE = {PASSPORT: (236, 226, 238), ID_CARD: (222, 236, 246), DRIVING_LICENCE: (246, 226, 230)}
SHAPES = {PASSPORT: (2, 44), ID_CARD: (3, 30), DRIVING_LICENCE: (1, 30)}


def kind_of(lines: Sequence[str]) -> str:
    """Which document carries MRZ lines of this shape."""
    shape = (len(lines), max((len(line) for line in lines), default=0))
    for kind, known in SHAPES.items():
        if shape == known:
            return kind
    raise ValueError(f"no document has an MRZ of {shape[0]} line(s) of {shape[1]} characters")


def _mm(value: float) -> int:
    return round(value * DOTS_PER_MM)


def _ocr_b(size: int) -> ImageFont.FreeTypeFont:
    if not OCR_B.is_file():
        raise SpecimenFontMissing(detail=str(OCR_B))
    return ImageFont.truetype(str(OCR_B), size)


def blank(kind: str, *, title: str | None = None,
          fields: Sequence[tuple[str, str]] | None = None) -> Image.Image:
    """The card or passport page of this kind with its printed text and no MRZ; ``title`` and ``fields`` (label,
    value) replace the specimen's own."""
    width_mm, height_mm = SIZES_MM[kind]
    image = Image.new("RGB", (_mm(width_mm), _mm(height_mm)), PALE[kind])
    draw = ImageDraw.Draw(image)
    ink = tuple(max(0, c - 40) for c in PALE[kind])
    for k in range(0, image.height, _mm(1.6)):  # the fine background lines of a security print
        draw.line([(0, k), (image.width, k + _mm(6))], fill=tuple(max(0, c - 14) for c in PALE[kind]), width=1)
    label = ImageFont.load_default(_mm(1.6))
    value = ImageFont.load_default(_mm(2.4))
    title = title or {PASSPORT: "KONINKRIJK DER NEDERLANDEN  PASPOORT", ID_CARD: "NEDERLANDSE IDENTITEITSKAART",
                      DRIVING_LICENCE: "RIJBEWIJS  NEDERLAND"}[kind]
    draw.text((_mm(4), _mm(3)), title, font=value, fill=ink)
    photo_box = (_mm(4), _mm(9), _mm(4) + _mm(width_mm * 0.28), _mm(9) + _mm(height_mm * 0.42))
    draw.rectangle(photo_box, fill=(196, 196, 200), outline=ink)
    x = photo_box[2] + _mm(4)
    fields = fields or (("Naam / Surname", "DE BRUIJN"), ("Voornamen / Given names", "WILLEKE LISELOTTE"),
                        ("Geboortedatum / Date of birth", "10 MAA/MAR 1965"),
                        ("Geldig tot / Date of expiry", "09 MAA 2024"))
    y = _mm(9)
    for name, text in fields:
        if y + _mm(6) > photo_box[3]:
            break
        draw.text((x, y), name, font=label, fill=ink)
        draw.text((x, y + _mm(1.9)), text, font=value, fill=(40, 40, 48))
        y += _mm(6)
    draw.rectangle((x, photo_box[3] - _mm(5), x + _mm(30), photo_box[3]), outline=ink)  # the signature box
    return image


def document(lines: Sequence[str], *, title: str | None = None,
             fields: Sequence[tuple[str, str]] | None = None) -> Image.Image:
    """The document whose MRZ has these lines, the MRZ in OCR-B along the bottom edge (``title`` and ``fields``:
    as :func:`blank`)."""
    kind = kind_of(lines)
    image = blank(kind, title=title, fields=fields)
    pitch = PITCH_MM * DOTS_PER_MM
    font = _ocr_b(round(pitch / (_ocr_b(100).getlength("<") / 100)))
    draw = ImageDraw.Draw(image)
    left = (image.width - pitch * SHAPES[kind][1]) / 2
    bottom = image.height - _mm(3.5)
    for row, line in enumerate(lines):
        baseline = bottom - (len(lines) - 1 - row) * _mm(LINE_PITCH_MM)
        for column, character in enumerate(line):
            draw.text((left + column * pitch, baseline), character, font=font, fill=(18, 18, 24), anchor="ls")
    return image


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _perspective_coefficients(source: list[tuple[float, float]], target: list[tuple[float, float]]) -> list[float]:
    """Pillow's eight PERSPECTIVE coefficients that map each target corner back to its source corner."""
    rows = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y, u])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y, v])
    for i in range(8):  # Gauss-Jordan elimination with partial pivoting on the 8 x 9 augmented matrix
        pivot = max(range(i, 8), key=lambda r: abs(rows[r][i]))
        rows[i], rows[pivot] = rows[pivot], rows[i]
        rows[i] = [value / rows[i][i] for value in rows[i]]
        for r in range(8):
            if r != i:
                factor = rows[r][i]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[i], strict=True)]
    return [row[8] for row in rows]


def photo(image: Image.Image, seed: int, *, perspective: bool = False, strength: float = 1.0) -> bytes:
    """JPEG bytes of a phone photo of ``image``: on a table, rotated up to 3 degrees, unevenly lit, blurred,
    noisy and compressed; ``strength`` scales blur, noise and compression (1.0 a hand-held photo in a
    consulting room). The same arguments give the same bytes."""
    rng = random.Random(seed)  # noqa: S311 - a test picture, repeatable by its seed, no secret
    margin = _mm(8)
    table = (rng.randint(70, 130), rng.randint(60, 110), rng.randint(50, 90))
    canvas = Image.new("RGB", (image.width + 2 * margin, image.height + 2 * margin), table)
    canvas.paste(image, (margin + rng.randint(-_mm(3), _mm(3)), margin + rng.randint(-_mm(3), _mm(3))))
    if perspective:
        w, h = canvas.size
        shift = [(rng.uniform(0, 0.04) * w, rng.uniform(0, 0.04) * h) for _ in range(4)]
        corners = [(0, 0), (w, 0), (w, h), (0, h)]
        moved = [(x + (dx if x == 0 else -dx), y + (dy if y == 0 else -dy))
                 for (x, y), (dx, dy) in zip(corners, shift, strict=True)]
        canvas = canvas.transform(canvas.size, Image.Transform.PERSPECTIVE,
                                  _perspective_coefficients(corners, moved), Image.Resampling.BICUBIC,
                                  fillcolor=table)
    canvas = canvas.rotate(rng.uniform(-3.0, 3.0), Image.Resampling.BICUBIC, expand=True, fillcolor=table)
    # uneven light: a gradient from one side, between 55 and 100 % brightness
    light = Image.linear_gradient("L").rotate(rng.uniform(0, 360), Image.Resampling.BILINEAR)
    light = light.crop((64, 64, 192, 192)).resize(canvas.size, Image.Resampling.BILINEAR)
    light = light.point(lambda p: 140 + max(0, p - 64) * 115 // 128)
    canvas = ImageChops.multiply(canvas, Image.merge("RGB", (light, light, light)))
    canvas = canvas.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.4) * strength))
    amplitude = max(1, round(rng.uniform(10, 22) * strength))
    noise = Image.frombytes("L", canvas.size, rng.randbytes(canvas.width * canvas.height))
    noise = noise.point(lambda p: 128 - amplitude + p * 2 * amplitude // 255)
    canvas = ImageChops.add(canvas, Image.merge("RGB", (noise, noise, noise)), offset=-128)
    scale = rng.uniform(0.8, 1.0)
    canvas = canvas.resize((round(canvas.width * scale), round(canvas.height * scale)), Image.Resampling.BILINEAR)
    out = io.BytesIO()
    canvas.save(out, format="JPEG", quality=max(10, round(rng.uniform(45, 80) / max(strength, 0.5))))
    return out.getvalue()
