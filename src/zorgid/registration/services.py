"""Self-registration with a UZI-pas (R-FLOW-SELFREG, manual §3): the card's data plus the birth date.

After "Bevestigen" the person, his role in the organisation and a registration QR (an activation code
valid 10 days, once) exist, all in one transaction; only the operator can change the data afterwards.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from zorgid.audit.services import record
from zorgid.flows.cards import answered_flow, complete
from zorgid.flows.models import CardFlow, CardFlowPurpose
from zorgid.identities.models import Person
from zorgid.identities.services import IssuedActivation, check_birth_date, issue_activation_code
from zorgid.organisations.roles import Role, grant_role
from zorgid.organisations.services import registered_organisation


def registration_flow(flow_id: str, *, browser_secret: str) -> CardFlow:
    return answered_flow(flow_id, browser_secret=browser_secret, purpose=CardFlowPurpose.SELF_REGISTRATION)


def self_register(flow_id: str, *, browser_secret: str, birth_date: dt.date, ip: str = "") -> IssuedActivation:
    """Bevestigen: match or create the person (URA + name + birth date) and issue the registration QR."""
    flow = registration_flow(flow_id, browser_secret=browser_secret)
    check_birth_date(birth_date)
    card = flow.attributes
    organisation = registered_organisation(card["ura"])
    actor = f"uzi:{card['uzi_number']}"
    with transaction.atomic():
        complete(flow)
        person = _matching_person(organisation, card, birth_date)
        if person is None:
            person = Person.objects.create(first_names=card["given_name"], last_name=card["surname"],
                                           birth_date=birth_date, created_at=flow.answered_at)
            record("person.registered", actor=actor, subject=f"person:{person.id}", ip=ip,
                   details={"ura": organisation.ura, "route": "uzi-pas"})
        grant_role(person, Role.MEDEWERKER, organisation, actor=actor, ip=ip)
        return issue_activation_code(person, actor=actor, ip=ip, uzi_attributes=card)


def _matching_person(organisation, card: dict, birth_date: dt.date) -> Person | None:
    """R-FLOW-SELFREG: the same person is the same URA, name and birth date; never a duplicate."""
    return (
        Person.objects.filter(
            first_names__iexact=card["given_name"], last_name__iexact=card["surname"], birth_date=birth_date,
            roles__organisation=organisation,
        ).order_by("created_at").first()
    )
