"""Bulk import of employees from a CSV file (R-FLOW-BEHREG for large organisations).

An imported employee is a Person with the MEDEWERKER role in the organisation, *awaiting* the WID check: no
WID check and no activation code are made. A beheerder later checks the identity document face to face and
hands over the QR code with the existing "Nieuwe QR-code" action (``employees.reissue``).

The file: UTF-8 (with or without BOM), the header ``voornamen;achternaam;geboortedatum`` (``,`` works as
separator too), one employee per line, dates as dd-mm-jjjj. Bounded: at most ``MAX_FILE_BYTES`` bytes and
``MAX_ROWS`` rows; names as ``identities.people.PersonName`` accepts them (at most 128 characters, no control
characters), birth dates as ``identities.people.BirthDate`` (real, not in the future, someone aged 12 to 120).

All or nothing: when any row is refused (bad data, a wrong number of columns, the same person twice in the
file), nothing is written and the report lists every refused row with its line number and what is wrong, each
with its code (``import_errors``) and the value as shown. A person
already in the organisation (the same person by ``identities.people.person_key``) is reported and skipped, not
duplicated, so the same file can be imported again. The writing is one transaction (bulk inserts in batches),
so an interruption (Ctrl-C) half-way leaves nothing behind.

Audit: one event ``employees.imported`` per import (actor, URA, number of persons, number skipped, the file's
name and SHA-256), and nothing per row: the file's SHA-256 and the count identify what was imported, and every
imported person's ``created_at`` is the import's time. A later WID check and QR hand-over of each person are
audited as usual.

One service, two callers: ``zorgid employees import`` and the page ``organisatie/<ura>/medewerkers/importeren``
(``portal.import_views``) read the file with ``read_csv``, import with ``import_employees`` and tell the report's
sentences from ``import_report``.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext

from zorgid import clock
from zorgid.audit.services import record
from zorgid.identities import people
from zorgid.identities.errors import PersonDataInvalid
from zorgid.identities.models import Person
from zorgid.identities.people import MAX_AGE_YEARS, MIN_AGE_YEARS, NAME_MAX, BirthDate, PersonName, person_key
from zorgid.organisations import memberships
from zorgid.organisations.errors import OrganisationNotRegistered
from zorgid.organisations.models import Organisation, Role, RoleAssignment
from zorgid.organisations.services import registered_organisation
from zorgid.pki.uzi.errors import UraInvalid
from zorgid.pki.uzi.numbers import Ura

from . import import_errors as errors
from .import_errors import ImportEncodingInvalid as ImportEncodingInvalid  # re-exported: the import's own errors
from .import_errors import ImportFileInvalid as ImportFileInvalid
from .import_errors import ImportFileTooLarge as ImportFileTooLarge
from .import_errors import ImportOrganisationUnknown as ImportOrganisationUnknown
from .import_errors import ImportRowsRefused as ImportRowsRefused
from .import_report import ImportReport, NewEmployee, RowNote, RowProblem, shown

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_NAME = NAME_MAX
MAX_FIELD = 1_000  # a raw field longer than this is refused without further reading
BATCH = 2_000
HEADER = ("voornamen", "achternaam", "geboortedatum")
PROGRESS_EVERY = 500

Progress = Callable[[str, int, int], None]  # (stage, done, total); stage is CHECKING or WRITING
CHECKING, WRITING = "controleren", "opslaan"


@dataclass(frozen=True)
class CsvRow:
    """One data line of the file: its line number (the header is line 1) and its fields."""

    line: int
    fields: tuple[str, ...]


@dataclass(frozen=True)
class CsvFile:
    name: str
    sha256: str
    size: int
    rows: list[CsvRow]


@dataclass(frozen=True)
class _Employee:
    line: int
    first_names: str
    last_name: str
    birth_date: dt.date
    key: tuple[str, str, dt.date] = field(init=False, repr=False, compare=False)  # "the same person", once

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", person_key(self.first_names, self.last_name, self.birth_date))


class _RowRefused(Exception):
    def __init__(self, *problems: RowProblem) -> None:
        super().__init__()
        self.problems = problems


# ---------------------------------------------------------------------------------------------- reading


def organisation_by_ura(ura: str) -> Organisation:
    try:
        ura = Ura(ura).value
    except UraInvalid as exc:
        raise ImportOrganisationUnknown(f"URA {str(ura)[:20]!r} is geen 8 cijfers") from exc
    try:
        return registered_organisation(ura)
    except OrganisationNotRegistered as exc:
        raise ImportOrganisationUnknown(f"URA {ura}") from exc


def too_large_bytes(size: int | None = None) -> ImportFileTooLarge:
    """The refusal of a file over MAX_FILE_BYTES: also of an upload, before its body is read (its declared size)."""
    limit = f"{MAX_FILE_BYTES:,}".replace(",", ".")
    if size is None:
        return ImportFileTooLarge(gettext("meer dan %(limit)s bytes") % {"limit": limit})
    return ImportFileTooLarge(gettext("%(size)s bytes; hoogstens %(limit)s") % {
        "size": f"{size:,}".replace(",", "."), "limit": limit})


def read_file(path: Path | str) -> CsvFile:
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise too_large_bytes(size)
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    return read_csv(data, name=path.name)


# Files that are plainly no CSV text, by their first bytes: (magic, what the file is)
_NOT_TEXT = ((b"PK\x03\x04", "een Excel-werkmap (.xlsx) of een ander ZIP-bestand"),
             (b"\xd0\xcf\x11\xe0", "een oude Excel-werkmap (.xls) of een ander Office-bestand"),
             (b"%PDF", "een PDF-bestand"))


def read_csv(data: bytes, *, name: str = "") -> CsvFile:
    """Decode and split the file into rows; the header is checked, the rows are not (import_employees does)."""
    if len(data) > MAX_FILE_BYTES:
        raise too_large_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise ImportFileInvalid(gettext("het bestand is leeg: de kop voornamen;achternaam;geboortedatum ontbreekt"))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportEncodingInvalid(gettext("het bestand is UTF-16 (Unicode-tekst)"))
    for magic, what in _NOT_TEXT:
        if data.startswith(magic):
            raise ImportFileInvalid(gettext("het bestand is geen CSV-tekst maar %(what)s; sla het op als CSV UTF-8")
                                    % {"what": gettext(what)})
    if b"\x00" in data[:4096]:
        raise ImportFileInvalid(gettext("het bestand is geen tekst (het bevat nul-bytes): binair, of UTF-16 zonder "
                                        "kenmerk; sla het op als CSV UTF-8"))
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body[:exc.start].count(b"\n") + 1
        raise ImportEncodingInvalid(gettext("regel %(line)s: byte 0x%(byte)s is geen UTF-8 (Windows-1252 of "
                                            "Latin-1?)") % {"line": line, "byte": f"{body[exc.start]:02x}"}) from exc
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        raise ImportFileInvalid(gettext("regel 1 is leeg: de kop voornamen;achternaam;geboortedatum ontbreekt"))
    delimiter = ";" if ";" in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=True)
    rows: list[CsvRow] = []
    try:
        header = next(reader, None)
        if header is None or tuple(cell.strip().casefold() for cell in header) != HEADER:
            raise ImportFileInvalid(gettext("regel 1: de kop moet voornamen;achternaam;geboortedatum zijn, niet "
                                            "%(found)s") % {"found": shown(first_line, 80)})
        line = reader.line_num + 1
        for fields in reader:
            if fields and not (len(fields) == 1 and not fields[0].strip()):  # blank lines are skipped
                if len(rows) >= MAX_ROWS:
                    raise _too_many_rows()
                rows.append(CsvRow(line, tuple(fields)))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFileInvalid(gettext("regel %(line)s: %(error)s") % {"line": reader.line_num, "error": exc}) from exc
    if not rows:
        raise ImportFileInvalid(gettext("het bestand heeft alleen de kop, geen regels met medewerkers"))
    return CsvFile(name=name, sha256=sha256, size=len(data), rows=rows)


def _too_many_rows() -> ImportFileTooLarge:
    return ImportFileTooLarge(gettext("meer dan %(rows)s regels") % {"rows": f"{MAX_ROWS:,}".replace(",", ".")})


# ------------------------------------------------------------------------------------------- validating


def _name(value: str, field_name: str) -> str:
    """PersonName's rules, each refusal with its code and the reason in the active language."""
    what = {"field": field_name, "max": MAX_NAME}
    if len(value) > MAX_FIELD:
        raise _RowRefused(RowProblem(errors.ImportRowTooLong.code, gettext(
            "veld %(field)s is langer dan %(max)s tekens") % what, shown(value)))
    try:
        return PersonName(value, field_name).value
    except PersonDataInvalid as exc:
        value = unicodedata.normalize("NFC", value.strip())  # as PersonName saw it
        if exc.reason == people.EMPTY:
            raise _RowRefused(RowProblem(errors.ImportRowEmpty.code, gettext("veld %(field)s is leeg") % what)) from exc
        if exc.reason == people.TOO_LONG:
            text = gettext("veld %(field)s is langer dan %(max)s tekens (%(length)s)") % {**what, "length": len(value)}
            raise _RowRefused(RowProblem(errors.ImportRowTooLong.code, text, shown(value))) from exc
        if exc.reason == people.CONTROL:
            raise _RowRefused(RowProblem(errors.ImportRowControl.code, gettext(
                "veld %(field)s bevat stuurtekens") % what, shown(value))) from exc
        if exc.reason == people.NO_LETTER:
            raise _RowRefused(RowProblem(errors.ImportRowNoLetter.code, gettext(
                "veld %(field)s bevat geen letters") % what, shown(value))) from exc
        if exc.reason == getattr(people, "DIGIT", "digit"):
            raise _RowRefused(RowProblem(errors.ImportRowDigit.code, gettext(
                "veld %(field)s bevat cijfers") % what, shown(value))) from exc
        raise _RowRefused(RowProblem(exc.code, f"{field_name}: {exc.detail}", shown(value))) from exc


