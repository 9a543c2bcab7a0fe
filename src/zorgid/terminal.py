"""How the server's command lines (``zorgid``, ``zorgid employees``, ``zorgid dev``) speak in a terminal.

Dutch help (typer's own help option included), one error report on stderr with exit status 1, the actor the
audit log records for a command. The client programs have their own (zorgid.clients.terminal); neither
imports the other, and both speak Dutch through zorgid.protocol.dutch_terminal. Importing this module sets up no Django.
"""

from __future__ import annotations

import getpass
import os

import typer
from rich.console import Console
from typer.core import TyperCommand, TyperGroup

from zorgid.protocol.dutch_terminal import DutchHelp

out = Console()
err = Console(stderr=True)


class DutchCommand(DutchHelp, TyperCommand):
    pass


class DutchGroup(DutchHelp, TyperGroup):
    pass


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zorgid.settings")
    import django

    django.setup()


def fail(error) -> None:
    """Report a ZorgidError (code, cause and solution in Dutch) and stop with exit status 1."""
    err.print(f"[bold red]Fout {error.code}[/]: {error.cause('nl')}\nOplossing: {error.solution('nl')}")
    if getattr(error, "detail", ""):
        err.print(f"Detail: {error.detail}")
    raise typer.Exit(1)


def actor() -> str:
    """Who ran the command, as the audit log records it."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"
