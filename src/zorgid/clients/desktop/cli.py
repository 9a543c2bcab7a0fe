"""``zorgid-desktop``: the command line that stands in for the ZORG-ID Desktop App.

Exit status: 0 done, 1 an error (reported on stderr as ``Fout <code>: <oorzaak>`` and ``Oplossing: …``),
2 wrong use (an unknown option, a missing argument: click's own), 3 the holder answered Nee. No traceback
is ever shown to the holder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from zorgid.protocol.errors import Detail

from ..terminal import DutchCommand, DutchGroup, LanguageOption, ReportingGroup, ask_yes_no, choose_language, run, tr
from . import actions
from .card import DEFAULT_MODULE, MODULE_ENV, Card, find_cards
from .errors import NoCard, PinMissing
from .handler import applications_dir, install_handler
from .making import MadeSmartcard, MakingQuestions
from .personalise import find_blank_cards, reset_pin
from .server import DesktopServerClient
from .smartcard_errors import MakingAborted, NewPinMismatch

PIN_ENV = "ZORGID_CARD_PIN"
TRANSPORT_PIN_ENV = "ZORGID_TRANSPORT_PIN"
TRANSPORT_SO_PIN_ENV = "ZORGID_TRANSPORT_SO_PIN"
NEW_PIN_ENV = "ZORGID_NEW_PIN"
EXIT_DECLINED = 3
REPEAT_TRIES = 3
EXIT_CODES = "Afsluitcodes: 0 gelukt, 1 fout (met code en oplossing), 2 verkeerd gebruik, 3 verzoek geweigerd (Nee)."

# How `open` reaches a server; tests and embedders may replace it (e.g. with an httpx transport).
server_factory: actions.ServerFactory = DesktopServerClient

ModuleOption = Annotated[str, typer.Option(
    "--module", envvar=MODULE_ENV, help=f"Pad naar de PKCS#11-module van de kaartlezer of pas ({MODULE_ENV}); "
    "SoftHSM2 voor test-UZI-passen, OpenSC of de module van de leverancier voor echte passen.",
)]


app = typer.Typer(
    cls=ReportingGroup,
    help="ZORG-ID Desktop App: leest uw UZI-pas als de browser daarom vraagt (zorgid-desktop://-links). "
         + EXIT_CODES,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _options(lang: LanguageOption = None) -> None:
    """ZORG-ID Desktop App: leest uw UZI-pas als de browser daarom vraagt."""
    choose_language(lang)


def _ask_pin(pin: str | None):
    def ask(card: Card) -> str | None:
        given = pin if pin is not None else os.environ.get(PIN_ENV)
        if given is not None:
            return given
        if card.has_pin_pad:
            typer.echo(tr("Typ de beveiligingscode op de kaartlezer.", "Type the security code on the card reader."))
            return None
        if card.identity.is_smartcard:
            question = tr("Pincode van uw ZORG-ID Smartcard", "PIN of your ZORG-ID Smartcard")
        else:
            question = tr("Beveiligingscode van uw UZI-pas", "Security code of your UZI card")
        try:
            return typer.prompt(question, hide_input=True)
        except (typer.Abort, EOFError):
            raise PinMissing() from None

    return ask


def _confirm(yes: bool):
    def confirm(question: str) -> bool:
        if yes:
            typer.echo(f"{question} {tr('Ja', 'Yes')} (--yes)")
            return True
        return ask_yes_no(question)

    return confirm


def _making_questions(yes: bool, transport_pin: str | None, transport_so_pin: str | None,
                      new_pin: str | None) -> MakingQuestions:
    """The questions of making a ZORG-ID Smartcard; a question broken off (Ctrl-C, end of input) stops the making
    before the card is touched."""

    def swap_cards() -> None:
        text = tr("Haal uw UZI-pas uit de kaartlezer en plaats de blanco kaart. Druk daarna op Enter.",
                  "Take your UZI card out of the reader and insert the blank card. Then press Enter.")
        if yes:
            typer.echo(f"{text} (--yes)")
            return
        try:
            typer.prompt(text, default="", show_default=False, prompt_suffix=" ")
        except (typer.Abort, EOFError):
            raise MakingAborted() from None

    def secret(given: str | None, question: str):
        def ask() -> str:
            if given is not None:
                return given
            try:
                return typer.prompt(question, hide_input=True)
            except (typer.Abort, EOFError):
                raise MakingAborted() from None

        return ask

    return MakingQuestions(
        say=typer.echo, swap_cards=swap_cards,
        transport_pin=secret(transport_pin, tr("Transport-PIN van de blanco kaart (uit de brief bij de kaart)",
                                               "Transport PIN of the blank card (from the letter with the card)")),
        transport_so_pin=secret(transport_so_pin, tr(
            "Transport-SO-PIN van de blanco kaart (uit de brief bij de kaart)",
            "Transport SO PIN of the blank card (from the letter with the card)")),
        new_pin=secret(new_pin, tr("Nieuwe pincode voor uw ZORG-ID Smartcard (6 tot 8 cijfers)",
                                   "New PIN for your ZORG-ID Smartcard (6 to 8 digits)")),
        new_pin_again=secret(new_pin, tr("Herhaal de nieuwe pincode", "Repeat the new PIN")),
    )


def _show_made(made: MadeSmartcard) -> None:
    """The card number and the PUK, once: the PUK is nowhere else (not on the server, not in a file)."""
    typer.echo(tr(f"Gelukt: uw ZORG-ID Smartcard is aangemaakt. Kaartnummer {made.card_number} (kaart {made.label}), "
                  f"geldig tot {made.not_after[:10]}.",
                  f"Done: your ZORG-ID Smartcard has been made. Card number {made.card_number} (card {made.label}), "
                  f"valid until {made.not_after[:10]}."))
    typer.echo(f"{tr('PUK-code', 'PUK')}: {made.puk}")
    typer.echo(tr("LET OP: schrijf deze PUK-code nu op en bewaar hem op een veilige plek, apart van de kaart. Hij "
                  "wordt maar één keer getoond en is nergens op te vragen. U heeft hem nodig als u uw pincode vergeet "
                  "(zorgid-desktop pin reset).",
                  "NOTE: write this PUK down now and keep it in a safe place, apart from the card. It is shown only "
                  "once and cannot be asked for anywhere. You need it if you forget your PIN (zorgid-desktop pin "
                  "reset)."))
    typer.echo(tr("Ga verder in de browser.", "Continue in the browser."))


@app.command("open", cls=DutchCommand, epilog=EXIT_CODES)
def open_card(
    address: Annotated[str, typer.Argument(
        metavar="ADRES", help="Het zorgid-desktop://card?…-adres dat de browser doorgeeft.", show_default=False,
    )],
    pin: Annotated[str | None, typer.Option(
        "--pin", help=f"Beveiligingscode van de pas, voor scripts (of {PIN_ENV}); zonder: er wordt om gevraagd.",
        show_default=False,
    )] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Beantwoord het verzoek om de pas te lezen met Ja.")] = False,
    module: ModuleOption = DEFAULT_MODULE,
    token_label: Annotated[str | None, typer.Option(
        "--token-label", help="Gebruik de pas (token) met dit label, als er meer dan één pas in de lezers zit.",
        show_default=False,
    )] = None,
    blank_token_label: Annotated[str | None, typer.Option(
        "--blank-token-label", help="Smartcard aanmaken: maak de smartcard van de blanco kaart met dit label, als "
        "er meer dan één blanco kaart in de lezers zit.", show_default=False,
    )] = None,
    transport_pin: Annotated[str | None, typer.Option(
        "--transport-pin", envvar=TRANSPORT_PIN_ENV, help="Smartcard aanmaken: de transport-PIN van de blanco kaart, "
        f"voor scripts (of {TRANSPORT_PIN_ENV}); zonder: er wordt om gevraagd.", show_default=False,
    )] = None,
    transport_so_pin: Annotated[str | None, typer.Option(
        "--transport-so-pin", envvar=TRANSPORT_SO_PIN_ENV, help="Smartcard aanmaken: de transport-SO-PIN van de "
        f"blanco kaart, voor scripts (of {TRANSPORT_SO_PIN_ENV}); zonder: er wordt om gevraagd.", show_default=False,
    )] = None,
    new_pin: Annotated[str | None, typer.Option(
        "--new-pin", envvar=NEW_PIN_ENV, help="Smartcard aanmaken: de nieuwe pincode (6 tot 8 cijfers), voor scripts "
        f"(of {NEW_PIN_ENV}); zonder: er wordt twee keer om gevraagd.", show_default=False,
    )] = None,
) -> None:
    """Lees de UZI-pas voor het verzoek in de browser: beveiligingscode, toestemming, ondertekenen, versturen. Bij
    "smartcard aanmaken" maakt u daarna van een blanco kaart uw ZORG-ID Smartcard; bij "inloggen met uw ZORG-ID
    Smartcard" leest u uw smartcard."""
    questions = actions.Questions(say=typer.echo, ask_pin=_ask_pin(pin), confirm=_confirm(yes))
    making = _making_questions(yes, transport_pin, transport_so_pin, new_pin)
    try:
        outcome = actions.answer_card_flow(address, module=module, token_label=token_label, questions=questions,
                                           server_factory=server_factory, making=making,
                                           blank_token_label=blank_token_label)
    except actions.Declined as declined:
        typer.echo(tr("Geweigerd: uw pas is niet gebruikt.", "Declined: your card was not used."))
        if declined.told_browser:
            typer.echo(tr("De browser toont dat u het gebruik van uw pas heeft geweigerd.",
                          "The browser shows that you declined the use of your card."))
        else:
            typer.echo(tr("De browser kon niet worden ingelicht: de pagina wacht tot de sessie verloopt.",
                          "The browser could not be told: the page waits until the session expires."))
        raise typer.Exit(EXIT_DECLINED) from None
    if outcome.smartcard is not None:
        _show_made(outcome.smartcard)
        return
    typer.echo(tr(f"Gelukt: de {outcome.card.identity.kind} is gelezen. Ga verder in de browser.",
                  f"Done: the {outcome.card.identity.kind_en} has been read. Continue in the browser."))


