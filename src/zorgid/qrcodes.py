"""Drawing QR codes of payloads: inline SVG for pages, PNG files and terminal output for the CLI.

A page's QR (every login's start page has one) is encoded by zxing-cpp, in C++: a fifth of segno's time for a
login QR, measured in bench/login.py (docs/architecture.md, "The login's hot path"); the SVG is one path of dark
runs, drawn here. PNG files and terminal output, made seldom, are segno's.
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import segno
import zxingcpp

SCALE, BORDER = 6, 4  # a page's QR: 6 CSS pixels per module, the 4-module quiet zone of ISO/IEC 18004
_DARK_RUNS = re.compile(rb"\x00+")


def _make(payload: str) -> segno.QRCode:
    return segno.make(payload, error="m", micro=False)


def svg_inline(payload: str, *, title: str) -> str:
    """For pages: the QR (error correction M) as inline SVG with its title, black on white with its quiet zone."""
    image = memoryview(zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(
        scale=1, add_quiet_zones=False))
    rows, width = image.shape
    modules, raw = width + 2 * BORDER, image.tobytes()
    runs = "".join(f"M{run.start() - y * width + BORDER} {y + BORDER + 0.5}h{run.end() - run.start()}"
                   for y in range(rows) for run in _DARK_RUNS.finditer(raw, y * width, (y + 1) * width))
    size = modules * SCALE
    return (f'<svg width="{size}" height="{size}" class="qr"><title>{html.escape(title)}</title>'
            f'<g transform="scale({SCALE})"><path fill="#fff" d="M0 0h{modules}v{modules}h-{modules}z"/>'
            f'<path stroke="#000" d="{runs}"/></g></svg>')


def save_png(payload: str, path: Path) -> Path:
    _make(payload).save(str(path), kind="png", scale=8, border=4)
    return path


def png_bytes(payload: str) -> bytes:
    out = io.BytesIO()
    _make(payload).save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def terminal_text(payload: str) -> str:
    out = io.StringIO()
    _make(payload).terminal(out=out, compact=True, border=2)
    return out.getvalue()
