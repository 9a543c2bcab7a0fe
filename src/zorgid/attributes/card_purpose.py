"""What linking UZI attributes demands of the UZI-pas that answers its card session (R-FLOW-ATTR).

Registered with the card flows when this app is ready (apps.py): the card is the card of the person who
started the session, by name.
"""

from __future__ import annotations

import unicodedata

from zorgid.flows.errors import CardOfOtherPerson
from zorgid.flows.models import CardFlow
from zorgid.pki.uzi.attributes import UziAttributes


def check_card(flow: CardFlow, attributes: UziAttributes) -> None:
    person = flow.person
    if person is None or not names_match(person.first_names, person.last_name, attributes):
        raise CardOfOtherPerson(f"card of {attributes.common_name}")


def _fold(text: str | None) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().split())


def names_match(first_names: str, last_name: str, attributes: UziAttributes) -> bool:
    """The card's surname equals the person's last name, and its given name starts the first names.

    Case, accents and spacing are ignored; "Jan" on the card matches "Jan Willem" in the WID.
    """
    surname, given = _fold(attributes.surname), _fold(attributes.given_name)
    if not surname or surname != _fold(last_name):
        return False
    first = _fold(first_names)
    return bool(given) and (first == given or first.startswith(given + " "))