@app.command("cards", cls=DutchCommand)
def cards(module: ModuleOption = DEFAULT_MODULE) -> None:
    """Toon de UZI-passen die worden gevonden: label, UZI-nummer, naam en pastype (voor IT-beheer), de ZORG-ID
    Smartcards (label, kaartnummer, naam) en de blanco kaarten."""
    found = find_cards(module)
    blank = find_blank_cards(module)
    if not found and not blank:
        raise NoCard(Detail(f"module {module}", f"module {module}"))
    for card in found:
        identity = card.identity
        if identity.is_smartcard:
            typer.echo(f"{card.label}\tZORG-ID Smartcard, {tr('kaartnummer', 'card number')} {identity.uzi_number}, "
                       f"{identity.name}\tURA {identity.ura}")
            continue
        typer.echo(f"{card.label}\t{tr('UZI-nummer', 'UZI number')} {identity.uzi_number}\t{identity.name}\t"
                   f"{tr('pastype', 'card type')} {identity.card_type} ({identity.card_type_text()})\t"
                   f"URA {identity.ura}")
    for label in blank:
        typer.echo(f"{label}\t" + tr("blanco kaart: geen sleutels of certificaten (hiervan kunt u in het portaal een "
                                     "ZORG-ID Smartcard maken)",
                                     "blank card: no keys or certificates (of this you can make a ZORG-ID Smartcard "
                                     "in the portal)"))


