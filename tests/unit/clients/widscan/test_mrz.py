"""The MRZ reader and checker of zorgid-widscan (R-FLOW-WIDSCAN): the formats of ICAO Doc 9303 (TD3, TD1) and the
Dutch driving licence, every check digit, the dates, the codes, the BSN, and the refusal of what is no MRZ."""

from __future__ import annotations

import dataclasses
import datetime as dt
from datetime import date

import pytest

from zorgid.clients.widscan import mrz
from zorgid.clients.widscan.errors import (
    BsnInvalid,
    CountryUnknown,
    ExpiryNotChecked,
    MrzCheckDigit,
    MrzExpired,
    MrzFormatUnsupported,
    MrzMalformed,
    NotAWid,
    WidScanError,
)
from zorgid.portal.errors_catalogue import ERROR_MODULES

# the public specimens of the Dutch passport and identity card of 2014
PASSPORT = ("P<NLDDE<BRUIJN<<WILLEKE<LISELOTTE<<<<<<<<<<<", "SPECI20142NLD6503101F2403096999999990<<<<<84")
IDENTITY_CARD = ("I<NLDSPECI20142999999990<<<<<8", "6503101F2403096NLD<<<<<<<<<<<8", "DE<BRUIJN<<WILLEKE<LISELOTTE<<")
AFTER_EXPIRY = date(2026, 12, 2)
BEFORE_EXPIRY = date(2020, 1, 1)
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
DIGIT_LOOKALIKES = {"0": "O", "1": "I", "2": "Z", "5": "S", "6": "G", "8": "B"}

# the positions (line, index) under a check digit, the check digits included
TD3_CHECKED = [(1, i) for i in [*range(0, 10), *range(13, 20), *range(21, 44)]]
TD1_CHECKED = [(0, i) for i in range(5, 30)] + [(1, i) for i in [*range(0, 7), *range(8, 15), *range(18, 30)]]
DL_CHECKED = [(0, i) for i in range(5, 30)]  # D1NLD itself is what makes it a Dutch driving licence
# the positions that hold digits by definition (dates, check digits, the Dutch BSN)
TD3_NUMERIC = [(1, i) for i in [9, *range(13, 20), *range(21, 28), *range(28, 37), 42, 43]]
TD1_NUMERIC = [(0, i) for i in [14, *range(15, 24), 29]] + [(1, i) for i in [*range(0, 7), *range(8, 15), 29]]


def text(lines) -> str:
    return "\n".join(lines)


def changed(lines, line: int, index: int, char: str) -> tuple[str, ...]:
    result = list(lines)
    result[line] = result[line][:index] + char + result[line][index + 1:]
    return tuple(result)


def outcome(lines, today=BEFORE_EXPIRY, **options):
    """The check of a text as MRZ, or the error that refused it; a driving licence with the expiry date typed off it
    (4b), a year after ``today``, as zorgid-widscan asks it."""
    try:
        document = mrz.parse(text(lines), today=today, **options)
    except WidScanError as error:
        return error
    if document.format == "DL":
        document = dataclasses.replace(document, expiry_date=today + dt.timedelta(days=365))
    return mrz.check(document, today)


def caught(lines) -> bool:
    result = outcome(lines)
    return isinstance(result, WidScanError) or not result.valid


def value(char: str) -> int:
    return 0 if char == "<" else int(char, 36)


# --- the specimens --------------------------------------------------------------------------------------------------


def test_the_specimen_passport_is_read_field_by_field():
    document = mrz.parse(text(PASSPORT), today=AFTER_EXPIRY)
    assert (document.format, document.document_code, document.document_type) == ("TD3", "P", "paspoort")
    assert (document.issuing_country, document.nationality, document.number) == ("NLD", "NLD", "SPECI2014")
    assert (document.surname, document.given_names, document.sex) == ("DE BRUIJN", "WILLEKE LISELOTTE", "F")
    assert (document.birth_date, document.expiry_date) == (date(1965, 3, 10), date(2024, 3, 9))
    assert (document.personal_number, document.number_last4, document.lines) == ("999999990", "2014", PASSPORT)


