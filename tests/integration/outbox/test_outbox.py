"""The outbox (zorgid.outbox): mail written in the caller's transaction, sent by the worker with retries.

The mail server here is real SMTP (aiosmtpd), started late or not at all to play an outage.
"""

import datetime as dt

import pytest
from django.db import transaction
from typer.testing import CliRunner

from tests.integration.applications.helpers import FORM
from tests.integration.applications.smtp import Sink
from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.cli import app
from zorgid.outbox import services
from zorgid.outbox.models import MailState, OutgoingMail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def down(settings):
    """An SMTP server that is not there yet: its port is free until the test starts it."""
    sink = Sink()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", sink.port, 5
    yield sink
    if sink.controller._thread is not None:  # started by the test
        sink.controller.stop()


def test_with_the_mail_server_down_the_form_still_answers_and_a_later_pass_delivers(client, down):
    response = client.post("/aanvragen/nieuw", {**FORM, "product": "smartcard"})
    assert response.status_code == 302
    assert OutgoingMail.objects.filter(state=MailState.QUEUED).count() == 2
    first = services.send_due()
    assert (first.sent, first.retried) == (0, 2)
    mail = OutgoingMail.objects.first()
    assert mail.attempts == 1 and "ConnectionRefused" in mail.last_error and mail.state == MailState.QUEUED
    down.controller.start()
    assert services.send_due().sent == 0 and down.messages == []  # not due before its back-off of 1 minute
    clock.move(dt.timedelta(minutes=1, seconds=1))
    assert services.send_due().sent == 2
    assert sorted(m["To"] for m in down.messages) == ["tb@linde.example", "vtw@linde.example"]
    assert services.send_due().sent == 0 and len(down.messages) == 2  # once
    assert all(m.state == MailState.SENT and m.body == "" and m.attachments == [] for m in OutgoingMail.objects.all())


def test_the_back_off_doubles_to_an_hour_and_gives_up_after_two_days(down):
    mail = services.enqueue(["tb@linde.example"], "ZORG-ID: test", "Tekst met een geheime link.")
    delays = []
    while True:
        before = clock.now()
        services.send_due()
        mail.refresh_from_db()
        if mail.state != MailState.QUEUED:
            break
        delays.append(round((mail.next_attempt_at - before).total_seconds() / 60))
        clock.move(mail.next_attempt_at - clock.now())
    assert delays[:8] == [1, 2, 4, 8, 16, 32, 60, 60] and set(delays[6:]) == {60}
    assert mail.state == MailState.FAILED and mail.failed_at - mail.created_at >= services.GIVE_UP_AFTER
    assert mail.attempts == len(delays) + 1 <= services.MAX_ATTEMPTS
    assert mail.body == "" and "ConnectionRefused" in mail.last_error
    event = AuditEvent.objects.get(event="mail.given_up")
    assert event.subject == f"mail:{mail.pk}" and "ConnectionRefused" in event.details


def test_a_rolled_back_change_leaves_no_mail():
    with pytest.raises(RuntimeError), transaction.atomic():
        services.enqueue(["tb@linde.example"], "ZORG-ID: test", "Tekst.")
        raise RuntimeError("the change fails")
    assert OutgoingMail.objects.count() == 0


def test_a_mail_without_an_address_is_refused_when_queued():
    with pytest.raises(ValueError):
        services.enqueue([], "ZORG-ID: test", "Tekst.")
    assert OutgoingMail.objects.count() == 0


def test_a_mail_claimed_by_one_worker_is_not_sent_by_another(down):
    down.controller.start()
    mail = services.enqueue(["tb@linde.example"], "ZORG-ID: test", "Tekst.")
    assert services._claim(mail.pk, mail.next_attempt_at) is not None  # a worker is sending it
    assert services.send_due().sent == 0 and down.messages == []
    clock.move(services.CLAIM + dt.timedelta(seconds=1))  # that worker died: the claim runs out
    assert services.send_due().sent == 1 and len(down.messages) == 1


def test_purge_removes_sent_and_given_up_rows_after_the_retention_only(down):
    down.controller.start()
    services.enqueue(["a@example.org"], "ZORG-ID: oud", "Tekst.")
    services.send_due()
    clock.move(services.RETENTION + dt.timedelta(minutes=1))
    services.enqueue(["b@example.org"], "ZORG-ID: nieuw", "Tekst.")
    services.send_due()
    queued = services.enqueue(["c@example.org"], "ZORG-ID: in de wachtrij", "Tekst.")
    OutgoingMail.objects.filter(pk=queued.pk).update(created_at=clock.now() - 2 * services.RETENTION)
    assert services.purge() == 1
    assert sorted(OutgoingMail.objects.values_list("subject", flat=True)) == [
        "ZORG-ID: in de wachtrij", "ZORG-ID: nieuw"]


def test_zorgid_mail_send_once_runs_one_pass(down):
    down.controller.start()
    services.enqueue(["tb@linde.example"], "ZORG-ID: test", "Tekst.")
    result = CliRunner().invoke(app, ["mail", "send", "--once"], prog_name="zorgid")
    assert result.exit_code == 0 and "1 verstuurd, 0 later opnieuw, 0 opgegeven." in result.output
    assert [m["Subject"] for m in down.messages] == ["ZORG-ID: test"]
