"""Bulk import of employees from a CSV file (R-FLOW-BEHREG for large organisations).

An imported employee is a Person with the MEDEWERKER role in the organisation, *awaiting* the WID check: no
WID check and no activation code are made. A beheerder later checks the identity document face to face and
hands over the QR code with the existing "Nieuwe QR-code" action (``employees.reissue``).

The file: UTF-8 (with or without BOM), the header ``voornamen;achternaam;geboortedatum`` (``,`` works as
separator too), one employee per line, dates as dd-mm-jjjj. Bounded: at most ``MAX_FILE_BYTES`` bytes and
``MAX_ROWS`` rows; names as ``identities.people.PersonName`` accepts them (at most 128 characters, no control
characters), birth dates as ``identities.people.BirthDate`` (real, not in the future, someone aged 12 to 120).

All or nothing: when any row is refused (bad data, a wrong number of columns, the same person twice in the
file), nothing is written and the report lists every refused row with its line number and reason. A person
already in the organisation (the same person by ``identities.people.person_key``) is reported and skipped, not
duplicated, so the same file can be imported again. The writing is one transaction (bulk inserts in batches),
so an interruption (Ctrl-C) half-way leaves nothing behind.

Audit: one event ``employees.imported`` per import (actor, URA, number of persons, number skipped, the file's
name and SHA-256), and nothing per row: the file's SHA-256 and the count identify what was imported, and every
imported person's ``created_at`` is the import's time. A later WID check and QR hand-over of each person are
audited as usual.
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
from zorgid.protocol.errors import ZorgidError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_NAME = NAME_MAX
MAX_FIELD = 1_000  # a raw field longer than this is refused without further reading
BATCH = 2_000
HEADER = ("voornamen", "achternaam", "geboortedatum")
PROGRESS_EVERY = 500

Progress = Callable[[str, int, int], None]  # (stage, done, total); stage is CHECKING or WRITING
CHECKING, WRITING = "controleren", "opslaan"


# ------------------------------------------------------------------------------------------------ errors
# (listed on /foutmeldingen once this module is in portal.errors_catalogue.ERROR_MODULES)


class ImportFileInvalid(ZorgidError):
    code = "ZID-IMPORT-FILE-INVALID"
    status = 400
    cause_nl = "Het importbestand is geen CSV-bestand met medewerkers in de verwachte vorm."
    cause_en = "The import file is not a CSV file of employees in the expected form."
    solution_nl = ("Gebruik een CSV-bestand met de kop voornamen;achternaam;geboortedatum en per regel één "
                   "medewerker, met de geboortedatum als dd-mm-jjjj.")
    solution_en = ("Use a CSV file with the header voornamen;achternaam;geboortedatum and one employee per line, "
                   "with the birth date as dd-mm-yyyy.")


class ImportFileTooLarge(ZorgidError):
    code = "ZID-IMPORT-TOO-LARGE"
    status = 413
    cause_nl = "Het importbestand is te groot (meer dan 20 MB of meer dan 100.000 medewerkers)."
    cause_en = "The import file is too large (more than 20 MB or more than 100,000 employees)."
    solution_nl = "Splits het bestand in delen van hoogstens 100.000 regels en importeer die een voor een."
    solution_en = "Split the file into parts of at most 100,000 lines and import them one by one."


class ImportEncodingInvalid(ZorgidError):
    code = "ZID-IMPORT-ENCODING"
    status = 400
    cause_nl = "Het importbestand is niet als UTF-8 opgeslagen."
    cause_en = "The import file is not saved as UTF-8."
    solution_nl = ("Sla het bestand op als 'CSV UTF-8 (gescheiden door lijstscheidingsteken)' en importeer "
                   "het opnieuw.")
    solution_en = "Save the file as 'CSV UTF-8 (comma delimited)' and import it again."


class ImportOrganisationUnknown(ZorgidError):
    code = "ZID-IMPORT-ORG-UNKNOWN"
    status = 404
    cause_nl = "Er is geen organisatie met dit URA."
    cause_en = "There is no organisation with this URA."
    solution_nl = "Controleer het URA (8 cijfers), of voer de organisatie eerst in met zorgid org add."
    solution_en = "Check the URA (8 digits), or enter the organisation first with zorgid org add."


class ImportRowsRefused(ZorgidError):
    code = "ZID-IMPORT-ROWS-REFUSED"
    status = 400
    cause_nl = "Regels van het importbestand zijn geweigerd; er is niets geïmporteerd."
    cause_en = "Lines of the import file were refused; nothing was imported."
    solution_nl = "Verbeter de genoemde regels (of haal ze weg) en importeer het hele bestand opnieuw."
    solution_en = "Correct (or remove) the lines named and import the whole file again."


# ------------------------------------------------------------------------------------------------- data


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
class RowNote:
    """A refused or skipped row: its line number and the reason, in Dutch."""

    line: int
    reason: str


@dataclass(frozen=True)
class _Employee:
    line: int
    first_names: str
    last_name: str
    birth_date: dt.date

    @property
    def key(self) -> tuple[str, str, dt.date]:
        return person_key(self.first_names, self.last_name, self.birth_date)


@dataclass
class ImportReport:
    ura: str
    rows: int = 0  # data rows read
    imported: int = 0  # persons created (with --dry-run: that would be created)
    refused: list[RowNote] = field(default_factory=list)
    already: list[RowNote] = field(default_factory=list)  # in the organisation already: skipped
    dry_run: bool = False
    written: bool = False  # committed to the database

    @property
    def ok(self) -> bool:
        return not self.refused


def shown(value: str, limit: int = 40) -> str:
    """A field as it may be shown in a report: control characters escaped, long values cut."""
    text = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in value[:limit])
    return f"'{text}{'…' if len(value) > limit else ''}'"


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


def read_file(path: Path | str) -> CsvFile:
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ImportFileTooLarge(f"{size:,} bytes; hoogstens {MAX_FILE_BYTES:,}".replace(",", "."))
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    return read_csv(data, name=path.name)


def read_csv(data: bytes, *, name: str = "") -> CsvFile:
    """Decode and split the file into rows; the header is checked, the rows are not (import_employees does)."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileTooLarge(f"meer dan {MAX_FILE_BYTES:,} bytes".replace(",", "."))
    sha256 = hashlib.sha256(data).hexdigest()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportEncodingInvalid("het bestand is UTF-16 (Unicode-tekst)")
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body[:exc.start].count(b"\n") + 1
        raise ImportEncodingInvalid(f"regel {line}: byte 0x{body[exc.start]:02x} is geen UTF-8 (Windows-1252 of "
                                    "Latin-1?)") from exc
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        raise ImportFileInvalid("regel 1 is leeg: de kop voornamen;achternaam;geboortedatum ontbreekt")
    delimiter = ";" if ";" in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=True)
    rows: list[CsvRow] = []
    try:
        header = next(reader, None)
        if header is None or tuple(cell.strip().casefold() for cell in header) != HEADER:
            raise ImportFileInvalid(f"regel 1: de kop moet voornamen;achternaam;geboortedatum zijn, niet "
                                    f"{shown(first_line, 80)}")
        line = reader.line_num + 1
        for fields in reader:
            if fields and not (len(fields) == 1 and not fields[0].strip()):  # blank lines are skipped
                if len(rows) >= MAX_ROWS:
                    raise ImportFileTooLarge(f"meer dan {MAX_ROWS:,} regels".replace(",", "."))
                rows.append(CsvRow(line, tuple(fields)))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFileInvalid(f"regel {reader.line_num}: {exc}") from exc
    return CsvFile(name=name, sha256=sha256, size=len(data), rows=rows)


