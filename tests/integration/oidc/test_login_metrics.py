"""A login at a healthcare application in /metrics (zorgid.metrics): the login flow counted as kind "application",
the code exchange as issued, a second exchange of the same code as refused with its ZID code."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.integration.metrics_text import samples, value
from tests.integration.oidc.relying_party import code_of, register
from zorgid.identities.models import MobileId
from zorgid.organisations.models import Role
from zorgid.organisations.roles import grant_role

pytestmark = pytest.mark.django_db


def _counted(client: Client) -> dict[str, float]:
    found = samples(client.get("/metrics").content.decode())
    figures = {outcome: value(found, "zorgid_logins_total", kind="application", outcome=outcome, code="")
               for outcome in ("started", "approved", "done")}
    figures["issued"] = value(found, "zorgid_application_tokens_total", outcome="issued", code="")
    figures["refused"] = value(found, "zorgid_application_tokens_total", outcome="refused", code="ZID-OIDC-CODE-USED")
    figures["approval_seconds"] = value(found, "zorgid_login_flow_seconds_count", kind="application", step="approval")
    return figures


def test_a_login_at_an_application_and_its_code_exchanges_are_counted(client, device, linde):
    grant_role(MobileId.objects.get(id=device.mobile_id).person, Role.MEDEWERKER, linde, actor="test")
    rp = register()
    before = _counted(client)
    code = code_of(Client(), client, device, rp, ura=linde.ura)
    assert rp.token(client, code).status_code == 200
    assert rp.token(client, code).status_code == 400  # the same code again
    after = _counted(client)
    assert {name: after[name] - before[name] for name in after} == {
        "started": 1, "approved": 1, "done": 1, "issued": 1, "refused": 1, "approval_seconds": 1}
