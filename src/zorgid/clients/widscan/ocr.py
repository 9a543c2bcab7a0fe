"""Reading the machine readable zone (MRZ) of an identity document from a photo (R-FLOW-WIDSCAN).

``read_mrz(image_bytes)`` gives the MRZ lines as read, newline-separated; ``read_candidates(image_bytes)`` gives
every reading it tried, best first, so that a caller (zorgid.clients.widscan.scan) takes the first whose check
digits pass. A misread is never valid on its own word: only the MRZ's check digits decide.

How, and why so (measured with the specimen pictures of zorgid.clients.widscan.specimen_images, bench/widscan.py
and bench/README.md):

1. The picture is refused before it is decoded when the file is over 20 MB or the picture over 40 megapixels
   (its header says so; a decompression bomb is never unpacked), and when it is not a picture Pillow knows.
2. It is turned upright by its EXIF orientation, made grey and at most 1600 pixels on its longest side; the
   lighting is flattened (the picture subtracted from its local background) and it is made black and white
   (Otsu's threshold); the skew (up to 5 degrees either way) is the rotation whose row profile is sharpest.
3. The MRZ is found by its shape: text lines far wider than high (at least 18 times), made of many separate
   characters, one to three of them stacked with the same left and right ends.
4. Every MRZ character sits in a cell of the same width (OCR-B at 2.54 mm, and no MRZ position is empty), so each
   line is cut into its 44 or 30 cells and the cells are set apart with wide gaps in a clean picture before the
   text recognition reads it. This step is what makes it work: Tesseract's ``eng`` model reads a run of filler
   characters ``<<<<<<`` as ``K`` or drops some of them when they stand as closely as a document prints them
   (0 of 12 specimen documents read exactly, whole picture or cropped MRZ, any page segmentation mode), and
   reads them one by one when they stand apart.
5. The text recognition is Tesseract 5 (LSTM) through tesserocr, in this process, with Debian's ``eng`` model
   (tesseract-ocr-eng; nothing is downloaded) and the MRZ characters ``A-Z 0-9 <`` as the only ones allowed;
   tesserocr keeps the model loaded, about 0.07 s a call against 0.4 to 0.9 s for pytesseract, which starts the
   ``tesseract`` program for every call. PassportEye was not taken: it needs scikit-image and SciPy for what
   Pillow does here, and its own MRZ model file.
6. The first stack of lines is read with fourteen kinds of cells (24 to 64 pixels high, grey or black and white),
   those the ``eng`` model reads best first: 36 and 40 pixels high, as the model's network takes its lines 36
   pixels high (``combine_tessdata -d`` shows its spec). At 64 pixels it reads ``1`` as ``4`` and ``7`` as ``0``;
   four kinds of cells 64 and 40 pixels high read 7 of 9 clean pictures, all fourteen read every one. A second
   stack found with another threshold is read with the best four kinds; then the picture upside down and turned a
   quarter, each turn's first stack again with all fourteen. zorgid.clients.widscan.scan stops once two readings
   agree and pass every check digit, so a clean picture takes two or three readings; a picture is given up after
   MAX_READINGS (a noisy photo may show dozens of MRZ-like stacks, and every exact reading measured came from the
   first stack of its turn).

Measured (bench/README.md): every clean picture read exactly (9 of 9, and 24 of 24 while choosing the cells); of 50
seeded noisy phone photos 49 read exactly (98 %), the other with one letter of its name misread (no check digit
covers a name), none otherwise wrong but valid; a photo takes 0.4 s (p50) to 1 s (p95) on the development machine
while it was shared, a very noisy one up to 4.4 s (p95).
"""

from __future__ import annotations

import io
import os
import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageFilter, ImageOps, UnidentifiedImageError

