"""(being written) The card check of this purpose: refuses every card until it is written."""

from __future__ import annotations

from zorgid.flows.errors import CardWrongPurpose
from zorgid.flows.models import CardFlow
from zorgid.pki.uzi.attributes import UziAttributes


def check_card(flow: CardFlow, attributes: UziAttributes) -> None:
    raise CardWrongPurpose("not available yet")
