"""``zorgid dev``: make test UZI-passen (SoftHSM2 tokens) and test UZI server certificates.

Mounted into the ``zorgid`` command line as ``zorgid dev`` (``app.add_typer(dev_app, name="dev")``), and
runnable on its own as ``python -m zorgid.devtools.cli`` (what tests do, in a subprocess). Reads
``ZORGID_HOME`` itself (default ./var), never Django's settings: a developer makes a card without a
configured server. Every failure is reported as ``Fout <code>: <oorzaak>`` and ``Oplossing: …`` on
stderr with exit status 1; usage errors keep exit status 2.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from zorgid.protocol.errors import InternalError, ZorgidError
from zorgid.terminal import DutchCommand, DutchGroup

from .blank_card import make_blank_card
from .mail_cli import mail_app
from .softhsm import DEFAULT_MODULE, UziPas, make_uzi_pas
from .test_uzi_ca import ensure_test_uzi_ca
from .uzi_profile import CARD_TYPES, PROFILES, CardHolder

dev_app = typer.Typer(
    cls=DutchGroup,
    help="Hulpmiddelen voor ontwikkelaars en tests: test-UZI-passen (SoftHSM2-tokens) en test-UZI-"
         "servercertificaten, uitgegeven door de eigen test-UZI-CA van zorgid, en de e-mail die zonder SMTP is "
         "bewaard. Niet voor productie.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

dev_app.add_typer(mail_app, name="mail")  # the mails kept without SMTP: zorgid dev mail list / show

CA_HELP = ("Map van de test-UZI-CA; wordt bij het eerste gebruik gemaakt. Standaard $ZORGID_HOME/test-uzi-ca "
           "(ZORGID_HOME is standaard ./var). De server vertrouwt de pas als hij de submap trust/ vertrouwt.")
CaDirOption = Annotated[Path | None, typer.Option("--ca-dir", file_okay=False, help=CA_HELP, show_default=False)]


def zorgid_home() -> Path:
    """ZORGID_HOME as the server reads it (zorgid.config), without importing the server's configuration."""
    return Path(os.environ.get("ZORGID_HOME", "./var")).resolve()


def report(err: ZorgidError) -> None:
    """The one way zorgid commands report an error: code, cause and solution in Dutch, on stderr."""
    typer.echo(f"Fout {err.code}: {err.cause('nl')}\nOplossing: {err.solution('nl')}", err=True)
    if err.detail:
        typer.echo(f"Details: {err.detail[:300]}", err=True)


@contextlib.contextmanager
def reported() -> Iterator[None]:
    """Turn every failure inside a command into the report and exit status 1, never a traceback."""
    try:
        yield
    except ZorgidError as err:
        report(err)
        raise typer.Exit(1) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:  # by design: report, never a traceback
        report(InternalError(f"{type(exc).__name__}: {exc}"[:300]))
        raise typer.Exit(1) from None


