"""The language of a command line's run: Dutch, or English with ``--lang en`` or an English environment (LC_ALL,
LC_MESSAGES or LANG, the first one set, starting with ``en``). A program chooses it once (:func:`choose_language`);
its texts are written in both languages side by side (:func:`tr`).

The client programs (zorgid.clients.terminal) and the server's ``zorgid check`` choose it the same way; part of the
shared protocol package so that both may import it (docs/architecture.md).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated

import typer

from zorgid.protocol import dutch_terminal

LANGUAGE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")  # POSIX: the first one set decides


class Language(StrEnum):
    nl = "nl"
    en = "en"


_chosen = {"language": Language.nl}

LanguageOption = Annotated[Language | None, typer.Option(
    "--lang", case_sensitive=False, show_default=False,
    help="Taal van alle meldingen: nl (standaard) of en. Zonder deze optie: en als LC_ALL, LC_MESSAGES of LANG "
         "(de eerste die gezet is) met en begint.",
)]


def environment_language(environ: Mapping[str, str] = os.environ) -> Language:
    """English when the first of LC_ALL, LC_MESSAGES and LANG that is set starts with ``en``; else Dutch."""
    for name in LANGUAGE_VARIABLES:
        value = environ.get(name, "")
        if value:
            return Language.en if value.lower().startswith("en") else Language.nl
    return Language.nl


def choose_language(option: Language | str | None) -> Language:
    """The language of this run: ``--lang`` if given, else the environment's."""
    chosen = Language(option) if option is not None else environment_language()
    _chosen["language"] = chosen
    dutch_terminal.use_language(chosen.value)
    return chosen


def language() -> Language:
    return _chosen["language"]


def tr(nl: str, en: str) -> str:
    """The text in the language of this run."""
    return en if language() is Language.en else nl
