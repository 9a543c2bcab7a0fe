"""A beheerder as the WID scan tests need him: his ZORG-ID app activated, logged in to the portal, and his own WID
scan app linked to it, all through the real services and HTTP with real keys."""

from __future__ import annotations

from dataclasses import dataclass

from django.test import Client

from tests.conftest import Device, activate_code
from tests.integration.test_card_purposes import log_in
from tests.integration.widscan.apps import Scanner, link_up
from zorgid import clock
from zorgid.identities.models import Person
from zorgid.organisations.models import Organisation, Role
from zorgid.organisations.roles import add_operator, grant_role


@dataclass
class Beheerder:
    person: Person
    device: Device
    browser: Client  # logged in to the portal
    scanner: Scanner  # his own linked WID scan app

    def reference(self, **kwargs) -> str:
        """Record a check of an employee's document with his WID scan app: the code it shows."""
        response = self.scanner.record(purpose="medewerker", **kwargs)
        assert response.status_code == 201, response.content
        return response.json()["reference"]


def beheerder(client: Client, organisation: Organisation, name: str, role: str = Role.BEHEERDER) -> Beheerder:
    issued = add_operator(name, "Test", clock.parse_date("01-01-1980"), actor="test")
    person = issued.person
    person.roles.all().delete()
    grant_role(person, role, organisation, actor="test")
    device = activate_code(client, issued.code)
    scanner = Scanner(client)
    link_up(device, scanner)
    return Beheerder(person, device, log_in(client, device), scanner)
