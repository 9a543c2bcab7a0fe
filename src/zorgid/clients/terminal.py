"""How every client program speaks to its user in a terminal: safe text, one error report, Dutch help.

Every failure is a ZorgidError and is reported the same way, on stderr, with exit status 1::

    Fout ZID-APP-PIN-WRONG: De pincode is onjuist. U heeft nog 4 poging(en).
    Oplossing: Probeer het opnieuw. ...

Usage errors keep click's exit status 2. No traceback ever reaches the user.
"""

from __future__ import annotations

import re

import typer
from typer.core import TyperCommand, TyperGroup

from zorgid.protocol.dutch_terminal import DutchHelp
from zorgid.protocol.errors import InternalError, ZorgidError

# control characters (terminal escape sequences) and bidirectional overrides (text that lies about itself)
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, limit: int = 300) -> str:
    """Text from a server or a card made safe for a terminal: nothing unprintable, bounded length."""
    return _UNPRINTABLE.sub("", text)[:limit].strip()


def report(err: ZorgidError) -> None:
    """Print an error as the user sees it: code, cause and solution in Dutch."""
    code = getattr(err, "remote_code", None) or err.code
    cause = err.cause("nl") or InternalError.cause_nl
    solution = err.solution("nl") or InternalError.solution_nl
    typer.echo(f"Fout {code}: {cause}\nOplossing: {solution}", err=True)
    if err.detail:
        typer.echo(f"Details: {printable(err.detail)}", err=True)


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
    try:
        app(prog_name=prog_name)
    except ZorgidError as err:
        report(err)
        raise SystemExit(1) from None
    except Exception as exc:  # by design: report, never a traceback
        report(InternalError(type(exc).__name__))
        raise SystemExit(1) from None
