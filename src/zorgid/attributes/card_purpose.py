"""What linking UZI attributes demands of the UZI-pas that answers its card session (R-FLOW-ATTR).

Registered with the card flows when this app is ready (apps.py): the card is the card of the person who
started the session, by name (identities.people.card_names_match).
"""

from __future__ import annotations

from zorgid.flows.errors import CardOfOtherPerson
from zorgid.flows.models import CardFlow
from zorgid.identities.people import card_names_match
from zorgid.pki.uzi.attributes import UziAttributes


def check_card(flow: CardFlow, attributes: UziAttributes) -> None:
    person = flow.person
    if person is None or not card_names_match(person.first_names, person.last_name,
                                              given_name=attributes.given_name, surname=attributes.surname):
        raise CardOfOtherPerson(f"card of {attributes.common_name}")
