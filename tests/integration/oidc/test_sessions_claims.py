"""The UZI claims of a login come from the Mobile ID he logged in with (oidc.claims): UZI attributes are linked
to one Mobile ID, so those of another ID of his (a revoked one, or a second phone) are never claimed."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import activate_code
from tests.integration.oidc.relying_party import code_of, register
from tests.integration.red_team.test_oidc_support import employee, organisation
from zorgid import clock
from zorgid.identities.models import MobileId, MobileIdStatus, UziRegistration
from zorgid.identities.services import issue_activation_code

pytestmark = pytest.mark.django_db


def link_uzi(device, ura: str, role: str = "01.015") -> None:
    UziRegistration.objects.create(mobile_id=MobileId.objects.get(id=device.mobile_id), uzi_number="900016528",
                                   card_type="Z", ura=ura, role=role, agb="00000000", common_name="Bram Bakker",
                                   organisation_name="x", certificate_serial="1", registered_at=clock.now())


def claims_of_login(client, device, rp) -> tuple[dict, dict]:
    """The ID token's claims and userinfo's answer of a whole login with ``device``."""
    rp.nonce = f"{rp.nonce[:16]}-{device.mobile_id[:8]}"
    tokens = rp.token(client, code_of(Client(), client, device, rp)).json()
    info = Client().get("/oidc/userinfo", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").json()
    return rp.verify_id_token(client, tokens["id_token"]), info


def test_only_the_uzi_attributes_of_the_mobile_id_he_logged_in_with_are_claimed(client):
    linde = organisation()
    person, with_card = employee(client, linde)
    second_phone = activate_code(client, issue_activation_code(person, actor="test").code)
    assert set(person.mobile_ids.values_list("status", flat=True)) == {MobileIdStatus.ACTIVE}  # both in use
    link_uzi(with_card, linde.ura)
    rp = register()

    claims, info = claims_of_login(client, second_phone, rp)
    for answer in (claims, info):
        assert "uzi_id" not in answer and "loa_uzi" not in answer, answer
        assert answer["relations"] == [{"ura": linde.ura, "entity_name": linde.name, "roles": [],
                                        "zorgid_roles": ["medewerker"]}]

    claims, info = claims_of_login(client, with_card, rp)
    for answer in (claims, info):
        assert answer["uzi_id"] == "900016528" and answer["loa_uzi"] == "http://eidas.europa.eu/LoA/high"
        assert answer["relations"][0]["roles"] == ["01.015"]
