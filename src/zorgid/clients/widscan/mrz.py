"""The machine-readable zone (MRZ) of an identity document: read it, and check it (R-FLOW-WIDSCAN).

Pure code: text in, a :class:`MrzDocument` out (:func:`parse`), and every check with its outcome (:func:`check`).
The formats, after ICAO Doc 9303 (Machine Readable Travel Documents, parts 3, 4 and 5); positions count from 0:

TD3 (passport, Doc 9303 part 4): 2 lines of 44.
    line 1: 0-1 document code (P<), 2-4 issuing state, 5-43 name (SURNAME<<GIVEN<NAMES).
    line 2: 0-8 document number, 9 its check digit, 10-12 nationality, 13-18 birth date (YYMMDD), 19 check digit,
    20 sex, 21-26 expiry date, 27 check digit, 28-41 personal number, 42 its check digit (< when empty),
    43 composite check digit over 0-9, 13-19 and 21-42.

TD1 (identity card, residence document, Doc 9303 part 5): 3 lines of 30.
    line 1: 0-1 document code (I<, ID, IR), 2-4 issuing state, 5-13 document number, 14 its check digit,
    15-29 optional data. A longer document number goes on in the optional data, 14 is then <.
    line 2: 0-5 birth date, 6 check digit, 7 sex, 8-13 expiry date, 14 check digit, 15-17 nationality,
    18-28 optional data, 29 composite check digit over line 1 5-29 and line 2 0-6, 8-14 and 18-28.
    line 3: the name.
    The Netherlands put the BSN in line 1 15-23 and its check digit in 29 (empty on cards issued since 2021).

DL (the Dutch driving licence, after ISO/IEC 18013 and ICAO's check digit): 1 line of 30.
    0-1 D1, 2-4 NLD, 5 a digit, 6-15 the document number (10 digits), 16-28 data of the chip's access key,
    29 check digit over 0-28. It has no names, no dates: the expiry date (4b) is read off the card, and
    :func:`check` checks it when it is given (``dataclasses.replace(document, expiry_date=…)``).

Check digits (Doc 9303 part 3): the values (0-9 the digit, A-Z 10-35, < 0) times the weights 7, 3, 1, 7, 3, 1, …,
summed, modulo 10.

Two-digit years: an expiry date is in 20YY; a birth date is the latest of 19YY and 20YY that is not after today.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from iso3166 import countries_by_alpha3

from zorgid.clients.widscan.errors import (
    BsnInvalid,
    CountryUnknown,
    ExpiryNotChecked,
    MrzCheckDigit,
    MrzExpired,
    MrzFormatUnsupported,
    MrzMalformed,
    NotAWid,
)
from zorgid.protocol.errors import Detail, ZorgidError

NETHERLANDS = ZoneInfo("Europe/Amsterdam")


def dutch_today() -> date:
    """Today as the Netherlands count it, whatever the computer's time zone: the day a document's expiry is
    checked against, the same day the server checks it against (docs/architecture.md, "Time comes from
    zorgid.clock")."""
    return datetime.now(NETHERLANDS).date()


MAX_INPUT = 200  # three lines of 30 or two of 44, with room for line ends and blanks around them
FILLER = "<"
_MRZ_LINE = re.compile(r"^[A-Z0-9<]+$")
_WEIGHTS = (7, 3, 1)

# the values of the server's WidDocumentType
PASPOORT = "paspoort"
IDENTITEITSKAART = "identiteitskaart"
RIJBEWIJS = "rijbewijs"
VERBLIJFSDOCUMENT = "verblijfsdocument"

# ICAO Doc 9303 part 3: codes of issuing states and organisations that are not ISO 3166-1 alpha-3 codes
ICAO_SPECIAL_CODES = frozenset({
    "D",  # Germany
    "GBD", "GBN", "GBO", "GBP", "GBS",  # British dependent territories citizen, national (overseas), …
    "EUE",  # European Union
    "UNO", "UNA", "UNK",  # United Nations: organisation, specialised agency, Kosovo mission
    "XBA", "XIM", "XCC", "XCE", "XCO", "XEC", "XPO", "XES", "XMP", "XOM", "XDC",  # other organisations
    "RKS",  # Kosovo
    "XXA", "XXB", "XXC", "XXX",  # stateless person, refugee, refugee (other), unspecified nationality
})

# OCR reads these letters where a digit is printed (ICAO's OCR-B font): used only in places that hold digits by
# definition, so the check digits still decide
OCR_DIGITS = {"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "B": "8", "G": "6"}
# a Dutch document number never has the letter O (it reads as 0)
_DUTCH_NUMBER_REPAIR = {"O": "0"}


def _value(char: str) -> int:
    if char == FILLER:
        return 0
    if "0" <= char <= "9":
        return ord(char) - ord("0")
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    raise MrzMalformed(Detail(nl=f"het teken {_shown(char)} hoort niet in een MRZ",
                              en=f"the character {_shown(char)} does not belong in an MRZ"))


def check_digit(text: str) -> str:
    """The ICAO Doc 9303 check digit of ``text`` (weights 7, 3, 1; < is 0, A is 10 … Z is 35)."""
    return str(sum(_value(char) * _WEIGHTS[i % 3] for i, char in enumerate(text)) % 10)


def bsn_valid(number: str) -> bool:
    """The elfproef of a BSN: 9 digits, 9×d1 + 8×d2 + … + 2×d8 − d9 divisible by 11 (and not all zeros)."""
    if len(number) != 9 or not number.isascii() or not number.isdigit() or number == "000000000":
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:8], range(9, 1, -1), strict=True))
    return (total - int(number[8])) % 11 == 0


