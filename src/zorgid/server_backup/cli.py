"""``zorgid backup``, ``zorgid restore`` and ``zorgid check`` (registered on the ``zorgid`` command in cli.py)."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

import typer

from zorgid.protocol.language import LanguageOption, choose_language, tr
from zorgid.terminal import actor, err, fail, out, setup_django

PASSPHRASE_ENV = "ZORGID_BACKUP_PASSPHRASE"  # noqa: S105 - the variable's name


def _passphrase(*, twice: bool) -> str:
    from .errors import NoPassphrase, PassphraseTooShort

    given = os.environ.get(PASSPHRASE_ENV)
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise NoPassphrase()
    first = getpass.getpass("Wachtzin van de back-up (minstens 12 tekens): ")
    if twice:
        if len(first) < 12:
            raise PassphraseTooShort()
        if getpass.getpass("Nog een keer: ") != first:
            err.print("De wachtzinnen verschillen; er is niets gemaakt.")
            raise typer.Exit(1)
    return first


def _say(text: str) -> None:
    out.print(text, soft_wrap=True)


def _read_key(path: Path) -> bytes:
    from .errors import KeyFileUnusable

    try:
        return path.read_bytes()
    except OSError as exc:
        raise KeyFileUnusable(f"{path}: {exc.strerror or exc}") from None


def backup(
    file: Path = typer.Argument(..., help="Het nieuwe back-upbestand (wordt nooit overschreven)."),
    recipient: Path = typer.Option(None, "--recipient", help="Versleutel naar deze publieke sleutel (PEM, X25519 of "
                                                             "RSA ≥ 3072 bits) in plaats van met een wachtzin."),
) -> None:
    """Maak een versleutelde back-up van de server: de database, de sleutels en bestanden uit ZORGID_HOME en het
    anker van het auditlog. Versleuteld met een wachtzin (ZORGID_BACKUP_PASSPHRASE, anders gevraagd) of naar een
    publieke sleutel (--recipient). Kan terwijl de server draait."""
    from zorgid.protocol.errors import ZorgidError

    from .envelope import Seal

    try:
        seal = Seal(recipient=_read_key(recipient)) if recipient else Seal(passphrase=_passphrase(twice=True))
        setup_django()
        from .service import make_backup

        made = make_backup(file, seal, actor=actor(), report=_say)
    except ZorgidError as error:
        fail(error)
    out.print(f"Back-up gemaakt: {made.path} ({made.size} bytes, {made.parts} delen)\nSHA-256: {made.sha256}",
              soft_wrap=True)
    if os.environ.get("ZORGID_SECRET_KEY"):
        out.print("Let op: de geheime sleutel komt uit ZORGID_SECRET_KEY en zit niet in de back-up; bewaar hem apart.")


def restore(
    file: Path = typer.Argument(..., help="Het back-upbestand."),
    identity: Path = typer.Option(None, "--identity", help="De privésleutel (PEM) bij de publieke sleutel waarnaar "
                                                           "de back-up is versleuteld."),
    force: bool = typer.Option(False, "--force", help="Vervang een database met tabellen en sleutels in ZORGID_HOME "
                                                      "(wat er stond is daarna weg)."),
) -> None:
    """Zet een back-up terug in een nieuwe installatie: een lege database (DATABASE_URL) en een nieuwe ZORGID_HOME.
    Alles wordt eerst gecontroleerd (versleuteling, manifest met SHA-256 van elk deel, versies); daarna pas wordt
    iets geschreven, en nooit half. Stop de server eerst."""
    from zorgid.protocol.errors import ZorgidError

    from .envelope import Opener

    try:
        opener = Opener(identity=_read_key(identity)) if identity else Opener(passphrase=_passphrase(twice=False))
        setup_django()
        from .service import restore_backup

        restored = restore_backup(file, opener, force=force, actor=actor(), report=_say)
    except ZorgidError as error:
        fail(error)
    manifest = restored.manifest
    out.print(f"Teruggezet: {restored.parts} delen uit de back-up van {manifest['created']} (zorgid "
              f"{manifest['zorgid']}, {manifest['database']['vendor']}).", soft_wrap=True)
    for note in restored.notes:
        out.print(f"[bold]Let op:[/] {note}", soft_wrap=True)
    if restored.pending_migrations:
        out.print("Deze versie van zorgid heeft nieuwere migraties: draai 'zorgid migrate'.")
    out.print("Controleer daarna het auditlog: zorgid audit verify")


def check(lang: LanguageOption = None) -> None:
    """Meld wat in de huidige configuratie onveilig is voor productie (code, ernst, oplossing). Exitstatus 1 als
    er iets onveiligs is, 0 als alles in orde is (waarschuwingen tellen niet)."""
    choose_language(lang)
    setup_django()
    from .check import UNSAFE, findings

    found = findings()
    unsafe = [finding for finding in found if finding.severity == UNSAFE]
    if not found:
        out.print(tr("zorgid check: geen onveilige instellingen voor productie gevonden.",
                     "zorgid check: no settings found that are unsafe for productie."))
        return
    warnings = len(found) - len(unsafe)
    out.print(tr(f"zorgid check: {len(unsafe)} onveilig, {warnings} waarschuwing(en).",
                 f"zorgid check: {len(unsafe)} unsafe, {warnings} warning(s)."))
    for finding in found:
        out.print(f"[{finding.severity_text}] {finding.code}: {finding.text}\n    {tr('Oplossing', 'Solution')}: "
                  f"{finding.fix}", soft_wrap=True, markup=False)
    if unsafe:
        raise typer.Exit(1)


COMMANDS = {"backup": backup, "restore": restore, "check": check}