@dev_app.command("uzi-pas", cls=DutchCommand)
def uzi_pas(
    card_type: Annotated[str, typer.Option("--type", help="Pastype: Z (zorgverlenerpas), N (medewerkerpas op "
                                           "naam) of M (medewerkerpas niet op naam).", show_default=False)],
    name: Annotated[str, typer.Option("--name", help="Z en N: volledige naam (\"Jan de Vries\"); M: de functie "
                                      "(\"Baliemedewerker\"). Wordt de CN van de certificaten.", show_default=False)],
    uzi: Annotated[str, typer.Option("--uzi", help="UZI-nummer: 9 cijfers.", show_default=False)],
    ura: Annotated[str, typer.Option("--ura", help="URA-nummer (abonneenummer) van de organisatie: 8 cijfers.",
                                     show_default=False)],
    pin: Annotated[str, typer.Option("--pin", help="Beveiligingscode van de pas: 6 tot 8 cijfers of letters.",
                                     show_default=False)],
    role: Annotated[str | None, typer.Option("--role", help="Rolcode <beroep>.<specialisme>, alleen bij Z "
                                             "(standaard 01.015, huisarts); N en M hebben 00.000.",
                                             show_default=False)] = None,
    agb: Annotated[str, typer.Option("--agb", help="AGB-code: 8 cijfers; 00000000 is geen AGB-code.")] = "00000000",
    organisation: Annotated[str | None, typer.Option("--organisation", help="Naam van de organisatie (O); "
                                                     "standaard \"Zorginstelling <URA>\".", show_default=False)] = None,
    given_name: Annotated[str | None, typer.Option("--given-name", help="Voornaam (GN), als die niet het eerste "
                                                   "woord van --name is. Alleen Z en N.", show_default=False)] = None,
    surname: Annotated[str | None, typer.Option("--surname", help="Achternaam (SN), als die niet de rest van "
                                                "--name is. Alleen Z en N.", show_default=False)] = None,
    token_dir: Annotated[Path | None, typer.Option("--token-dir", file_okay=False, help="SoftHSM2-map voor de "
                                                   "tokens en softhsm2.conf; standaard $ZORGID_HOME/softhsm. Alle "
                                                   "tokens in één map zijn tegelijk 'in de lezer'.",
                                                   show_default=False)] = None,
    label: Annotated[str | None, typer.Option("--label", help="Label van de token (hoogstens 32 tekens); "
                                              "standaard \"UZI-pas <UZI-nummer>\".", show_default=False)] = None,
    expired: Annotated[bool, typer.Option("--expired", help="Geef certificaten uit die gisteren zijn verlopen "
                                          "(om weigering te testen).")] = False,
    ca_dir: CaDirOption = None,
    module: Annotated[str, typer.Option("--module", help="Pad naar de PKCS#11-module van SoftHSM2.")] = DEFAULT_MODULE,
) -> None:
    """Maak een SoftHSM2-token die eruitziet als een UZI-pas: sleutels op de token, certificaten in UZI-profiel."""
    with reported():
        holder = CardHolder(card_type.strip().upper(), name, uzi, ura, organisation=organisation, role=role,
                            agb=agb, given_name=given_name, surname=surname)
        home = zorgid_home()
        card = make_uzi_pas(holder, pin, home=token_dir or home / "softhsm", ca_dir=ca_dir or home / "test-uzi-ca",
                            label=label, expired=expired, module=module)
        _print_card(card, ca_dir or home / "test-uzi-ca")


def _print_card(card: UziPas, ca_dir: Path) -> None:
    holder = card.holder
    typer.echo(f"Test-UZI-pas gemaakt: {holder.name} (pastype {holder.card_type}, {CARD_TYPES[holder.card_type]})")
    typer.echo(f"UZI-nummer: {holder.uzi_number}  URA: {holder.ura}  rol: {holder.role}  AGB: {holder.agb}")
    typer.echo(f"Label: {card.label}")
    typer.echo(f"Beveiligingscode (pincode): {card.pin}")
    typer.echo(f"Tokenmap: {card.home.directory}")
    for kind, cert in card.certificates.items():
        typer.echo(f"Certificaat {PROFILES[kind].token_label}: serienummer {cert.serial_number:X}, geldig tot "
                   f"{cert.not_valid_after_utc:%d-%m-%Y}")
    typer.echo(f"Test-UZI-CA (laat de server de map vertrouwen): {Path(ca_dir).resolve() / 'trust'}")
    typer.echo("Gebruik de pas (zorgid-desktop, pkcs11-tool) na:")
    typer.echo(card.home.export_line())