from zorgid.clients.widscan.image_errors import ImageTooLarge, ImageUnreadable, MrzNotFound, OcrUnavailable
from zorgid.protocol.errors import Detail

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
WORK_SIZE = 1600  # pixels on the longest side while looking for the MRZ
MRZ_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
TESSDATA_DIRS = (Path("/usr/share/tesseract-ocr/5/tessdata"), Path("/usr/share/tessdata"))
FORMATS = ("JPEG", "PNG", "WEBP", "TIFF", "BMP", "GIF")
CELL_HEIGHT = 64  # pixels of a cell's height in the picture given to Tesseract
CELL_PITCH = 3.0  # distance between two characters there, in cell heights
NO_MRZ_LINES = Detail(nl="geen regels in de vorm van een MRZ op de foto", en="no MRZ-shaped text lines in the picture")
# (cell height in pixels, black and white), best first: the eng model reads cells 36 or 40 pixels high best. Each
# read exactly on its own (bench/README.md) 20, 21, 22, 17, 12 of 24 clean pictures and 46, 41, 11, 45, 44 of 60
# noisy photos for the first five; all of them together, two agreeing, 24 of 24 and 59 of 60
CELL_VARIANTS = ((36, True), (40, True), (36, False), (32, True), (48, True), (40, False), (24, True), (28, True),
                 (64, True), (32, False), (48, False), (64, False), (24, False), (28, False))
FALLBACK_VARIANTS = 4  # variants for a further stack of lines (another threshold or turn) once one was read in full
STACKS_PER_TURN = 2  # stacks of MRZ-like lines read per turn of the picture (a noisy photo has dozens)
MAX_READINGS = 40  # readings of a picture at most, 2 to 5 s: a picture not read by then is refused


@dataclass(frozen=True)
class Band:
    """A text line in the straightened black-and-white picture: rows top..bottom, ink from left to right."""

    top: int
    bottom: int
    left: int
    right: int
    pieces: int  # separate ink pieces along the line (characters, roughly)

    @property
    def height(self) -> int:
        return self.bottom - self.top


def decode(data: bytes) -> Image.Image:
    """The picture in ``data``, refused when too large (before decoding) or not a picture."""
    if len(data) > MAX_BYTES:
        raise ImageTooLarge(detail=f"{len(data)} bytes; at most {MAX_BYTES} bytes")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=FORMATS)  # reads the header only
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageTooLarge(detail=str(error)) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise ImageUnreadable(detail=f"{type(error).__name__}: {error}") from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ImageTooLarge(detail=f"{width} x {height} pixels; at most {MAX_PIXELS // 1_000_000} megapixels")
    try:
        if image.format == "JPEG":
            image.draft("L", (WORK_SIZE, WORK_SIZE))  # decode a JPEG at a reduced size straight away
        image.load()
        image = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise ImageUnreadable(detail=f"{type(error).__name__}: {error}") from None
    return image


def _grey(image: Image.Image) -> Image.Image:
    grey = ImageOps.grayscale(image.convert("RGB") if image.mode in ("P", "PA", "I", "I;16", "F") else image)
    scale = WORK_SIZE / max(grey.size)
    if scale < 1 or scale > 1.5:
        grey = grey.resize((max(1, round(grey.width * scale)), max(1, round(grey.height * scale))),
                           Image.Resampling.LANCZOS)
    return grey


def _ink(grey: Image.Image) -> Image.Image:
    """Dark print made bright on black, the lighting flattened: the local background (the brightest nearby)
    minus the picture."""
    small = grey.reduce(4)
    background = small.filter(ImageFilter.MaxFilter(7)).filter(ImageFilter.GaussianBlur(3))
    background = background.resize(grey.size, Image.Resampling.BILINEAR)
    return ImageOps.autocontrast(ImageChops.subtract(background, grey), cutoff=(0, 0.2))


def _otsu(image: Image.Image) -> int:
    histogram = image.histogram()[:256]
    total = sum(histogram)
    weighted = sum(i * n for i, n in enumerate(histogram))
    best, threshold, below, below_weighted = -1.0, 128, 0, 0
    for level, count in enumerate(histogram):
        below += count
        below_weighted += level * count
        above = total - below
        if below == 0 or above == 0:
            continue
        spread = below * above * (below_weighted / below - (weighted - below_weighted) / above) ** 2
        if spread > best:
            best, threshold = spread, level
    return threshold


