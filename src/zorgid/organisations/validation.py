"""Organisation validation with a UZI-pas (R-FLOW-UZIORG, manual §4).

The card's URA is the organisation's (checked when the card is read); whoever holds the card and a
registered Mobile ID becomes portaal administrator of it, and the page says for which Mobile IDs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from zorgid import clock
from zorgid.applications.onboarding import organisation_validated
from zorgid.audit.services import record
from zorgid.flows.card_purposes import registrations_of_card
from zorgid.flows.cards import answered_flow, complete
from zorgid.flows.errors import CardHolderHasNoId
from zorgid.flows.models import CardFlow, CardFlowPurpose
from zorgid.identities.models import MobileId, Role
from zorgid.identities.services import grant_role

from .models import Organisation
from .services import registered_organisation


@dataclass(frozen=True)
class ValidationResult:
    organisation: Organisation
    mobile_ids: list[MobileId]


def validation_flow(flow_id: str, *, browser_secret: str) -> tuple[CardFlow, Organisation]:
    flow = answered_flow(flow_id, browser_secret=browser_secret, purpose=CardFlowPurpose.ORGANISATION_VALIDATION)
    return flow, registered_organisation(flow.attributes["ura"])


def validate_organisation(flow_id: str, *, browser_secret: str, ip: str = "") -> ValidationResult:
    """Volgende: the card holder becomes ADM of the organisation of the card's URA."""
    flow, organisation = validation_flow(flow_id, browser_secret=browser_secret)
    card = flow.attributes
    actor = f"uzi:{card['uzi_number']}"
    with transaction.atomic():
        complete(flow)
        registrations = list(registrations_of_card(card["uzi_number"]))
        if not registrations:
            raise CardHolderHasNoId(f"UZI {card['uzi_number']}")
        for person in {r.mobile_id.person for r in registrations}:
            grant_role(person, Role.ADMINISTRATOR, organisation, actor=actor, ip=ip)
            organisation_validated(organisation, person)
        if organisation.validated_at is None:
            Organisation.objects.filter(pk=organisation.pk).update(validated_at=clock.now())
        record("organisation.validated", actor=actor, subject=f"organisation:{organisation.ura}", ip=ip,
               details={"mobile_ids": sorted(r.mobile_id_id for r in registrations)})
    return ValidationResult(organisation, [r.mobile_id for r in registrations])
