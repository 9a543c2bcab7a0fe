"""``zorgid dev mail``: the mails kept without SMTP ($ZORGID_HOME/mail), for people and scripts.

``list`` shows them newest first; ``show`` prints one mail's files (the ``.eml`` and each attachment, absolute
paths) and its text, so a README step can name the file to scan: ``zorgid-app scan "$(zorgid dev mail show
laatste --aan adm@… --bijlage '*.png')"``. Reads the files only (outbox/dev_mail_files.py), never the database
or Django's settings; the page /dev/mail shows the same.
"""

from __future__ import annotations

import fnmatch
import itertools
from pathlib import Path
from typing import Annotated

import typer

from zorgid.outbox import dev_mail_files
from zorgid.outbox.dev_mail_files import StoredMail
from zorgid.outbox.errors import DevMailUnknown
from zorgid.terminal import DutchCommand, DutchGroup

mail_app = typer.Typer(
    cls=DutchGroup,
    help="E-mail die zonder SMTP (ZORGID_SMTP_HOST niet gezet) is bewaard in $ZORGID_HOME/mail: elke e-mail een "
         ".eml-bestand, de bijlagen in een map met dezelfde naam ernaast. Alleen voor ontwikkelaars en tests.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

NEWEST = "laatste"
DirOption = Annotated[Path | None, typer.Option(
    "--dir", file_okay=False, show_default=False,
    help="Map met de bewaarde e-mail; standaard $ZORGID_HOME/mail (ZORGID_HOME is standaard ./var).")]
ToOption = Annotated[str | None, typer.Option(
    "--aan", show_default=False, help="Alleen e-mail aan dit adres (hoofdletters tellen niet).")]


def _folder(directory: Path | None) -> Path:
    from .cli import zorgid_home

    return (directory or zorgid_home() / "mail").resolve()


def _matching(folder: Path, to: str | None, limit: int) -> list[StoredMail]:
    """At most ``limit`` stored mails, newest first, to ``to`` when given (headers only)."""
    found = (dev_mail_files.read(folder, stem, headers_only=True) for stem in dev_mail_files.stems(folder))
    wanted = (to or "").strip().lower()
    return list(itertools.islice((mail for mail in found if mail and (not wanted or wanted in mail.to.lower())),
                                 limit))


@mail_app.command("list", cls=DutchCommand)
def mail_list(
    to: ToOption = None,
    count: Annotated[int, typer.Option("--aantal", min=1, max=10_000, help="Hoogstens zoveel e-mails.")] = 50,
    directory: DirOption = None,
) -> None:
    """Toon de bewaarde e-mail, nieuwste eerst: naam, tijd (UTC), aan, onderwerp en het aantal bijlagen."""
    from .cli import reported

    with reported():
        folder = _folder(directory)
        mails = _matching(folder, to, count)
        if not mails:
            typer.echo(f"Geen bewaarde e-mail in {folder}" + (f" aan {to}" if to else "") + ".")
            return
        for mail in mails:
            attachments = f"{len(mail.attachments)} bijlage(n)" if mail.attachments else "geen bijlagen"
            typer.echo(f"{mail.stem}  {mail.at:%d-%m-%Y %H:%M:%S} UTC  {mail.to}  {mail.subject}  ({attachments})")
        typer.echo(f"Toon een e-mail met: zorgid dev mail show <naam>   (map {folder})")


@mail_app.command("show", cls=DutchCommand)
def mail_show(
    stem: Annotated[str, typer.Argument(
        metavar="NAAM", help=f"De naam uit 'zorgid dev mail list' (jjjjmmdd-uummss-xxxxxxxx), of '{NEWEST}' voor de "
                             "nieuwste (met --aan: de nieuwste aan dat adres).")],
    to: ToOption = None,
    attachment: Annotated[str | None, typer.Option(
        "--bijlage", show_default=False,
        help="Druk alleen het pad af van de bijlage waarvan de naam hierop past (bijvoorbeeld '*.png'); precies "
             "één bijlage moet passen.")] = None,
    paths: Annotated[bool, typer.Option("--paden", help="Druk alleen de paden af: het .eml-bestand en daarna elke "
                                        "bijlage, één per regel.")] = False,
    directory: DirOption = None,
) -> None:
    """Toon één bewaarde e-mail: de paden van het .eml-bestand en van de bijlagen, en de tekst."""
    from .cli import reported

    with reported():
        folder = _folder(directory)
        mail = _chosen(folder, stem, to)
        if attachment is not None:
            fitting = [item for item in mail.attachments if fnmatch.fnmatch(item.name, attachment)]
            if len(fitting) != 1:
                raise DevMailUnknown(f"{len(fitting)} attachments of {mail.stem} match {attachment!r}")
            typer.echo(str(fitting[0].path))
            return
        if paths:
            for path in (mail.path, *(item.path for item in mail.attachments)):
                typer.echo(str(path))
            return
        typer.echo(f"E-mail: {mail.path}")
        typer.echo(f"Bewaard: {mail.at:%d-%m-%Y %H:%M:%S} UTC")
        typer.echo(f"Van: {mail.sender}")
        typer.echo(f"Aan: {mail.to}")
        typer.echo(f"Onderwerp: {mail.subject}")
        for item in mail.attachments:
            typer.echo(f"Bijlage: {item.path}  ({item.content_type}, {item.size} bytes)")
        text = dev_mail_files.body(mail)
        if text.kind == "html":
            typer.echo("(Alleen een HTML-deel; de broncode volgt als tekst.)")
        typer.echo("")
        typer.echo(text.text.rstrip("\n") if text.text else "(geen tekst)")


def _chosen(folder: Path, stem: str, to: str | None) -> StoredMail:
    if stem.strip().lower() == NEWEST:
        newest = _matching(folder, to, 1)
        if not newest:
            raise DevMailUnknown(f"no stored mail in {folder}" + (f" to {to}" if to else ""))
        stem = newest[0].stem
    mail = dev_mail_files.read(folder, stem.strip())
    if mail is None:
        raise DevMailUnknown(f"no stored mail {stem[:40]!r} in {folder}")
    return mail
