"""Organisation validation with a UZI-pas (R-FLOW-UZIORG, manual §4; docs/security.md).

An organisation is validated once ("eenmalig", seeds 000–002), with a zorgverlenerspas (Z) of its URA whose
holder has a registered Mobile ID:

- an organisation that came from an application: only by the portal administrator the application names (the
  person of the follow-up form), who then holds the administrator role and the application completes;
- an organisation the operator entered himself (``zorgid org add``): the operator's entry is the approval, so its
  first validation is open to a zorgverlenerspas of the URA as long as it has no administrator; the card holder
  becomes its administrator.

After that, validation is refused with a code; a card holder asks to become administrator instead
(validation.admin_requests) and an administrator of the organisation or the operator decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from zorgid import clock
from zorgid.applications.models import Application, ApplicationState
from zorgid.applications.onboarding import organisation_validated
from zorgid.audit.services import record
from zorgid.flows.cards import answered_flow, complete
from zorgid.flows.errors import CardHolderHasNoId
from zorgid.flows.models import CardFlow, CardFlowPurpose
from zorgid.identities.models import MobileId, Person
from zorgid.organisations.errors import (
    OrganisationAlreadyValidated,
    OrganisationHasAdministrators,
    ValidationAdministratorNotKnown,
    ValidationNeedsZorgverlenerspas,
    ValidationNotByTheAdministrator,
)
from zorgid.organisations.models import Organisation, Role, RoleAssignment
from zorgid.organisations.roles import grant_role
from zorgid.organisations.services import registered_organisation
from zorgid.protocol.errors import ZorgidError
from zorgid.validation.card_purpose import registrations_of_card

ZORGVERLENERSPAS = "Z"
ENDED_APPLICATIONS = (ApplicationState.DECLINED, ApplicationState.WITHDRAWN)


@dataclass(frozen=True)
class ValidationResult:
    organisation: Organisation
    mobile_ids: list[MobileId]


def validation_flow(flow_id: str, *, browser_secret: str) -> tuple[CardFlow, Organisation]:
    """This browser's answered card session for validation, read with a zorgverlenerspas of a known URA."""
    flow = answered_flow(flow_id, browser_secret=browser_secret, purpose=CardFlowPurpose.ORGANISATION_VALIDATION)
    if flow.attributes.get("card_type") != ZORGVERLENERSPAS:
        raise ValidationNeedsZorgverlenerspas(f"card type {flow.attributes.get('card_type')}")
    return flow, registered_organisation(flow.attributes["ura"])


def card_holders(flow: CardFlow) -> dict[Person, list[MobileId]]:
    """The persons whose active Mobile IDs carry the card's UZI number, with those Mobile IDs."""
    holders: dict[Person, list[MobileId]] = {}
    for registration in registrations_of_card(flow.attributes["uzi_number"]).order_by("registered_at", "pk"):
        mobile_ids = holders.setdefault(registration.mobile_id.person, [])
        if registration.mobile_id not in mobile_ids:
            mobile_ids.append(registration.mobile_id)
    if not holders:
        raise CardHolderHasNoId(f"UZI {flow.attributes['uzi_number']}")
    return holders


def named_administrator(organisation: Organisation) -> Person | None:
    """The administrator named in the organisation's application; raises when it names none yet."""
    applications = Application.objects.filter(organisation=organisation).exclude(state__in=ENDED_APPLICATIONS)
    if not applications.exists():
        return None
    application = applications.filter(administrator__isnull=False).select_related("administrator").first()
    if application is None:
        raise ValidationAdministratorNotKnown(f"URA {organisation.ura}")
    return application.administrator


def validators(flow: CardFlow, organisation: Organisation) -> dict[Person, list[MobileId]]:
    """Who this card makes administrator by validating, with his Mobile IDs; the refusal's error otherwise."""
    if organisation.validated_at is not None:
        raise OrganisationAlreadyValidated(f"URA {organisation.ura}")
    holders = card_holders(flow)
    administrator = named_administrator(organisation)
    if administrator is not None:
        if administrator not in holders:
            raise ValidationNotByTheAdministrator(f"URA {organisation.ura}, UZI {flow.attributes['uzi_number']}")
        return {administrator: holders[administrator]}
    if RoleAssignment.objects.filter(organisation=organisation, role=Role.ADMINISTRATOR).exists():
        raise OrganisationHasAdministrators(f"URA {organisation.ura}")
    return holders


def refusal(flow: CardFlow, organisation: Organisation) -> ZorgidError | None:
    """Why this card cannot validate the organisation (for the page to show before Volgende), or None."""
    try:
        validators(flow, organisation)
    except (OrganisationAlreadyValidated, OrganisationHasAdministrators, ValidationNotByTheAdministrator,
            ValidationAdministratorNotKnown) as error:
        return error
    return None


def validate_organisation(flow_id: str, *, browser_secret: str, ip: str = "") -> ValidationResult:
    """Volgende: the allowed card holder becomes ADM of the organisation of the card's URA, once."""
    flow, organisation = validation_flow(flow_id, browser_secret=browser_secret)
    card = flow.attributes
    actor = f"uzi:{card['uzi_number']}"
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        granted = validators(flow, organisation)
        complete(flow)
        now = clock.now()
        if not Organisation.objects.filter(pk=organisation.pk, validated_at__isnull=True).update(validated_at=now):
            raise OrganisationAlreadyValidated(f"URA {organisation.ura}")
        organisation.validated_at = now
        for person in granted:
            grant_role(person, Role.ADMINISTRATOR, organisation, actor=actor, ip=ip)
            organisation_validated(organisation, person)
        mobile_ids = [mobile_id for found in granted.values() for mobile_id in found]
        record("organisation.validated", actor=actor, subject=f"organisation:{organisation.ura}", ip=ip,
               organisation=organisation.ura,
               details={"mobile_ids": sorted(m.id for m in mobile_ids), "persons": sorted(p.id for p in granted),
                        "card_type": card["card_type"]})
    return ValidationResult(organisation, mobile_ids)
