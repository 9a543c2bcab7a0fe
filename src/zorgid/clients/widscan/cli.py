"""``zorgid-widscan``: the command line that stands in for the WID scan app (R-FLOW-WIDSCAN).

A healthcare employee checks a patient's (or a new employee's) identity document by its machine-readable zone and,
once the app is linked to his ZORG-ID, records the check at the server. Commands: ``link`` (scan the link QR that
``zorgid-app link-widscan`` shows), ``status`` (whether and to whom the app is linked), ``scan`` (check a
document, and record the check; a driving licence's expiry date is typed off the card, its MRZ has none) and
``specimen`` (draw a specimen document, test data, to try ``scan`` with).

Every failure is a ZorgidError and is reported as by the other client programs (zorgid.clients.terminal), on
stderr, with exit status 1; ``scan`` exits with 1 for a document that is not valid too, with one error line per
failed check. Usage errors keep click's exit status 2.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import socket
import sys
import time
import unicodedata
from pathlib import Path
from typing import Annotated

import typer

from zorgid.protocol.device_names import MAX_DEVICE_NAME_CHARS, clean_device_name
from zorgid.protocol.widscan import PURPOSES, WIDSCAN_SCHEME, WidScanLinkPayload, parse_widscan_payload

from ..app.qr import read_qr_text
from ..terminal import (
    BadOption,
    DutchCommand,
    LanguageOption,
    ReportingGroup,
    ask_yes_no,
    choose_language,
    confirm_unless_accepted,
    printable,
    report,
    run,
    tr,
)
from . import licence, linking, mrz, specimen
from .app_errors import ExpiryDateInvalid, NotLinked, QrUnreadable
from .report import lines, record_of
from .server import WidScanServerClient
from .store import WidScanStore

HOME_ENV = "ZORGID_WIDSCAN_HOME"
DEFAULT_HOME = Path("~/.zorgid-widscan")

# How the commands reach a server; tests and embedders may replace it (e.g. with an httpx transport).
server_factory: linking.ServerFactory = WidScanServerClient

HOME_HELP = (
    f"Map met de gegevens van de WID scan app (standaard {DEFAULT_HOME}, of {HOME_ENV}). "
    "Eén map is één installatie van de app."
)
HomeOption = Annotated[Path | None, typer.Option("--home", envvar=HOME_ENV, file_okay=False, help=HOME_HELP)]

app = typer.Typer(
    cls=ReportingGroup,
    help="WID scan app: koppel de app aan uw ZORG-ID, controleer een identiteitsbewijs aan de MRZ en leg de "
    "controle vast.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _options(ctx: typer.Context, home: HomeOption = None, lang: LanguageOption = None) -> None:
    """WID scan app: koppelen, een identiteitsbewijs controleren en de controle vastleggen."""
    choose_language(lang)
    ctx.obj = WidScanStore((home or DEFAULT_HOME).expanduser())


def default_device_name() -> str:
    """"zorgid-widscan op <hostname>": what the holder sees when the employee named no phone."""
    host = "".join(ch for ch in socket.gethostname() if not unicodedata.category(ch).startswith("C")
                   and unicodedata.category(ch) not in ("Zl", "Zp")).strip()
    return f"zorgid-widscan op {host}"[:MAX_DEVICE_NAME_CHARS].strip() if host else "zorgid-widscan"


def _payload(payload: str | None, image: Path | None) -> WidScanLinkPayload:
    if (payload is None) == (image is None):
        raise BadOption(tr("geef de tekst van de QR-code óf --qr AFBEELDING", "give the QR code's text or "
                           "--qr IMAGE"), param_hint="PAYLOAD")
    text = read_qr_text(image, QrUnreadable) if image is not None else payload
    return parse_widscan_payload(text)


@app.command(cls=DutchCommand)
def link(
    ctx: typer.Context,
    payload: Annotated[str | None, typer.Argument(
        metavar="PAYLOAD", help=f"De tekst van de koppel-QR-code ({WIDSCAN_SCHEME}://link?...).", show_default=False,
    )] = None,
    qr: Annotated[Path | None, typer.Option(
        "--qr", metavar="AFBEELDING", dir_okay=False, help="Een afbeelding (PNG, JPEG) met de koppel-QR-code.",
        show_default=False,
    )] = None,
    accept: Annotated[bool, typer.Option(
        "--accept", help="Beantwoord de vraag (dezelfde controlecode?) met ja.")] = False,
    device: Annotated[str | None, typer.Option(
        "--toestel", metavar="NAAM", show_default=False,
        help="Naam van dit toestel, zoals de houder van het ZORG-ID hem ziet (hoogstens 64 tekens). Standaard: "
             "'zorgid-widscan op' en de naam van deze computer.")] = None,
) -> None:
    """Koppel de WID scan app aan een ZORG-ID: scan de QR-code die 'zorgid-app link-widscan' toont."""
    store: WidScanStore = ctx.obj
    name = clean_device_name(device) if device is not None else default_device_name()
    parsed = _payload(payload, qr)
    ask = linking.LinkQuestions(confirm=confirm_unless_accepted(accept), tell=typer.echo)
    try:
        linked = linking.link(store, parsed, ask, name, server_factory)
    except linking.NotConfirmed:
        typer.echo(tr("Niet gekoppeld. Kies ook in de ZORG-ID app Nee: de controlecodes moeten gelijk zijn.",
                      "Not linked. Choose No in the ZORG-ID app too: the confirmation codes must be the same."))
        raise typer.Exit(1) from None
    typer.echo(tr(f"Gekoppeld aan het ZORG-ID van {printable(linked.holder_name)}.",
                  f"Linked to the ZORG-ID of {printable(linked.holder_name)}."))


@app.command(cls=DutchCommand)
def status(ctx: typer.Context) -> None:
    """Toon of de app gekoppeld is, aan wie en sinds wanneer."""
    store: WidScanStore = ctx.obj
    if not store.has_link():
        typer.echo(tr("Niet gekoppeld. Koppel de app met 'zorgid-widscan link'.",
                      "Not linked. Link the app with 'zorgid-widscan link'."))
        return
    linked = store.load()
    since = linked.linked_at.astimezone()
    typer.echo(tr(f"Gekoppeld aan het ZORG-ID van {printable(linked.holder_name)} (geboren "
                  f"{printable(linked.birth_date)})", f"Linked to the ZORG-ID of {printable(linked.holder_name)} "
                  f"(born {printable(linked.birth_date)})"))
    typer.echo(tr(f"Sinds: {since:%d-%m-%Y} om {since:%H:%M}", f"Since: {since:%d-%m-%Y} at {since:%H:%M}"))
    typer.echo(f"Server: {printable(linked.server)}")
    typer.echo(f"{tr('Toestel', 'Device')}: {printable(linked.device_name)}")


@app.command(cls=DutchCommand)
def scan(
    ctx: typer.Context,
    image: Annotated[Path | None, typer.Argument(
        metavar="AFBEELDING", dir_okay=False, show_default=False,
        help="Een foto of scan (PNG, JPEG) van het document met de MRZ.")] = None,
    mrz_text: Annotated[str | None, typer.Option(
        "--mrz", metavar="TEKST", show_default=False,
        help="De regels van de MRZ als tekst (regels gescheiden door een nieuwe regel), in plaats van een "
             "afbeelding.")] = None,
    record: Annotated[bool | None, typer.Option(
        "--record/--no-record", show_default=False,
        help="Leg de controle vast bij ZORG-ID (zonder deze opties: gevraagd als de app gekoppeld is en u "
             "typt).")] = None,
    purpose: Annotated[str, typer.Option(
        "--purpose", metavar="|".join(PURPOSES),
        help="Wiens document: van een patiënt, of van een nieuwe medewerker (de beheerder krijgt een "
             "referentiecode).")] = "patient",
    expiry: Annotated[str | None, typer.Option(
        "--expiry", metavar="DD-MM-JJJJ", show_default=False,
        help="Alleen bij een rijbewijs: de vervaldatum op de kaart (4b), want de MRZ van een rijbewijs heeft geen "
             "datums (zonder deze optie: gevraagd als u typt).")] = None,
) -> None:
    """Controleer een identiteitsbewijs aan de MRZ; exitcode 0 alleen voor een geldig document."""
    store: WidScanStore = ctx.obj
    if purpose not in PURPOSES:
        raise BadOption(tr(f"kies uit {', '.join(PURPOSES)}", f"choose from {', '.join(PURPOSES)}"),
                        param_hint="--purpose")
    if (image is None) == (mrz_text is None):
        raise BadOption(tr("geef een AFBEELDING óf --mrz TEKST", "give an IMAGE or --mrz TEXT"),
                        param_hint="AFBEELDING")
    if record and not store.has_link():
        raise NotLinked()
    today = mrz.dutch_today()
    typed_expiry = licence.parse_expiry(expiry, today) if expiry is not None else None
    if image is not None:
        from . import scan as scanning  # the picture's text recognition, loaded only for a picture

        document = scanning.read_document(image, today=today)
    else:
        document = mrz.parse(mrz_text, today=today)
    if document.format == "DL":
        if typed_expiry is None and sys.stdin.isatty():
            typed_expiry = _ask_expiry(today)
        if typed_expiry is not None:
            document = dataclasses.replace(document, expiry_date=typed_expiry)
    elif typed_expiry is not None:
        raise BadOption(tr("alleen bij een rijbewijs: de vervaldatum van dit document staat in zijn MRZ",
                           "for a driving licence only: this document's expiry date is in its MRZ"),
                        param_hint="--expiry")
    result = mrz.check(document, today)
    for line in lines(result):
        typer.echo(line)
    for error in result.errors():
        report(error)
    if record is None:
        record = store.has_link() and sys.stdin.isatty() and ask_yes_no(
            tr("Deze controle vastleggen bij ZORG-ID?", "Record this check at ZORG-ID?"))
    if record:
        _record(store, result, purpose)
    if not result.valid:
        raise typer.Exit(1)


def _ask_expiry(today: dt.date) -> dt.date | None:
    """The driving licence's expiry date (4b), asked until it is a date; nothing typed: None."""
    question = tr("Vervaldatum op het rijbewijs (4b), dd-mm-jjjj (leeg: overslaan): ",
                  "Expiry date on the driving licence (4b), dd-mm-yyyy (empty: skip): ")
    while True:
        try:
            typed = input(question)
        except EOFError:
            return None
        if not typed.strip():
            return None
        try:
            return licence.parse_expiry(typed, today)
        except ExpiryDateInvalid as error:
            report(error)


