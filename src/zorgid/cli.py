"""The ``zorgid`` command line for the server's administrators (typer)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from zorgid.apps_cli import apps_app
from zorgid.ca_cli import ca_app
from zorgid.devtools.cli import dev_app
from zorgid.employees_cli import employees_app
from zorgid.keyshare_cli import keyshare_app
from zorgid.oidc_cli import oidc_app
from zorgid.pki.uzi.cli import uzi_app
from zorgid.pki_cli import pki_app
from zorgid.server_backup.cli import COMMANDS as SERVER_BACKUP_COMMANDS
from zorgid.terminal import DutchCommand, DutchGroup, actor, err, fail, out, setup_django

app = typer.Typer(cls=DutchGroup, help="zorgid: server van ZORG-ID. Elke opdracht heeft --help.", no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False)
operator_app = typer.Typer(cls=DutchGroup, help="Operators (servicedesk) beheren.", no_args_is_help=True)
audit_app = typer.Typer(cls=DutchGroup, help="Het auditlog.", no_args_is_help=True)
org_app = typer.Typer(cls=DutchGroup, help="Organisaties (zorgaanbieders) beheren.", no_args_is_help=True)
applications_app = typer.Typer(cls=DutchGroup, help="Aanvragen van organisaties.", no_args_is_help=True)
mail_app = typer.Typer(cls=DutchGroup, help="Uitgaande e-mail (de wachtrij van zorgid).", no_args_is_help=True)
app.add_typer(operator_app, name="operator")
app.add_typer(audit_app, name="audit")
app.add_typer(org_app, name="org")
app.add_typer(applications_app, name="applications")
app.add_typer(mail_app, name="mail")
for _command in uzi_app.registered_commands:  # pki.uzi is a shared library: it knows no client module, so here
    _command.cls = DutchCommand
app.add_typer(uzi_app, name="uzi", cls=DutchGroup)
app.add_typer(dev_app, name="dev")
app.add_typer(employees_app, name="employees")
app.add_typer(apps_app, name="apps")
app.add_typer(oidc_app, name="oidc")
app.add_typer(pki_app, name="pki")
app.add_typer(ca_app, name="ca")
app.add_typer(keyshare_app, name="keyshare")
for _name, _function in SERVER_BACKUP_COMMANDS.items():  # backup, restore, check (zorgid.server_backup)
    app.command(_name, cls=DutchCommand)(_function)
# the server's terminal (zorgid.terminal): Dutch help, the one error report, the audit actor
_django, _fail, _actor = setup_django, fail, actor


@app.command(cls=DutchCommand)
def migrate() -> None:
    """Maak of werk de database bij (veilig om vaker te draaien)."""
    _django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)


@app.command(cls=DutchCommand)
def serve(
    host: str = typer.Option("127.0.0.1", help="Adres om op te luisteren."),
    port: int = typer.Option(8000, min=1, max=65535, help="Poort."),
    workers: int = typer.Option(2, min=1, max=64, help="Aantal werkprocessen (gunicorn)."),
    threads: int = typer.Option(32, min=1, max=256, help="Threads per werkproces (wachtende inlogpagina's)."),
    instance_dir: Path = typer.Option(None, "--instance-dir", envvar="ZORGID_INSTANCE_DIR", help=(
        "Eigen map van deze instantie (gunicorn's control socket, pid-bestand, tijdelijke bestanden); "
        "standaard ZORGID_HOME/run/<host>-<poort>.")),
) -> None:
    """Start de server: portaal en API. Maakt bij de eerste start de CA van deze omgeving."""
    _service_logs()
    _django()
    from django.conf import settings

    from zorgid.pki.ca import ensure_ca
    from zorgid.pki.signing_keys import check_in_child
    from zorgid.production import refuse_unsafe
    from zorgid.protocol.errors import ZorgidError
    from zorgid.serve import run
    from zorgid.server_backup.service import refuse_when_restore_incomplete

    try:  # a restore interrupted between the database and the files: nothing is served (ZID-RESTORE-INCOMPLETE),
        refuse_when_restore_incomplete()  # checked first, before the CA is made
    except ZorgidError as error:
        _fail(error)
    refuse_unsafe()  # in productie: https://, a real secret key, no debug (ZID-CONFIG-PRODUCTIE)
    ca, created = ensure_ca(Path(settings.ZORGID_HOME) / "ca", settings.ZORGID_ENVIRONMENT)
    try:  # a CA key on a token: sign once in a child process (gunicorn's master never opens the token)
        check_in_child(Path(settings.ZORGID_HOME) / "ca")
    except ZorgidError as error:
        _fail(error)
    if created:
        _say(f"CA gemaakt in {settings.ZORGID_HOME / 'ca'}: {ca.issuing.subject.rfc4514_string()}")
    if settings.ZORGID_ENVIRONMENT == "acceptatie":
        from zorgid.devtools.test_uzi_ca import ensure_test_uzi_ca
        from zorgid.pki.uzi_installation import test_uzi_ca_dir

        ensure_test_uzi_ca(test_uzi_ca_dir())  # trusted in acceptatie only; makes test UZI-passes

    url = f"http://{host}:{port}"
    if not settings.ZORGID_SMTP_HOST:
        read = (f"; lees ze op {url}/dev/mail of met 'zorgid dev mail list'"
                if settings.ZORGID_ENVIRONMENT == "acceptatie" else "")
        _say(f"E-mail wordt niet verstuurd maar bewaard in {settings.ZORGID_DEV_MAIL_DIR} (één .eml per mail, "
             f"bijlagen ernaast{read}). Zet ZORGID_SMTP_HOST om te versturen.")
    _say(f"[bold]zorgid[/] ({settings.ZORGID_ENVIRONMENT}) draait op {url}\n"
         "Volgende stappen:\n"
         "  1. zorgid operator add --first-names … --last-name … --birth-date dd-mm-jjjj\n"
         "  2. zorgid-app setup   en daarna   zorgid-app scan 'zorgid://activate?…'\n"
         f"  3. open {url} en scan de QR-code: zorgid-app scan 'zorgid://login?…'")
    run(host=host, port=port, workers=workers, threads=threads, directory=instance_dir)


def _service_logs() -> None:
    """A long-running command logs as a service: JSON lines on stdout, or text on a terminal (zorgid.log_handlers)."""
    from zorgid.log_handlers import log_as_service
    from zorgid.protocol.errors import ZorgidError

    try:
        log_as_service()
    except ZorgidError as error:
        _fail(error)


def _say(text: str) -> None:
    """What a long-running command tells at its start: one log line when its log is JSON, else printed."""
    from zorgid.log_handlers import service_format

    if service_format() == "json":
        import logging

        from rich.text import Text

        logging.getLogger("zorgid.cli").info(Text.from_markup(text).plain)
    else:
        out.print(text, soft_wrap=True)


@operator_app.command("add", cls=DutchCommand)
def operator_add(
    first_names: str = typer.Option(..., "--first-names", help="Voornamen zoals in het identiteitsbewijs."),
    last_name: str = typer.Option(..., "--last-name", help="Achternaam zoals in het identiteitsbewijs."),
    birth_date: str = typer.Option(..., "--birth-date", help="Geboortedatum als dd-mm-jjjj."),
    png: Path = typer.Option(None, "--png", help="Waar de PNG van de QR-code komt (standaard in ZORGID_HOME)."),
) -> None:
    """Maak een operator met een activatie-QR-code (10 dagen geldig, één keer te gebruiken)."""
    _django()
    from django.conf import settings

    from zorgid import clock, qrcodes
    from zorgid.identities.people import parse_birth_date
    from zorgid.organisations.roles import add_operator
    from zorgid.protocol.errors import ZorgidError

    try:
        issued = add_operator(first_names, last_name, parse_birth_date(birth_date), actor=_actor())
    except ZorgidError as error:
        _fail(error)
    payload = issued.payload(settings.ZORGID_BASE_URL).to_uri()
    target = png or Path(settings.ZORGID_HOME) / "qr" / f"activatie-{issued.person.id}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    qrcodes.save_png(payload, target)
    out.print(f"Operator {issued.person.full_name} aangemaakt. Scan deze QR-code met de ZORG-ID app "
              f"(geldig tot {clock.format_day(issued.expires_at)}, één keer te gebruiken):")
    sys.stdout.write(qrcodes.terminal_text(payload))
    sys.stdout.write(payload + "\n")
    sys.stdout.flush()
    out.print(f"PNG: {target}")


@org_app.command("add", cls=DutchCommand)
def org_add(
    name: str = typer.Option(..., "--name", help="Naam van de organisatie."),
    ura: str = typer.Option(..., "--ura", help="URA (UZI-register abonneenummer), 8 cijfers."),
    kvk: str = typer.Option(..., "--kvk", help="KvK-nummer, 8 cijfers."),
) -> None:
    """Voer een organisatie in, zodat haar medewerkers zich met hun UZI-pas kunnen registreren."""
    _django()
    from zorgid.organisations.services import add_organisation
    from zorgid.protocol.errors import ZorgidError

    try:
        organisation = add_organisation(name=name, ura=ura, kvk=kvk, actor=_actor())
    except ZorgidError as error:
        _fail(error)
    out.print(f"Organisatie {organisation.name} (URA {organisation.ura}, KvK {organisation.kvk}) ingevoerd.")


@applications_app.command("expire", cls=DutchCommand)
def applications_expire() -> None:
    """Beëindig aanvragen zonder voortgang (ZORGID_APPLICATION_EXPIRY_DAYS, standaard 60); voor cron."""
    _django()
    from django.conf import settings

    from zorgid.applications.services import expire_stale

    count = expire_stale(actor=_actor())
    out.print(f"{count} aanvraag/aanvragen verlopen (na {settings.ZORGID_APPLICATION_EXPIRY_DAYS} dagen zonder "
              "voortgang).")


@app.command("mail-in", cls=DutchCommand)
def mail_in(
    host: str = typer.Option("127.0.0.1", help="Adres om op te luisteren."),
    port: int = typer.Option(8025, min=1, max=65535, help="Poort (SMTP)."),
) -> None:
    """Ontvang antwoorden op bevestigingsmails (SMTP): het ondertekende document als bijlage."""
    _service_logs()
    _django()
    import time

    from aiosmtpd.controller import Controller

    from zorgid.applications.mail_in import MAX_MESSAGE_BYTES, ReplyHandler

    controller = Controller(ReplyHandler(), hostname=host, port=port, data_size_limit=MAX_MESSAGE_BYTES)
    controller.start()
    _say(f"zorgid mail-in luistert op smtp://{host}:{port} (Ctrl-C stopt)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


@mail_app.command("send", cls=DutchCommand)
def mail_send(
    once: bool = typer.Option(False, "--once", help="Eén ronde: verstuur wat klaarstaat en stop."),
    interval: float = typer.Option(5.0, min=0.5, max=3600, help="Seconden tussen twee rondes."),
) -> None:
    """Verstuur de e-mail uit de wachtrij; mislukt het, dan later opnieuw (1 minuut, verdubbelend tot 1 uur).

    Zonder --once blijft de opdracht draaien (naast zorgid serve; Ctrl-C of SIGTERM stopt). Na 2 dagen zonder
    succes wordt een e-mail opgegeven; dat staat in het auditlog.
    """
    _django()
    import signal
    import threading

    from django.conf import settings

    from zorgid.outbox.services import run, send_due

    if once:
        done = send_due()
        out.print(f"{done.sent} verstuurd, {done.retried} later opnieuw, {done.given_up} opgegeven.")
        return
    where = (f"bewaard in {settings.ZORGID_DEV_MAIL_DIR} (.eml)" if not settings.ZORGID_SMTP_HOST
             else f"via {settings.EMAIL_HOST}:{settings.EMAIL_PORT}")
    _service_logs()  # without --once it runs as a service: its log lines as zorgid serve's
    _say(f"zorgid mail send: e-mail uit de wachtrij wordt {where} (elke {interval:g} s; Ctrl-C stopt)")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        run(interval=interval, stop=stop)
    except KeyboardInterrupt:
        pass


@app.command("purge", cls=DutchCommand)
def purge(
    days: int = typer.Option(30, "--days", min=1, max=3650,
                             help="Bewaartermijn in dagen: wat langer dan zo lang geleden verliep of is gebruikt, gaat "
                                  "weg."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Tel alleen wat weg zou gaan; verwijder niets."),
) -> None:
    """Ruim verlopen gegevens op (voor cron): inlog- en kaartsessies, portaalsessies, activatiecodes, tellers van de
    verzoeklimieten, verstuurde e-mails, en van zorgapplicaties: verlopen codes en tokens en beëindigde sessies. Nooit
    het auditlog; elke opruiming staat erin."""
    _django()
    from zorgid.housekeeping import KINDS
    from zorgid.housekeeping import purge as purge_expired
    from zorgid.oidc import purge as oidc_purge

    result = purge_expired(days=days, dry_run=dry_run, actor=_actor())
    provider = oidc_purge.purge(days=days, dry_run=dry_run, actor=_actor())  # codes, tokens, ended app sessions
    verb = "zou weggaan" if dry_run else "verwijderd"
    out.print(f"Opruimen (bewaartermijn {days} dagen){' — proef, niets verwijderd' if dry_run else ''}:")
    for kind, description in KINDS.items():
        out.print(f"  {result.removed[kind]:>8}  {description} ({kind})")
    for kind, description in oidc_purge.KINDS.items():
        out.print(f"  {provider.removed[kind]:>8}  {description} ({kind})")
    out.print(f"Totaal {verb}: {result.total + provider.total}.")


@audit_app.command("verify", cls=DutchCommand)
def audit_verify() -> None:
    """Controleer dat geen rij van het auditlog is gewijzigd, ingevoegd of verwijderd (met de sleutel van deze
    installatie) en dat het anker (ZORGID_AUDIT_ANCHOR) de nieuwste rij kent."""
    _django()
    from zorgid.audit import anchor
    from zorgid.audit.services import verify

    result = verify()
    if result.ok:
        out.print(f"Auditlog in orde: {result.count} gebeurtenissen, keten onverbroken, anker {anchor.path()} klopt.",
                  soft_wrap=True)
        return
    err.print(f"[bold red]Auditlog is aangetast[/] ({result.count} rijen gelezen):")
    for problem in result.problems:
        err.print(f"  - {problem}", soft_wrap=True)
    err.print("Bewaar de database en het anker zoals ze zijn (bewijs) en zie docs/security.md.", soft_wrap=True)
    raise typer.Exit(1)


def main() -> None:
    """Entry point: every failure is reported with its code, cause and solution, never as a traceback."""
    from django.db import DatabaseError

    from zorgid.errors import DatabaseNotReady
    from zorgid.protocol.errors import InternalError, ZorgidError

    try:
        app(prog_name="zorgid")
    except ZorgidError as error:
        _report(error)
    except DatabaseError as exc:
        _report(DatabaseNotReady(str(exc).splitlines()[0][:200]))
    except Exception as exc:  # by design: a clear message; ZORGID_DEBUG=1 shows the traceback
        if os.environ.get("ZORGID_DEBUG") == "1":
            raise
        _report(InternalError(type(exc).__name__))


def _report(error) -> None:
    try:
        _fail(error)
    except typer.Exit as done:
        raise SystemExit(done.exit_code) from None


if __name__ == "__main__":
    main()
