"""``zorgid employees …``: the command line for an organisation's employees (typer sub-app).

Mounted in ``zorgid.cli`` with ``app.add_typer(employees_app, name="employees")``. Django and the use cases are
imported inside the commands, so importing this module sets nothing up.
"""

from __future__ import annotations

from pathlib import Path

import typer

from zorgid.terminal import DutchCommand, DutchGroup, actor, err, fail, out, setup_django

employees_app = typer.Typer(cls=DutchGroup, help="Medewerkers van een organisatie.", no_args_is_help=True)

SHOWN_ALREADY = 20  # rows "already in the organisation" listed one by one; the rest are counted


@employees_app.callback()
def employees() -> None:
    """Medewerkers van een organisatie."""  # a group, also with one command and when run on its own


@employees_app.command(
    "import", cls=DutchCommand,
    help="Importeer medewerkers uit een CSV-bestand; zij wachten daarna op hun WID-controle.\n\n"
         "Alles of niets: is één regel fout, dan wordt niets geïmporteerd en staat elke foute regel met regelnummer "
         "en reden in het verslag (exitstatus 1). Wie al in de organisatie staat (zelfde namen en geboortedatum), "
         "wordt overgeslagen. Daarna controleert een beheerder het identiteitsbewijs en geeft de QR-code met "
         "\"Nieuwe QR-code\" op de pagina van de medewerker.",
)
def employees_import(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, show_default=False,
                                help="CSV-bestand (UTF-8) met de kop voornamen;achternaam;geboortedatum "
                                     "(ook met , als scheidingsteken), datums als dd-mm-jjjj; hoogstens 20 MB "
                                     "en 100.000 regels."),
    ura: str = typer.Option(..., "--ura", help="URA (8 cijfers) van de organisatie waarin de medewerkers komen."),
    dry_run: bool = typer.Option(False, "--dry-run",
                                 help="Alleen controleren en melden wat er zou gebeuren; er wordt niets opgeslagen."),
) -> None:
    """Import employees awaiting their WID check (help text above, in Dutch)."""
    setup_django()
    from django.utils import translation

    with translation.override("nl"):  # the command line speaks Dutch, also the report's sentences
        _import(file, ura, dry_run)


def _import(file: Path, ura: str, dry_run: bool) -> None:
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from zorgid.administration import import_report, importing
    from zorgid.protocol.errors import ZorgidError

    columns = (TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        try:
            organisation = importing.organisation_by_ura(ura)
            source = importing.read_file(file)
        except ZorgidError as error:
            fail(error)
        except OSError as exc:
            fail(importing.ImportFileInvalid(f"{file}: {exc.strerror or exc}"))
        with Progress(*columns, console=err, transient=False) as bar:
            tasks: dict[str, int] = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(stage.capitalize(), total=total)
                bar.update(tasks[stage], completed=done, total=total)

            report = importing.import_employees(organisation, source.rows, actor=actor(), dry_run=dry_run,
                                                source=source, progress=progress)
    except KeyboardInterrupt:  # the import's one transaction was rolled back
        err.print(f"[bold red]Onderbroken[/]: {import_report.nothing_imported().lower()}")
        raise typer.Exit(130) from None

    if report.refused:
        err.print(f"[bold red]{escape(import_report.refused_heading(report))}[/]:")
        for note in report.refused:
            err.print(f"  {escape(import_report.note_line(note))}", highlight=False)
        fail(importing.ImportRowsRefused(f"{len(report.refused)} van {report.rows} regels"))
    for note in report.already[:SHOWN_ALREADY]:
        out.print(f"  {escape(import_report.note_line(note))}", highlight=False)
    if len(report.already) > SHOWN_ALREADY:
        out.print(f"  {escape(import_report.more_already(len(report.already) - SHOWN_ALREADY))}")
    summary = escape(import_report.imported_summary(report, organisation.name))
    if dry_run:
        out.print(summary)
        return
    out.print(f"{summary} (SHA-256 van het bestand: {source.sha256})")
    if report.imported:
        out.print(escape(import_report.awaiting_wid_check()))
