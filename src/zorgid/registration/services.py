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
from zorgid.identities.people import PersonName, check_birth_date, find_same_person
from zorgid.identities.services import IssuedActivation, issue_activation_code
from zorgid.organisations.roles import Role, grant_role
from zorgid.organisations.services import registered_organisation


def registration_flow(flow_id: str, *, browser_secret: str) -> CardFlow:
    return answered_flow(flow_id, browser_secret=browser_secret, purpose=CardFlowPurpose.SELF_REGISTRATION)


def self_register(flow_id: str, *, browser_secret: str, birth_date: dt.date, ip: str = "") -> IssuedActivation:
    """Bevestigen: match (identities.people.find_same_person: URA, names, birth date; never a duplicate) or create
    the person and issue the registration QR."""
    flow = registration_flow(flow_id, browser_secret=browser_secret)
    check_birth_date(birth_date)
    card = flow.attributes
    organisation = registered_organisation(card["ura"])
    first_names = PersonName(card["given_name"], "the card's given name").value
    last_name = PersonName(card["surname"], "the card's surname").value
    actor = f"uzi:{card['uzi_number']}"
    with transaction.atomic():
        complete(flow)
        person = find_same_person(organisation, first_names, last_name, birth_date)
        if person is None:
            person = Person.objects.create(first_names=first_names, last_name=last_name,
                                           birth_date=birth_date, created_at=flow.answered_at)
            record("person.registered", actor=actor, subject=f"person:{person.id}", ip=ip,
                   details={"ura": organisation.ura, "route": "uzi-pas"})
        grant_role(person, Role.MEDEWERKER, organisation, actor=actor, ip=ip)
        return issue_activation_code(person, actor=actor, ip=ip, uzi_attributes=card)

