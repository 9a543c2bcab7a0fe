"""``zorgid apps``: the register of accepted healthcare applications (docs/koppelen.md).

Mounted in ``zorgid.cli`` as ``zorgid apps``. Django and the register's services are imported inside the
commands, so importing this module sets nothing up. Every change is made by ``care_apps.services`` with the
command's actor (``terminal.actor``) in its history and the audit log.
"""

from __future__ import annotations

from pathlib import Path

import typer

from zorgid.terminal import DutchCommand, DutchGroup, actor, fail, out, setup_django

apps_app = typer.Typer(cls=DutchGroup, help="Het register van geaccepteerde zorgapplicaties.", no_args_is_help=True)

JWKS_FILE_MAX = 64 * 1024  # care_apps.services.JWKS_MAX_BYTES: a larger file is not read at all
STATUS = {"accepted": "geaccepteerd", "suspended": "opgeschort", "withdrawn": "ingetrokken"}
VERSION_STATE = {"accepted": "geaccepteerd", "refused": "niet geaccepteerd"}


@apps_app.callback()
def apps() -> None:
    """Het register van geaccepteerde zorgapplicaties."""  # a group, also when run on its own


def _read_jwks(file: Path) -> str:
    """The JWK Set file's text, bounded; an unreadable file is reported with the JWKS's code."""
    from zorgid.care_apps.errors import CareAppJwksInvalid

    try:
        with file.open("rb") as handle:
            data = handle.read(JWKS_FILE_MAX + 1)
    except OSError as exc:
        fail(CareAppJwksInvalid(f"{file}: {exc.strerror or exc}"))
    if len(data) > JWKS_FILE_MAX:
        fail(CareAppJwksInvalid(f"{file}: larger than {JWKS_FILE_MAX // 1024} KiB"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        fail(CareAppJwksInvalid(f"{file}: not UTF-8"))


WID_CHECK_HELP = ("Sta de scope wid_check toe: de applicatie leest de laatste WID-controle van een patiënt die de "
                  "ingelogde medewerker met zijn WID scan app vastlegde (docs/koppelen.md).")


@apps_app.command(
    "add", cls=DutchCommand,
    help="Registreer een geaccepteerde zorgapplicatie en toon haar client_id.\n\n"
         "Geef precies één manier waarop de applicatie zich aanmeldt: --jwks, --jwks-uri, --tls-ura of "
         "--tls-subject-dn. Adressen zijn volledig en zonder fragment (#): in productie alleen https, in "
         "acceptatie ook http naar 127.0.0.1, [::1] of localhost.",
)
def apps_add(
    name: str = typer.Option(..., "--name", help="Naam van de applicatie (zo ziet de medewerker haar)."),
    supplier: str = typer.Option(..., "--supplier", help="Naam van de leverancier."),
    versions: list[str] = typer.Option(..., "--version", help="Geaccepteerde versie (herhaalbaar), bijvoorbeeld 2.1."),
    redirect_uris: list[str] = typer.Option(..., "--redirect-uri",
                                            help="Terugkeeradres na het inloggen (herhaalbaar, ten hoogste 10)."),
    jwks: Path = typer.Option(None, "--jwks", dir_okay=False,
                              help="Bestand met de publieke sleutels (JWK Set, JSON) voor private_key_jwt."),
    jwks_uri: str = typer.Option("", "--jwks-uri", help="Adres waar ZORG-ID de publieke sleutels ophaalt."),
    tls_ura: str = typer.Option("", "--tls-ura",
                                help="URA (8 cijfers) van het UZI-servercertificaat voor mutual TLS."),
    tls_subject_dn: str = typer.Option("", "--tls-subject-dn",
                                       help="Subject-DN van het OV-certificaat van de leverancier voor mutual TLS, "
                                            "bijvoorbeeld 'CN=epd.example.nl,O=Voorbeeld B.V.,C=NL'."),
    products: list[str] = typer.Option(None, "--product",
                                       help="Product: mobiel of smartcard (herhaalbaar; standaard mobiel)."),
    post_logout_redirect_uris: list[str] = typer.Option(
        None, "--post-logout-redirect-uri", help="Terugkeeradres na het uitloggen (herhaalbaar, optioneel)."),
    backchannel_logout_uri: str = typer.Option("", "--backchannel-logout-uri",
                                               help="Adres voor back-channel logout (optioneel)."),
    wid_check: bool = typer.Option(False, "--wid-check", help=WID_CHECK_HELP),
) -> None:
    """Register an accepted application (help text above, in Dutch)."""
    setup_django()
    from zorgid.care_apps.services import add_application
    from zorgid.protocol.errors import ZorgidError

    try:
        application = add_application(
            name=name, supplier=supplier, versions=versions, redirect_uris=redirect_uris, products=products or None,
            jwks=_read_jwks(jwks) if jwks is not None else None, jwks_uri=jwks_uri, tls_ura=tls_ura,
            tls_subject_dn=tls_subject_dn, post_logout_redirect_uris=post_logout_redirect_uris or (),
            backchannel_logout_uri=backchannel_logout_uri, wid_check_allowed=wid_check, actor=actor())
    except ZorgidError as error:
        fail(error)
    out.print(f"Zorgapplicatie {application.name} ({application.supplier}) geregistreerd.", markup=False,
              highlight=False)
    print(f"client_id: {application.client_id}", flush=True)  # a line of its own, for scripts


@apps_app.command(
    "change", cls=DutchCommand,
    help="Wijzig de gegevens van een applicatie: alleen wat u opgeeft, wordt vervangen.\n\n"
         "Een herhaalbare optie vervangt de hele lijst. Een nieuwe manier van aanmelden (--jwks, --jwks-uri, "
         "--tls-ura of --tls-subject-dn; precies één) vervangt de oude. --backchannel-logout-uri '' haalt dat adres "
         "weg, --no-post-logout-redirect-uris de terugkeeradressen na uitloggen. Versies wijzigt u met "
         "'zorgid apps version'.",
)
def apps_change(
    client_id: str = typer.Argument(..., help="De client_id van de applicatie.", show_default=False),
    name: str = typer.Option(None, "--name", help="Nieuwe naam van de applicatie."),
    supplier: str = typer.Option(None, "--supplier", help="Nieuwe naam van de leverancier."),
    redirect_uris: list[str] = typer.Option(None, "--redirect-uri",
                                            help="Terugkeeradres na het inloggen (herhaalbaar; vervangt alle)."),
    jwks: Path = typer.Option(None, "--jwks", dir_okay=False,
                              help="Bestand met de nieuwe publieke sleutels (JWK Set, JSON)."),
    jwks_uri: str = typer.Option(None, "--jwks-uri", help="Nieuw adres van de publieke sleutels."),
    tls_ura: str = typer.Option(None, "--tls-ura", help="URA (8 cijfers) van het UZI-servercertificaat."),
    tls_subject_dn: str = typer.Option(None, "--tls-subject-dn", help="Subject-DN van het OV-certificaat."),
    products: list[str] = typer.Option(None, "--product", help="Product: mobiel of smartcard (herhaalbaar)."),
    post_logout_redirect_uris: list[str] = typer.Option(
        None, "--post-logout-redirect-uri", help="Terugkeeradres na het uitloggen (herhaalbaar; vervangt alle)."),
    no_post_logout: bool = typer.Option(False, "--no-post-logout-redirect-uris",
                                        help="Haal alle terugkeeradressen na het uitloggen weg."),
    backchannel_logout_uri: str = typer.Option(None, "--backchannel-logout-uri",
                                               help="Nieuw adres voor back-channel logout ('' haalt het weg)."),
    wid_check: bool = typer.Option(None, "--wid-check/--geen-wid-check", show_default=False,
                                   help=WID_CHECK_HELP + " --geen-wid-check trekt het in: de volgende aanvraag met "
                                                         "wid_check wordt geweigerd."),
) -> None:
    """Change an application's registered data (help text above, in Dutch)."""
    setup_django()
    from zorgid.care_apps.services import change_application
    from zorgid.protocol.errors import ZorgidError

    try:
        application = change_application(
            client_id, name=name, supplier=supplier, products=products or None, redirect_uris=redirect_uris or None,
            post_logout_redirect_uris=[] if no_post_logout else (post_logout_redirect_uris or None),
            backchannel_logout_uri=backchannel_logout_uri, jwks=_read_jwks(jwks) if jwks is not None else None,
            jwks_uri=jwks_uri, tls_ura=tls_ura, tls_subject_dn=tls_subject_dn, wid_check_allowed=wid_check,
            actor=actor())
    except ZorgidError as error:
        fail(error)
    out.print(f"Zorgapplicatie {application.name} ({application.client_id}) gewijzigd.", markup=False,
              highlight=False)


@apps_app.command("list", cls=DutchCommand)
def apps_list() -> None:
    """Toon alle zorgapplicaties in het register, met status, producten en geaccepteerde versies."""
    setup_django()
    from zorgid.care_apps.services import listed, versions_of

    applications = listed()
    if not applications:
        out.print("Het register is leeg.")
        return
    for application in applications:  # one line each, as typed (never as markup), for the eye and for scripts
        accepted = [row.version for row in versions_of(application) if row.state == "accepted"]
        out.print(f"{application.client_id}  {STATUS.get(application.status, application.status):<13} "
                  f"{application.name} ({application.supplier}); producten: {', '.join(application.products)}; "
                  f"geaccepteerde versies: {', '.join(accepted) or '–'}", markup=False, highlight=False,
                  soft_wrap=True)


@apps_app.command("show", cls=DutchCommand)
def apps_show(
    client_id: str = typer.Argument(..., help="De client_id van de applicatie.", show_default=False),
) -> None:
    """Toon één zorgapplicatie: gegevens, versies en geschiedenis."""
    setup_django()
    from zorgid import clock
    from zorgid.care_apps import services
    from zorgid.protocol.errors import ZorgidError

    try:
        application = services.get(client_id)
    except ZorgidError as error:
        fail(error)
    if application.jwks is not None:
        kids = ", ".join(str(key.get("kid")) for key in application.jwks.get("keys", []))
        authentication = f"private_key_jwt, sleutels in het register (kid: {kids})"
    elif application.jwks_uri:
        authentication = f"private_key_jwt, sleutels van {application.jwks_uri}"
    elif application.tls_ura:
        authentication = f"tls_client_auth, UZI-servercertificaat van URA {application.tls_ura}"
    else:
        authentication = f"tls_client_auth, certificaat met subject {application.tls_subject_dn}"
    lines = [
        f"client_id:        {application.client_id}",
        f"naam:             {application.name}",
        f"leverancier:      {application.supplier}",
        f"status:           {STATUS.get(application.status, application.status)}",
        f"producten:        {', '.join(application.products)}",
        f"aanmelden:        {authentication}",
        "redirect URI's:   " + ("\n                  ".join(application.redirect_uris) or "–"),
        "uitlog-URI's:     " + ("\n                  ".join(application.post_logout_redirect_uris) or "–"),
        f"back-channel:     {application.backchannel_logout_uri or '–'}",
        f"WID-controle:     {'toegestaan (scope wid_check)' if application.wid_check_allowed else 'niet toegestaan'}",
        "versies:",
        *[f"  {row.version:<32} {VERSION_STATE.get(row.state, row.state)} sinds "
          f"{clock.format_day(row.changed_at)}" for row in services.versions_of(application)],
        "geschiedenis:",
        *[f"  {event.at:%d-%m-%Y %H:%M} {services.event_label(event.action)} ({event.actor})"
          + (f": {_details(event.details)}" if event.details else "") for event in services.history(application)],
    ]
    out.print("\n".join(lines), markup=False, highlight=False, soft_wrap=True)


def _details(details: dict) -> str:
    return ", ".join(f"{key} {', '.join(map(str, value)) if isinstance(value, list) else value}"
                     for key, value in details.items())


def _status_command(action: str, client_id: str, reason: str) -> None:
    setup_django()
    from zorgid.care_apps import services
    from zorgid.protocol.errors import ZorgidError

    change = {"suspend": services.suspend, "withdraw": services.withdraw, "reinstate": services.reinstate}[action]
    try:
        application = change(client_id, actor=actor(), reason=reason)
    except ZorgidError as error:
        fail(error)
    out.print(f"Zorgapplicatie {application.name} ({application.client_id}) is nu "
              f"{STATUS.get(application.status, application.status)}.", markup=False, highlight=False)


CLIENT_ID = typer.Argument(..., help="De client_id van de applicatie.", show_default=False)
REASON = typer.Option("", "--reason", help="Reden (komt in de geschiedenis en het auditlog).")


@apps_app.command("suspend", cls=DutchCommand)
def apps_suspend(client_id: str = CLIENT_ID, reason: str = REASON) -> None:
    """Schort een geaccepteerde applicatie op: er kan niet meer mee worden ingelogd tot 'reinstate'."""
    _status_command("suspend", client_id, reason)


@apps_app.command("withdraw", cls=DutchCommand)
def apps_withdraw(client_id: str = CLIENT_ID, reason: str = REASON) -> None:
    """Trek de acceptatie van een applicatie in, voorgoed (registreer haar zo nodig opnieuw)."""
    _status_command("withdraw", client_id, reason)


@apps_app.command("reinstate", cls=DutchCommand)
def apps_reinstate(client_id: str = CLIENT_ID, reason: str = REASON) -> None:
    """Accepteer een opgeschorte applicatie weer (een ingetrokken applicatie blijft ingetrokken)."""
    _status_command("reinstate", client_id, reason)


@apps_app.command("version", cls=DutchCommand)
def apps_version(
    client_id: str = CLIENT_ID,
    accept: str = typer.Option("", "--accept", help="Accepteer deze versie (nieuw of eerder geweigerd)."),
    refuse: str = typer.Option("", "--refuse", help="Weiger deze versie: er kan niet meer mee worden ingelogd."),
) -> None:
    """Accepteer of weiger een versie van een applicatie (precies één van --accept en --refuse)."""
    setup_django()
    from zorgid.care_apps import services
    from zorgid.care_apps.errors import CareAppVersionInvalid
    from zorgid.protocol.errors import ZorgidError

    if bool(accept) == bool(refuse):
        fail(CareAppVersionInvalid("give exactly one of --accept and --refuse"))
    try:
        if accept:
            row = services.accept_version(client_id, accept, actor=actor())
        else:
            row = services.refuse_version(client_id, refuse, actor=actor())
    except ZorgidError as error:
        fail(error)
    out.print(f"Versie {row.version} van {row.application.name} is nu {VERSION_STATE.get(row.state, row.state)}.",
              markup=False, highlight=False)
