"""``zorgid-app``: the command line that stands in for the ZORG-ID Mobile App.

Every failure is a ZorgidError and is reported the same way, on stderr, with exit status 1::

    Fout ZID-APP-PIN-WRONG: De pincode is onjuist. U heeft nog 4 poging(en).
    Oplossing: Probeer het opnieuw. ...

Commands: ``setup`` (choose the PIN), ``scan`` (activate an ID, approve a login), ``id``, ``backup``
/ ``restore`` (R-FLOW-BACKUP: see zorgid.clients.app.backup for which homes a backup restores into), and
``link-widscan`` (link a WID scan app to this ID, R-FLOW-WIDSCAN: zorgid.clients.app.widscan_link).

Usage errors (an unknown option, a missing argument) keep click's exit status 2. No traceback is
ever shown to the holder.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Annotated

import segno
import typer

from zorgid.protocol.device_names import clean_device_name
from zorgid.protocol.payloads import ActivationPayload

from ..terminal import (
    DutchCommand,
    LanguageOption,
    ReportingGroup,
    choose_language,
    confirm_unless_accepted,
    file_problem,
    language,
    run,
    tr,
)
from . import actions
from .backup import BackupQuestions, make_backup
from .backup import restore as restore_backup
from .backup_format import check_password
from .errors import BackupPasswordMismatch, PinMismatch, StorageError
from .identity import printable
from .keystore import Keystore, check_pin_format, default_device_name
from .qr import payload_from_argument
from .server import ServerClient
from .storage import write_file
from .widscan_link import link_widscan

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
DEVICE_HELP = (
    "Naam van dit toestel, zoals de beheerder hem ziet (bijvoorbeeld 'iPhone van Jan'; hoogstens 64 tekens). "
    "Standaard: 'zorgid-app op' en de naam van deze computer."
)
DeviceOption = Annotated[str | None, typer.Option("--toestel", metavar="NAAM", help=DEVICE_HELP, show_default=False)]
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
    "met dit ID kan er niet meer mee inloggen.",
    "The new PIN is registered at the server: from now on only this app opens the ID. An old phone with this ID "
    "can no longer log in with it.",
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
    lang: LanguageOption = None,
) -> None:
    """ZORG-ID app: pincode instellen, QR-codes scannen en uw ID tonen."""
    choose_language(lang)
    ctx.obj = Keystore((home or DEFAULT_HOME).expanduser())


def _pin_given(pin: str | None) -> str | None:
    return pin if pin is not None else os.environ.get(PIN_ENV)


def _ask_pin(pin: str | None) -> str:
    """The PIN from --pin or ZORGID_PIN, else asked without echo."""
    given = _pin_given(pin)
    if given is not None:
        return given
    return typer.prompt(tr("Pincode", "PIN"), hide_input=True)


def _choose_pin(pin: str | None, question: tuple[str, str] = ("Kies een pincode van 6 cijfers",
                                                              "Choose a PIN of 6 digits")) -> str:
    """A new PIN from --pin or ZORGID_PIN, else asked twice without echo."""
    chosen = _pin_given(pin)
    if chosen is None:
        chosen = typer.prompt(tr(*question), hide_input=True)
        check_pin_format(chosen)
        if typer.prompt(tr("Herhaal de pincode", "Repeat the PIN"), hide_input=True) != chosen:
            raise PinMismatch()
    return chosen


@app.command(cls=DutchCommand)
def setup(
    ctx: typer.Context,
    pin: PinOption = None,
    device: DeviceOption = None,
) -> None:
    """Kies de pincode van 6 cijfers: de eerste stap na het installeren van de app."""
    store: Keystore = ctx.obj
    store.ensure_not_set_up()
    name = clean_device_name(device) if device is not None else default_device_name()  # refused before the PIN
    store.setup(_choose_pin(pin), name)
    typer.echo(tr(f"Pincode ingesteld (app-map {store.home}). Scan nu uw QR-code met 'zorgid-app scan'.",
                  f"PIN set (app home {store.home}). Now scan your QR code with 'zorgid-app scan'."))
    typer.echo(tr(f"Naam van dit toestel: {name}", f"Name of this device: {name}"))


@app.command(cls=DutchCommand)
def scan(
    ctx: typer.Context,
    payload_or_png: Annotated[str, typer.Argument(
        metavar="PAYLOAD_OF_AFBEELDING",
        help="De tekst van de QR-code (zorgid://...), een afbeelding (PNG, JPEG) met de QR-code, of de link "
             "naar de activatiepagina uit de e-mail (https://…/activatie/…).",
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
    ask = actions.Questions(confirm=confirm_unless_accepted(accept), ask_pin=lambda: _ask_pin(pin),
                            ask_new_pin=lambda: _choose_pin(pin, NEW_ID_PIN),
                            tell=typer.echo)
    try:
        if isinstance(payload, ActivationPayload):
            identity = actions.activate(store, payload, ask, server_factory)
            typer.echo(f"{tr('ID geïnstalleerd', 'ID installed')}: {identity.holder.shown_name}")
        else:
            flow = actions.login(store, payload, ask, server_factory)
            typer.echo(tr(f"Ingelogd bij {flow.requester_name}", f"Logged in at {flow.requester_name}"))
    except actions.Declined:
        typer.echo(tr("Geweigerd", "Declined"))
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
    typer.echo(tr(f"Back-up van {identity.holder.shown_name} geschreven naar {file}.",
                  f"Backup of {identity.holder.shown_name} written to {file}."))
    typer.echo(tr("Bewaar het bestand en het wachtwoord apart van deze telefoon; zonder wachtwoord is de "
                  "back-up onbruikbaar, met beide kan iemand als u inloggen.",
                  "Keep the file and the password apart from this phone; without the password the backup is "
                  "useless, with both someone can log in as you."))


@app.command(cls=DutchCommand)
def restore(
    ctx: typer.Context,
    file: FileArgument,
    password: PasswordOption = None,
    pin: Annotated[str | None, typer.Option("--pin", help=RESTORE_PIN_HELP, show_default=False)] = None,
    accept: Annotated[bool, typer.Option("--accept", help="Beantwoord de vraag (terugzetten) met ja.")] = False,
    device: DeviceOption = None,
) -> None:
    """Zet een back-up terug in een nieuwe app (na opnieuw installeren), met een nieuwe pincode."""
    name = clean_device_name(device) if device is not None else ""  # refused before any question
    given = password if password is not None else os.environ.get(PASSWORD_ENV)
    ask = BackupQuestions(
        ask_pin=lambda: _ask_pin(pin), ask_new_pin=lambda: _choose_pin(pin), confirm=confirm_unless_accepted(accept),
        ask_password=lambda: given if given is not None else typer.prompt(
            tr("Wachtwoord van de back-up", "Password of the backup"), hide_input=True),
    )
    try:
        restored = restore_backup(ctx.obj, file, ask, server_factory, name)
    except actions.Declined:
        typer.echo(tr("Geweigerd", "Declined"))
        raise typer.Exit(1) from None
    identity = restored.identity
    typer.echo(tr(f"ID teruggezet: {identity.holder.shown_name} (Mobile ID {identity.mobile_id}).",
                  f"ID restored: {identity.holder.shown_name} (Mobile ID {identity.mobile_id})."))
    if restored.refusal is not None:
        refusal, lang = restored.refusal, language().value
        typer.echo(tr(f"Let op: de server weigert dit ID ({refusal.code}): {refusal.cause(lang)} Met dit ID kunt u "
                      f"niet meer inloggen. {refusal.solution(lang)}",
                      f"Note: the server refuses this ID ({refusal.code}): {refusal.cause(lang)} You can no longer "
                      f"log in with this ID. {refusal.solution(lang)}"))
    else:
        typer.echo(tr(*RESTORE_NOTE))


def _choose_password(password: str | None) -> str:
    """A new backup password from --password or ZORGID_BACKUP_PASSWORD, else asked twice without echo.
    The rules that need no PIN are checked before the repeat, so a weak one is not typed twice."""
    given = password if password is not None else os.environ.get(PASSWORD_ENV)
    if given is not None:
        return given
    chosen = typer.prompt(tr("Kies een wachtwoord voor de back-up (niet uw pincode)",
                             "Choose a password for the backup (not your PIN)"), hide_input=True)
    check_password(chosen)
    if typer.prompt(tr("Herhaal het wachtwoord", "Repeat the password"), hide_input=True) != chosen:
        raise BackupPasswordMismatch()
    return chosen


@app.command("id", cls=DutchCommand)
def show_id(ctx: typer.Context) -> None:
    """Toon het geïnstalleerde ID: naam, geboortedatum, Mobile ID en geldigheid. Geen pincode nodig."""
    store: Keystore = ctx.obj
    identity = store.load_id()
    typer.echo(f"ID: {identity.holder.shown_name}")
    typer.echo(f"{tr('Geboortedatum', 'Date of birth')}: {identity.holder.birth_date}")
    typer.echo(f"Mobile ID: {identity.mobile_id}")
    typer.echo(f"{tr('Toestel', 'Device')}: {store.device_name()}")
    typer.echo(f"Server: {printable(identity.server)}")
    typer.echo(f"{tr('Certificaat geldig tot', 'Certificate valid until')}: {identity.valid_until:%d-%m-%Y}")
    refused = store.refusal()
    if refused:
        typer.echo(tr(f"Status: geweigerd door de server ({refused}); inloggen kan niet, vraag een nieuwe QR-code.",
                      f"State: refused by the server ({refused}); logging in is not possible, ask for a new QR "
                      "code."))


@app.command("link-widscan", cls=DutchCommand)
def link_widscan_command(
    ctx: typer.Context,
    pin: PinOption = None,
    accept: Annotated[bool, typer.Option("--accept", help="Beantwoord de vraag (koppelen) met ja.")] = False,
    qr_file: Annotated[Path | None, typer.Option(
        "--qr-file", metavar="BESTAND.png", dir_okay=False,
        help="Bewaar de koppel-QR-code ook als PNG-afbeelding (de WID scan app kan dat bestand scannen).",
    )] = None,
) -> None:
    """Koppel een WID scan app aan uw ID: toon een QR-code voor de WID scan app en keur de koppeling goed."""
    store: Keystore = ctx.obj
    store.ensure_usable()

    def show_link(uri: str) -> None:
        typer.echo(tr("Scan deze QR-code met de WID scan app ('zorgid-widscan link'):",
                      "Scan this QR code with the WID scan app ('zorgid-widscan link'):"))
        code = segno.make(uri, error="m")
        code.terminal(compact=True)
        typer.echo(uri)
        if qr_file is not None:
            _save_png(code, qr_file)
            typer.echo(tr(f"QR-code bewaard in {qr_file}", f"QR code saved in {qr_file}"))
        typer.echo(tr("Wachten tot de WID scan app de QR-code heeft gescand…",
                      "Waiting for the WID scan app to scan the QR code…"))

    ask = actions.Questions(confirm=confirm_unless_accepted(accept), ask_pin=lambda: _ask_pin(pin), tell=typer.echo)
    try:
        linked = link_widscan(store, ask, show_link, server_factory)
    except actions.Declined:
        typer.echo(tr("Geweigerd: de WID scan app is niet gekoppeld.", "Declined: the WID scan app is not linked."))
        raise typer.Exit(1) from None
    typer.echo(tr(f"Gekoppeld: WID scan app «{linked.device_name}».", f"Linked: WID scan app «{linked.device_name}»."))


def _save_png(code: segno.QRCode, path: Path) -> None:
    """The QR as a PNG, put in place in one step (a scanner watching for the file never reads half of it)."""
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=8, border=4)
    try:
        write_file(path, buffer.getvalue())
    except OSError as exc:
        raise StorageError(file_problem(f"kan {path} niet schrijven", f"cannot write {path}", exc)) from exc


NEW_ID_PIN = ("Kies een pincode van 6 cijfers voor het nieuwe ID", "Choose a PIN of 6 digits for the new ID")


def main() -> None:
    run(app, "zorgid-app")


if __name__ == "__main__":
    main()