def test_the_specimen_identity_card_is_read_field_by_field():
    document = mrz.parse(text(IDENTITY_CARD), today=AFTER_EXPIRY)
    assert (document.format, document.document_code, document.document_type) == ("TD1", "I", "identiteitskaart")
    assert (document.issuing_country, document.nationality, document.number) == ("NLD", "NLD", "SPECI2014")
    assert (document.surname, document.given_names, document.sex) == ("DE BRUIJN", "WILLEKE LISELOTTE", "F")
    assert (document.birth_date, document.expiry_date, document.personal_number) == (
        date(1965, 3, 10), date(2024, 3, 9), "999999990")


@pytest.mark.parametrize("lines", [PASSPORT, IDENTITY_CARD], ids=["passport", "identity-card"])
def test_a_specimen_passes_every_check_before_its_expiry_and_fails_only_the_expiry_after_it(lines):
    before = mrz.check(mrz.parse(text(lines)), BEFORE_EXPIRY)
    assert before.valid and before.errors() == []
    keys = {item.key for item in before.items}
    assert {"check_digit_number", "check_digit_birth", "check_digit_expiry", "check_digit_personal",
            "check_digit_composite", "expiry", "country", "nationality", "document_type", "personal_number"} <= keys
    after = mrz.check(mrz.parse(text(lines)), AFTER_EXPIRY)
    assert [item.key for item in after.failures] == ["expiry"]
    assert [type(error) for error in after.errors()] == [MrzExpired]
    assert after.failures[0].text.nl == "Verlopen op 09-03-2024"
    assert mrz.check(mrz.parse(text(lines)), date(2024, 3, 9)).valid  # valid through its expiry date


def test_the_texts_of_the_checks_are_dutch_and_english():
    items = {item.key: item for item in mrz.check(mrz.parse(text(PASSPORT)), BEFORE_EXPIRY).items}
    assert items["check_digit_number"].text.nl == "Controlecijfer documentnummer klopt"
    assert items["check_digit_number"].text.en == "Check digit of document number is correct"
    assert items["expiry"].text.nl == "Geldig tot en met 09-03-2024"
    wrong = mrz.check(mrz.parse(text(changed(PASSPORT, 1, 9, "3"))), BEFORE_EXPIRY)
    assert wrong.failures[0].text.nl == "Controlecijfer documentnummer klopt niet"


def test_the_generators_write_the_specimens_exactly():
    assert mrz.compose_td3() == PASSPORT
    assert mrz.compose_td1() == IDENTITY_CARD


def test_the_check_digit_is_icao_7_3_1():
    assert mrz.check_digit("SPECI2014") == "2"
    assert mrz.check_digit("650310") == "1"
    assert mrz.check_digit("<<<") == "0"
    assert mrz.check_digit("A") == "0" and mrz.check_digit("B") == "7" and mrz.check_digit("Z") == "5"  # 7 x 10, 11, 35
    assert mrz.check_digit("01") == "3"  # weights 7, 3


def test_surrounding_blank_lines_and_spaces_are_tolerated():
    document = mrz.parse("\n  " + PASSPORT[0] + "  \r\n\n" + PASSPORT[1] + "\t\n\n")
    assert document.lines == PASSPORT


# --- every change is caught -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lines", "positions"), [
    (PASSPORT, TD3_CHECKED), (IDENTITY_CARD, TD1_CHECKED), (mrz.compose_driving_licence(), DL_CHECKED),
    (mrz.compose_td3(personal_number=""), TD3_CHECKED), (mrz.compose_td1(personal_number=""), TD1_CHECKED),
], ids=["passport", "identity-card", "driving-licence", "passport-without-bsn", "identity-card-without-bsn"])
def test_each_single_character_change_under_a_check_digit_is_caught(lines, positions):
    """ICAO's check digit sees every change of a character whose value changes other than by a multiple of 10 (it
    cannot tell 0, A, K, U and < apart): every such change, in every checked position, is refused or fails."""
    assert not caught(lines)
    missed = [(line, index, char) for line, index in positions for char in ALPHABET
              if value(char) % 10 != value(lines[line][index]) % 10
              and not caught(changed(lines, line, index, char))]
    assert missed == []


