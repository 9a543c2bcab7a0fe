"""The WID scan app's reading of an MRZ: time per document and the share of phone photos read exactly.

    .venv/bin/python bench/widscan.py              # 50 noisy photos (seeded), 9 clean pictures, 200 MRZ texts
    .venv/bin/python bench/widscan.py --photos 12 --strength 1.5

For each of the three document kinds in turn (passport, identity card, driving licence) it makes a random MRZ with
zorgid.clients.widscan.mrz's composers, draws it (zorgid.clients.widscan.specimen_images) and reads it back with
zorgid.clients.widscan.scan.read_document, as ``zorgid-widscan scan FOTO`` does. It prints the engine, the time
per document (mean, p50, p95) for MRZ text, clean pictures and noisy photos, the share of photos read exactly, and
how many were read wrong yet found valid: in the name line, which no check digit covers (the employee compares the
name shown with the document), and elsewhere (that must be 0). See bench/README.md for measured figures.
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import time
from collections.abc import Callable
from datetime import date, timedelta

from zorgid.clients.widscan import mrz, ocr, scan, specimen_images
from zorgid.clients.widscan.image_errors import MrzNotFound

TODAY = date(2026, 1, 15)
LETTERS = string.ascii_uppercase
NUMBER_CHARACTERS = LETTERS.replace("O", "") + string.digits  # a Dutch document number has no letter O


def _name(rng: random.Random) -> tuple[str, str]:
    return ("".join(rng.choice(LETTERS) for _ in range(rng.randint(3, 10))),
            " ".join("".join(rng.choice(LETTERS) for _ in range(rng.randint(3, 8))) for _ in range(rng.randint(1, 2))))


def random_mrz(rng: random.Random, kind: str) -> tuple[str, ...]:
    """A random Dutch MRZ of this kind with correct check digits."""
    if kind == specimen_images.DRIVING_LICENCE:
        return mrz.compose_driving_licence(number="".join(rng.choice(string.digits) for _ in range(10)),
                                           chip_key="".join(rng.choice(NUMBER_CHARACTERS) for _ in range(13)))
    surname, given = _name(rng)
    number = ("".join(rng.choice(LETTERS.replace("O", "")) for _ in range(2))
              + "".join(rng.choice(NUMBER_CHARACTERS) for _ in range(6)) + rng.choice(string.digits))
    fields = {
        "surname": surname, "given_names": given, "number": number, "sex": rng.choice("MF"),
        "birth_date": date(1940, 1, 1) + timedelta(days=rng.randint(0, 30000)),
        "expiry_date": TODAY + timedelta(days=rng.randint(30, 3600)),
        "personal_number": "",
    }
    return mrz.compose_td3(**fields) if kind == specimen_images.PASSPORT else mrz.compose_td1(**fields)


KINDS = (specimen_images.PASSPORT, specimen_images.ID_CARD, specimen_images.DRIVING_LICENCE)


def _figures(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (f"mean {statistics.mean(ordered) * 1000:7.1f} ms   p50 {statistics.median(ordered) * 1000:7.1f} ms   "
            f"p95 {p95 * 1000:7.1f} ms")


def _read(data: bytes) -> tuple[str, bool] | None:
    """The lines read and whether mrz.check finds the document valid; None when no MRZ was found."""
    try:
        document = scan.read_document(data, TODAY)
    except MrzNotFound:
        return None
    return "\n".join(document.lines), mrz.check(document, TODAY).valid


def _name_lines_only(read: str, lines: tuple[str, ...]) -> bool:
    """Whether the reading differs only in the name line, which no check digit covers."""
    name = 0 if len(lines) == 2 else 2
    return all(a == b for k, (a, b) in enumerate(zip(read.split("\n"), lines, strict=False)) if k != name)


def run_pictures(label: str, count: int, picture: Callable[[int, tuple[str, ...]], bytes], seed: int) -> None:
    if count < 1:
        return
    rng = random.Random(seed)
    times, exact, refused, not_found, wrong_valid, wrong_name = [], 0, 0, 0, 0, 0
    for i in range(count):
        lines = random_mrz(rng, KINDS[i % 3])
        data = picture(i, lines)
        start = time.perf_counter()
        result = _read(data)
        times.append(time.perf_counter() - start)
        if result is None:
            not_found += 1
        elif result[0] == "\n".join(lines):
            exact += 1
        elif result[1] and _name_lines_only(result[0], lines):
            wrong_name += 1
        elif result[1]:
            wrong_valid += 1
        else:
            refused += 1
    print(f"{label:28} {_figures(times)}   read exactly {exact}/{count} ({100 * exact / count:.0f} %), "
          f"refused {refused}, no MRZ found {not_found}, valid with a misread name {wrong_name}, "
          f"otherwise wrong but valid {wrong_valid}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=50, help="noisy photos (default 50)")
    parser.add_argument("--clean", type=int, default=9, help="clean pictures (default 9)")
    parser.add_argument("--texts", type=int, default=200, help="MRZ texts parsed and checked (default 200)")
    parser.add_argument("--strength", type=float, default=1.0, help="blur, noise and compression (default 1.0)")
    args = parser.parse_args()

    import tesserocr

    print(f"engine: tesserocr {tesserocr.__version__}, {tesserocr.tesseract_version().splitlines()[0]}, "
          f"model eng from {ocr.TESSDATA_DIRS[0]}; cells {ocr.CELL_VARIANTS}")
    rng = random.Random(7)
    texts = ["\n".join(random_mrz(rng, KINDS[i % 3])) for i in range(args.texts)]
    times = []
    for text in texts:
        start = time.perf_counter()
        mrz.check(mrz.parse(text, today=TODAY), TODAY)
        times.append(time.perf_counter() - start)
    print(f"{'MRZ text, parse + check':28} {_figures(times)}")
    run_pictures("clean picture (PNG)", args.clean,
                 lambda i, lines: specimen_images.png(specimen_images.document(lines)), seed=11)
    run_pictures(f"noisy photo (strength {args.strength})", args.photos,
                 lambda i, lines: specimen_images.photo(specimen_images.document(lines), 1000 + i,
                                                        perspective=i % 3 == 0, strength=args.strength), seed=13)


if __name__ == "__main__":
    main()