def _birth_date(value: str) -> dt.date:
    """BirthDate's rules, each refusal with its code and the reason in the active language."""
    text = value.strip()
    if not text:
        raise _RowRefused(RowProblem(errors.ImportRowEmpty.code, gettext("veld %(field)s is leeg") % {
            "field": "geboortedatum"}))
    try:
        return BirthDate.parse(text).value
    except PersonDataInvalid as exc:
        if exc.reason == people.NOT_A_DATE:
            raise _RowRefused(RowProblem(errors.ImportRowDate.code, gettext(
                "geboortedatum is geen bestaande datum als dd-mm-jjjj"), shown(text, 20))) from exc
        if exc.reason == people.FUTURE:
            raise _RowRefused(RowProblem(errors.ImportRowFuture.code, gettext("geboortedatum ligt in de toekomst"),
                                         shown(text, 20))) from exc
        age = BirthDate.age_on(clock.parse_date(text), clock.today())
        raise _RowRefused(RowProblem(errors.ImportRowAge.code, gettext(
            "geboortedatum geeft een onwaarschijnlijke leeftijd (%(age)s jaar; %(min)s tot %(max)s)") % {
            "age": age, "min": MIN_AGE_YEARS, "max": MAX_AGE_YEARS}, shown(text, 20))) from exc


