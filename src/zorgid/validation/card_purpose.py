"""What organisation validation demands of the UZI-pas that answers its card session (R-FLOW-UZIORG).

Registered with the card flows when this app is ready (apps.py): the card's organisation is registered, and
the card's UZI number belongs to a registered, active Mobile ID ("for which Mobile ID").
"""

from __future__ import annotations

from django.db.models import QuerySet

from zorgid.flows.errors import CardHolderHasNoId
from zorgid.flows.models import CardFlow
from zorgid.identities.models import UziRegistration
from zorgid.organisations.services import registered_organisation
from zorgid.pki.uzi.attributes import UziAttributes


def check_card(flow: CardFlow, attributes: UziAttributes) -> None:
    registered_organisation(attributes.ura)
    if not registrations_of_card(attributes.uzi_number).exists():
        raise CardHolderHasNoId(f"UZI {attributes.uzi_number}")


def registrations_of_card(uzi_number: str) -> QuerySet[UziRegistration]:
    """Active Mobile IDs that hold this UZI number (R-FLOW-UZIORG: "for which Mobile ID")."""
    return UziRegistration.objects.filter(uzi_number=uzi_number, mobile_id__status="active").select_related(
        "mobile_id__person"
    )
