"""A blank card for a ZORG-ID Smartcard: a SoftHSM2 token with no objects on it (README.md, "ZORG-ID Smartcard").

A card vendor delivers a blank card with a letter that holds its transport PIN and transport SO PIN; the
Desktop App logs in with them once, when it makes the card a ZORG-ID Smartcard, and replaces them with the
holder's PIN and a new PUK. This module makes such a card: ``softhsm2-util`` initialises the token with a
random transport PIN and transport SO PIN and nothing else, so this process never loads the PKCS#11 library
(SoftHSM2 reads ``SOFTHSM2_CONF`` once per process, see :mod:`.softhsm`).
"""

from __future__ import annotations

import fcntl
import secrets
from dataclasses import dataclass
from pathlib import Path

from .errors import TokenExists
from .softhsm import SoftHsmHome, check_label

TRANSPORT_PIN_DIGITS = 8  # the Desktop App logs in with 6 to 8 characters (clients/desktop/card.py)
TRANSPORT_SO_PIN_DIGITS = 8


@dataclass(frozen=True)
class BlankCard:
    """A blank test card: its token label, the codes of the vendor's letter, and where it lives."""

    label: str
    transport_pin: str
    transport_so_pin: str
    home: SoftHsmHome


def random_digits(count: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(count))


def default_label() -> str:
    return f"Blanco kaart {secrets.token_hex(3).upper()}"


def make_blank_card(*, home: Path, label: str | None = None) -> BlankCard:
    """Initialise a token in ``home`` with a random transport PIN and transport SO PIN and no objects."""
    label = check_label(label if label is not None else default_label())
    softhsm = SoftHsmHome(Path(home)).ensure()
    card = BlankCard(label, random_digits(TRANSPORT_PIN_DIGITS), random_digits(TRANSPORT_SO_PIN_DIGITS), softhsm)
    with open(softhsm.directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # label check and init as one step across processes
        if label in softhsm.labels():
            raise TokenExists(label)
        softhsm.util("--init-token", "--free", "--label", label, "--pin", card.transport_pin,
                     "--so-pin", card.transport_so_pin)
    return card
