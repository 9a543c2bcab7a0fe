"""A person's name and birth date as values that check themselves when built, and the one "same person" rule.

Every way a name or a birth date enters the server (the portal's forms, the employee import, the UZI-pas
flows, the command line, the application's follow-up form) builds these, so each rule is written here once
(docs/architecture.md). A refusal is ``PersonDataInvalid`` (ZID-PERSON-INVALID) with a ``reason`` code, so a
caller that words its own message (the import's Dutch line reasons) knows which rule refused.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

from zorgid import clock
from zorgid.control_characters import CONTROL as CONTROL  # reason codes, re-exported with the ones below
from zorgid.control_characters import EMPTY as EMPTY
from zorgid.control_characters import TOO_LONG as TOO_LONG
from zorgid.control_characters import LineRefused, clean_line

from .errors import PersonDataInvalid

NAME_MAX = 128  # characters, as Person's columns
MIN_AGE_YEARS = 12
MAX_AGE_YEARS = 120

# reason codes of PersonDataInvalid, besides clean_line's EMPTY, TOO_LONG and CONTROL
NO_LETTER = "no-letter"
DIGIT = "digit"  # no identity document has a digit in a name
NOT_A_DATE = "not-a-date"
FUTURE = "future"
AGE = "age"

# Letters that NFKD does not take apart but that people type without their mark (Yılmaz, Øster, Łukasz).
_PLAIN = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe"})
_DROPPED = "'’`´"  # d'Ancona is found as "dancona" and as "ancona"

# Dutch surname prefixes (tussenvoegsels), folded: "van der Berg" sorts and compares as "Berg" with "van der".
SURNAME_PREFIX_WORDS = frozenset({
    "van", "de", "der", "den", "het", "t", "'t", "’t", "te", "ten", "ter", "in", "op", "aan", "bij", "uit", "voor",
    "onder", "over", "tot", "la", "le", "les", "l'", "du", "des", "d'", "da", "di", "del", "della", "dos", "das",
    "von", "vom", "zu", "zum", "zur", "am", "im", "vd", "v.d.",
})


def searchable(text: str) -> str:
    """Lower case, without accents, words separated by one space: "Öztürk-de Vries" → "ozturk de vries".

    The one folded form of a name: the employee search (stored names and the typed search alike, on SQLite and
    PostgreSQL), the card's name against the person's, and the "same person" rule all compare this form.
    """
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch) and ch not in _DROPPED)
    return " ".join("".join(ch if ch.isalnum() else " " for ch in plain.translate(_PLAIN)).split())


def split_surname(last_name: str) -> tuple[str, str]:
    """(prefix, main part) of a Dutch surname: "van der Berg" → ("van der", "Berg"); "Berg, van der" too.

    A name that is only prefix words ("Van") keeps its last word as the main part.
    """
    text = " ".join((last_name or "").split())
    if "," in text:  # written as in a sorted list: "Berg, van der"
        main, _, prefix = text.partition(",")
        main, prefix = main.strip(), prefix.strip()
        if main and prefix and all(w.casefold() in SURNAME_PREFIX_WORDS for w in prefix.split()):
            return prefix, main
    words = text.split(" ") if text else []
    count = 0
    while count < len(words) - 1 and words[count].casefold() in SURNAME_PREFIX_WORDS:
        count += 1
    return " ".join(words[:count]), " ".join(words[count:])


@dataclass(frozen=True)
class PersonName:
    """A name as the identity document has it: NFC, one line, at most 128 characters, at least one letter, no digit.

    ``PersonName("  Jan ", "first names").value == "Jan"``; refused input raises PersonDataInvalid with the
    reason (EMPTY, TOO_LONG, CONTROL: any Unicode control, format or unassigned character, NO_LETTER, DIGIT).
    """

    text: str
    what: str = field(default="name", compare=False)
    value: str = field(init=False)

    def __post_init__(self) -> None:
        try:
            value = clean_line(self.text, NAME_MAX)
        except LineRefused as refused:
            detail = (f"{self.what} contains control characters" if refused.reason == CONTROL
                      else f"{self.what} is empty or longer than {NAME_MAX} characters")
            raise PersonDataInvalid(detail, reason=refused.reason) from refused
        if not any(ch.isalpha() for ch in value):
            raise PersonDataInvalid(f"{self.what} contains no letters", reason=NO_LETTER)
        if any(ch.isdigit() for ch in value):
            raise PersonDataInvalid(f"{self.what} contains digits", reason=DIGIT)
        object.__setattr__(self, "value", value)

    def __str__(self) -> str:
        return self.value

    @property
    def searchable(self) -> str:
        return searchable(self.value)


def clean_name(value: str, what: str) -> str:
    """The name as stored, or PersonDataInvalid: ``PersonName(value, what).value``."""
    return PersonName(value, what).value


def surnames_match(one: str, other: str) -> bool:
    """The same surname, folded, also when one is written "Berg, van der" and the other "van der Berg"."""
    if searchable(one) == searchable(other):
        return True
    (prefix_1, main_1), (prefix_2, main_2) = split_surname(one), split_surname(other)
    return bool(main_1) and (searchable(prefix_1), searchable(main_1)) == (searchable(prefix_2), searchable(main_2))


def card_names_match(first_names: str, last_name: str, *, given_name: str | None, surname: str | None) -> bool:
    """A UZI-pas's names are the person's: the same surname, and its given name starts the first names.

    Case, accents, punctuation and spacing are ignored (``searchable``); "Jan" on the card matches "Jan Willem".
    """
    given, first = searchable(given_name or ""), searchable(first_names)
    if not searchable(surname or "") or not surnames_match(surname or "", last_name):
        return False
    return bool(given) and (first == given or first.startswith(given + " "))


@dataclass(frozen=True)
class BirthDate:
    """A real date, not in the future, of someone between 12 and 120 years old (on the clock's today)."""

    value: dt.date

    def __post_init__(self) -> None:
        if not isinstance(self.value, dt.date):
            raise PersonDataInvalid("birth date must be a real date written as dd-mm-jjjj", reason=NOT_A_DATE)
        if isinstance(self.value, dt.datetime):
            object.__setattr__(self, "value", self.value.date())
        today = clock.today()
        if self.value > today:
            raise PersonDataInvalid("birth date lies in the future", reason=FUTURE)
        age = self.age_on(self.value, today)
        if not MIN_AGE_YEARS <= age <= MAX_AGE_YEARS:
            raise PersonDataInvalid(f"birth date gives an implausible age ({age})", reason=AGE)

    @classmethod
    def parse(cls, text: str) -> BirthDate:
        """From dd-mm-jjjj (R-CONST-DATE), strictly: 31-02-1980 and 1-2-1980 are refused."""
        try:
            value = clock.parse_date(text)
        except (ValueError, TypeError) as exc:
            raise PersonDataInvalid("birth date must be a real date written as dd-mm-jjjj",
                                    reason=NOT_A_DATE) from exc
        return cls(value)

    @staticmethod
    def age_on(born: dt.date, today: dt.date) -> int:
        """Whole years of someone born on ``born``, on ``today``."""
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    def __str__(self) -> str:
        return clock.format_date(self.value)


def check_birth_date(value: dt.date) -> dt.date:
    """The date if BirthDate accepts it, else PersonDataInvalid."""
    return BirthDate(value).value


def parse_birth_date(text: str) -> dt.date:
    return BirthDate.parse(text).value


def person_key(first_names: str, last_name: str, birth_date: dt.date) -> tuple[str, str, dt.date]:
    """What makes two records the same person (R-FLOW-SELFREG): folded names and the birth date."""
    return searchable(first_names), searchable(last_name), birth_date


def same_person(one: tuple[str, str, dt.date], other: tuple[str, str, dt.date]) -> bool:
    return person_key(*one) == person_key(*other)


def find_same_person(organisation, first_names: str, last_name: str, birth_date: dt.date):
    """The oldest person with a role in ``organisation`` who is the same person (person_key), or None.

    Used by self-registration, the administrator's registration and (per file, by person_key) the import, so a
    person is never made twice in one organisation.
    """
    from .models import Person  # here, so that the rest is usable without Django set up (bench/admin.py)

    wanted = person_key(first_names, last_name, birth_date)
    candidates = (Person.objects.filter(birth_date=birth_date, roles__organisation=organisation)
                  .distinct().order_by("created_at", "id"))
    for person in candidates.iterator(chunk_size=200):
        if person_key(person.first_names, person.last_name, person.birth_date) == wanted:
            return person
    return None