pin_app = typer.Typer(cls=DutchGroup, help="De pincode van een ZORG-ID Smartcard.", no_args_is_help=True,
                      add_completion=False, pretty_exceptions_enable=False)
app.add_typer(pin_app, name="pin")


def _ask_secret(given: str | None, question: str, *, repeat: str = "") -> str:
    """The secret from its option, else asked without echo (and, with ``repeat``, asked again: both the same)."""
    if given is not None:
        return given
    try:
        for _ in range(REPEAT_TRIES):
            chosen = typer.prompt(question, hide_input=True)
            if not repeat or typer.prompt(repeat, hide_input=True) == chosen:
                return chosen
            typer.echo(tr("De twee pincodes zijn niet gelijk; typ ze opnieuw.",
                          "The two PINs differ; type them again."))
    except (typer.Abort, EOFError):
        raise PinMissing() from None
    raise NewPinMismatch(Detail("zorgid-desktop pin reset: de kaart is niet veranderd.",
                                "zorgid-desktop pin reset: the card was not changed."))


@pin_app.command("reset", cls=DutchCommand)
def pin_reset(
    puk: Annotated[str | None, typer.Option(
        "--puk", help="De PUK-code die u bij het aanmaken van de smartcard kreeg, voor scripts; zonder: er wordt "
        "om gevraagd.", show_default=False,
    )] = None,
    new_pin: Annotated[str | None, typer.Option(
        "--new-pin", help="De nieuwe pincode (6 tot 8 cijfers), voor scripts; zonder: er wordt twee keer om "
        "gevraagd.", show_default=False,
    )] = None,
    module: ModuleOption = DEFAULT_MODULE,
    token_label: Annotated[str | None, typer.Option(
        "--token-label", help="Gebruik de kaart (token) met dit label, als er meer dan één kaart in de lezers zit.",
        show_default=False,
    )] = None,
) -> None:
    """Stel met de PUK-code een nieuwe pincode in voor uw ZORG-ID Smartcard (als u de pincode bent vergeten)."""
    chosen_puk = _ask_secret(puk, tr("PUK-code van uw smartcard", "PUK of your smartcard"))
    chosen_pin = _ask_secret(new_pin, tr("Nieuwe pincode (6 tot 8 cijfers)", "New PIN (6 to 8 digits)"),
                             repeat=tr("Herhaal de nieuwe pincode", "Repeat the new PIN"))
    label = reset_pin(module, puk=chosen_puk, new_pin=chosen_pin, token_label=token_label)
    typer.echo(tr(f"Gelukt: de kaart {label} heeft een nieuwe pincode.", f"Done: card {label} has a new PIN."))