@pytest.mark.parametrize(("lines", "positions"), [(PASSPORT, TD3_NUMERIC), (IDENTITY_CARD, TD1_NUMERIC)],
                         ids=["passport", "identity-card"])
def test_each_other_digit_in_a_numeric_place_is_caught_whatever_its_value(lines, positions):
    missed = [(line, index, digit) for line, index in positions for digit in "0123456789"
              if digit != lines[line][index] and not caught(changed(lines, line, index, digit))]
    assert missed == []


def test_a_changed_name_country_or_code_is_caught_where_the_mrz_can_tell():
    assert caught(changed(PASSPORT, 0, 2, "X"))  # XLD is no country
    assert caught(changed(PASSPORT, 1, 10, "X"))  # nor is XLD as nationality
    assert caught(changed(IDENTITY_CARD, 1, 7, "Q"))  # sex Q
    assert caught(changed(PASSPORT, 0, 0, "A"))  # A< is no identity document
    # a name is under no check digit in ICAO Doc 9303: the employee compares it with the document
    assert not caught(changed(PASSPORT, 0, 6, "A"))


# --- OCR confusions -------------------------------------------------------------------------------------------------


def garbled(lines, positions) -> tuple[str, ...]:
    """``lines`` as text recognition may read them: each digit in a numeric place as the letter it looks like."""
    for line, index in positions:
        lines = changed(lines, line, index, DIGIT_LOOKALIKES.get(lines[line][index], lines[line][index]))
    return lines


@pytest.mark.parametrize(("lines", "positions"), [(PASSPORT, TD3_NUMERIC), (IDENTITY_CARD, TD1_NUMERIC)],
                         ids=["passport", "identity-card"])
def test_ocr_confusions_in_numeric_places_are_repaired(lines, positions):
    read = garbled(lines, positions)
    assert read != lines
    assert caught(read)  # typed text is taken as it is
    assert not isinstance(outcome(read, from_ocr=True), WidScanError)
    assert outcome(read, from_ocr=True).valid
    assert mrz.parse(text(read), from_ocr=True).lines == lines


def test_ocr_repair_of_a_dutch_document_number_and_of_a_driving_licence():
    passport = mrz.compose_td3(number="XR1001R58")
    read = changed(changed(passport, 1, 4, "O"), 1, 8, "B")  # a Dutch number has no O, and ends in a digit
    assert caught(read)
    assert outcome(read, from_ocr=True).valid
    foreign = mrz.compose_td3(number="XR1001R58", country="BEL", nationality="BEL", personal_number="")
    assert caught_as_ocr(changed(foreign, 1, 4, "O"))  # another country's number may have an O
    (licence,) = mrz.compose_driving_licence(number="1234567890")
    read = (licence[:1] + "I" + licence[2:6] + "IZ" + licence[8:],)  # D1 read as DI, 12 as IZ
    with pytest.raises(MrzFormatUnsupported):
        mrz.parse(read[0])
    assert outcome(read, from_ocr=True).valid


def test_ocr_repair_leaves_names_and_codes_as_they_are():
    document = mrz.parse(text(PASSPORT), from_ocr=True)
    assert (document.surname, document.given_names, document.issuing_country) == (
        "DE BRUIJN", "WILLEKE LISELOTTE", "NLD")
    assert mrz.parse(text(changed(PASSPORT, 0, 2, "0")), from_ocr=True).issuing_country == "0LD"


@pytest.mark.parametrize(("lines", "positions"), [(PASSPORT, TD3_NUMERIC), (IDENTITY_CARD, TD1_NUMERIC)],
                         ids=["passport", "identity-card"])
def test_ocr_repair_never_turns_an_invalid_mrz_valid(lines, positions):
    """Each MRZ made wrong by one other digit stays wrong when read as OCR text, its digits garbled or not."""
    turned = []
    for line, index in positions:
        for digit in "0123456789":
            if digit == lines[line][index]:
                continue
            wrong = changed(lines, line, index, digit)
            for variant in (wrong, garbled(wrong, positions)):
                if not caught_as_ocr(variant):
                    turned.append((line, index, digit))
    assert turned == []


