"""The report of a bulk import of employees, and its sentences: one report for the command line and the page.

``zorgid employees import`` prints these sentences; the page ``organisatie/<ura>/medewerkers/importeren`` shows
them. Each sentence is built in the active language (Dutch on the command line, which speaks Dutch; the page's
language on the page), so both say the same.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext, ngettext


def shown(value: str, limit: int = 40) -> str:
    """A field as it may be shown in a report: control characters escaped, long values cut."""
    text = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in value[:limit])
    return f"'{text}{'…' if len(value) > limit else ''}'"


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong with a row: its code (an ``import_errors.ImportRowProblem``), what is wrong, the value."""

    code: str
    text: str  # in the active language
    value: str = ""  # as ``shown`` shows it: quoted, control characters escaped, cut; "" when there is none

    @property
    def sentence(self) -> str:
        return f"{self.text}: {self.value}" if self.value else self.text


@dataclass(frozen=True)
class RowNote:
    """A refused or skipped row: its line number (the header is line 1) and what is wrong with it."""

    line: int
    problems: tuple[RowProblem, ...]

    @property
    def reason(self) -> str:
        return "; ".join(problem.sentence for problem in self.problems)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(problem.code for problem in self.problems)


@dataclass(frozen=True)
class NewEmployee:
    """A row that is (or, in a trial, would be) a new employee, awaiting the WID check."""

    line: int
    person_id: str  # "" in a trial
    first_names: str
    last_name: str
    birth_date: dt.date


@dataclass
class ImportReport:
    ura: str
    rows: int = 0  # data rows read
    imported: int = 0  # persons created (with dry_run: that would be created)
    refused: list[RowNote] = field(default_factory=list)
    already: list[RowNote] = field(default_factory=list)  # in the organisation already: skipped
    new: list[NewEmployee] = field(default_factory=list)  # the persons created (with dry_run: that would be)
    dry_run: bool = False
    written: bool = False  # committed to the database
    file_name: str = ""
    sha256: str = ""

    @property
    def ok(self) -> bool:
        return not self.refused


# ------------------------------------------------------------------------------------------- the sentences


def refused_heading(report: ImportReport) -> str:
    """"3 van 12 regels geweigerd in medewerkers.csv" (without a file name: "… geweigerd")."""
    values = {"refused": len(report.refused), "rows": report.rows, "file": report.file_name}
    if report.file_name:
        return ngettext("%(refused)s van %(rows)s regel geweigerd in %(file)s",
                        "%(refused)s van %(rows)s regels geweigerd in %(file)s", report.rows) % values
    return ngettext("%(refused)s van %(rows)s regel geweigerd", "%(refused)s van %(rows)s regels geweigerd",
                    report.rows) % values


def note_line(note: RowNote) -> str:
    """"regel 7: geboortedatum ligt in de toekomst: '01-01-2999' (ZID-IMPORT-ROW-FUTURE)"."""
    return gettext("regel %(line)s: %(reason)s") % {"line": note.line, "reason": note.reason} + (
        f" ({', '.join(note.codes)})")


def more_already(count: int) -> str:
    return ngettext("… en nog %(count)s regel die al in de organisatie staat",
                    "… en nog %(count)s regels die al in de organisatie staan", count) % {"count": count}


def imported_summary(report: ImportReport, organisation_name: str) -> str:
    """"12 medewerkers geïmporteerd in De Linde (URA 90000382); 2 stonden er al." (a trial: "zouden worden")."""
    values = {"count": report.imported, "where": f"{organisation_name} (URA {report.ura})",
              "already": len(report.already)}
    if report.dry_run:
        return ngettext("Proef: %(count)s medewerker zou worden geïmporteerd in %(where)s, %(already)s staan er "
                        "al. Er is niets opgeslagen.",
                        "Proef: %(count)s medewerkers zouden worden geïmporteerd in %(where)s, %(already)s staan "
                        "er al. Er is niets opgeslagen.", report.imported) % values
    return ngettext("%(count)s medewerker geïmporteerd in %(where)s; %(already)s stonden er al.",
                    "%(count)s medewerkers geïmporteerd in %(where)s; %(already)s stonden er al.",
                    report.imported) % values


def awaiting_wid_check() -> str:
    return gettext("Zij wachten op hun WID-controle: een beheerder controleert het identiteitsbewijs en geeft de "
                   "QR-code met \"Nieuwe QR-code\" op de pagina van de medewerker.")


def nothing_imported() -> str:
    return gettext("Er is niets geïmporteerd.")