def country_known(code: str) -> bool:
    """Whether ``code`` (fillers stripped) is an issuing state or nationality of ICAO Doc 9303."""
    return code in ICAO_SPECIAL_CODES or code in countries_by_alpha3


@dataclass(frozen=True)
class DigitField:
    """One field under a check digit: ``key`` is the check's key, ``data`` the characters, ``digit`` the MRZ's."""

    key: str
    data: str
    digit: str
    empty_allowed: bool = False  # the digit may be < when the data is all fillers (an empty personal number)

    @property
    def passed(self) -> bool:
        if self.empty_allowed and self.digit == FILLER and set(self.data) <= {FILLER}:
            return True
        return self.digit == check_digit(self.data)


@dataclass(frozen=True)
class MrzDocument:
    """What an MRZ says. ``lines`` are the lines read (with ``from_ocr`` as repaired); ``document_type`` is the
    server's WidDocumentType value, or "" when the document code is no identity document."""

    format: str  # "TD3" | "TD1" | "DL"
    document_code: str  # "P", "I", "ID", "IR", "D1": the two characters, fillers stripped
    document_type: str
    issuing_country: str
    number: str
    surname: str
    given_names: str
    nationality: str
    birth_date: date | None
    sex: str  # "M", "F", "X" or "" (unspecified)
    expiry_date: date | None
    personal_number: str  # the BSN on a Dutch document, or the personal number of a passport; "" when empty
    lines: tuple[str, ...]
    raw_birth_date: str = ""  # the YYMMDD of the MRZ, for the texts of the checks
    raw_expiry_date: str = ""
    raw_sex: str = ""
    digit_fields: tuple[DigitField, ...] = field(default=(), repr=False)

    @property
    def number_last4(self) -> str:
        return self.number[-4:]

    @property
    def dutch(self) -> bool:
        return self.issuing_country == "NLD"


# --- reading --------------------------------------------------------------------------------------------------------