def caught_as_ocr(lines) -> bool:
    result = outcome(lines, from_ocr=True)
    return isinstance(result, WidScanError) or not result.valid


# --- what is no MRZ -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("given", "words"), [
    ("", "leeg"),
    (" \n\t\n ", "leeg"),
    ("A" * 201, "te lang"),
    (text(PASSPORT).lower(), "hoofdletters"),
    (text(IDENTITY_CARD[:2]), "2 regel(s) van 30, 30"),
    (text((PASSPORT[0], PASSPORT[1][:43])), "44, 43"),
    (text(IDENTITY_CARD).replace("DE<BRUIJN", "DÉ<BRUIJN"), "'É'"),
    (text(IDENTITY_CARD).replace("DE<BRUIJN", "DE\x00BRUIJN"), "U+0000"),
    (text(IDENTITY_CARD).replace("DE<BRUIJN", "DE\x1b[2JBRUIJN"), "U+001B"),
    (text(IDENTITY_CARD).replace("DE<BRUIJN", "DE BRUIJN"), "spatie"),
    (IDENTITY_CARD[0], "niet met D begint"),
    (None, "geen tekst"),
    (b"P<NLD", "geen tekst"),
], ids=["empty", "blank", "too-long", "lowercase", "two-lines-of-30", "short-line", "unicode", "nul", "escape",
        "space-in-line", "one-td1-line", "none", "bytes"])
def test_what_is_no_mrz_is_refused_with_a_code_and_the_reason(given, words):
    with pytest.raises(MrzMalformed) as refused:
        mrz.parse(given)
    assert refused.value.code == "ZID-WID-MRZ-MALFORMED"
    assert words in refused.value.detail_in("nl")
    assert "\x00" not in str(refused.value) and "\x1b" not in str(refused.value)


@pytest.mark.parametrize(("given", "words"), [
    (text(("V<NLD" + PASSPORT[0][5:], PASSPORT[1])), "visum"),
    (text(("I<NLD" + "<" * 31, "<" * 36)), "36"),
    ("D1FRA" + "1" * 25, "buitenlands rijbewijs"),
], ids=["visa", "td2", "foreign-driving-licence"])
def test_an_mrz_of_a_kind_not_checked_is_refused_as_such(given, words):
    with pytest.raises(MrzFormatUnsupported) as refused:
        mrz.parse(given)
    assert refused.value.code == "ZID-WID-MRZ-FORMAT"
    assert words in refused.value.detail_in("nl")


# --- dates ----------------------------------------------------------------------------------------------------------


def test_a_birth_date_that_does_not_exist_fails_its_check_with_a_code():
    result = mrz.check(mrz.parse(text(mrz.compose_td3(birth_date="650230"))), BEFORE_EXPIRY)
    assert [item.key for item in result.failures] == ["birth_date"]
    assert result.document.birth_date is None
    (error,) = result.errors()
    assert isinstance(error, MrzMalformed) and "650230" in error.detail_in("nl")


def test_an_expiry_date_that_does_not_exist_fails_its_check_with_a_code():
    result = mrz.check(mrz.parse(text(mrz.compose_td1(expiry_date="241301"))), BEFORE_EXPIRY)
    assert [item.key for item in result.failures] == ["expiry"]
    assert [error.code for error in result.errors()] == ["ZID-WID-MRZ-MALFORMED"]


def test_a_birth_date_not_all_in_the_mrz_is_left_to_the_employee():
    result = mrz.check(mrz.parse(text(mrz.compose_td3(birth_date="65<<<<"))), BEFORE_EXPIRY)
    assert result.valid and result.document.birth_date is None


def test_the_century_of_a_birth_date_is_the_latest_not_after_today():
    today = date(2026, 12, 2)
    assert mrz.parse(text(mrz.compose_td3(birth_date="261202")), today=today).birth_date == date(2026, 12, 2)
    assert mrz.parse(text(mrz.compose_td3(birth_date="261203")), today=today).birth_date == date(1926, 12, 3)
    assert mrz.parse(text(mrz.compose_td3(birth_date="300101")), today=today).birth_date == date(1930, 1, 1)
    assert mrz.parse(text(mrz.compose_td3(expiry_date="991231")), today=today).expiry_date == date(2099, 12, 31)


