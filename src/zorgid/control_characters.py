"""Control characters are refused wherever input can reach the database (docs/security.md).

A NUL cannot be stored in PostgreSQL text at all, and no other control character belongs in an address,
a query or a form field; only tab, line feed and carriage return are allowed, in text fields and bodies.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from zorgid.protocol.errors import ZorgidError

_ANY = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")  # C0, DEL, C1; lone surrogates cannot be stored either
_NOT_WHITESPACE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


class ControlCharacter(ZorgidError):
    code = "ZID-INPUT-CONTROL-CHARACTER"
    status = 400
    cause_nl = "Het verzoek bevat een ongeldig (onzichtbaar) teken, zoals een nul-teken."
    cause_en = "The request contains an invalid (invisible) character, such as a NUL character."
    solution_nl = "Controleer het adres en de ingevulde gegevens en probeer het opnieuw zonder dat teken."
    solution_en = "Check the address and the data entered and try again without that character."


def check(text: str, where: str, *, whitespace: bool = False) -> None:
    """ControlCharacter when ``text`` holds one; with ``whitespace`` tab, LF and CR are allowed."""
    found = (_NOT_WHITESPACE if whitespace else _ANY).search(text)
    if found:
        raise ControlCharacter(f"character U+{ord(found.group()):04X} in {where}")


def check_all(texts: Iterable[str], where: str, *, whitespace: bool = False) -> None:
    for text in texts:
        check(text, where, whitespace=whitespace)


def check_json(value: object, where: str = "body") -> None:
    """Every string of a parsed JSON value, keys included; text may hold tab, LF and CR (PEM, for one)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            check(item, where, whitespace=True)
        elif isinstance(item, dict):
            check_all(item.keys(), where, whitespace=True)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


# One line of text as names keep it (a person's name: identities.people.PersonName; an organisation's name).
EMPTY, TOO_LONG, CONTROL = "empty", "too-long", "control-character"  # the reasons of LineRefused


class LineRefused(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def invisible(text: str) -> bool:
    """Whether the text holds a Unicode control, format, surrogate, private-use or unassigned character
    (category C): one-line fields refuse them, so no line break, bidi override or zero-width character is kept."""
    return any(unicodedata.category(ch).startswith("C") for ch in text)


def clean_line(text: str, limit: int) -> str:
    """The text in NFC without surrounding spaces, 1 to ``limit`` characters and nothing ``invisible``; else
    LineRefused with its reason (EMPTY, TOO_LONG, CONTROL)."""
    value = unicodedata.normalize("NFC", (text if isinstance(text, str) else "").strip())
    if not value:
        raise LineRefused(EMPTY)
    if len(value) > limit:
        raise LineRefused(TOO_LONG)
    if invisible(value):
        raise LineRefused(CONTROL)
    return value