# ------------------------------------------------------------------------------------------- validating


def _name(value: str, field_name: str) -> str:
    """PersonName's rules, with the reason in Dutch."""
    what = f"veld {field_name}"
    if len(value) > MAX_FIELD:
        raise ValueError(f"{what} is langer dan {MAX_NAME} tekens")
    try:
        return PersonName(value, field_name).value
    except PersonDataInvalid as exc:
        value = unicodedata.normalize("NFC", value.strip())  # as PersonName saw it
        reasons = {people.EMPTY: f"{what} is leeg",
                   people.TOO_LONG: f"{what} is langer dan {MAX_NAME} tekens ({len(value)})",
                   people.CONTROL: f"{what} bevat stuurtekens: {shown(value)}",
                   people.NO_LETTER: f"{what} bevat geen letters: {shown(value)}"}
        raise ValueError(reasons.get(exc.reason, f"{what}: {exc.detail}")) from exc


def _birth_date(value: str) -> dt.date:
    """BirthDate's rules, with the reason in Dutch."""
    text = value.strip()
    if not text:
        raise ValueError("veld geboortedatum is leeg")
    try:
        return BirthDate.parse(text).value
    except PersonDataInvalid as exc:
        if exc.reason == people.NOT_A_DATE:
            raise ValueError(f"geboortedatum {shown(text, 20)} is geen bestaande datum als dd-mm-jjjj") from exc
        if exc.reason == people.FUTURE:
            raise ValueError(f"geboortedatum {text} ligt in de toekomst") from exc
        age = BirthDate.age_on(clock.parse_date(text), clock.now().date())
        raise ValueError(f"geboortedatum {text} geeft een onwaarschijnlijke leeftijd ({age} jaar; "
                         f"{MIN_AGE_YEARS} tot {MAX_AGE_YEARS})") from exc


