"""``zorgid ca``: where the CA keys live (docs/security.md, "Keys in an HSM").

``zorgid ca init --pkcs11-module … --token-label …`` makes the CA keys and the first ID-token key on a PKCS#11
token (or, on a token that has them, refers this instance to them); ``zorgid ca check`` signs with every key.
The PIN comes from ZORGID_PKCS11_PIN or from a file (--pin-file, ZORGID_PKCS11_PIN_FILE), never from the
command line.
"""

from __future__ import annotations

import re
from pathlib import Path

import typer

from zorgid.terminal import DutchCommand, DutchGroup, actor, fail, out, setup_django

ca_app = typer.Typer(cls=DutchGroup, no_args_is_help=True,
                     help="De sleutels van de CA's en van de ID-tokens: in bestanden of op een PKCS#11-token (HSM).")


@ca_app.command("init", cls=DutchCommand,
                help="Maak de sleutels van de CA's (root, Mobile ID, smartcard) en van de ID-tokens op een "
                     "PKCS#11-token, niet exporteerbaar, met de certificaten van de CA's ernaast. Staan ze al op het "
                     "token (een tweede instantie), dan gebruikt deze instantie dezelfde sleutels. De PIN komt uit "
                     "ZORGID_PKCS11_PIN of uit het bestand van --pin-file.")
def init(
    module: Path = typer.Option(..., "--pkcs11-module", help="De PKCS#11-module van de HSM (een .so-bestand).",
                                exists=True, dir_okay=False),
    token_label: str = typer.Option(..., "--token-label", help="Het label van het token in de HSM."),
    key_label: str = typer.Option("zorgid", "--key-label", help="Begin van de labels van de sleutels "
                                  "(<label>-root, <label>-mobile-id, <label>-smartcard, <label>-oidc-0001)."),
    pin_file: Path | None = typer.Option(None, "--pin-file", help="Bestand met de PIN van het token (alleen "
                                         "leesbaar voor zorgid); anders ZORGID_PKCS11_PIN.", dir_okay=False),
) -> None:
    setup_django()
    from django.conf import settings

    from zorgid.audit.services import record
    from zorgid.oidc import keys
    from zorgid.pki import signing_keys, token_ca
    from zorgid.pki.errors import CaKeyLabelInvalid
    from zorgid.protocol.errors import ZorgidError

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]{0,23}", key_label):
        fail(CaKeyLabelInvalid(repr(key_label)[:40]))
    config = signing_keys.TokenConfig(
        str(module.absolute()), token_label,
        {"root": f"{key_label}-root", "mobile-id": f"{key_label}-mobile-id", "smartcard": f"{key_label}-smartcard",
         "oidc": key_label},
        str(pin_file.absolute()) if pin_file else None)
    ca_dir, oidc_dir = Path(settings.ZORGID_HOME) / "ca", keys.key_directory()
    number = max((key.number for key in keys.all_keys()), default=0) + 1 if oidc_dir.is_dir() else 1
    try:
        made, labels = token_ca.init(ca_dir, oidc_dir, config, settings.ZORGID_ENVIRONMENT, oidc_number=number)
        signing_keys.check_keys(ca_dir)
    except ZorgidError as error:
        fail(error)
    record("pki.ca.token", actor=actor(), subject=f"token:{token_label}"[:128],
           details={"module": config.module, "token_label": token_label, "keys": sorted(config.keys.values()),
                    "made": made})
    out.print(("Sleutels gemaakt op token " if made else "Sleutels gevonden op token ") + repr(token_label),
              highlight=False)
    out.print(f"Configuratie: {ca_dir / signing_keys.CONFIG_FILE}; ID-tokensleutels: {', '.join(labels)}",
              highlight=False, soft_wrap=True)


@ca_app.command("check", cls=DutchCommand,
                help="Onderteken met elke sleutel van de CA's en controleer de handtekening met het certificaat.")
def check() -> None:
    setup_django()
    from django.conf import settings

    from zorgid.pki import signing_keys
    from zorgid.protocol.errors import ZorgidError

    ca_dir = Path(settings.ZORGID_HOME) / "ca"
    try:
        signing_keys.check_keys(ca_dir)
    except ZorgidError as error:
        fail(error)
    config = signing_keys.load_config(ca_dir)
    where = f"op token {config.token_label!r}" if config else "in bestanden"
    out.print(f"De sleutels van de CA's ({where}) ondertekenen.", highlight=False)