def parse(text: str, *, from_ocr: bool = False, today: date | None = None) -> MrzDocument:
    """Read an MRZ of 1 (Dutch driving licence), 2 (TD3) or 3 (TD1) lines. Refuses, with a :class:`WidScanError`,
    what is no MRZ (ZID-WID-MRZ-MALFORMED) or one of an unsupported kind (ZID-WID-MRZ-FORMAT); what the MRZ says
    wrong (check digits, dates, codes) is left to :func:`check`.

    ``from_ocr``: the text comes from text recognition, so spaces inside a line are dropped, and a letter in a place
    that holds a digit by definition is read as the digit it looks like (O → 0, I → 1, S → 5, B → 8, …).
    ``today`` decides the century of a birth date (default: today in the Netherlands).
    """
    lines = _lines(text, from_ocr=from_ocr)
    today = today or dutch_today()
    shape = tuple(len(line) for line in lines)
    if shape == (30,) and lines[0].startswith("D"):
        line = _repair(lines[0], (1,)) if from_ocr else lines[0]  # the 1 of D1
        return _driving_licence(line, from_ocr=from_ocr)
    if shape == (44, 44):
        if lines[0].startswith("V"):
            raise MrzFormatUnsupported(Detail(nl="dit is de MRZ van een visum (ICAO MRV-A)",
                                              en="this is the MRZ of a visa (ICAO MRV-A)"))
        return _td3(lines, from_ocr=from_ocr, today=today)
    if shape == (30, 30, 30):
        return _td1(lines, from_ocr=from_ocr, today=today)
    if shape == (36, 36):
        raise MrzFormatUnsupported(Detail(nl="dit is een MRZ van 2 regels van 36 tekens (ICAO TD2 of visum)",
                                          en="this is an MRZ of 2 lines of 36 characters (ICAO TD2 or visa)"))
    raise MrzMalformed(_shape_detail(shape))


def _shown(char: str) -> str:
    """A character for a message: printable as itself, otherwise as its code point (a control character is never
    echoed)."""
    return f"'{char}'" if char.isprintable() and not char.isspace() else f"U+{ord(char):04X}"


def _lines(text: object, *, from_ocr: bool) -> list[str]:
    if not isinstance(text, str):
        raise MrzMalformed(Detail(nl="er is geen tekst gegeven", en="no text was given"))
    if len(text) > MAX_INPUT:
        raise MrzMalformed(Detail(nl=f"de tekst is te lang ({len(text)} tekens, hoogstens {MAX_INPUT})",
                                  en=f"the text is too long ({len(text)} characters, at most {MAX_INPUT})"))
    lines = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip(" \t\r")
        if from_ocr:
            line = line.replace(" ", "").replace("\t", "")
        _refuse_strange_characters(line, number)
        if line:
            lines.append(line)
    if not lines:
        raise MrzMalformed(Detail(nl="de tekst is leeg", en="the text is empty"))
    return lines


def _refuse_strange_characters(line: str, number: int) -> None:
    if _MRZ_LINE.match(line) or not line:
        return
    position, char = next((i, c) for i, c in enumerate(line, start=1) if not ("A" <= c <= "Z" or "0" <= c <= "9"
                                                                             or c == FILLER))
    if "a" <= char <= "z":
        nl, en = "typ hoofdletters", "type capital letters"
    elif char in " \t":
        nl, en = "er staat een spatie in de regel", "there is a space in the line"
    else:
        nl, en = "alleen hoofdletters, cijfers en < horen in een MRZ", "only capitals, digits and < belong in an MRZ"
    raise MrzMalformed(Detail(nl=f"regel {number}, teken {position}: {_shown(char)}; {nl}",
                              en=f"line {number}, character {position}: {_shown(char)}; {en}"))


def _shape_detail(shape: tuple[int, ...]) -> Detail:
    lengths = ", ".join(str(length) for length in shape)
    if shape == (30,):
        return Detail(nl="1 regel van 30 tekens die niet met D begint: een identiteitskaart heeft 3 regels van 30, "
                         "een rijbewijs 1 regel die met D1NLD begint",
                      en="1 line of 30 characters that does not begin with D: an identity card has 3 lines of 30, "
                         "a driving licence 1 line that begins with D1NLD")
    return Detail(nl=f"{len(shape)} regel(s) van {lengths} tekens; een paspoort heeft 2 regels van 44, een "
                     "identiteitskaart of verblijfsdocument 3 regels van 30, een rijbewijs 1 regel van 30",
                  en=f"{len(shape)} line(s) of {lengths} characters; a passport has 2 lines of 44, an identity card "
                     "or residence document 3 lines of 30, a driving licence 1 line of 30")