@dev_app.command("uzi-server-cert", cls=DutchCommand)
def uzi_server_cert(
    ura: Annotated[str, typer.Option("--ura", help="URA-nummer van de organisatie: 8 cijfers.", show_default=False)],
    name: Annotated[str, typer.Option("--name", help="Domeinnaam van de server (CN; ook dNSName) of een naam.",
                                      show_default=False)],
    out: Annotated[Path | None, typer.Option("--out", file_okay=False, help="Map voor server.cert.pem, chain.pem, "
                                             "server.key.pem en server.p12; standaard $ZORGID_HOME/uzi-server/<URA>."
                                             " Bestaande bestanden worden niet overschreven.",
                                             show_default=False)] = None,
    password: Annotated[str | None, typer.Option("--password", help="Wachtwoord van het PKCS#12-bestand; zonder "
                                                 "deze optie een willekeurig wachtwoord dat wordt getoond.",
                                                 show_default=False)] = None,
    organisation: Annotated[str | None, typer.Option("--organisation", help="Naam van de organisatie (O); "
                                                     "standaard \"Zorginstelling <URA>\".", show_default=False)] = None,
    uzi: Annotated[str | None, typer.Option("--uzi", help="UZI-nummer van het servercertificaat (9 cijfers); "
                                            "standaard een willekeurig testnummer.", show_default=False)] = None,
    locality: Annotated[str | None, typer.Option("--locality", help="Plaats (L).", show_default=False)] = None,
    province: Annotated[str | None, typer.Option("--province", help="Provincie (ST).", show_default=False)] = None,
    expired: Annotated[bool, typer.Option("--expired", help="Geef een certificaat uit dat gisteren is verlopen.")]
    = False,
    ca_dir: CaDirOption = None,
) -> None:
    """Maak een UZI-servercertificaat (pastype S) met sleutel: PEM en PKCS#12, voor de validatietool."""
    with reported():
        home = zorgid_home()
        ca = ensure_test_uzi_ca(ca_dir or home / "test-uzi-ca")
        issued = ca.issue_server_certificate(ura, name, organisation=organisation, uzi_number=uzi,
                                             locality=locality, province=province, expired=expired)
        chosen = password if password is not None else secrets.token_urlsafe(12)
        files = issued.write((out or home / "uzi-server" / ura).resolve(), chosen)
        typer.echo(f"UZI-servercertificaat gemaakt voor {name} (URA {ura}), geldig tot "
                   f"{issued.certificate.not_valid_after_utc:%d-%m-%Y}")
        for what, path in files.items():
            typer.echo(f"{what}: {path}")
        if password is None:
            typer.echo(f"Wachtwoord van server.p12: {chosen}")
        typer.echo(f"Test-UZI-CA (laat de server de map vertrouwen): {ca.trust_dir}")


@dev_app.command("blank-card", cls=DutchCommand)
def blank_card(
    label: Annotated[str | None, typer.Option("--label", help="Label van de token (hoogstens 32 tekens); standaard "
                                              "\"Blanco kaart <willekeurig>\".", show_default=False)] = None,
    directory: Annotated[Path | None, typer.Option(
        "--dir", "--token-dir", file_okay=False, show_default=False,
        help="SoftHSM2-map voor de tokens en softhsm2.conf; standaard $ZORGID_HOME/softhsm. Alle tokens in één map "
             "zijn tegelijk 'in de lezer'.")] = None,
) -> None:
    """Maak een blanco kaart (SoftHSM2-token zonder sleutels of certificaten) met transport-PIN en transport-SO-PIN,
    zoals een leverancier die met zijn brief levert; zorgid-desktop maakt er een ZORG-ID Smartcard van."""
    with reported():
        card = make_blank_card(home=directory or zorgid_home() / "softhsm", label=label)
        typer.echo(f"Blanco kaart gemaakt: {card.label}")
        typer.echo(f"Transport-PIN: {card.transport_pin}")
        typer.echo(f"Transport-SO-PIN: {card.transport_so_pin}")
        typer.echo(f"Tokenmap: {card.home.directory}")
        typer.echo("Gebruik de kaart (zorgid-desktop, pkcs11-tool) na:")
        typer.echo(card.home.export_line())


def main() -> None:
    """``python -m zorgid.devtools.cli``: the same commands as ``zorgid dev``."""
    dev_app(prog_name="zorgid dev")


if __name__ == "__main__":
    main()
