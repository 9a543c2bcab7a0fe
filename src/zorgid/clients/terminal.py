"""How every client program speaks to its user in a terminal: one language, safe text, one error report, Dutch help.

Every line a client prints is in one language: Dutch, or English with ``--lang en`` or an English environment
(LC_ALL, LC_MESSAGES or LANG, the first one set, starting with ``en``). A program chooses it once, in its top-level
callback (:func:`choose_language`); its texts are written in both languages side by side (:func:`tr`); both come
from zorgid.protocol.language, which the server's ``zorgid check`` uses too. Every failure is a ZorgidError and is
reported the same way, on stderr, with exit status 1::

    Fout ZID-APP-PIN-WRONG: De pincode is onjuist. U heeft nog 4 poging(en).
    Oplossing: Probeer het opnieuw. ...

An error's cause and solution are the client's own texts for its code, also when the server sent it; its detail is
shown in the chosen language (a technical detail in English only, see zorgid.protocol.errors.Detail). The help
texts are Dutch. Usage errors keep click's exit status 2. No traceback ever reaches the user.
"""

from __future__ import annotations

import errno
import re

import typer
from typer.core import TyperCommand, TyperGroup

from zorgid.protocol import dutch_terminal
from zorgid.protocol.dutch_terminal import DutchHelp
from zorgid.protocol.errors import Detail, InternalError, ZorgidError
from zorgid.protocol.language import (  # noqa: F401 - the clients' names for the language of a run
    LANGUAGE_VARIABLES,
    Language,
    LanguageOption,
    choose_language,
    environment_language,
    language,
    tr,
)

# why a file could not be used, in both languages (the system's own text, strerror, is English)
_OS_REASONS = {
    errno.EACCES: ("geen toestemming", "permission denied"), errno.EPERM: ("niet toegestaan", "not permitted"),
    errno.ENOENT: ("bestaat niet", "does not exist"), errno.ENOSPC: ("schijf vol", "no space left on the device"),
    errno.EROFS: ("alleen lezen", "read-only file system"), errno.EISDIR: ("is een map", "is a directory"),
    errno.ENOTDIR: ("een deel van het pad is geen map", "a part of the path is not a directory"),
    errno.EEXIST: ("bestaat al", "already exists"), errno.ENAMETOOLONG: ("naam te lang", "name too long"),
}


def file_problem(nl: str, en: str, exc: OSError) -> Detail:
    """The detail of a file that could not be used: what failed (``nl``, ``en``) and why, in both languages."""
    code = errno.errorcode.get(exc.errno or 0, type(exc).__name__)
    why_nl, why_en = _OS_REASONS.get(exc.errno or 0, (code, code))
    return Detail(f"{nl}: {why_nl}", f"{en}: {why_en}")

# control characters (terminal escape sequences) and bidirectional overrides (text that lies about itself)
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, limit: int = 300) -> str:
    """Text from a server or a card made safe for a terminal: nothing unprintable, bounded length."""
    return _UNPRINTABLE.sub("", text)[:limit].strip()


def report(err: ZorgidError) -> None:
    """Print an error as the user sees it, in the language of this run: code, cause, solution and its detail."""
    lang = language().value
    code = getattr(err, "remote_code", None) or err.code
    cause = err.cause(lang) or InternalError().cause(lang)
    solution = err.solution(lang) or InternalError().solution(lang)
    typer.echo(f"{tr('Fout', 'Error')} {code}: {cause}\n{tr('Oplossing', 'Solution')}: {solution}", err=True)
    detail = printable(err.detail_in(lang))
    if detail:
        typer.echo(f"Details: {detail}", err=True)


def ask_yes_no(question: str) -> bool:
    """A yes/no question in the language of this run (zorgid.protocol.dutch_terminal.ask_yes_no)."""
    return dutch_terminal.ask_yes_no(question, language().value)


def confirm_unless_accepted(accept: bool):
    """The yes/no question of a command with ``--accept``: answered ja (and said so) with it, asked without it."""
    def confirm(question: str) -> bool:
        if accept:
            typer.echo(f"{question} {tr('ja', 'yes')} (--accept)")
            return True
        return ask_yes_no(question)

    return confirm


class BadOption(typer.BadParameter):
    """A wrong option value (exit status 2), said in the language of this run: typer's own says "Invalid value"."""

    def format_message(self) -> str:
        hint = f" {self.param_hint}" if isinstance(self.param_hint, str) else ""
        return f"{tr('Ongeldige waarde voor', 'Invalid value for')}{hint}: {self.message}"


class DutchCommand(DutchHelp, TyperCommand):
    pass


class DutchGroup(DutchHelp, TyperGroup):
    pass


class ReportingGroup(DutchGroup):
    """Turns every ZorgidError of every command into the one report and exit status 1."""

    def invoke(self, ctx: typer.Context) -> object:
        try:
            return super().invoke(ctx)
        except ZorgidError as err:
            report(err)
            raise typer.Exit(1) from err


def run(app: typer.Typer, prog_name: str) -> None:
    """Entry point of a console script; the last guard against a traceback reaching the user."""
    choose_language(None)  # the environment's, until the program's callback reads --lang
    try:
        app(prog_name=prog_name)
    except ZorgidError as err:
        report(err)
        raise SystemExit(1) from None
    except Exception as exc:  # by design: report, never a traceback
        report(InternalError(type(exc).__name__))
        raise SystemExit(1) from None