def _rows(binary: Image.Image) -> list[int]:
    """Per row, the share of ink (0..255), by Pillow's box resampling."""
    return list(binary.resize((1, binary.height), Image.Resampling.BOX).tobytes())


def _columns(binary: Image.Image) -> list[int]:
    return list(binary.resize((binary.width, 1), Image.Resampling.BOX).tobytes())


def _skew(binary: Image.Image) -> float:
    """The rotation (degrees) that makes the text lines level: the one whose row profile is sharpest."""
    small = binary.reduce(2)

    def sharpness(angle: float) -> float:
        rows = _rows(small.rotate(angle, Image.Resampling.NEAREST))
        return sum((a - b) ** 2 for a, b in zip(rows, rows[1:], strict=False))

    best = max((a / 2 for a in range(-10, 11)), key=sharpness)
    return max((best + a / 10 for a in range(-4, 5)), key=sharpness)


def _bands(binary: Image.Image) -> list[Band]:
    rows = _rows(binary)
    floor = max(3, max(rows, default=0) * 0.12)  # a document's edge alone is not a text line
    lines, start = [], None
    for y, value in enumerate([*rows, 0]):
        if value > floor and start is None:
            start = y
        elif value <= floor and start is not None:
            if y - start >= 6:
                lines.append((start, y))
            start = None
    bands = []
    for top, bottom in lines:
        height = bottom - top
        margin = max(2, height // 4)
        columns = _columns(binary.crop((0, top, binary.width, bottom)))
        above = _columns(binary.crop((0, max(0, top - margin), binary.width, top)))
        below = _columns(binary.crop((0, bottom, binary.width, min(binary.height, bottom + margin))))
        # ink that goes on above and below the line is an edge or a box, not a character
        inked = [x for x, value in enumerate(columns) if value > 4 and not (above[x] > 100 and below[x] > 100)]
        runs: list[list[int]] = []  # [left, right, pieces] of ink with gaps under 1.5 line heights
        for x in inked:
            if runs and x - runs[-1][1] <= 1.5 * height:
                runs[-1][2] += x - runs[-1][1] > 1
                runs[-1][1] = x
            else:
                runs.append([x, x, 1])
        for left, right, pieces in runs:
            bands.append(Band(top, bottom, left, right + 1, pieces))
    return bands


def _mrz_groups(bands: list[Band]) -> list[list[Band]]:
    """Stacks of one to three MRZ-like lines (wide, many pieces, same ends), the lowest first."""
    lines = [b for b in bands if b.height >= 8 and (b.right - b.left) >= 18 * b.height and b.pieces >= 12]
    groups: list[list[Band]] = []
    for line in sorted(lines, key=lambda b: b.top):
        last = groups[-1][-1] if groups else None
        if (last is not None and line.top - last.bottom < 2 * last.height
                and abs(line.left - last.left) < 3 * last.height and abs(line.right - last.right) < 3 * last.height):
            groups[-1].append(line)
        else:
            groups.append([line])
    return [g for g in reversed(groups) if len(g) <= 3] + [g[-3:] for g in reversed(groups) if len(g) > 3]


def _widths(group: list[Band]) -> tuple[int, ...]:
    ratio = (group[0].right - group[0].left) / max(1, group[0].height)
    if len(group) == 2:
        return (44,)
    if len(group) == 3:
        return (30,)
    return (30, 44) if ratio < 40 else (44, 30)


def _cells(ink: Image.Image, band: Band, count: int, height: int = CELL_HEIGHT,
           sharp: bool = False) -> list[Image.Image]:
    """The line cut into ``count`` cells of equal width, each cut where the ink is least: dark characters on
    white, ``height`` high; ``sharp``: black and white (Otsu's threshold of the line)."""
    pad = max(2, band.height // 5)
    line = ink.crop((band.left - pad, band.top - pad, band.right + pad, band.bottom + pad))
    line = ImageOps.invert(ImageOps.autocontrast(line, cutoff=(0, 1)))
    if sharp:
        level = _otsu(line)
        line = line.point(lambda p: 255 if p > level else 0)
    columns = _columns(ImageOps.invert(line))
    pitch = (band.right - band.left) / (count - 0.25)
    cuts = [0]
    for i in range(1, count):
        guess = pad + i * pitch
        window = range(max(cuts[-1] + 1, round(guess - 0.3 * pitch)), min(len(columns), round(guess + 0.3 * pitch)))
        cuts.append(min(window, key=lambda x: (columns[x], abs(x - guess))) if window else round(guess))
    cuts.append(line.width)
    scale = height / line.height
    return [line.crop((a, 0, b, line.height)).resize((max(1, round((b - a) * scale)), height),
                                                     Image.Resampling.LANCZOS)
            for a, b in zip(cuts, cuts[1:], strict=False)]


def _spaced(cells: list[Image.Image]) -> tuple[Image.Image, int]:
    """The cells in one picture, CELL_PITCH character heights apart; and that distance in pixels."""
    height = cells[0].height
    step = round(CELL_PITCH * height)
    out = Image.new("L", (step * len(cells), height * 2), 255)
    for i, cell in enumerate(cells):
        out.paste(cell, (i * step + (step - cell.width) // 2, height // 2))
    return out, step


class _Tesseract:
    """One tesserocr instance with the eng model, kept loaded; tesserocr is not thread-safe, hence the lock."""

    def __init__(self) -> None:
        self._api = None
        self._lock = threading.Lock()

    def _open(self):  # noqa: ANN202 - tesserocr has no type hints
        try:
            import tesserocr
        except ImportError as error:
            raise OcrUnavailable(detail=f"tesserocr: {error}") from None
        prefix = os.environ.get("TESSDATA_PREFIX")
        dirs = ([Path(prefix)] if prefix else []) + list(TESSDATA_DIRS)
        found = next((d for d in dirs if (d / "eng.traineddata").is_file()), None)
        if found is None:
            raise OcrUnavailable(detail="eng.traineddata not found in " + ", ".join(map(str, dirs)))
        try:
            api = tesserocr.PyTessBaseAPI(path=str(found) + "/", lang="eng", psm=tesserocr.PSM.SINGLE_LINE,
                                          oem=tesserocr.OEM.LSTM_ONLY)
        except RuntimeError as error:
            raise OcrUnavailable(detail=f"{found}: {error}") from None
        api.SetVariable("tessedit_char_whitelist", MRZ_CHARACTERS)
        return api

    def _api_locked(self):  # noqa: ANN202
        if self._api is None:
            self._api = self._open()
        return self._api

    def cells(self, cells: list[Image.Image]) -> str:
        """One character per cell: the most certain character Tesseract saw in each cell's place, and a cell
        where it saw none read on its own."""
        import tesserocr

        picture, step = _spaced(cells)
        best: list[tuple[float, str]] = [(-1.0, "")] * len(cells)
        with self._lock:
            api = self._api_locked()
            api.SetPageSegMode(tesserocr.PSM.SINGLE_LINE)
            api.SetImage(picture)
            api.Recognize()
            level = tesserocr.RIL.SYMBOL
            iterator = api.GetIterator()
            for symbol in tesserocr.iterate_level(iterator, level) if iterator is not None else ():
                try:
                    text, box = symbol.GetUTF8Text(level), symbol.BoundingBox(level)
                except RuntimeError:  # Tesseract found no text at all
                    break
                if not text or box is None:
                    continue
                slot = min(len(cells) - 1, max(0, (box[0] + box[2]) // 2 // step))
                confidence = symbol.Confidence(level)
                if confidence > best[slot][0]:
                    best[slot] = (confidence, text)
            missing = [i for i, (_, text) in enumerate(best) if not text]
            if missing:
                api.SetPageSegMode(tesserocr.PSM.SINGLE_CHAR)
                for i in missing:
                    alone = Image.new("L", (step, cells[i].height * 2), 255)
                    alone.paste(cells[i], ((step - cells[i].width) // 2, cells[i].height // 2))
                    api.SetImage(alone)
                    try:
                        text = "".join(api.GetUTF8Text().split())[:1]
                    except RuntimeError:  # Tesseract saw nothing there
                        text = ""
                    best[i] = (0.0, text or "?")
        return "".join(text for _, text in best)


TESSERACT = _Tesseract()


def _groups(image: Image.Image) -> Iterator[tuple[bool, Image.Image, list[Band]]]:
    """The straightened ink picture with each stack of MRZ-like lines found in it, upright first, at most
    STACKS_PER_TURN a turn; and whether the stack is its turn's first."""
    grey = _grey(image)
    for turn in (0, 180, 90, 270):
        ink = _ink(grey.rotate(turn, expand=True) if turn else grey)
        threshold = _otsu(ink)
        seen: set[tuple[int, ...]] = set()
        for level in (threshold, round(threshold * 0.7), round(threshold * 1.3)):
            if len(seen) >= STACKS_PER_TURN:
                break
            angle = _skew(ink.point(lambda p, level=level: 255 if p > level else 0))
            straight_ink = ink.rotate(angle, Image.Resampling.BICUBIC)
            for group in _mrz_groups(_bands(straight_ink.point(lambda p, level=level: 255 if p > level else 0))):
                key = (round(angle * 10), *(v // 4 for b in group for v in (b.top, b.bottom, b.left, b.right)))
                if key not in seen and len(seen) < STACKS_PER_TURN:
                    seen.add(key)
                    yield len(seen) == 1, straight_ink, group


def _readings(image: Image.Image) -> Iterator[str]:
    """The readings of each stack of lines: a turn's first stack with every kind of cell (its first width), the
    others with the best few; at most MAX_READINGS in all."""
    done = 0
    for first, straight_ink, group in _groups(image):
        for n, count in enumerate(_widths(group)):
            for height, sharp in CELL_VARIANTS if first and n == 0 else CELL_VARIANTS[:FALLBACK_VARIANTS]:
                if done >= MAX_READINGS:
                    return
                done += 1
                yield "\n".join(TESSERACT.cells(_cells(straight_ink, band, count, height, sharp)) for band in group)


def readings(image_bytes: bytes) -> Iterator[str]:
    """Every reading of the picture's MRZ, one per variant tried, in order (the same text may come more than
    once: two variants that agree). Refuses the picture (ImageTooLarge, ImageUnreadable) before the first."""
    image = decode(image_bytes)
    return _readings(image)


def read_candidates(image_bytes: bytes, accept: Callable[[str], bool] | None = None) -> list[str]:
    """The different MRZ readings of the picture, in the order tried; with ``accept``, reading stops at the first
    it accepts (that one last). Raises MrzNotFound when no MRZ-shaped text is found at all."""
    found: list[str] = []
    for reading in readings(image_bytes):
        if reading in found:
            continue
        found.append(reading)
        if accept is not None and accept(reading):
            break
    if not found:
        raise MrzNotFound(detail=NO_MRZ_LINES)
    return found


def not_an_mrz(readings: list[str]) -> Detail:
    shown = " | ".join(readings[:3])
    return Detail(nl=f"gelezen, maar niet in de vorm van een MRZ: {shown}",
                  en=f"read, but not in the shape of an MRZ: {shown}")


def _shaped(reading: str) -> bool:
    lines = reading.split("\n")
    return (len(lines), {len(line) for line in lines}) in ((2, {44}), (3, {30}), (1, {30}))


def read_mrz(image_bytes: bytes) -> str:
    """The MRZ lines as read, newline-separated: the first reading of the right shape (two lines of 44, three of
    30, one of 30). Its check digits are not checked here (zorgid.clients.widscan.scan does)."""
    readings = read_candidates(image_bytes, accept=_shaped)
    if not _shaped(readings[-1]):
        raise MrzNotFound(detail=not_an_mrz(readings))
    return readings[-1]
