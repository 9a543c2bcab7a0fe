"""Replays at the authorization endpoint.

- A withdrawn application's redirect_uri still got every refusal as a redirect with the caller's
  ``state``: zorgid's address sent browsers on to an address the register no longer vouches for (a withdrawn
  supplier's domain may have lapsed), an open redirect by a link anyone can make.
- Each request with a client_id that is not registered wrote an audit row (``oidc.authorize.refused``): anyone
  could fill the audit log, which is never purged, contrary to docs/security.md ("anonymous callers cannot fill
  the log").
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client

from tests.integration.oidc.relying_party import register
from zorgid.audit.models import AuditEvent
from zorgid.care_apps.services import withdraw

pytestmark = pytest.mark.django_db


def test_a_withdrawn_application_gets_no_redirect(db):
    rp = register()
    withdraw(rp.client_id, actor="test")
    answer = Client().get("/oidc/authorize?" + urlencode({
        "client_id": rp.client_id, "redirect_uri": rp.redirect_uri, "state": "Uw sessie is verlopen, log opnieuw in"}))
    assert "Location" not in answer, answer["Location"]
    assert answer.status_code in (400, 403)


def test_an_unknown_client_id_writes_no_audit_row(db):
    before = AuditEvent.objects.count()
    for number in range(5):
        answer = Client().get(f"/oidc/authorize?client_id=nobody-{number}&redirect_uri=https://x.example/")
        assert answer.status_code == 400
    assert AuditEvent.objects.count() == before, "an anonymous request wrote an audit row"
