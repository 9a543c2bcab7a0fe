"""How every command line of zorgid speaks Dutch, the server's (``zorgid``) and the clients' (``zorgid-app``,
``zorgid-desktop``, ``zorgid-validatietool``) alike: typer's own labels in its help and error panels, the usage
line, the help option's text, and yes/no questions that take the answers a Dutch user types (j, ja, n, nee).

Typer (through click and rich) prints "Usage", "Options", "[required]" and "Try … for help." in English; its
panel labels are module constants of ``typer.rich_utils``, read when a panel is drawn, so importing this module
sets them once. Part of the shared protocol package, so that the client programs may import it too
(docs/architecture.md).
"""

from __future__ import annotations

import typer
import typer.rich_utils as rich_utils

LABELS = {
    "ARGUMENTS_PANEL_TITLE": "Argumenten",
    "OPTIONS_PANEL_TITLE": "Opties",
    "COMMANDS_PANEL_TITLE": "Opdrachten",
    "ERRORS_PANEL_TITLE": "Fout",
    "ABORTED_TEXT": "Afgebroken.",
    "REQUIRED_LONG_STRING": "[verplicht]",
    "DEFAULT_STRING": "[standaard: {}]",
    "ENVVAR_STRING": "[omgevingsvariabele: {}]",
    "DEPRECATED_STRING": "(verouderd) ",
    "RICH_HELP": "Probeer [blue]'{command_path} {help_option}'[/] voor hulp.",
}
ENGLISH_LABELS = {name: getattr(rich_utils, name) for name in LABELS}  # typer's own
for _name, _text in LABELS.items():
    setattr(rich_utils, _name, _text)
_english = {"labels": False}


def use_language(language: str) -> None:
    """A client program that runs in English (zorgid.clients.terminal) shows typer's usage line and panel labels in
    English too; the help texts themselves stay Dutch. Every other command line keeps the Dutch ones."""
    english = language.startswith("en")
    _english["labels"] = english
    for name, text in (ENGLISH_LABELS if english else LABELS).items():
        setattr(rich_utils, name, text)

YES_ANSWERS = ("ja", "j", "yes", "y")
NO_ANSWERS = ("nee", "n", "no", "")  # an empty answer is no consent
MAX_TRIES = 3


# typer's type column ("<str>", "<list[str]>", "<file>") in words a user reads, Dutch or English; a flag shows none
TYPE_LABELS = {"str": ("TEKST", "TEXT"), "int": ("GETAL", "NUMBER"), "float": ("GETAL", "NUMBER"),
               "file": ("BESTAND", "FILE"), "path": ("PAD", "PATH"), "directory": ("MAP", "DIRECTORY"),
               "datetime": ("DATUM", "DATE")}


def type_label(param, shown: str | None) -> str | None:
    """What the help shows in the type column for ``param``, where typer would show ``shown``."""
    if getattr(param, "is_flag", False) or shown is None:
        return None
    if not (shown.startswith("<") and shown.endswith(">")):
        return shown  # a metavar of the command's own
    inner, repeated = shown[1:-1], False
    if inner.startswith("list[") and inner.endswith("]"):
        inner, repeated = inner[5:-1], True
    if inner not in TYPE_LABELS:
        return shown
    label = TYPE_LABELS[inner][1 if _english["labels"] else 0]
    return f"{label} …" if repeated else label


class DutchHelp:
    """For a typer command or group: the help option's own text, the usage line and the type column in Dutch
    too."""

    def get_params(self, ctx: typer.Context) -> list:
        params = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if "display_type_rich" not in vars(param):  # once per parameter: its own, for this help only
                typers = param.display_type_rich
                param.display_type_rich = lambda ctx, param=param, typers=typers: type_label(param, typers(ctx=ctx))
        return params

    def get_help_option(self, ctx: typer.Context):
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = "Toon deze hulp en stop."
        return option

    def get_usage(self, ctx: typer.Context) -> str:
        usage = super().get_usage(ctx)  # type: ignore[misc]
        if _english["labels"] or not usage.startswith("Usage:"):
            return usage
        return "Gebruik:" + usage[len("Usage:"):].replace("[OPTIONS]", "[OPTIES]")


def ask_yes_no(question: str, language: str = "nl") -> bool:
    """Ask ``question`` and read Ja or Nee (j/ja/n/nee, and y/yes/no); three other answers, an empty answer, end of
    input or Ctrl-C are a no: no answer is no consent. In English (``language`` "en") it shows [yes/no]."""
    english = language.startswith("en")
    for _ in range(MAX_TRIES):
        try:
            answer = typer.prompt(f"{question} {'[yes/no]' if english else '[ja/nee]'}", default="",
                                  show_default=False, prompt_suffix=" ")
        except (typer.Abort, EOFError):
            return False
        if answer.strip().lower() in YES_ANSWERS:
            return True
        if answer.strip().lower() in NO_ANSWERS:
            return False
        typer.echo("Answer yes or no." if english else "Antwoord met ja of nee.")
    return False
