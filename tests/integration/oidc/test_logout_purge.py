"""The provider's part of ``zorgid purge`` (oidc.purge): expired codes, access tokens and client-assertion jtis, and
sessions at applications that ended longer ago than the retention, with their logout deliveries."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from tests.integration.oidc.test_backchannel_logout import register_application
from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.cli import app as cli
from zorgid.flows.services import start_login
from zorgid.hashing import token_hash
from zorgid.oidc import purge as oidc_purge
from zorgid.oidc.claims import subject
from zorgid.oidc.models import AccessToken, AppSession, AuthorizationCode, DeliveryState, LogoutDelivery, UsedAssertion
from zorgid.organisations.roles import add_operator

pytestmark = pytest.mark.django_db(transaction=True)
AGO = {"minutes": lambda n: clock.now() - dt.timedelta(minutes=n), "days": lambda n: clock.now() - dt.timedelta(days=n)}


@pytest.fixture
def history():
    application = register_application("epd", "http://127.0.0.1:9/logout")
    person = add_operator("Bram", "Bakker", clock.parse_date("01-06-1990"), actor="t").person

    def session(started_days: int, ended_days: int | None, delivery: str | None = None) -> AppSession:
        made = AppSession.objects.create(
            application=application, person=person, subject=subject(application, person.id),
            started_at=AGO["days"](started_days), ended_at=AGO["days"](ended_days) if ended_days is not None else None,
            end_reason="blocked" if ended_days is not None else "")
        if delivery:
            LogoutDelivery.objects.create(session=made, state=delivery, next_attempt_at=made.ended_at)
        return made

    old = session(40, 31, DeliveryState.DELIVERED)  # goes, with its delivery
    session(35, 29, DeliveryState.FAILED)  # stays: ended within the retention
    current = session(60, None)  # stays: not ended

    def code(expired_minutes: float) -> None:
        flow = start_login(browser_secret="b", origin="http://testserver", requester_name="epd")
        expires = clock.now() - dt.timedelta(minutes=expired_minutes)
        AuthorizationCode.objects.create(
            code_hash=token_hash(flow.id), flow=flow, application=application, session=current,
            redirect_uri="http://127.0.0.1:8765/callback", scope="openid", code_challenge="c" * 43,
            auth_time=expires, issued_at=expires - dt.timedelta(seconds=60), expires_at=expires)

    code(11)  # goes: expired longer ago than the margin
    code(5)  # stays: a second use must still be recognised while its tokens live
    code(-1)  # stays: valid
    for name, expired_minutes in (("gone", 1), ("valid", -4)):
        AccessToken.objects.create(token_hash=token_hash(name), session=current, scope="openid",
                                   issued_at=AGO["minutes"](expired_minutes + 5),
                                   expires_at=AGO["minutes"](expired_minutes))
        UsedAssertion.objects.create(key_hash=token_hash(name), expires_at=AGO["minutes"](expired_minutes))
    return old


WANTED = {"authorization_codes": 1, "access_tokens": 1, "client_assertions": 1, "app_sessions": 1,
          "logout_deliveries": 1}


def test_purge_removes_what_expired_or_ended_before_the_retention(history):
    dry = oidc_purge.purge(days=30, dry_run=True, actor="cli:test")
    assert dry.removed == WANTED
    assert AppSession.objects.count() == 3 and not AuditEvent.objects.filter(event="oidc.purged").exists()

    done = oidc_purge.purge(days=30, actor="cli:test")

    assert done.removed == WANTED and done.total == 5
    assert not AppSession.objects.filter(sid=history.sid).exists()
    assert (AppSession.objects.count(), LogoutDelivery.objects.count(), AuthorizationCode.objects.count(),
            AccessToken.objects.count(), UsedAssertion.objects.count()) == (2, 1, 2, 1, 1)
    event = AuditEvent.objects.get(event="oidc.purged")
    assert event.actor == "cli:test" and '"app_sessions":1' in event.details
    assert oidc_purge.purge(days=30, actor="cli:test").total == 0
    assert AuditEvent.objects.filter(event="oidc.purged").count() == 1  # nothing removed: no event


def test_a_longer_retention_keeps_the_ended_sessions(history):
    assert oidc_purge.purge(days=40, actor="t").removed == {**WANTED, "app_sessions": 0, "logout_deliveries": 0}


def test_zorgid_purge_counts_and_removes_the_providers_kinds_too(history):
    runner = CliRunner()
    dry = runner.invoke(cli, ["purge", "--days", "30", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "1  sessies bij zorgapplicaties, beëindigd (app_sessions)" in dry.output
    assert "1  autorisatiecodes van zorgapplicaties, verlopen" in dry.output
    assert AppSession.objects.count() == 3
    done = runner.invoke(cli, ["purge", "--days", "30"])
    assert done.exit_code == 0, done.output
    assert "Totaal verwijderd: 5." in done.output  # nothing of the portal's own expired: only the provider's five
    assert AppSession.objects.count() == 2