def _repair(line: str, positions: range | tuple[int, ...], table: dict[str, str] = OCR_DIGITS) -> str:
    chars = list(line)
    for i in positions:
        chars[i] = table.get(chars[i], chars[i])
    return "".join(chars)


def _stripped(text: str) -> str:
    return text.strip(FILLER)


def _name(field_text: str) -> tuple[str, str]:
    surname, _, given = field_text.partition("<<")
    return surname.strip(FILLER).replace(FILLER, " "), given.strip(FILLER).replace(FILLER, " ")


def _birth_date(yymmdd: str, today: date) -> date | None:
    parsed = _date(2000, yymmdd)
    if parsed is not None and parsed > today:
        parsed = _date(1900, yymmdd)
    return parsed


def _date(century: int, yymmdd: str) -> date | None:
    if len(yymmdd) != 6 or not yymmdd.isascii() or not yymmdd.isdigit():
        return None
    try:
        return date(century + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:]))
    except ValueError:
        return None


def _sex(char: str) -> str:
    return char if char in ("M", "F", "X") else ""


# Of identity cards, only those of the EU, the EEA and Switzerland are an identity document in the Netherlands (Wet op
# de identificatieplicht); a passport of any country is. Germany's code in an MRZ is D.
ID_CARD_COUNTRIES = frozenset({
    "AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "D", "DEU", "GRC", "HUN", "IRL", "ITA", "LVA",
    "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE",  # the EU
    "ISL", "LIE", "NOR",  # the rest of the EEA
    "CHE",
})


def _document_type(fmt: str, code: str, country: str) -> str:
    """The WID kind of a document code, or "" when the code is no identity document here (ICAO Doc 9303 part 3:
    P passport; I identity card; the Netherlands' residence documents are IR, after the EU's uniform format)."""
    if fmt == "TD3" and code.startswith("P"):
        return PASPOORT
    if fmt == "TD1" and code in ("I", "ID") and country in ID_CARD_COUNTRIES:
        return IDENTITEITSKAART
    if fmt == "TD1" and code == "IR" and country == "NLD":
        return VERBLIJFSDOCUMENT
    if fmt == "DL" and code == "D1":
        return RIJBEWIJS
    return ""


def _td3(lines: list[str], *, from_ocr: bool, today: date) -> MrzDocument:
    first, second = lines
    country = _stripped(first[2:5])
    if from_ocr:
        numeric = (9, *range(13, 20), *range(21, 28), 42, 43) + (tuple(range(28, 37)) if country == "NLD" else ())
        second = _repair(second, numeric)
        if country == "NLD":
            second = _repair(_repair(second, (8,)), range(2, 8), _DUTCH_NUMBER_REPAIR)
    surname, given = _name(first[5:])
    code = _stripped(first[0:2])
    return MrzDocument(
        format="TD3", document_code=code, document_type=_document_type("TD3", code, country),
        issuing_country=country, number=_stripped(second[0:9]), surname=surname, given_names=given,
        nationality=_stripped(second[10:13]), birth_date=_birth_date(second[13:19], today), sex=_sex(second[20]),
        expiry_date=_date(2000, second[21:27]), personal_number=_stripped(second[28:42]), lines=(first, second),
        raw_birth_date=second[13:19], raw_expiry_date=second[21:27], raw_sex=second[20],
        digit_fields=(
            DigitField("check_digit_number", second[0:9], second[9]),
            DigitField("check_digit_birth", second[13:19], second[19]),
            DigitField("check_digit_expiry", second[21:27], second[27]),
            DigitField("check_digit_personal", second[28:42], second[42], empty_allowed=True),
            DigitField("check_digit_composite", second[0:10] + second[13:20] + second[21:43], second[43]),
        ),
    )


