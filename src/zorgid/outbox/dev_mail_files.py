"""Mail kept on disk instead of sent (no ZORGID_SMTP_HOST): one ``.eml`` per mail, its attachments beside it.

The layout, which the page ``/dev/mail``, ``zorgid dev mail`` and the README's steps rely on::

    <folder>/<stem>.eml                 the whole message, as it would have been sent (RFC 5322)
    <folder>/<stem>/<attachment name>   each attachment, decoded, e.g. zorgid-activatie-ZID-2026-XXXXXXXX.png

``<stem>`` is ``YYYYmmdd-HHMMSS-<8 hex>``, the time in UTC, the short id starting with the milliseconds: the names
sort by time. An attachment's name is the sender's, made safe (:func:`safe_name`): no path separator, no leading
dot (so never ``..``), plain ASCII.
Everything is written atomically: the attachments' folder is filled under a hidden name and renamed into place,
then the ``.eml`` is written to a hidden file and renamed; a listed ``.eml`` is whole and its folder complete.
Readers take a stem and a file name from outside (a URL, a command line) and accept only these exact forms, so
no path given to them leaves the folder.

Pure Python, no Django: ``zorgid dev mail`` reads it without a configured server.
"""

from __future__ import annotations

import datetime as dt
import email
import email.parser
import email.policy
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

STEM = re.compile(r"\d{8}-\d{6}-[0-9a-f]{8}")
FILE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}")
MAX_NAME = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_TIME_FORMAT = "%Y%m%d-%H%M%S"
_HIDDEN = ".tmp-"  # what is being written; never listed, removed by purge when left behind
SHOWN_IMAGES = frozenset({"image/png", "image/jpeg", "image/gif"})


@dataclass(frozen=True)
class StoredAttachment:
    name: str  # the file name in the mail's folder (safe)
    original_name: str  # as the mail names it (for showing only)
    content_type: str
    size: int
    path: Path

    @property
    def is_image(self) -> bool:
        """Shown on the mail's page as a picture (a QR code): raster images only, never SVG."""
        return self.content_type in SHOWN_IMAGES


@dataclass(frozen=True)
class StoredMail:
    stem: str
    at: dt.datetime  # when it was stored (UTC), from the stem
    path: Path  # the .eml
    subject: str = ""
    to: str = ""
    sender: str = ""
    attachments: tuple[StoredAttachment, ...] = field(default_factory=tuple)

    @property
    def folder(self) -> Path:
        return self.path.with_suffix("")


def safe_name(name: str | None, taken: set[str] = frozenset()) -> str:
    """An attachment's file name as it may be written in a mail's folder: the last part of any path, characters
    other than ASCII letters, digits, ``.``, ``_`` and ``-`` replaced, no leading dot, at most 100 characters
    (the extension kept), and not one of ``taken`` (``-2``, ``-3``, … before the extension)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).lstrip(".") or "bijlage"
    stem, dot, extension = base.rpartition(".")
    if not dot or not stem:
        stem, extension = base, ""
    extension = f".{extension[:16]}" if extension else ""
    candidate, number = _fit(stem, extension), 1
    while candidate in taken:
        number += 1
        candidate = _fit(stem, f"-{number}{extension}")
    return candidate


def _fit(stem: str, ending: str) -> str:
    return stem[:MAX_NAME - len(ending)] + ending


def stem_time(stem: str) -> dt.datetime:
    return dt.datetime.strptime(stem[:15], _TIME_FORMAT).replace(tzinfo=dt.UTC)


def store(folder: Path, message: bytes, at: dt.datetime) -> StoredMail:
    """Write one mail (its RFC 5322 bytes) into ``folder`` at time ``at``; returns what was stored."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # activation codes inside: for the server's user only
    parsed = _parse(message)
    attachments = _attachments(parsed)
    while True:
        stem = f"{at.astimezone(dt.UTC):{_TIME_FORMAT}}-{at.microsecond // 1000:03d}{secrets.token_hex(3)[:5]}"
        if not (folder / f"{stem}.eml").exists() and not (folder / stem).exists():
            break
    if attachments:
        hidden = folder / f"{_HIDDEN}{stem}-{secrets.token_hex(4)}"
        hidden.mkdir(mode=0o700)
        try:
            for name, _, _, content in attachments:
                _write(hidden / name, content)
            os.rename(hidden, folder / stem)
        except BaseException:
            shutil.rmtree(hidden, ignore_errors=True)
            raise
    hidden_eml = folder / f"{_HIDDEN}{stem}-{secrets.token_hex(4)}.eml"
    try:
        _write(hidden_eml, message)
        os.replace(hidden_eml, folder / f"{stem}.eml")
    except BaseException:
        hidden_eml.unlink(missing_ok=True)
        raise
    return read(folder, stem)


def _write(path: Path, content: bytes) -> None:
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
        file.write(content)
        file.flush()
        os.fsync(file.fileno())


def _parse(message: bytes) -> EmailMessage:
    return email.message_from_bytes(message, policy=email.policy.default)


