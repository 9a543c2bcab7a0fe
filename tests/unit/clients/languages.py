"""Which language a line a client printed is in: words only Dutch has, words only English has.

A line is Dutch when it has at least one of the Dutch words and none of the English ones, and the other way round.
Names, codes, paths and addresses are neither. Lines the server under test logs itself (its access log, in the
same process) are not the client's and are left out.
"""

from __future__ import annotations

import re

DUTCH = {"accepteren", "bestand", "bij", "controleer", "dan", "de", "deze", "dit", "een", "en", "er", "fout", "geen",
    "geldig", "gelezen", "gevonden", "geweigerd", "heeft", "het", "ingelogd", "ingesteld", "inloggen", "ja", "kaart",
    "kies", "map", "met", "moet", "naar", "nee", "niet", "nog", "om", "ondertekend", "onjuist", "op", "opgeslagen",
    "oplossing", "opnieuw", "pas", "pincode", "poging", "pogingen", "probeer", "sessie", "toegang", "tot", "u", "uw",
    "van", "verbindingsverzoek", "verlopen", "versie", "voor", "vraagt", "wachten", "wordt", "zijn",
    "soort", "naam", "geboortedatum", "nationaliteit", "documentnummer", "controlecijfer", "klopt", "gekoppeld",
    "koppelen", "vastgelegd"}
ENGLISH = {"a", "accept", "access", "again", "an", "and", "are", "asks", "at", "attempts", "card", "check", "choose",
    "declined", "error", "expired", "file", "for", "found", "has", "home", "left", "log", "logged", "must", "no",
    "not", "on", "read", "saved", "session", "set", "signed", "solution", "still", "than", "the", "there",
    "this", "to", "try", "until", "valid", "version", "wait", "with", "wrong", "yes", "you", "your",
    "kind", "name", "birth", "nationality", "number", "country", "digit", "linked", "recorded"}
# the server's access log and Django's request log, written in the same process as the client under test
_SERVER_LOG = re.compile(r"^((\d{1,3}\.){3}\d{1,3} (GET|POST|PUT|DELETE) |(Bad Request|Forbidden|Not Found|Gone"
                         r"|Conflict|Method Not Allowed|Unsupported Media Type|Too Many Requests|Internal Server Error)"
                         r": /)")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# no word of either language: a path or address, an error code (ZID-LOGIN-EXPIRED), an option (--accept)
_NOT_WORDS = re.compile(r"\S*[/\\]\S*|\bZID(-[A-Z0-9]+)+\b|--[a-z-]+")


def client_lines(*outputs: str) -> list[str]:
    """The non-empty lines of a client's output, without the server's own log lines."""
    return [line for output in outputs for line in output.splitlines()
            if line.strip() and not _SERVER_LOG.match(line)]


def language_of(line: str, names: tuple[str, ...] = ()) -> str:
    """ "nl", "en", or "?" (no marker word, or words of both); ``names`` (a holder's, a card's label) are data."""
    for name in names:
        line = line.replace(name, " ")
    words = {word.lower() for word in _WORD.findall(_NOT_WORDS.sub(" ", line))}
    dutch, english = words & DUTCH, words & ENGLISH
    if dutch and not english:
        return "nl"
    if english and not dutch:
        return "en"
    return "?"


def assert_all_in(language: str, *outputs: str, names: tuple[str, ...] = ()) -> list[str]:
    """Every line the client printed is in ``language``; returns the lines (at least one)."""
    lines = client_lines(*outputs)
    assert lines, "the client printed nothing"
    wrong = [(line, language_of(line, names)) for line in lines if language_of(line, names) != language]
    assert not wrong, f"lines not in {language}: {wrong}"
    return lines