def _td1(lines: list[str], *, from_ocr: bool, today: date) -> MrzDocument:
    first, second, third = lines
    country = _stripped(first[2:5])
    if from_ocr:
        first = _repair(first, (14,))
        second = _repair(second, (*range(0, 7), *range(8, 15), 29))
        if country == "NLD":
            first = _repair(_repair(first, (13, *range(15, 24), 29)), range(7, 13), _DUTCH_NUMBER_REPAIR)
    number, number_digit, number_data = first[5:14], first[14], first[5:14]
    if number_digit == FILLER:  # a long number: it goes on in the optional data, its check digit last
        overflow = first[15:30].split(FILLER, 1)[0]
        number, number_digit, number_data = number + overflow[:-1], overflow[-1:] or FILLER, number + overflow[:-1]
    surname, given = _name(third)
    code = _stripped(first[0:2])
    dutch = country == "NLD"
    fields = [DigitField("check_digit_number", number_data, number_digit)]
    if dutch:
        fields.append(DigitField("check_digit_personal", first[15:29], first[29], empty_allowed=True))
    fields += [
        DigitField("check_digit_birth", second[0:6], second[6]),
        DigitField("check_digit_expiry", second[8:14], second[14]),
        DigitField("check_digit_composite", first[5:30] + second[0:7] + second[8:15] + second[18:29], second[29]),
    ]
    return MrzDocument(
        format="TD1", document_code=code, document_type=_document_type("TD1", code, country),
        issuing_country=country, number=_stripped(number), surname=surname, given_names=given,
        nationality=_stripped(second[15:18]), birth_date=_birth_date(second[0:6], today), sex=_sex(second[7]),
        expiry_date=_date(2000, second[8:14]), personal_number=_stripped(first[15:29]) if dutch else "",
        lines=(first, second, third), raw_birth_date=second[0:6], raw_expiry_date=second[8:14], raw_sex=second[7],
        digit_fields=tuple(fields),
    )


def _driving_licence(line: str, *, from_ocr: bool) -> MrzDocument:
    if not line.startswith("D1NLD"):
        raise MrzFormatUnsupported(Detail(
            nl=f"dit is de MRZ van een buitenlands rijbewijs ({line[:5]}): alleen het Nederlandse rijbewijs is een "
               "identiteitsbewijs",
            en=f"this is the MRZ of a foreign driving licence ({line[:5]}): only the Dutch driving licence is an "
               "identity document"))
    if from_ocr:
        line = _repair(line, (*range(5, 16), 29))
    return MrzDocument(
        format="DL", document_code="D1", document_type=RIJBEWIJS, issuing_country="NLD", number=line[6:16],
        surname="", given_names="", nationality="", birth_date=None, sex="", expiry_date=None, personal_number="",
        lines=(line,), digit_fields=(DigitField("check_digit_line", line[0:29], line[29]),),
    )


# --- checking -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckItem:
    """One check of a document: a stable ``key``, whether it ``passed``, and what it found in Dutch and English."""

    key: str
    passed: bool
    text: Detail
    error: type[ZorgidError] | None = field(default=None, repr=False, compare=False)  # raised when it failed


@dataclass(frozen=True)
class MrzCheck:
    """Every check of a document with its outcome, and ``notes``: what the employee checks on the document itself."""

    document: MrzDocument
    items: tuple[CheckItem, ...]
    notes: tuple[Detail, ...] = ()

    @property
    def valid(self) -> bool:
        return all(item.passed for item in self.items)

    @property
    def failures(self) -> list[CheckItem]:
        return [item for item in self.items if not item.passed]

    def errors(self) -> list[ZorgidError]:
        """One error with a code per failed check; its detail is the check's text."""
        return [(item.error or MrzMalformed)(item.text) for item in self.failures]