# --- codes and BSN --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("number", "valid"), [
    ("999999990", True), ("111222333", True), ("123456782", True),
    ("999999991", False), ("123456789", False), ("12345678", False), ("0123456782", False), ("000000000", False),
    ("12345678A", False), ("１２３４５６７８２", False), ("", False),
])
def test_the_bsn_elfproef(number, valid):
    assert mrz.bsn_valid(number) is valid


def test_a_dutch_document_with_a_bsn_that_fails_the_elfproef_is_refused_though_its_check_digits_pass():
    result = mrz.check(mrz.parse(text(mrz.compose_td1(personal_number="999999991"))), BEFORE_EXPIRY)
    assert [item.key for item in result.failures] == ["personal_number"]
    assert [type(error) for error in result.errors()] == [BsnInvalid]


def test_a_document_without_a_personal_number_or_a_foreign_one_has_no_bsn_check():
    for lines in (mrz.compose_td1(personal_number=""), mrz.compose_td3(personal_number=""),
                  mrz.compose_td3(country="BEL", nationality="BEL", personal_number="12345")):
        result = mrz.check(mrz.parse(text(lines)), BEFORE_EXPIRY)
        assert result.valid and "personal_number" not in {item.key for item in result.items}


@pytest.mark.parametrize(("country", "known"), [("NLD", True), ("D", True), ("BEL", True), ("XXA", True),
                                                ("UTO", False), ("XYZ", False), ("NL", False)])
def test_the_issuing_country_is_a_code_of_icao_doc_9303(country, known):
    result = mrz.check(mrz.parse(text(mrz.compose_td3(country=country, personal_number=""))), BEFORE_EXPIRY)
    assert result.valid is known
    if not known:
        assert [type(error) for error in result.errors()] == [CountryUnknown]


@pytest.mark.parametrize(("compose", "code", "country", "kind"), [
    (mrz.compose_td3, "P", "NLD", "paspoort"), (mrz.compose_td3, "PD", "BEL", "paspoort"),
    (mrz.compose_td1, "I", "NLD", "identiteitskaart"), (mrz.compose_td1, "ID", "BEL", "identiteitskaart"),
    (mrz.compose_td1, "IR", "NLD", "verblijfsdocument"),
    (mrz.compose_td1, "IR", "BEL", ""), (mrz.compose_td1, "AC", "NLD", ""), (mrz.compose_td3, "I", "NLD", ""),
])
def test_the_document_code_says_whether_it_is_an_identity_document(compose, code, country, kind):
    document = mrz.parse(text(compose(document_code=code, country=country, personal_number="")))
    assert document.document_type == kind
    result = mrz.check(document, BEFORE_EXPIRY)
    assert result.valid is bool(kind)
    if not kind:
        assert [type(error) for error in result.errors()] == [NotAWid]


def test_a_long_document_number_goes_on_in_the_optional_data():
    number = "D23145890734"
    first = "I<BEL" + number[:9] + "<" + number[9:] + mrz.check_digit(number) + "<" * 11
    second = "740812" + mrz.check_digit("740812") + "F300415" + mrz.check_digit("300415") + "BEL" + "<" * 11
    second += mrz.check_digit(first[5:30] + second[0:7] + second[8:15] + second[18:29])
    document = mrz.parse(text((first, second, "DUPONT<<MARIE" + "<" * 17)))
    assert document.number == number and document.number_last4 == "0734"
    assert mrz.check(document, BEFORE_EXPIRY).valid
    assert not mrz.check(mrz.parse(text((first.replace("734", "735"), second, "DUPONT<<MARIE" + "<" * 17))),
                         BEFORE_EXPIRY).valid


# --- the Dutch driving licence --------------------------------------------------------------------------------------