def _check(row: CsvRow) -> _Employee:
    if len(row.fields) != len(HEADER):
        raise _RowRefused(RowProblem(errors.ImportRowColumns.code, gettext(
            "%(count)s kolommen in plaats van %(wanted)s (voornamen;achternaam;geboortedatum)") % {
            "count": len(row.fields), "wanted": len(HEADER)}, shown(";".join(row.fields))))
    first, last, born = row.fields
    problems, values = [], []
    for check in (lambda: _name(first, "voornamen"), lambda: _name(last, "achternaam"), lambda: _birth_date(born)):
        try:
            values.append(check())
        except _RowRefused as refused:
            problems.extend(refused.problems)
    if problems:
        raise _RowRefused(*problems)
    return _Employee(row.line, *values)


def _as_rows(rows: Iterable[CsvRow | Sequence[str]]) -> list[CsvRow]:
    """CsvRows as they are; plain sequences of fields are numbered from line 2 (after a header)."""
    found: list[CsvRow] = []
    for number, row in enumerate(rows, 2):
        if len(found) >= MAX_ROWS:
            raise _too_many_rows()
        found.append(row if isinstance(row, CsvRow) else CsvRow(number, tuple(str(f) for f in row)))
    return found


# --------------------------------------------------------------------------------------------- importing


