"""``zorgid oidc``: the OpenID Connect provider's keys and back-channel logouts (docs/koppelen.md)."""

from __future__ import annotations

import typer

from zorgid.terminal import DutchCommand, DutchGroup, actor, fail, out, setup_django

oidc_app = typer.Typer(cls=DutchGroup, help="De OpenID Connect-provider: sleutels en uitlogberichten.",
                       no_args_is_help=True)

keys_app = typer.Typer(cls=DutchGroup, no_args_is_help=True,
                       help="De sleutels waarmee ZORG-ID ID-tokens en uitlogberichten ondertekent (RS256, RSA 3072).")
oidc_app.add_typer(keys_app, name="keys")


@keys_app.command("list", cls=DutchCommand, help="Toon alle sleutels: welke ondertekent, welke gepubliceerd zijn "
                                                 "(in /oidc/jwks) en welke teruggetrokken.")
def keys_list() -> None:
    setup_django()
    from zorgid.oidc import keys

    signing = keys.signing_key()
    for key in keys.all_keys():
        state = "ondertekent" if key.number == signing.number else "teruggetrokken" if key.retired else "gepubliceerd"
        out.print(f"{key.number:>4}  {key.kid}  {state}", highlight=False)


@keys_app.command("rotate", cls=DutchCommand,
                  help="Maak een nieuwe sleutel die vanaf nu ondertekent. De oude sleutels blijven gepubliceerd, "
                       "zodat tokens die ermee zijn ondertekend geldig blijven; trek ze later terug met 'retire' "
                       "(wacht daarvoor ten minste de levensduur van de tokens en van de caches van de applicaties: "
                       "10 minuten).")
def keys_rotate() -> None:
    setup_django()
    from zorgid.oidc import keys

    made = keys.rotate(actor=actor())
    out.print(f"Nieuwe sleutel {made.kid} ondertekent vanaf nu.", highlight=False)


@keys_app.command("retire", cls=DutchCommand,
                  help="Trek een sleutel terug: hij wordt niet meer gepubliceerd (het bestand blijft bewaard in "
                       "oidc/retired). De sleutel die nu ondertekent kan niet worden teruggetrokken.")
def keys_retire(kid: str = typer.Argument(..., show_default=False, help="De kid van de sleutel (zie 'list').")) -> None:
    setup_django()
    from zorgid.oidc import keys
    from zorgid.protocol.errors import ZorgidError

    try:
        retired = keys.retire(kid, actor=actor())
    except ZorgidError as error:
        fail(error)
    out.print(f"Sleutel {retired.kid} is teruggetrokken en wordt niet meer gepubliceerd.", highlight=False)


logouts_app = typer.Typer(cls=DutchGroup, no_args_is_help=True,
                          help="Uitlogberichten aan zorgapplicaties (back-channel logout): na een blokkade of "
                               "intrekking hoort elke applicatie met een back-channel logout URI het meteen.")
oidc_app.add_typer(logouts_app, name="logouts")


@logouts_app.command("send", cls=DutchCommand,
                     help="Verstuur de uitlogberichten die klaarstaan (voor cron, bijvoorbeeld elke minuut). Een "
                          "mislukte bezorging wordt opnieuw geprobeerd na 1, 5, 30 en 120 minuten; na 5 pogingen "
                          "wordt hij opgegeven (in het auditlog).")
def logouts_send() -> None:
    setup_django()
    from zorgid.oidc.backchannel import send_due

    result = send_due()
    out.print(f"Uitlogberichten: {result.delivered} bezorgd, {result.retried} later opnieuw, {result.failed} "
              "opgegeven.", highlight=False)


@logouts_app.command("list", cls=DutchCommand,
                     help="Toon de uitlogberichten die nog niet zijn bezorgd of zijn opgegeven, nieuwste eerst.")
def logouts_list(
    all_: bool = typer.Option(False, "--all", help="Toon ook de bezorgde uitlogberichten."),
) -> None:
    setup_django()
    from zorgid.oidc.backchannel import listed

    rows = listed(include_delivered=all_)
    if not rows:
        out.print("Geen uitlogberichten." if all_ else "Geen uitlogberichten die nog niet zijn bezorgd.")
        return
    for row in rows:
        out.print("  ".join(row), highlight=False, soft_wrap=True)
