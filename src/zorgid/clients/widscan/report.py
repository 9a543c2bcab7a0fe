"""What ``zorgid-widscan scan`` shows of a checked document, and what it records of it (R-FLOW-WIDSCAN).

The employee sees the document's data (the number masked but for its last four characters), every check with ✓
or ✗ and its text, and the verdict. What is recorded at the server is only what zorgid.protocol.widscan's
WidCheckRecord carries: the kind of document, the number's last four characters, the expiry date, the outcome and
the keys of the checks that failed; never the whole number, the names or the birth date.
"""

from __future__ import annotations

import datetime as dt

from zorgid.protocol.errors import Detail
from zorgid.protocol.widscan import CHECK_KEY, DOCUMENT_TYPES, LAST4, MAX_FAILED_CHECKS, WidCheckRecord

from ..terminal import printable, tr
from .app_errors import DocumentNotRecordable
from .mrz import MrzCheck

PASSED, FAILED = "✓", "✗"


def masked(number: str) -> str:
    """All but the last four characters hidden: ``*****2014``."""
    return "*" * max(len(number) - 4, 0) + number[-4:]


def _date(day: dt.date | None) -> str:
    return f"{day:%d-%m-%Y}" if day is not None else tr("(niet in de MRZ)", "(not in the MRZ)")


def _text(detail: Detail) -> str:
    return printable(tr(detail.nl, detail.en))


def lines(result: MrzCheck) -> list[str]:
    """The document's data, each check, the notes and the verdict, one line each, in the language of this run."""
    document = result.document
    name = " ".join(part for part in (document.given_names, document.surname) if part)
    shown = [
        f"{tr('Soort document', 'Kind of document')}: {document.document_type or tr('onbekend', 'unknown')} "
        f"({document.document_code or '<'}, {document.issuing_country})",
        f"{tr('Naam', 'Name')}: {name or tr('(niet in de MRZ)', '(not in the MRZ)')}",
        f"{tr('Geboortedatum', 'Date of birth')}: {_date(document.birth_date)}",
        f"{tr('Nationaliteit', 'Nationality')}: {document.nationality or tr('(niet in de MRZ)', '(not in the MRZ)')}",
        f"{tr('Documentnummer', 'Document number')}: {masked(document.number)}",
        f"{tr('Geldig tot en met', 'Valid until')}: {_date(document.expiry_date)}",
        "",
    ]
    shown += [f"{PASSED if item.passed else FAILED} {_text(item.text)}" for item in result.items]
    shown += [f"{tr('Let op', 'Note')}: {_text(note)}" for note in result.notes]
    shown.append("")
    if result.valid:
        shown.append(tr("Geldig document", "Valid document"))
    else:
        shown.append(tr("Ongeldig: ", "Invalid: ") + "; ".join(_text(item.text) for item in result.failures))
    return shown


def record_of(result: MrzCheck, link: str, purpose: str, signed_at: int) -> WidCheckRecord:
    """The WidCheckRecord of a check; a document the server cannot take (no kind, no expiry date in the MRZ nor
    typed off a driving licence, a number without four plain characters at its end) is refused here with
    DocumentNotRecordable."""
    document = result.document
    if document.document_type not in DOCUMENT_TYPES:
        raise DocumentNotRecordable(Detail("de soort document is onbekend", "the kind of document is unknown"))
    if not LAST4.match(document.number_last4):
        raise DocumentNotRecordable(Detail("het documentnummer heeft geen 4 tekens om vast te leggen",
                                           "the document number has no 4 characters to record"))
    if document.expiry_date is None:
        if document.format == "DL":
            raise DocumentNotRecordable(Detail(
                "een rijbewijs heeft geen vervaldatum in de MRZ: geef die van de kaart (4b) met --expiry",
                "a driving licence has no expiry date in its MRZ: give the card's (4b) with --expiry"))
        raise DocumentNotRecordable(Detail("de MRZ heeft geen (geldige) vervaldatum",
                                           "the MRZ has no (valid) expiry date"))
    failed = tuple(item.key for item in result.failures if CHECK_KEY.match(item.key))[:MAX_FAILED_CHECKS]
    if not result.valid and not failed:
        failed = ("document",)
    # an employee's birth date goes along, so that the server ties the document to the person registered; a
    # patient's never does (the server keeps no more of a patient than the check needs)
    holder = document.birth_date if purpose == "medewerker" else None
    return WidCheckRecord(link=link, purpose=purpose, document_type=document.document_type,
                          number_last4=document.number_last4, expiry_date=document.expiry_date,
                          outcome="geldig" if result.valid else "ongeldig", failed_checks=failed,
                          signed_at=signed_at, holder_birth_date=holder)