def _attachments(parsed: EmailMessage) -> list[tuple[str, str, str, bytes]]:
    """(safe name, original name, content type, content) of each attachment, in the mail's order."""
    found, taken = [], set()
    for part in parsed.iter_attachments():
        original = part.get_filename() or ""
        name = safe_name(original, taken)
        taken.add(name)
        content = part.get_payload(decode=True) or b""
        found.append((name, original, part.get_content_type(), content))
    return found


def stems(folder: Path) -> list[str]:
    """The stems of the stored mails, newest first (their names sort by time)."""
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    return sorted((entry.name[:-4] for entry in entries
                   if entry.name.endswith(".eml") and STEM.fullmatch(entry.name[:-4]) and entry.is_file()),
                  reverse=True)


def read(folder: Path, stem: str, *, headers_only: bool = False) -> StoredMail | None:
    """The mail ``stem`` in ``folder``, or None when there is none or ``stem`` is not of the stored form."""
    if not isinstance(stem, str) or not STEM.fullmatch(stem):
        return None
    path = folder / f"{stem}.eml"
    try:
        with open(path, "rb") as file:
            data = file.read()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
    if headers_only:  # the list: the headers, and the names in the mail's folder
        parsed = email.parser.BytesParser(policy=email.policy.default).parsebytes(data, headersonly=True)
        attachments = [StoredAttachment(name, name, "", 0, folder / stem / name) for name in _listed(folder / stem)]
    else:
        parsed = _parse(data)
        attachments = [StoredAttachment(name, original, content_type, len(content), folder / stem / name)
                       for name, original, content_type, content in _attachments(parsed)]
    return StoredMail(stem, stem_time(stem), path, subject=_header(parsed, "Subject"), to=_header(parsed, "To"),
                      sender=_header(parsed, "From"), attachments=tuple(attachments))


def _listed(directory: Path) -> list[str]:
    try:
        return sorted(entry.name for entry in os.scandir(directory) if FILE_NAME.fullmatch(entry.name))
    except (FileNotFoundError, NotADirectoryError):
        return []


def _header(parsed: EmailMessage, name: str) -> str:
    try:
        value = parsed.get(name, "")
    except Exception:  # noqa: BLE001 (a header the parser cannot decode is shown as empty)
        return ""
    return " ".join(str(value).split())


def message(mail: StoredMail) -> EmailMessage:
    with open(mail.path, "rb") as file:
        return _parse(file.read())


@dataclass(frozen=True)
class Body:
    text: str
    kind: str  # "plain", "html" (its source, to be shown as text) or "" (none)


def body(mail: StoredMail) -> Body:
    """The mail's text: its plain part, else its HTML part's source (never to be rendered as HTML)."""
    parsed = message(mail)
    for kind in ("plain", "html"):
        part = parsed.get_body(preferencelist=(kind,))
        if part is not None:
            try:
                return Body(part.get_content(), kind)
            except (LookupError, ValueError):
                return Body((part.get_payload(decode=True) or b"").decode("utf-8", errors="replace"), kind)
    return Body("", "")


def attachment(folder: Path, stem: str, name: str) -> StoredAttachment | None:
    """One stored attachment, or None: ``stem`` and ``name`` must be of the stored forms and name a regular
    file that the mail holds (a name taken from a URL never leaves the mail's folder)."""
    if not isinstance(name, str) or not FILE_NAME.fullmatch(name):
        return None
    mail = read(folder, stem)
    if mail is None:
        return None
    found = next((item for item in mail.attachments if item.name == name), None)
    if found is None or found.path.is_symlink() or not found.path.is_file():
        return None
    if found.path.resolve().parent != (folder / stem).resolve():
        return None
    return found


def remove_before(folder: Path, before: dt.datetime, *, dry_run: bool = False) -> int:
    """Remove (or with ``dry_run`` count) the mails stored before ``before``, with their folders, and leftovers of
    an interrupted write; returns how many mails."""
    count = 0
    for stem in stems(folder):
        if stem_time(stem) >= before:
            continue
        count += 1
        if not dry_run:
            shutil.rmtree(folder / stem, ignore_errors=True)
            (folder / f"{stem}.eml").unlink(missing_ok=True)
    if not dry_run:
        for leftover in _leftovers(folder, before):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
    return count


def _leftovers(folder: Path, before: dt.datetime) -> Iterator[Path]:
    """Hidden files of writes that never finished, and attachment folders whose .eml is gone."""
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return
    for entry in entries:
        hidden_stem = entry.name[len(_HIDDEN):len(_HIDDEN) + 24]
        if entry.name.startswith(_HIDDEN) and STEM.fullmatch(hidden_stem) and stem_time(hidden_stem) < before:
            yield Path(entry.path)
        elif (STEM.fullmatch(entry.name) and entry.is_dir() and stem_time(entry.name) < before
              and not os.path.exists(os.path.join(folder, f"{entry.name}.eml"))):
            yield Path(entry.path)