def import_employees(organisation: Organisation, rows: Iterable[CsvRow | Sequence[str]], *, actor: str,
                     ip: str = "", dry_run: bool = False, source: CsvFile | None = None,
                     progress: Progress | None = None) -> ImportReport:
    """Create the rows' persons with the MEDEWERKER role in ``organisation``, awaiting their WID check.

    All or nothing: the report's ``refused`` lists every row refused, and then nothing is written. Persons
    already in the organisation are listed in ``already`` and skipped. With ``dry_run`` everything is checked
    and nothing written. One audit event for the whole import (the file's SHA-256 from ``source`` and the
    count), none per row. ``progress(stage, done, total)`` is called now and then while checking and writing.
    The report's reasons are in the active language (the command line speaks Dutch).
    """
    rows = _as_rows(rows)
    report = ImportReport(ura=organisation.ura, rows=len(rows), dry_run=dry_run,
                          file_name=source.name if source else "", sha256=source.sha256 if source else "")
    tick = progress or (lambda stage, done, total: None)
    valid: list[_Employee] = []
    first_seen: dict[tuple, int] = {}
    tick(CHECKING, 0, len(rows))
    for done, row in enumerate(rows, 1):
        try:
            employee = _check(row)
        except _RowRefused as refused:
            report.refused.append(RowNote(row.line, refused.problems))
        else:
            earlier = first_seen.setdefault(employee.key, row.line)
            if earlier != row.line:
                report.refused.append(RowNote(row.line, (RowProblem(
                    errors.ImportRowDuplicate.code,
                    gettext("dubbel: dezelfde persoon als regel %(line)s") % {"line": earlier},
                    shown(";".join(row.fields))),)))
            else:
                valid.append(employee)
        if done % PROGRESS_EVERY == 0:
            tick(CHECKING, done, len(rows))
    tick(CHECKING, len(rows), len(rows))
    if report.refused:
        return report
    if dry_run:
        todo = _new_only(organisation, valid, report)
        report.imported = len(todo)
        report.new = [NewEmployee(e.line, "", e.first_names, e.last_name, e.birth_date) for e in todo]
        return report
    now = clock.now()
    with transaction.atomic():
        # One import into an organisation at a time: the check for persons already there stays true until commit.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).values_list("pk", flat=True).first()
        todo = _new_only(organisation, valid, report)
        people = [Person(first_names=e.first_names, last_name=e.last_name, birth_date=e.birth_date, created_at=now)
                  for e in todo]
        tick(WRITING, 0, len(people))
        for start in range(0, len(people), BATCH):
            batch = people[start:start + BATCH]
            Person.objects.bulk_create(batch)
            RoleAssignment.objects.bulk_create([
                RoleAssignment(person_id=person.id, role=Role.MEDEWERKER, organisation=organisation, granted_at=now)
                for person in batch])
            memberships.joined_all(batch, organisation)
            tick(WRITING, start + len(batch), len(people))
        record("employees.imported", actor=actor, subject=f"organisation:{organisation.ura}", ip=ip,
               details={"ura": organisation.ura, "count": len(people), "already": len(report.already),
                        "rows": report.rows, "file": source.name[:200] if source else "",
                        "sha256": source.sha256 if source else "", "awaiting": "wid_check"})
    report.imported, report.written = len(people), True
    report.new = [NewEmployee(e.line, p.id, p.first_names, p.last_name, p.birth_date)
                  for e, p in zip(todo, people, strict=True)]
    return report


def _new_only(organisation: Organisation, valid: list[_Employee], report: ImportReport) -> list[_Employee]:
    existing = {person_key(*values) for values in Person.objects.filter(roles__organisation=organisation)
                .values_list("first_names", "last_name", "birth_date").distinct().iterator(chunk_size=5_000)}
    todo = []
    for employee in valid:
        if employee.key in existing:
            report.already.append(RowNote(employee.line, (RowProblem(
                errors.ImportRowAlready.code, gettext("staat al in de organisatie: overgeslagen"),
                shown(f"{employee.first_names};{employee.last_name};{employee.birth_date:%d-%m-%Y}")),)))
        else:
            todo.append(employee)
    return todo


def import_upload(organisation: Organisation, data: bytes, *, name: str, by: Person, ip: str = "",
                  dry_run: bool = False) -> ImportReport:
    """The page's import: an uploaded file's bytes, read and imported as the command imports a file.

    File errors (ZID-IMPORT-FILE-INVALID, -ENCODING, -TOO-LARGE) are raised as ``read_csv`` raises them; refused
    rows are in the report, and then nothing is written. The audit event names the person who uploaded.
    """
    source = read_csv(data, name=name[:200])
    return import_employees(organisation, source.rows, actor=f"person:{by.id}", ip=ip, dry_run=dry_run,
                            source=source)