@app.command("install-handler", cls=DutchCommand)
def install_handler_command(
    module: ModuleOption = DEFAULT_MODULE,
    directory: Annotated[Path | None, typer.Option(
        "--applications-dir", file_okay=False, show_default=False,
        help="Map voor zorgid-desktop.desktop; standaard $XDG_DATA_HOME/applications (~/.local/share/applications).",
    )] = None,
) -> None:
    """Koppel zorgid-desktop://-links aan deze Desktop App (Linux-desktop: .desktop-bestand en xdg-mime)."""
    softhsm_conf = os.environ.get("SOFTHSM2_CONF")
    installed = install_handler(directory or applications_dir(), module, softhsm_conf)
    typer.echo(f"{tr('Geschreven', 'Written')}: {installed.path}")
    if softhsm_conf:
        typer.echo(tr(f"De koppeling gebruikt SOFTHSM2_CONF={softhsm_conf} (test-UZI-pas).",
                      f"The handler uses SOFTHSM2_CONF={softhsm_conf} (test UZI card)."))
    if installed.registered is None:
        typer.echo(tr("xdg-mime is niet gevonden: stel zorgid-desktop.desktop zelf in als standaardtoepassing voor "
                      "x-scheme-handler/zorgid-desktop (Debian: apt-get install xdg-utils).",
                      "xdg-mime was not found: make zorgid-desktop.desktop the default application for "
                      "x-scheme-handler/zorgid-desktop yourself (Debian: apt-get install xdg-utils)."))
    else:
        typer.echo(tr("zorgid-desktop:// is gekoppeld aan de Desktop App (xdg-mime).",
                      "zorgid-desktop:// is linked to the Desktop App (xdg-mime)."))


def main() -> None:
    run(app, "zorgid-desktop")


if __name__ == "__main__":
    main()
