"""identities.people: a person's name and birth date check themselves when built, with a reason code."""

import datetime as dt

import pytest

from zorgid import clock
from zorgid.identities import people
from zorgid.identities.errors import PersonDataInvalid
from zorgid.identities.people import (
    BirthDate,
    PersonName,
    card_names_match,
    person_key,
    same_person,
    split_surname,
    surnames_match,
)


@pytest.mark.parametrize("text, wanted", [
    ("Jan", "Jan"),
    ("  Jan Willem  ", "Jan Willem"),
    ("Jose\u0301", "José"),  # NFC: the decomposed é is stored composed
    ("d'Ancona", "d'Ancona"),
    ("Ĳsselmuiden", "Ĳsselmuiden"),
    ("x" * 128, "x" * 128),
])
def test_a_good_name_is_kept_cleaned(text, wanted):
    assert PersonName(text, "first names").value == wanted
    assert str(PersonName(text)) == wanted


@pytest.mark.parametrize("text, reason", [
    ("", people.EMPTY),
    ("   ", people.EMPTY),
    (None, people.EMPTY),
    ("x" * 129, people.TOO_LONG),
    ("Jan\x00", people.CONTROL),
    ("Jan\nPiet", people.CONTROL),
    ("Jan\u202eteiP", people.CONTROL),  # a bidi override: a format character
    ("Jan\u200bPiet", people.CONTROL),  # a zero-width space
    ("12345", people.NO_LETTER),
    ("-- .", people.NO_LETTER),
    ("Jan2", people.DIGIT),  # no identity document has a digit in a name
    ("Bakker ３", people.DIGIT),  # a full-width digit too
])
def test_a_bad_name_is_refused_with_its_reason(text, reason):
    with pytest.raises(PersonDataInvalid) as refused:
        PersonName(text, "last name")
    assert refused.value.code == "ZID-PERSON-INVALID"
    assert refused.value.reason == reason
    assert "last name" in refused.value.detail


def test_the_folded_form_ignores_case_accents_punctuation_and_spacing():
    assert PersonName("Öztürk-de  Vries").searchable == "ozturk de vries"
    assert PersonName("ÖZTÜRK").searchable == PersonName("öztürk").searchable == "ozturk"


@pytest.mark.parametrize("surname, prefix, main", [
    ("van der Berg", "van der", "Berg"),
    ("Van den Heuvel", "Van den", "Heuvel"),
    ("'t Hart", "'t", "Hart"),
    ("in 't Veld", "in 't", "Veld"),
    ("de Vries", "de", "Vries"),
    ("Berg, van der", "van der", "Berg"),
    ("Jansen", "", "Jansen"),
    ("Jansen-van der Berg", "", "Jansen-van der Berg"),  # a double name starts with its first surname
    ("Van", "", "Van"),  # only a prefix word: it is the name
    ("", "", ""),
])
def test_the_dutch_surname_prefix_is_split_off(surname, prefix, main):
    assert split_surname(surname) == (prefix, main)


def test_surnames_match_in_either_written_order_and_not_otherwise():
    assert surnames_match("Berg, van der", "van der Berg")
    assert surnames_match("VAN DER BERG", "van der Berg")
    assert not surnames_match("Berg", "van der Berg")  # the prefix is part of the name
    assert not surnames_match("Berg, van", "van der Berg")


def test_a_card_matches_the_person_by_surname_and_the_start_of_the_first_names():
    assert card_names_match("Jan Willem", "de Vries", given_name="Jan", surname="DE VRIES")
    assert card_names_match("Jan-Willem", "Öztürk", given_name="Jan Willem", surname="Ozturk")
    assert card_names_match("Anna", "van der Berg", given_name="Anna", surname="Berg, van der")
    assert not card_names_match("Jan Willem", "de Vries", given_name="Ja", surname="de Vries")
    assert not card_names_match("Jan", "de Vries", given_name="Jan", surname="Vries")
    assert not card_names_match("Jan", "de Vries", given_name="", surname="de Vries")
    assert not card_names_match("Jan", "", given_name="Jan", surname=None)


def test_the_same_person_is_the_same_folded_names_and_birth_date():
    born = dt.date(1980, 5, 17)
    assert same_person(("Jan  Willem", "ÖZTÜRK", born), ("jan willem", "Öztürk", born))
    assert not same_person(("Jan", "Öztürk", born), ("Jan", "Öztürk", born.replace(day=18)))
    assert not same_person(("Jan", "Jansen", born), ("Jan Willem", "Jansen", born))
    assert person_key("Jan", "de Vries", born) == ("jan", "de vries", born)


def _years_ago(years: int, days: int = 0) -> dt.date:
    today = clock.today()
    return today.replace(year=today.year - years) + dt.timedelta(days=days) if (today.month, today.day) != (2, 29) \
        else dt.date(today.year - years, 3, 1) + dt.timedelta(days=days)


def test_a_good_birth_date_is_kept():
    assert BirthDate(dt.date(1980, 5, 17)).value == dt.date(1980, 5, 17)
    assert BirthDate.parse("17-05-1980").value == dt.date(1980, 5, 17)
    assert str(BirthDate.parse(" 17-05-1980 ")) == "17-05-1980"
    assert BirthDate(_years_ago(12)).value == _years_ago(12)  # 12 today
    assert BirthDate(_years_ago(121, days=1)).value  # 120 until tomorrow


@pytest.mark.parametrize("text", ["31-02-1980", "1980-05-17", "17/05/1980", "1-5-1980", "", "17-05-80", None])
def test_a_birth_date_not_written_as_dd_mm_jjjj_is_refused(text):
    with pytest.raises(PersonDataInvalid) as refused:
        BirthDate.parse(text)
    assert (refused.value.code, refused.value.reason) == ("ZID-PERSON-INVALID", people.NOT_A_DATE)


@pytest.mark.parametrize("born, reason", [
    (lambda: clock.today() + dt.timedelta(days=1), people.FUTURE),
    (lambda: _years_ago(12, days=1), people.AGE),  # 12 tomorrow
    (lambda: _years_ago(121), people.AGE),
    (lambda: dt.date(1, 1, 1), people.AGE),
    (lambda: "17-05-1980", people.NOT_A_DATE),
])
def test_an_impossible_birth_date_is_refused_with_its_reason(born, reason):
    with pytest.raises(PersonDataInvalid) as refused:
        BirthDate(born())
    assert (refused.value.code, refused.value.reason) == ("ZID-PERSON-INVALID", reason)


def test_a_birthday_counts_from_the_dutch_midnight():
    """At 23:30 UTC it is already the next day in the Netherlands: whose 12th birthday that is, is 12."""
    clock.reset()
    try:
        now = clock.now()
        clock.move(now.replace(hour=23, minute=30, second=0, microsecond=0) - now)
        assert BirthDate(_years_ago(12)).value == _years_ago(12)
    finally:
        clock.reset()
