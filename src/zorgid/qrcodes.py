"""Drawing QR codes of payloads (segno): inline SVG for pages, PNG files and terminal output for the CLI."""

from __future__ import annotations

import io
from pathlib import Path

import segno


def _make(payload: str) -> segno.QRCode:
    return segno.make(payload, error="m", micro=False)


def svg_inline(payload: str, *, title: str) -> str:
    """For pages: a fixed mask (any mask reads; choosing the best costs 4x the time: bench/login.py)."""
    return segno.make(payload, error="m", micro=False, mask=0).svg_inline(
        scale=6, border=4, title=title, dark="#000", light="#fff")


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
