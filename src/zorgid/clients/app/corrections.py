"""The server's news that the holder's names or birth date were corrected (docs/security.md, "Correcting a
person's data"): told once, in Dutch, after the unlock that brought it, and kept in the ID (``id.json``), so that
``zorgid-app id`` and the next questions show the data as they are now."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from .errors import ServerAnswerInvalid
from .identity import Holder, MobileIdentity, parse_holder, printable
from .keystore import Keystore, Unlocked

CONTACT = "Klopt dit niet? Neem contact op met uw beheerder of de servicedesk."


def told(holder: Holder, *, by: str, by_servicedesk: bool, moment: str) -> str:
    """The line the holder reads: who corrected, when, and his data now."""
    who = "de servicedesk van ZORG-ID" if by_servicedesk else printable(by)
    return (f"Uw gegevens zijn gecorrigeerd door {who} op {moment}: naam {holder.shown_name}, geboortedatum "
            f"{holder.birth_date}. {CONTACT}")


def take(store: Keystore, unlocked: Unlocked, tell: Callable[[str], None]) -> MobileIdentity:
    """Keep and tell the corrected data an unlock answer carries; the ID as it is now (unchanged without one).
    Checked as the activation's holder is (names without control characters, a real dd-mm-jjjj date) before
    anything is kept or told."""
    corrected = unlocked.answer.data_corrected
    if corrected is None:
        return unlocked.identity
    holder = parse_holder(corrected.holder.to_json(), ServerAnswerInvalid)
    store.keep_holder(unlocked.identity.mobile_id, holder)
    local = corrected.corrected_at.astimezone()
    tell(told(holder, by=corrected.by, by_servicedesk=corrected.by_servicedesk,
              moment=f"{local:%d-%m-%Y} om {local:%H:%M}"))
    return dataclasses.replace(unlocked.identity, holder=holder)