_DIGIT_FIELDS = {
    "check_digit_number": ("documentnummer", "document number"),
    "check_digit_birth": ("geboortedatum", "birth date"),
    "check_digit_expiry": ("vervaldatum", "expiry date"),
    "check_digit_personal": ("persoonsnummer", "personal number"),
    "check_digit_composite": ("van de hele MRZ", "the whole MRZ"),
    "check_digit_line": ("van de regel", "the line"),
}


def check(document: MrzDocument, today: date) -> MrzCheck:
    """Check everything the MRZ lets check, on ``today``: each check digit, the dates, the expiry, the codes of
    country, nationality and document, and a Dutch document's BSN. Every outcome is kept, not only the first."""
    items = [_digit_item(digit_field) for digit_field in document.digit_fields]
    if not document.number:  # all fillers: its check digit 0 would pass
        items.append(CheckItem("document_number", False, Detail(nl="Het documentnummer ontbreekt in de MRZ",
                                                                en="The document number is missing from the MRZ"),
                               MrzMalformed))
    if document.format != "DL":
        items += _date_items(document, today)
        items.append(_sex_item(document))
    elif document.expiry_date is not None:  # typed off the driving licence (4b): its MRZ has no dates
        items.append(_expiry_item(document, today))
    else:  # not checked is not valid: the employee types the date at 4b
        items.append(CheckItem("expiry", False, Detail(
            nl="De vervaldatum is niet gecontroleerd: het rijbewijs heeft hem niet in de MRZ; typ de datum bij 4b over",
            en="The expiry date was not checked: the driving licence does not have it in its MRZ; type the date at 4b"),
            ExpiryNotChecked))
    items.append(_country_item("country", "land van afgifte", "issuing country", document.issuing_country))
    if document.format != "DL":
        items.append(_country_item("nationality", "nationaliteit", "nationality", document.nationality))
    items.append(_document_type_item(document))
    if document.dutch and document.personal_number:
        items.append(_bsn_item(document.personal_number))
    notes = ()
    if document.format == "DL" and document.expiry_date is not None:
        notes = (Detail(nl="De vervaldatum is overgetypt van het rijbewijs (4b); het rijbewijs heeft geen namen in de "
                           "MRZ: controleer de namen op het rijbewijs zelf.",
                        en="The expiry date was typed off the licence (4b); the driving licence has no names in its "
                           "MRZ: check the names on the licence itself."),)
    elif document.format == "DL":
        notes = (Detail(nl="Het rijbewijs heeft geen vervaldatum en geen namen in de MRZ: controleer de vervaldatum "
                           "(4b) en de namen op het rijbewijs zelf.",
                        en="The driving licence has no expiry date and no names in its MRZ: check the expiry date "
                           "(4b) and the names on the licence itself."),)
    return MrzCheck(document=document, items=tuple(items), notes=notes)


def _digit_item(digit_field: DigitField) -> CheckItem:
    nl, en = _DIGIT_FIELDS[digit_field.key]
    if digit_field.passed:
        return CheckItem(digit_field.key, True, Detail(nl=f"Controlecijfer {nl} klopt", en=f"Check digit of {en} is "
                                                                                              "correct"))
    return CheckItem(digit_field.key, False, Detail(nl=f"Controlecijfer {nl} klopt niet",
                                                    en=f"Check digit of {en} is wrong"), MrzCheckDigit)


def _dutch_date(day: date) -> str:
    return day.strftime("%d-%m-%Y")  # R-CONST-DATE: dd-mm-jjjj


def _date_items(document: MrzDocument, today: date) -> list[CheckItem]:
    items = []
    raw = document.raw_birth_date
    if document.birth_date is not None:
        items.append(CheckItem("birth_date", True, Detail(nl=f"Geboortedatum: {_dutch_date(document.birth_date)}",
                                                          en=f"Birth date: {document.birth_date.isoformat()}")))
    elif FILLER in raw and (raw.replace(FILLER, "").isdigit() or raw == FILLER * 6):
        items.append(CheckItem("birth_date", True, Detail(
            nl="De geboortedatum staat niet (helemaal) in de MRZ: controleer hem op het document",
            en="The birth date is not (all) in the MRZ: check it on the document")))
    else:
        items.append(CheckItem("birth_date", False, Detail(nl=f"De geboortedatum in de MRZ ({raw}) bestaat niet",
                                                           en=f"The birth date in the MRZ ({raw}) does not exist"),
                               MrzMalformed))
    items.append(_expiry_item(document, today))
    return items


