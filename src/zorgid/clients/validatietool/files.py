"""Reading and writing the document files of zorgid-validatietool.

A document is read bounded: one byte more than the server accepts is enough to report
ZID-XML-TOO-LARGE, so a wrong multi-gigabyte file is never read whole. A result is written atomically
(a temporary file beside it, then renamed), so an interrupted run never leaves half a document that
looks complete; ``-`` writes to standard output.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from zorgid.orgdoc import MAX_DOCUMENT_BYTES

from ..terminal import file_problem
from .errors import FileUnusable

STDOUT = "-"
STDOUT_NAME = "standaarduitvoer"  # what write_document answers for STDOUT


def read_document(path: Path) -> bytes:
    """At most MAX_DOCUMENT_BYTES + 1 bytes of ``path`` (the parser reports anything larger)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as exc:
        raise FileUnusable(file_problem(f"kan {path} niet lezen", f"cannot read {path}", exc)) from exc


def default_output(source: Path, suffix: str) -> Path:
    """``organisatie.xml`` → ``organisatie-<suffix>.xml`` beside it; an earlier ``-ingevuld`` is dropped."""
    stem = source.stem.removesuffix("-ingevuld")
    return source.with_name(f"{stem}-{suffix}.xml")


def write_document(path: Path, data: bytes) -> str:
    """Write ``data`` to ``path`` atomically, or to standard output for ``-``; returns where it went."""
    if str(path) == STDOUT:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return STDOUT_NAME
    path = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise FileUnusable(file_problem(f"kan {path} niet schrijven", f"cannot write {path}", exc)) from exc
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise FileUnusable(file_problem(f"kan {path} niet schrijven", f"cannot write {path}", exc)) from exc
    return str(path)
