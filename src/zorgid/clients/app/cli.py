"""``zorgid-app``: the command line that stands in for the ZORG-ID Mobile App.

Every failure is a ZorgidError and is reported the same way, on stderr, with exit status 1::

    Fout ZID-APP-PIN-WRONG: De pincode is onjuist. U heeft nog 4 poging(en).
    Oplossing: Probeer het opnieuw. ...

Commands: ``setup`` (choose the PIN), ``scan`` (activate an ID, approve a login), ``id``, and ``backup``
/ ``restore`` (R-FLOW-BACKUP: see zorgid.clients.app.backup for which homes a backup restores into).

Usage errors (an unknown option, a missing argument) keep click's exit status 2. No traceback is
ever shown to the holder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from zorgid.protocol.dutch_terminal import ask_yes_no
from zorgid.protocol.payloads import ActivationPayload

from ..terminal import DutchCommand, ReportingGroup, run
from . import actions
from .backup import BackupQuestions, make_backup
from .backup import restore as restore_backup
from .backup_format import check_password
from .errors import BackupPasswordMismatch, PinMismatch
from .identity import printable
from .keystore import Keystore, check_pin_format
from .qr import payload_from_argument
from .server import ServerClient

HOME_ENV = "ZORGID_APP_HOME"
PIN_ENV = "ZORGID_PIN"
PASSWORD_ENV = "ZORGID_BACKUP_PASSWORD"  # noqa: S105 - the name of a variable, not a password
DEFAULT_HOME = Path("~/.zorgid-app")

# How the commands reach a server; tests and embedders may replace it (e.g. with an httpx transport).
server_factory: actions.ServerFactory = ServerClient

PIN_HELP = (
    f"Pincode van 6 cijfers. Zonder deze optie: de omgevingsvariabele {PIN_ENV}, anders wordt erom gevraagd."
)
HOME_HELP = (
    f"Map met de gegevens van de app (standaard {DEFAULT_HOME}, of {HOME_ENV}). "
    "Eén map is één installatie van de app."
)
HomeOption = Annotated[Path | None, typer.Option("--home", envvar=HOME_ENV, file_okay=False, help=HOME_HELP)]
PinOption = Annotated[str | None, typer.Option("--pin", help=PIN_HELP, show_default=False)]
PASSWORD_HELP = (
    f"Wachtwoord van de back-up (niet de pincode). Zonder deze optie: {PASSWORD_ENV}, anders wordt erom gevraagd."
)
PasswordOption = Annotated[str | None, typer.Option("--password", help=PASSWORD_HELP, show_default=False)]
FileArgument = Annotated[Path, typer.Argument(metavar="BESTAND", help="Het back-upbestand.", dir_okay=False)]
SCAN_PIN_HELP = (
    "Pincode van 6 cijfers; bij een nieuw ID dat een ander vervangt: de nieuwe pincode (anders twee keer "
    f"gevraagd). Zonder deze optie: {PIN_ENV}, anders wordt erom gevraagd."
)
RESTORE_PIN_HELP = (
    "In een nieuwe app-map: de nieuwe pincode (anders twee keer gevraagd). In een ingestelde app-map zonder "
    f"ID: de pincode van de app. Zonder deze optie: {PIN_ENV}."
)
RESTORE_NOTE = (
    "De nieuwe pincode is bij de server vastgelegd: vanaf nu opent alleen deze app het ID. Een oude telefoon "
    "met dit ID kan er niet meer mee inloggen."
)


app = typer.Typer(
    cls=ReportingGroup,
    help="ZORG-ID app: pincode instellen, QR-codes scannen (ID activeren, inloggen), uw ID tonen, back-up maken "
    "en terugzetten.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _options(
    ctx: typer.Context,
    home: HomeOption = None,
) -> None:
    """ZORG-ID app: pincode instellen, QR-codes scannen en uw ID tonen."""
    ctx.obj = Keystore((home or DEFAULT_HOME).expanduser())


def _pin_given(pin: str | None) -> str | None:
    return pin if pin is not None else os.environ.get(PIN_ENV)


def _ask_pin(pin: str | None) -> str:
    """The PIN from --pin or ZORGID_PIN, else asked without echo."""
    given = _pin_given(pin)
    if given is not None:
        return given
    return typer.prompt("Pincode", hide_input=True)


def _choose_pin(pin: str | None, question: str = "Kies een pincode van 6 cijfers") -> str:
    """A new PIN from --pin or ZORGID_PIN, else asked twice without echo."""
    chosen = _pin_given(pin)
    if chosen is None:
        chosen = typer.prompt(question, hide_input=True)
        check_pin_format(chosen)
        if typer.prompt("Herhaal de pincode", hide_input=True) != chosen:
            raise PinMismatch()
    return chosen


def _confirm(accept: bool):
    def confirm(question: str) -> bool:
        if accept:
            typer.echo(f"{question} ja (--accept)")
            return True
        return ask_yes_no(question)

    return confirm


@app.command(cls=DutchCommand)
def setup(
    ctx: typer.Context,
    pin: PinOption = None,
) -> None:
    """Kies de pincode van 6 cijfers: de eerste stap na het installeren van de app."""
    store: Keystore = ctx.obj
    store.ensure_not_set_up()
    store.setup(_choose_pin(pin))
    typer.echo(f"Pincode ingesteld (app-map {store.home}). Scan nu uw QR-code met 'zorgid-app scan'.")


@app.command(cls=DutchCommand)
def scan(
    ctx: typer.Context,
    payload_or_png: Annotated[str, typer.Argument(
        metavar="PAYLOAD_OF_AFBEELDING",
        help="De tekst van de QR-code (zorgid://...) of een afbeelding (PNG, JPEG) met de QR-code.",
    )],
    pin: Annotated[str | None, typer.Option("--pin", help=SCAN_PIN_HELP, show_default=False)] = None,
    accept: Annotated[bool, typer.Option(
        "--accept", help="Beantwoord de vraag (inloggen accepteren, ID vervangen) met ja.",
    )] = False,
) -> None:
    """Scan een QR-code: een activatiecode installeert uw ID, een inlogcode laat u inloggen."""
    store: Keystore = ctx.obj
    store.ensure_usable()  # a locked or not set-up app refuses before reading anything
    payload = payload_from_argument(payload_or_png)
    ask = actions.Questions(confirm=_confirm(accept), ask_pin=lambda: _ask_pin(pin),
                            ask_new_pin=lambda: _choose_pin(pin, "Kies een pincode van 6 cijfers voor het nieuwe ID"),
                            tell=typer.echo)
    try:
        if isinstance(payload, ActivationPayload):
            identity = actions.activate(store, payload, ask, server_factory)
            typer.echo(f"ID geïnstalleerd: {identity.holder.shown_name}")
        else:
            flow = actions.login(store, payload, ask, server_factory)
            typer.echo(f"Ingelogd bij {flow.requester_name}")
    except actions.Declined:
        typer.echo("Geweigerd")
        raise typer.Exit(1) from None


@app.command(cls=DutchCommand)
def backup(
    ctx: typer.Context,
    file: FileArgument,
    pin: PinOption = None,
    password: PasswordOption = None,
    force: Annotated[bool, typer.Option("--force", help="Vervang een bestaand bestand.")] = False,
) -> None:
    """Maak een versleutelde back-up van uw ID, met een eigen wachtwoord (niet de pincode)."""
    ask = BackupQuestions(ask_pin=lambda: _ask_pin(pin), ask_password=lambda: _choose_password(password),
                          tell=typer.echo)
    identity = make_backup(ctx.obj, file, ask, force=force, server_factory=server_factory)
    typer.echo(f"Back-up van {identity.holder.shown_name} geschreven naar {file}.")
    typer.echo("Bewaar het bestand en het wachtwoord apart van deze telefoon; zonder wachtwoord is de "
               "back-up onbruikbaar, met beide kan iemand als u inloggen.")


@app.command(cls=DutchCommand)
def restore(
    ctx: typer.Context,
    file: FileArgument,
    password: PasswordOption = None,
    pin: Annotated[str | None, typer.Option("--pin", help=RESTORE_PIN_HELP, show_default=False)] = None,
    accept: Annotated[bool, typer.Option("--accept", help="Beantwoord de vraag (terugzetten) met ja.")] = False,
) -> None:
    """Zet een back-up terug in een nieuwe app (na opnieuw installeren), met een nieuwe pincode."""
    given = password if password is not None else os.environ.get(PASSWORD_ENV)
    ask = BackupQuestions(
        ask_pin=lambda: _ask_pin(pin), ask_new_pin=lambda: _choose_pin(pin), confirm=_confirm(accept),
        ask_password=lambda: given if given is not None else typer.prompt("Wachtwoord van de back-up",
                                                                          hide_input=True),
    )
    try:
        restored = restore_backup(ctx.obj, file, ask, server_factory)
    except actions.Declined:
        typer.echo("Geweigerd")
        raise typer.Exit(1) from None
    identity = restored.identity
    typer.echo(f"ID teruggezet: {identity.holder.shown_name} (Mobile ID {identity.mobile_id}).")
    if restored.refusal is not None:
        typer.echo(f"Let op: de server weigert dit ID ({restored.refusal.code}): {restored.refusal.cause()} "
                   "Met dit ID kunt u niet meer inloggen. " + restored.refusal.solution())
    else:
        typer.echo(RESTORE_NOTE)


def _choose_password(password: str | None) -> str:
    """A new backup password from --password or ZORGID_BACKUP_PASSWORD, else asked twice without echo.
    The rules that need no PIN are checked before the repeat, so a weak one is not typed twice."""
    given = password if password is not None else os.environ.get(PASSWORD_ENV)
    if given is not None:
        return given
    chosen = typer.prompt("Kies een wachtwoord voor de back-up (niet uw pincode)", hide_input=True)
    check_password(chosen)
    if typer.prompt("Herhaal het wachtwoord", hide_input=True) != chosen:
        raise BackupPasswordMismatch()
    return chosen


@app.command("id", cls=DutchCommand)
def show_id(ctx: typer.Context) -> None:
    """Toon het geïnstalleerde ID: naam, geboortedatum, Mobile ID en geldigheid. Geen pincode nodig."""
    store: Keystore = ctx.obj
    identity = store.load_id()
    typer.echo(f"ID: {identity.holder.shown_name}")
    typer.echo(f"Geboortedatum: {identity.holder.birth_date}")
    typer.echo(f"Mobile ID: {identity.mobile_id}")
    typer.echo(f"Server: {printable(identity.server)}")
    typer.echo(f"Certificaat geldig tot: {identity.valid_until:%d-%m-%Y}")
    refused = store.refusal()
    if refused:
        typer.echo(f"Status: geweigerd door de server ({refused}); inloggen kan niet, vraag een nieuwe QR-code.")


def main() -> None:
    run(app, "zorgid-app")


if __name__ == "__main__":
    main()