def _expiry_item(document: MrzDocument, today: date) -> CheckItem:
    expiry = document.expiry_date
    if expiry is None:
        return CheckItem("expiry", False, Detail(
            nl=f"De vervaldatum in de MRZ ({document.raw_expiry_date}) bestaat niet",
            en=f"The expiry date in the MRZ ({document.raw_expiry_date}) does not exist"), MrzMalformed)
    if expiry >= today:
        return CheckItem("expiry", True, Detail(nl=f"Geldig tot en met {_dutch_date(expiry)}",
                                                en=f"Valid until {expiry.isoformat()} inclusive"))
    return CheckItem("expiry", False, Detail(nl=f"Verlopen op {_dutch_date(expiry)}",
                                             en=f"Expired on {expiry.isoformat()}"), MrzExpired)


def _sex_item(document: MrzDocument) -> CheckItem:
    if document.raw_sex in ("M", "F", "X", FILLER):
        return CheckItem("sex", True, Detail(nl="Geslacht is een geldige code", en="Sex is a valid code"))
    return CheckItem("sex", False, Detail(nl=f"Geslacht {_shown(document.raw_sex)} is geen geldige code (M, F, X of <)",
                                          en=f"Sex {_shown(document.raw_sex)} is not a valid code (M, F, X or <)"),
                     MrzMalformed)


def _country_item(key: str, nl: str, en: str, code: str) -> CheckItem:
    if country_known(code):
        return CheckItem(key, True, Detail(nl=f"{nl.capitalize()}: {code}", en=f"{en.capitalize()}: {code}"))
    return CheckItem(key, False, Detail(nl=f"{nl.capitalize()} {code or '(leeg)'} is geen bestaande landcode",
                                        en=f"{en.capitalize()} {code or '(empty)'} is not an existing country code"),
                     CountryUnknown)


def _document_type_item(document: MrzDocument) -> CheckItem:
    code = document.document_code or FILLER
    if document.document_type:
        return CheckItem("document_type", True, Detail(nl=f"Soort document: {document.document_type} ({code})",
                                                       en=f"Kind of document: {document.document_type} ({code})"))
    if code == "IR":
        nl = "een buitenlandse verblijfsvergunning is in Nederland geen identiteitsbewijs"
        en = "a foreign residence permit is no identity document in the Netherlands"
    elif document.format == "TD1" and code in ("I", "ID"):
        nl = (f"een identiteitskaart van {document.issuing_country or '(leeg)'} is in Nederland geen identiteitsbewijs "
              "(alleen die van de EU, de EER en Zwitserland); vraag een paspoort")
        en = (f"an identity card of {document.issuing_country or '(empty)'} is no identity document in the Netherlands "
              "(only those of the EU, the EEA and Switzerland); ask for a passport")
    else:
        nl, en = "dit is geen identiteitsbewijs", "this is no identity document"
    return CheckItem("document_type", False, Detail(nl=f"Documentcode {code}: {nl}", en=f"Document code {code}: {en}"),
                     NotAWid)


def _bsn_item(number: str) -> CheckItem:
    if bsn_valid(number):
        return CheckItem("personal_number", True, Detail(nl="BSN voldoet aan de elfproef",
                                                         en="BSN passes the eleven test"))
    return CheckItem("personal_number", False, Detail(nl="BSN voldoet niet aan de elfproef",
                                                      en="BSN fails the eleven test"), BsnInvalid)


# --- test data ------------------------------------------------------------------------------------------------------


