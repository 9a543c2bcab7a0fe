"""``zorgid keyshare``: the keys that seal the key shares (identities/keyring.py, docs/security.md)."""

from __future__ import annotations

import typer

from zorgid.terminal import DutchCommand, DutchGroup, actor, fail, out, setup_django

keyshare_app = typer.Typer(cls=DutchGroup, no_args_is_help=True, help=(
    "De sleutels waarmee de server de sleuteldelen van de Mobiele ID's versleutelt (ZORGID_KEYSHARE_KEYS; "
    "niet de SECRET_KEY van Django)."))


def _progress(done: int, total: int) -> None:
    out.print(f"{done} van {total} sleuteldelen opnieuw versleuteld", highlight=False)


@keyshare_app.command("list", cls=DutchCommand,
                      help="Toon de sleutels: hoeveel sleuteldelen elk versleutelt, en welke nieuwe versleutelt.")
def keys_list() -> None:
    setup_django()
    from zorgid.identities import keyring, keyshare
    from zorgid.protocol.errors import ZorgidError

    try:
        ring = keyring.current()
        for key_id in ring.ids:
            sealing = "  (versleutelt nieuwe sleuteldelen)" if key_id == ring.sealing[0] else ""
            origin = "  (afgeleid van de SECRET_KEY van vóór dit bestand)" if key_id == keyring.LEGACY_KEY_ID else ""
            out.print(f"sleutel {key_id}: {keyshare.sealed_with(key_id)} sleuteldelen{sealing}{origin}",
                      highlight=False)
    except ZorgidError as error:
        fail(error)
    out.print(f"Bestand: {keyring.path()}", highlight=False, soft_wrap=True)


_PORTIE = typer.Option(500, "--portie", min=1, max=10000, help="Sleuteldelen per transactie.")
_NUMMER = typer.Argument(..., min=0, metavar="NUMMER", help="Het nummer van de sleutel (zorgid keyshare list).")


@keyshare_app.command("rotate", cls=DutchCommand, help=(
    "Maak een nieuwe willekeurige sleutel, laat die meteen nieuwe sleuteldelen versleutelen en versleutel elk "
    "sleuteldeel daarmee opnieuw, in porties (elke portie één transactie; afgebroken? draai 'reseal'). De oude "
    "sleutels blijven in het bestand tot u ze met 'retire' verwijdert. Alleen als elke instantie dit ene bestand "
    "leest; heeft elke instantie een kopie, gebruik dan 'add' en 'use' (docs/security.md)."))
def keys_rotate(batch: int = _PORTIE) -> None:
    setup_django()
    from zorgid.identities import keyshare
    from zorgid.protocol.errors import ZorgidError

    try:
        key_id, moved = keyshare.rotate(batch=batch, progress=_progress, actor=actor())
    except ZorgidError as error:
        fail(error)
    out.print(f"Nieuwe sleutel {key_id} versleutelt nu elk sleuteldeel ({moved} opnieuw versleuteld).",
              highlight=False)


@keyshare_app.command("add", cls=DutchCommand, help=(
    "Stap 1 van het wisselen van sleutel met kopieën van het bestand: voeg een nieuwe willekeurige sleutel toe die "
    "nog niets versleutelt; hij opent alleen. Zet daarna het bestand op elke instantie, en draai dan 'use NUMMER' "
    "(docs/security.md)."))
def keys_add() -> None:
    setup_django()
    from zorgid.identities import keyring, keyshare
    from zorgid.protocol.errors import ZorgidError

    try:
        key_id = keyshare.add(actor=actor())
        sealing = keyring.current().sealing[0]
    except ZorgidError as error:
        fail(error)
    out.print(f"Sleutel {key_id} toegevoegd; sleutel {sealing} versleutelt nog de nieuwe sleuteldelen. Zet dit "
              f"bestand op elke instantie en draai daarna: zorgid keyshare use {key_id}",
              highlight=False, soft_wrap=True)
    out.print(f"Bestand: {keyring.path()}", highlight=False, soft_wrap=True)


@keyshare_app.command("use", cls=DutchCommand, help=(
    "Stap 2: laat sleutel NUMMER de nieuwe sleuteldelen versleutelen en versleutel elk sleuteldeel daarmee "
    "opnieuw, in porties. Eerst moet elke instantie het bestand met deze sleutel hebben ('add'); instanties met "
    "de vorige kopie versleutelen nog met de oude sleutel: zet het bestand daarna weer op elke instantie en draai "
    "'reseal' (docs/security.md)."))
def keys_use(key_id: int = _NUMMER, batch: int = _PORTIE) -> None:
    setup_django()
    from zorgid.identities import keyshare
    from zorgid.protocol.errors import ZorgidError

    try:
        moved = keyshare.use(key_id, batch=batch, progress=_progress, actor=actor())
    except ZorgidError as error:
        fail(error)
    out.print(f"Sleutel {key_id} versleutelt nu elk sleuteldeel ({moved} opnieuw versleuteld). Zet dit bestand op "
              "elke instantie en draai daarna: zorgid keyshare reseal", highlight=False, soft_wrap=True)


@keyshare_app.command("reseal", cls=DutchCommand, help=(
    "Versleutel elk sleuteldeel dat de sleutel voor nieuwe sleuteldelen (volgens dit bestand) nog niet versleutelt "
    "opnieuw met die sleutel, in porties: na een afgebroken 'rotate' of 'use', en na 'use' zodra elke instantie het "
    "nieuwe bestand heeft. Draai het waar het nieuwe bestand staat."))
def keys_reseal(batch: int = _PORTIE) -> None:
    setup_django()
    from zorgid.identities import keyring, keyshare
    from zorgid.protocol.errors import ZorgidError

    try:
        moved = keyshare.reseal(batch=batch, progress=_progress, actor=actor())
        sealing = keyring.current().sealing[0]
    except ZorgidError as error:
        fail(error)
    out.print(f"{moved} sleuteldelen opnieuw versleuteld met sleutel {sealing}.", highlight=False)


@keyshare_app.command("retire", cls=DutchCommand, help=(
    "Verwijder een oude sleutel uit het bestand; alleen als geen sleuteldeel er nog mee is versleuteld en hij geen "
    "nieuwe sleuteldelen versleutelt. Met kopieën: pas als elke instantie het bestand van 'use' heeft en 'reseal' "
    "daarna niets meer verplaatst."))
def keys_retire(key_id: int = _NUMMER) -> None:
    setup_django()
    from zorgid.identities import keyshare
    from zorgid.protocol.errors import ZorgidError

    try:
        keyshare.retire(key_id, actor=actor())
    except ZorgidError as error:
        fail(error)
    out.print(f"Sleutel {key_id} verwijderd.", highlight=False)
