"""What self-registration demands of the UZI-pas that answers its card session (R-FLOW-SELFREG).

Registered with the card flows when this app is ready (apps.py): the card's organisation registers first.
"""

from __future__ import annotations

from zorgid.flows.models import CardFlow
from zorgid.organisations.services import registered_organisation
from zorgid.pki.uzi.attributes import UziAttributes


def check_card(flow: CardFlow, attributes: UziAttributes) -> None:
    registered_organisation(attributes.ura)