def _encoded(text: str) -> str:
    """``text`` in MRZ characters: capitals, spaces and hyphens as <, apostrophes dropped."""
    encoded = text.upper().replace("'", "").replace(" ", FILLER).replace("-", FILLER)
    if encoded and not _MRZ_LINE.match(encoded):
        raise ValueError(f"{text!r} has characters an MRZ does not have")
    return encoded


def _field(text: str, length: int) -> str:
    """``text`` in MRZ characters, filled with < to ``length``."""
    encoded = _encoded(text)
    if len(encoded) > length:
        raise ValueError(f"{text!r} is longer than {length} characters")
    return encoded.ljust(length, FILLER)


def _yymmdd(day: date | str) -> str:
    """A date as YYMMDD; a string is taken as it is (to write an impossible date on purpose)."""
    return day if isinstance(day, str) else day.strftime("%y%m%d")


def _name_field(surname: str, given_names: str, length: int) -> str:
    """SURNAME<<GIVEN<NAMES, cut at ``length`` (ICAO Doc 9303 part 3 truncates long names)."""
    name = _encoded(surname) + "<<" + _encoded(given_names)
    return name[:length].ljust(length, FILLER)


def compose_td3(*, document_code: str = "P", country: str = "NLD", surname: str = "DE BRUIJN",
                given_names: str = "WILLEKE LISELOTTE", number: str = "SPECI2014", nationality: str = "NLD",
                birth_date: date | str = date(1965, 3, 10), sex: str = "F", expiry_date: date | str = date(2024, 3, 9),
                personal_number: str = "999999990") -> tuple[str, str]:
    """The 2 lines of a passport's MRZ with correct check digits (defaults: the Dutch specimen passport of 2014)."""
    first = _field(document_code, 2) + _field(country, 3) + _name_field(surname, given_names, 39)
    number_field, personal = _field(number, 9), _field(personal_number, 14)
    personal_digit = check_digit(personal) if personal_number else FILLER
    second = (number_field + check_digit(number_field) + _field(nationality, 3)
              + _yymmdd(birth_date) + check_digit(_yymmdd(birth_date)) + _field(sex, 1)
              + _yymmdd(expiry_date) + check_digit(_yymmdd(expiry_date)) + personal + personal_digit)
    composite = second[0:10] + second[13:20] + second[21:43]
    return first, second + check_digit(composite)


def compose_td1(*, document_code: str = "I", country: str = "NLD", surname: str = "DE BRUIJN",
                given_names: str = "WILLEKE LISELOTTE", number: str = "SPECI2014", nationality: str = "NLD",
                birth_date: date | str = date(1965, 3, 10), sex: str = "F", expiry_date: date | str = date(2024, 3, 9),
                personal_number: str = "999999990") -> tuple[str, str, str]:
    """The 3 lines of an identity card's or residence document's MRZ with correct check digits (defaults: the Dutch
    specimen identity card of 2014). A Dutch document's personal number gets its check digit at the end of line 1."""
    number_field = _field(number, 9)
    optional = _field(personal_number, 14)
    if country == "NLD":
        optional += check_digit(optional) if personal_number else FILLER
    else:
        optional = _field(personal_number, 15)
    first = _field(document_code, 2) + _field(country, 3) + number_field + check_digit(number_field) + optional
    second = (_yymmdd(birth_date) + check_digit(_yymmdd(birth_date)) + _field(sex, 1)
              + _yymmdd(expiry_date) + check_digit(_yymmdd(expiry_date)) + _field(nationality, 3) + FILLER * 11)
    composite = first[5:30] + second[0:7] + second[8:15] + second[18:29]
    return first, second + check_digit(composite), _name_field(surname, given_names, 30)


def compose_driving_licence(*, number: str = "9999999990", version: str = "1",
                            chip_key: str = "SPECIMEN2014<") -> tuple[str]:
    """The line of a Dutch driving licence's MRZ with a correct check digit (specimen defaults)."""
    line = "D1NLD" + _field(version, 1) + _field(number, 10) + _field(chip_key, 13)
    return (line + check_digit(line),)
