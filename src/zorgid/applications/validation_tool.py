"""The validation tool's page (R-FLOW-APPLY, step 2): its manual as HTML and its download, one file.

The download is ``zorgid-validatietool.pyz``, built by ``make validatietool`` (scripts/build_validatietool.py)
into ``$ZORGID_HOME/dist``; the page shows its SHA-256 so that a technisch beheerder can check what he runs.
The manual is ``docs/validatietool.md``, rendered by markdown-it-py with raw HTML switched off: our own file,
still nothing in it reaches the page unescaped.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from markdown_it import MarkdownIt

from .errors import ValidationToolNotBuilt

FILE_NAME = "zorgid-validatietool.pyz"
MANUAL = Path(__file__).resolve().parents[3] / "docs" / "validatietool.md"


@dataclass(frozen=True)
class Download:
    path: Path
    size: int
    sha256: str


def download_path() -> Path:
    return Path(getattr(settings, "ZORGID_VALIDATIETOOL_PYZ", None) or Path(settings.ZORGID_HOME) / "dist" / FILE_NAME)


def download() -> Download:
    """The built archive with its checksum; ValidationToolNotBuilt when it is not there."""
    path = download_path()
    try:
        stat = path.stat()
    except OSError:
        raise ValidationToolNotBuilt(str(path)) from None
    return Download(path, stat.st_size, _sha256(str(path), stat.st_size, stat.st_mtime_ns))


def download_or_none() -> Download | None:
    try:
        return download()
    except ValidationToolNotBuilt:
        return None


@functools.lru_cache(maxsize=4)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as archive:
        for block in iter(lambda: archive.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def manual_html() -> str:
    """docs/validatietool.md as HTML (headings, lists, tables, code); '' when the file is not installed."""
    if not MANUAL.is_file():
        return ""
    return _render(MANUAL.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=2)
def _render(text: str) -> str:
    """Markdown to HTML, raw HTML escaped. The page has its own h1 and a "Handleiding" h2: the manual's title
    (its leading h1) is left out and its sections move one level down (## → h3)."""
    renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
    tokens = renderer.parse(text)
    if len(tokens) >= 3 and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        tokens = tokens[3:]
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"
    return renderer.renderer.render(tokens, renderer.options, {})