def _record(store: WidScanStore, result: mrz.MrzCheck, purpose: str) -> None:
    linked = store.load()
    check = record_of(result, linked.link, purpose, store.next_moment(int(time.time())))
    with server_factory(linked.server) as server:
        recorded = server.record(check, linked.key)
    moment = recorded.recorded_at.astimezone()
    typer.echo(tr(f"Vastgelegd op {moment:%d-%m-%Y} om {moment:%H:%M:%S}.",
                  f"Recorded on {moment:%d-%m-%Y} at {moment:%H:%M:%S}."))
    if purpose == "medewerker" and recorded.reference:
        typer.echo(tr(f"Referentiecode voor het registratieformulier van de beheerder: {printable(recorded.reference)}",
                      f"Reference code for the administrator's registration form: {printable(recorded.reference)}"))


@app.command(cls=DutchCommand, name="specimen")
def specimen_command(
    kind: Annotated[str, typer.Argument(
        metavar="SOORT", show_default=False, help=f"De soort document: {', '.join(specimen.KINDS)}.")],
    path: Annotated[Path, typer.Argument(
        metavar="BESTAND", dir_okay=False, show_default=False,
        help="Waar de afbeelding komt (.png, .jpg); een bestaand bestand wordt vervangen.")],
    photo: Annotated[bool, typer.Option(
        "--photo", help="Als een telefoonfoto: op tafel, iets scheef, ongelijk belicht, wazig en met ruis.")] = False,
    expired: Annotated[bool, typer.Option(
        "--expired", help="Een document dat een jaar geleden is verlopen (standaard: geldig).")] = False,
    seed: Annotated[int, typer.Option(
        "--seed", min=0, metavar="N", help="Met --photo: hetzelfde getal geeft dezelfde foto.")] = 0,
) -> None:
    """Maak een voorbeelddocument (testgegevens, geen echt document) om 'scan' mee te proberen."""
    if kind not in specimen.KINDS:
        raise BadOption(tr(f"kies uit {', '.join(specimen.KINDS)}", f"choose from {', '.join(specimen.KINDS)}"),
                        param_hint="SOORT")
    file_format = specimen.file_format(path)
    if file_format is None:
        raise BadOption(tr(f"de naam moet eindigen op {', '.join(specimen.SUFFIXES)}",
                           f"the name must end in {', '.join(specimen.SUFFIXES)}"), param_hint="BESTAND")
    drawn = specimen.draw(kind, mrz.dutch_today(), expired=expired)
    specimen.write(path, specimen.picture(drawn, file_format, photo=photo, seed=seed))
    expiry = f"{drawn.expiry_date:%d-%m-%Y}"
    typer.echo(tr(f"Voorbeelddocument (testgegevens, geen echt document) geschreven naar {path}",
                  f"Specimen document (test data, no real document) written to {path}"))
    typer.echo(f"{tr('Soort document', 'Kind of document')}: {drawn.kind}")
    typer.echo(f"{tr('Documentnummer', 'Document number')}: {'*' * (len(drawn.number) - 4)}{drawn.number_last4}")
    typer.echo(f"{tr('Geldig tot en met', 'Valid until')}: {expiry}" + (tr(" (verlopen)", " (expired)") if expired
                                                                           else ""))
    if kind == mrz.RIJBEWIJS:
        typer.echo(tr(f"De MRZ van een rijbewijs heeft geen datums: 'scan' vraagt de vervaldatum (4b), of geef "
                      f"--expiry {expiry}.", f"A driving licence's MRZ has no dates: 'scan' asks for the expiry date "
                      f"(4b), or give --expiry {expiry}."))


def main() -> None:
    run(app, "zorgid-widscan")


if __name__ == "__main__":
    main()
