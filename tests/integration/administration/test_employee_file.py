"""The employee's page as his organisation's managers see it (R-ROLE-BEH, R-SEC-AUTHZ): his roles, IDs, WID checks
and latest events of this organisation only, also for a person who works in two organisations."""

import pytest

from tests.integration.administration.test_administration import WID, orgs, person_with_role  # noqa: F401
from zorgid.audit.services import record
from zorgid.identities.models import Person
from zorgid.organisations.models import Role
from zorgid.organisations.roles import grant_role

pytestmark = pytest.mark.django_db


def test_a_person_of_two_organisations_shows_in_each_only_what_belongs_there(client, orgs):  # noqa: F811
    linde, oost = orgs
    linde_beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    bram = Person.objects.create(first_names="Bram", last_name="Bakker", birth_date="1990-06-01",
                                 created_at="2026-01-01T00:00:00Z")
    for organisation in (linde, oost):
        grant_role(bram, Role.MEDEWERKER, organisation, actor="test")
    checkers = {name: Person.objects.create(first_names="Chris", last_name=name, birth_date="1980-01-01",
                                            created_at="2026-01-01T00:00:00Z") for name in ("Oostcheck", "Lindecheck")}
    record("wid.checked", actor=f"person:{checkers['Oostcheck'].id}", subject=f"person:{bram.id}",
           details={"ura": oost.ura})
    record("wid.checked", actor=f"person:{checkers['Lindecheck'].id}", subject=f"person:{bram.id}",
           details={"ura": linde.ura})
    record("mobile_id.revoked", actor="person:anyone", subject=f"person:{bram.id}")  # no organisation: both see it
    page = linde_beheerder.get(f"/organisatie/{linde.ura}/medewerkers/{bram.id}").content.decode()
    assert "Chris Lindecheck" in page and "Mobile ID ingetrokken" in page  # names and labels, not ids and codes
    assert "Oostcheck" not in page and "Ziekenhuis Oost" not in page  # not his event there, nor his role there