def test_the_driving_licence_is_read_and_its_check_digit_covers_the_whole_line():
    (line,) = mrz.compose_driving_licence()
    assert len(line) == 30 and line.startswith("D1NLD1") and line[29] == mrz.check_digit(line[:29])
    document = mrz.parse(line)
    assert (document.format, document.document_code, document.document_type) == ("DL", "D1", "rijbewijs")
    assert (document.number, document.number_last4, document.given_names) == ("9999999990", "9990", "")
    assert document.expiry_date is None and document.birth_date is None
    result = mrz.check(document, AFTER_EXPIRY)  # its expiry not typed: not checked, so not valid
    assert [item.key for item in result.failures] == ["expiry"] and "check_digit_line" in {i.key for i in result.items}
    assert [type(error) for error in result.errors()] == [ExpiryNotChecked] and "vervaldatum" in result.notes[0].nl
    typed = mrz.check(dataclasses.replace(document, expiry_date=AFTER_EXPIRY), AFTER_EXPIRY)
    assert typed.valid and "rijbewijs (4b)" in typed.notes[0].nl


def test_a_driving_licence_with_a_changed_character_is_refused():
    (line,) = mrz.compose_driving_licence(number="1234567890")
    wrong = line[:10] + ("5" if line[10] != "5" else "6") + line[11:]
    result = outcome([wrong])
    assert [item.key for item in result.failures] == ["check_digit_line"]
    assert [type(error) for error in result.errors()] == [MrzCheckDigit]


# --- the errors -----------------------------------------------------------------------------------------------------


def test_every_failed_check_gives_one_error_with_a_code_and_dutch_texts():
    lines = mrz.compose_td1(country="XYZ", document_code="AC", personal_number="")
    lines = changed(lines, 1, 6, "0" if lines[1][6] != "0" else "1")  # the birth date's check digit
    result = mrz.check(mrz.parse(text(lines)), AFTER_EXPIRY)
    codes = [error.code for error in result.errors()]
    assert codes == ["ZID-WID-MRZ-CHECK-DIGIT", "ZID-WID-MRZ-CHECK-DIGIT", "ZID-WID-MRZ-EXPIRED",
                     "ZID-WID-COUNTRY-UNKNOWN", "ZID-WID-DOCUMENT-TYPE"]
    assert len(result.failures) == len(codes)
    for error in result.errors():
        assert error.cause_nl and error.solution_nl and error.detail_in("nl") and error.detail_in("en")


def test_the_errors_are_on_the_public_list():
    assert "zorgid.clients.widscan.errors" in ERROR_MODULES


# --- what the checks refuse besides the check digits ----------------------------------------------------------------


@pytest.mark.parametrize("country", ["TUR", "USA", "MAR"])
def test_an_identity_card_from_outside_the_eu_eea_and_switzerland_is_no_wid(country):
    result = outcome(mrz.compose_td1(country=country, nationality=country, personal_number="",
                                     expiry_date=date(2030, 1, 1)))
    assert [item.key for item in result.failures] == ["document_type"]
    assert [type(error) for error in result.errors()] == [NotAWid]
    assert "alleen die van de EU, de EER en Zwitserland" in result.failures[0].text.nl


@pytest.mark.parametrize("country", ["D", "BEL", "CHE", "NOR"])
def test_an_identity_card_of_the_eu_eea_or_switzerland_is_a_wid(country):
    result = outcome(mrz.compose_td1(country=country, nationality=country, personal_number="",
                                     expiry_date=date(2030, 1, 1)))
    assert result.valid and result.document.document_type == "identiteitskaart"


def test_a_passport_of_any_country_is_a_wid():
    assert outcome(mrz.compose_td3(country="USA", nationality="USA", personal_number="",
                                   expiry_date=date(2030, 1, 1))).valid


def test_a_document_without_a_number_is_refused():
    """A number of fillers only has check digit 0, which passes: its absence is a failure of its own."""
    result = outcome(mrz.compose_td3(number="", expiry_date=date(2030, 1, 1)))
    assert [item.key for item in result.failures] == ["document_number"]
    assert [type(error) for error in result.errors()] == [MrzMalformed]
