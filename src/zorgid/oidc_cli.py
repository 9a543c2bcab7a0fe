"""``zorgid oidc``: the OpenID Connect provider's keys and back-channel logouts (docs/koppelen.md)."""

from __future__ import annotations

import typer

from zorgid.terminal import DutchCommand, DutchGroup, actor, fail, out, setup_django

oidc_app = typer.Typer(cls=DutchGroup, help="De OpenID Connect-provider: sleutels en uitlogberichten.",
                       no_args_is_help=True)

keys_app = typer.Typer(cls=DutchGroup, no_args_is_help=True,
                       help="De sleutels waarmee ZORG-ID ID-tokens en uitlogberichten ondertekent (RS256, RSA 3072).")
oidc_app.add_typer(keys_app, name="keys")


def _moment(value) -> str:
    from django.utils import timezone

    from zorgid import clock

    local = timezone.localtime(value)
    return f"{clock.format_date(local.date())} {local:%H:%M:%S}"


@keys_app.command("list", cls=DutchCommand, help="Toon alle sleutels: welke ondertekent, welke gepubliceerd zijn "
                                                 "(in /oidc/jwks) en vanaf wanneer een nieuwe sleutel ondertekent, "
                                                 "en welke teruggetrokken zijn.")
def keys_list() -> None:
    setup_django()
    from zorgid.oidc import keys

    signing = keys.signing_key()
    for key in keys.all_keys():
        if key.number == signing.number:
            state = "ondertekent"
        elif key.retired:
            state = "teruggetrokken"
        elif key.number > signing.number:
            state = f"gepubliceerd, ondertekent vanaf {_moment(key.signs_from)}"
        else:
            state = "gepubliceerd"
        out.print(f"{key.number:>4}  {key.kid}  {state}", highlight=False, soft_wrap=True)


@keys_app.command("rotate", cls=DutchCommand,
                  help="Maak een nieuwe sleutel. Hij wordt meteen gepubliceerd en ondertekent na 5 minuten (zo lang "
                       "mogen applicaties /oidc/jwks bewaren); tot dan ondertekent de vorige. De oude sleutels "
                       "blijven gepubliceerd, zodat tokens die ermee zijn ondertekend geldig blijven; trek ze later "
                       "terug met 'retire' (wacht daarvoor ten minste 10 minuten na 'rotate': de 5 minuten tot de "
                       "nieuwe sleutel ondertekent en de levensduur van de tokens). Staan de sleutels op een "
                       "HSM-token, dan publiceren de andere instanties op dat token de nieuwe sleutel binnen 30 "
                       "seconden en ondertekent hij daarom 30 seconden later (ook met --now), op alle instanties "
                       "vanaf hetzelfde moment (wacht dan 10,5 minuten voor 'retire'); 'zorgid ca init' is niet "
                       "nodig.")
def keys_rotate(
    at_once: bool = typer.Option(False, "--now", help="De nieuwe sleutel ondertekent meteen (na een gelekte "
                                                       "sleutel; applicaties met een oudere JWKS halen die opnieuw "
                                                       "op bij de onbekende kid); op een HSM-token binnen 30 "
                                                       "seconden, zodra elke instantie hem publiceert."),
) -> None:
    setup_django()
    from zorgid.oidc import keys
    from zorgid.protocol.errors import ZorgidError

    try:
        made = keys.rotate(actor=actor(), at_once=at_once)
    except ZorgidError as error:
        fail(error)
    if at_once and not made.on_token:
        out.print(f"Nieuwe sleutel {made.kid} is gepubliceerd en ondertekent vanaf nu.", highlight=False,
                  soft_wrap=True)
    else:
        wait = "na 5 minuten" if not made.on_token else "na 30 seconden" if at_once else "na 5 minuten en 30 seconden"
        out.print(f"Nieuwe sleutel {made.kid} is gepubliceerd en ondertekent vanaf {_moment(made.signs_from)} "
                  f"({wait}; tot dan de vorige).", highlight=False, soft_wrap=True)


@keys_app.command("retire", cls=DutchCommand,
                  help="Trek een sleutel terug: hij wordt niet meer gepubliceerd (het bestand blijft bewaard in "
                       "oidc/retired). De sleutel die nu ondertekent kan niet worden teruggetrokken. Staan de "
                       "sleutels op een HSM-token, dan houden de andere instanties op dat token binnen 30 seconden "
                       "op met publiceren.")
def keys_retire(key: str = typer.Argument(..., show_default=False, metavar="SLEUTEL",
                                          help="Het nummer of de kid van de sleutel (zie 'list'). Een kid kan met "
                                               "'-' beginnen: geef dan het nummer, of zet '--' voor de kid.")) -> None:
    setup_django()
    from zorgid.oidc import keys
    from zorgid.protocol.errors import ZorgidError

    # 'list' shows each key's number beside its kid; a kid (base64url) is never all digits
    kid = next((found.kid for found in keys.all_keys() if str(found.number) == key), key) if key.isdigit() else key
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