def _check(row: CsvRow) -> _Employee:
    if len(row.fields) != len(HEADER):
        raise ValueError(f"{len(row.fields)} kolommen in plaats van {len(HEADER)} (voornamen;achternaam;"
                         "geboortedatum)")
    first, last, born = row.fields
    reasons, values = [], []
    for check in (lambda: _name(first, "voornamen"), lambda: _name(last, "achternaam"), lambda: _birth_date(born)):
        try:
            values.append(check())
        except ValueError as exc:
            reasons.append(str(exc))
    if reasons:
        raise ValueError("; ".join(reasons))
    return _Employee(row.line, *values)


def _as_rows(rows: Iterable[CsvRow | Sequence[str]]) -> list[CsvRow]:
    """CsvRows as they are; plain sequences of fields are numbered from line 2 (after a header)."""
    found: list[CsvRow] = []
    for number, row in enumerate(rows, 2):
        if len(found) >= MAX_ROWS:
            raise ImportFileTooLarge(f"meer dan {MAX_ROWS:,} regels".replace(",", "."))
        found.append(row if isinstance(row, CsvRow) else CsvRow(number, tuple(str(f) for f in row)))
    return found


# --------------------------------------------------------------------------------------------- importing


def import_employees(organisation: Organisation, rows: Iterable[CsvRow | Sequence[str]], *, actor: str,
                     dry_run: bool = False, source: CsvFile | None = None,
                     progress: Progress | None = None) -> ImportReport:
    """Create the rows' persons with the MEDEWERKER role in ``organisation``, awaiting their WID check.

    All or nothing: the report's ``refused`` lists every row refused, and then nothing is written. Persons
    already in the organisation are listed in ``already`` and skipped. With ``dry_run`` everything is checked
    and nothing written. One audit event for the whole import (the file's SHA-256 from ``source`` and the
    count), none per row. ``progress(stage, done, total)`` is called now and then while checking and writing.
    """
    rows = _as_rows(rows)
    report = ImportReport(ura=organisation.ura, rows=len(rows), dry_run=dry_run)
    tick = progress or (lambda stage, done, total: None)
    valid: list[_Employee] = []
    first_seen: dict[tuple, int] = {}
    tick(CHECKING, 0, len(rows))
    for done, row in enumerate(rows, 1):
        try:
            employee = _check(row)
        except ValueError as exc:
            report.refused.append(RowNote(row.line, str(exc)))
        else:
            earlier = first_seen.setdefault(employee.key, row.line)
            if earlier != row.line:
                report.refused.append(RowNote(row.line, f"dubbel: dezelfde persoon als regel {earlier}"))
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
        record("employees.imported", actor=actor, subject=f"organisation:{organisation.ura}",
               details={"ura": organisation.ura, "count": len(people), "already": len(report.already),
                        "rows": report.rows, "file": source.name[:200] if source else "",
                        "sha256": source.sha256 if source else "", "awaiting": "wid_check"})
    report.imported, report.written = len(people), True
    return report


def _new_only(organisation: Organisation, valid: list[_Employee], report: ImportReport) -> list[_Employee]:
    existing = {person_key(*values) for values in Person.objects.filter(roles__organisation=organisation)
                .values_list("first_names", "last_name", "birth_date").distinct().iterator(chunk_size=5_000)}
    todo = []
    for employee in valid:
        if employee.key in existing:
            report.already.append(RowNote(employee.line, "staat al in de organisatie: overgeslagen"))
        else:
            todo.append(employee)
    return todo
