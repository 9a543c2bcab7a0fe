"""What each purpose of a card session demands of the card, checked when the Desktop App answers.

A refusal here ends the session as refused, and the waiting page shows its code, cause and solution.
"""

from __future__ import annotations

import unicodedata

from zorgid.identities.models import UziRegistration
from zorgid.organisations.services import registered_organisation
from zorgid.pki.uzi.attributes import UziAttributes

from .errors import CardHolderHasNoId, CardOfOtherPerson
from .models import CardFlow, CardFlowPurpose


def check(flow: CardFlow, attributes: UziAttributes) -> None:
    if flow.purpose == CardFlowPurpose.SELF_REGISTRATION:
        registered_organisation(attributes.ura)  # R-FLOW-SELFREG: the organisation registers first
    elif flow.purpose == CardFlowPurpose.ORGANISATION_VALIDATION:
        registered_organisation(attributes.ura)
        if not registrations_of_card(attributes.uzi_number).exists():
            raise CardHolderHasNoId(f"UZI {attributes.uzi_number}")
    elif flow.purpose == CardFlowPurpose.ATTRIBUTES:
        person = flow.person
        if person is None or not names_match(person.first_names, person.last_name, attributes):
            raise CardOfOtherPerson(f"card of {attributes.common_name}")


def registrations_of_card(uzi_number: str):
    """Active Mobile IDs that hold this UZI number (R-FLOW-UZIORG: "for which Mobile ID")."""
    return UziRegistration.objects.filter(uzi_number=uzi_number, mobile_id__status="active").select_related(
        "mobile_id__person"
    )


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
