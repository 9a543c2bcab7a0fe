"""Replays what another organisation's beheerder reads of an employee's ZORG-ID Smartcard (R-SEC-AUTHZ: an
organisation's pages show nothing of another organisation, administration/employee_file.py; docs/uzi.md "Managing
a smartcard": the managers of each organisation where he works see his card, with whether it is linked to theirs).

Bram works at De Linde (his card was made there) and at Ziekenhuis Oost. Otto, beheerder of Oost, opens Bram's
employee page and the card's revoke confirmation at Oost. Before the fix both listed every organisation the card is
linked to, by name and URA: Oost learnt where else Bram works. Now they show only Oost's own link; Bram himself
still sees all of them on his overview.
"""

from __future__ import annotations

import pytest

from tests.integration.administration.test_administration import person_with_role
from tests.integration.organisations.test_smartcard_links import software_card
from zorgid.organisations.models import Role
from zorgid.organisations.roles import grant_role
from zorgid.organisations.services import add_organisation

pytestmark = pytest.mark.django_db

LINK_WID = {"smartcard-document_type": "paspoort", "smartcard-number_last4": "X12B",
            "smartcard-expiry_date": "2031-01-01", "smartcard-confirmed": "on"}
LINDE = "Huisartsenpraktijk De Linde (URA 90000382)"


def test_another_organisations_beheerder_does_not_read_where_else_the_card_is_linked(client):
    linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")
    oost = add_organisation(name="Ziekenhuis Oost", ura="90000999", kvk="87654321", actor="t")
    bram_browser, bram = person_with_role(client, Role.MEDEWERKER, linde, "Bram")
    otto, _ = person_with_role(client, Role.BEHEERDER, oost, "Otto")
    software_card(bram, linde)
    grant_role(bram, Role.MEDEWERKER, oost, actor="test")  # Bram works at Oost too
    path = f"/organisatie/{oost.ura}/medewerkers/{bram.id}"

    before_link = otto.get(path).content.decode()
    assert 'data-testid="smartcard-not-linked"' in before_link and LINDE not in before_link
    assert otto.post(path + "/smartcard/koppelen", LINK_WID).status_code == 302
    for page in (otto.get(path), otto.get(path + "/smartcard/intrekken")):
        html = page.content.decode()
        assert page.status_code == 200 and "Ziekenhuis Oost (URA 90000999)" in html
        assert LINDE not in html and "90000382" not in html
    assert LINDE in bram_browser.get("/overzicht").content.decode()  # his own card: all its links
