"""``zorgid pki``: the CRLs of zorgid's CAs (docs/security.md, "Revocation: CRL and OCSP")."""

from __future__ import annotations

from pathlib import Path

import typer

from zorgid.terminal import DutchCommand, DutchGroup, out, setup_django

pki_app = typer.Typer(cls=DutchGroup, help="De status van de certificaten die ZORG-ID uitgeeft: CRL's.",
                      no_args_is_help=True)


@pki_app.command("crl", cls=DutchCommand,
                 help="Maak de CRL van elke CA opnieuw (voor cron; elke statuswijziging doet dat ook). Met --out "
                      "wordt elke CRL ook als <ca>.crl (DER) in die map geschreven.")
def crl(
    out_dir: Path | None = typer.Option(None, "--out", help="Map om de CRL's in te schrijven.",
                                         file_okay=False, dir_okay=True),
) -> None:
    setup_django()
    from django.db import transaction
    from django.utils import timezone

    from zorgid.pki import certificate_status

    for ca_id in certificate_status.AUTHORITIES:
        with transaction.atomic():
            stored = certificate_status.regenerate_crl(ca_id)
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            (out_dir / f"{ca_id}.crl").write_bytes(bytes(stored.der))
        next_update = timezone.localtime(stored.next_update)
        out.print(f"{ca_id}: CRL {stored.number}, volgende uiterlijk {next_update:%d-%m-%Y %H:%M:%S}",
                  highlight=False)
