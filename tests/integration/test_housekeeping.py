"""``zorgid purge`` (housekeeping for cron): removes expired flows, sessions, used and expired activation codes,
ended request-limit counters and old outgoing mail after the retention period; keeps everything younger; never
touches the audit log, and records itself in it. Real rows made by the services that make them."""

import datetime as dt
import json

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from typer.testing import CliRunner

from tests.conftest import activate_code
from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.audit.services import verify
from zorgid.cli import app
from zorgid.flows.cards import start_card_flow
from zorgid.flows.models import CardFlow, LoginFlow
from zorgid.flows.services import start_login
from zorgid.housekeeping import purge
from zorgid.identities.models import ActivationCode
from zorgid.organisations.roles import add_operator
from zorgid.outbox import services as outbox
from zorgid.outbox.models import OutgoingMail
from zorgid.ratelimit import services as ratelimit
from zorgid.ratelimit.models import Counter

pytestmark = pytest.mark.django_db
runner = CliRunner()


def flows():
    login = start_login(browser_secret="b" * 32, origin="http://testserver", requester_name="Portaal")
    card = start_card_flow(browser_secret="b" * 32, origin="http://testserver", purpose="self-registration",
                           requester_name="Portaal")
    return login, card


@pytest.fixture
def history(settings, tmp_path):
    """Day 0: flows, a used and an unused activation code, a portal session, a counter, a sent mail.
    Day 20: newer flows and an unused code. The clock then stands at day 41."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    start = clock.now()
    old = flows()
    used = add_operator("Jan", "Oud", clock.parse_date("01-01-1970"), actor="test")
    activate_code(Client(), used.code)
    unused = add_operator("Piet", "Oud", clock.parse_date("01-01-1971"), actor="test")
    session = Session.objects.create(session_key="a" * 32, session_data="", expire_date=start + dt.timedelta(hours=8))
    ratelimit.hit("test:1", 10, dt.timedelta(minutes=1))  # the activation above counted as well
    counters = Counter.objects.count()
    outbox.enqueue(["iemand@example.nl"], "Onderwerp", "Tekst")
    assert outbox.send_due().sent == 1
    clock.move(dt.timedelta(days=20))
    new = flows()
    newer = add_operator("Kees", "Nieuw", clock.parse_date("01-01-1972"), actor="test")
    clock.move(dt.timedelta(days=21))
    fresh = Session.objects.create(session_key="f" * 32, session_data="",
                                   expire_date=clock.now() + dt.timedelta(hours=8))
    return {"old": old, "new": new, "used": used, "unused": unused, "newer": newer, "session": session,
            "fresh": fresh, "counters": counters}


def test_purge_removes_what_expired_before_the_retention_and_keeps_the_rest(history):
    audit_rows = list(AuditEvent.objects.values_list("seq", "hash"))
    result = purge(days=30, actor="cli:test")
    assert result.removed == {"login_flows": 1, "card_flows": 1, "sessions": 1, "activation_codes": 2,
                              "rate_limit_counters": history["counters"], "outgoing_mail": 1, "dev_mail": 0}
    assert list(LoginFlow.objects.values_list("id", flat=True)) == [history["new"][0].id]
    assert list(CardFlow.objects.values_list("id", flat=True)) == [history["new"][1].id]
    assert list(Session.objects.values_list("session_key", flat=True)) == ["f" * 32]
    assert list(ActivationCode.objects.values_list("person_id", flat=True)) == [history["newer"].person.id]
    assert not Counter.objects.exists() and not OutgoingMail.objects.exists()
    event = AuditEvent.objects.order_by("-seq").first()
    assert list(AuditEvent.objects.values_list("seq", "hash"))[:-1] == audit_rows  # the log itself untouched
    assert (event.event, event.actor) == ("housekeeping.purged", "cli:test")
    assert json.loads(event.details) == {"days": 30, "removed": result.removed}
    assert verify(check_anchor=False).ok
    assert purge(days=30, actor="cli:test").total == 0
    assert AuditEvent.objects.filter(event="housekeeping.purged").count() == 1  # nothing removed: no event


def test_a_longer_retention_keeps_more(history):
    assert purge(days=40, actor="t").removed == {"login_flows": 1, "card_flows": 1, "sessions": 1,
                                                 "activation_codes": 1, "rate_limit_counters": history["counters"],
                                                 "outgoing_mail": 1, "dev_mail": 0}
    assert ActivationCode.objects.count() == 2  # the one expired unused on day 10 stays: 31 days ago


def test_the_command_counts_in_a_dry_run_then_removes(history):
    dry = runner.invoke(app, ["purge", "--days", "30", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    total = 6 + history["counters"]
    assert "proef, niets verwijderd" in dry.output and f"Totaal zou weggaan: {total}." in dry.output
    assert "2  activatiecodes, gebruikt of verlopen" in dry.output
    assert LoginFlow.objects.count() == 2 and ActivationCode.objects.count() == 3
    assert Counter.objects.count() == history["counters"]
    assert not AuditEvent.objects.filter(event="housekeeping.purged").exists()
    done = runner.invoke(app, ["purge", "--days", "30"])
    assert done.exit_code == 0 and f"Totaal verwijderd: {total}." in done.output
    assert "1  inlogsessies" in done.output and "1  uitgaande e-mails" in done.output
    assert LoginFlow.objects.count() == 1 and ActivationCode.objects.count() == 1
    assert AuditEvent.objects.filter(event="housekeeping.purged").count() == 1


@pytest.mark.parametrize("days", ["0", "-1", "x"])
def test_the_command_refuses_a_strange_retention(days):
    result = runner.invoke(app, ["purge", "--days", days])
    assert result.exit_code == 2
