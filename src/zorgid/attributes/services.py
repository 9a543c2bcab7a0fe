"""UZI attributes (R-FLOW-ATTR, manual §5): link the attributes of one's own UZI-pas to the logged-in ID."""

from __future__ import annotations

from django.db import transaction

from zorgid.flows.cards import answered_flow, complete
from zorgid.flows.errors import CardOfOtherPerson
from zorgid.flows.models import CardFlowPurpose
from zorgid.identities.models import MobileId, UziRegistration
from zorgid.identities.services import link_uzi_attributes


def link_card(flow_id: str, *, browser_secret: str, mobile_id: MobileId, ip: str = "") -> UziRegistration:
    """The card of this browser's answered card session is the holder's own (checked on answer): link its
    attributes to ``mobile_id`` and complete the session, in one transaction."""
    flow = answered_flow(flow_id, browser_secret=browser_secret, purpose=CardFlowPurpose.ATTRIBUTES)
    if flow.person_id != mobile_id.person_id:
        raise CardOfOtherPerson("the session was started by another person")
    with transaction.atomic():
        complete(flow)
        return link_uzi_attributes(mobile_id, flow.attributes, actor=f"person:{mobile_id.person_id}", ip=ip)


def linked(mobile_id: MobileId, registration_id) -> UziRegistration | None:
    """The UZI registration the holder just linked (its id kept by his session), if it is his Mobile ID's."""
    if not isinstance(registration_id, int):
        return None
    return mobile_id.uzi_registrations.filter(pk=registration_id).first()
