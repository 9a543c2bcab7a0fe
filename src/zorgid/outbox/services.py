"""The outbox: mail is written in the caller's transaction and sent by a worker (``zorgid mail send``).

A page or API call never talks to the mail server: ``enqueue`` writes a row in the same transaction as the
change the mail tells of (no mail about a change that was rolled back, no change lost because the mail server
was away, no 500 for the user). ``send_due`` sends the rows that are due over one connection; a failed attempt
is tried again after 1 minute, doubling up to 1 hour; after ``GIVE_UP_AFTER`` (2 days) or ``MAX_ATTEMPTS`` the
mail is given up, which the audit log records. Sent and given-up rows lose their body and attachments at once
(they may hold one-time links and activation QR codes); ``purge`` removes what is left after the retention.

Several workers may run: each mail is claimed with a conditional UPDATE before it is sent. A worker that dies
between sending and recording leaves its claim to expire (``CLAIM``), after which the mail goes out again: at
least once, never lost.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import close_old_connections, transaction

from zorgid import clock
from zorgid.audit.services import record

from .models import MailState, OutgoingMail

log = logging.getLogger("zorgid.outbox")

FIRST_RETRY = dt.timedelta(minutes=1)
MAX_RETRY = dt.timedelta(hours=1)
GIVE_UP_AFTER = dt.timedelta(days=2)
MAX_ATTEMPTS = 60  # 1+2+4+…+32 minutes, then hourly: about 2 days
CLAIM = dt.timedelta(minutes=5)  # how long a pass holds a mail it is sending
BATCH = 100  # mails per pass
RETENTION = dt.timedelta(days=30)  # how long the row of a sent or given-up mail stays (without its body)
WORKER_INTERVAL_SECONDS = 5.0


@dataclass(frozen=True)
class Attachment:
    name: str
    content: bytes
    mimetype: str


def enqueue(to: Sequence[str], subject: str, body: str, *, reply_to: Sequence[str] = (),
            attachments: Iterable[Attachment] = ()) -> OutgoingMail:
    """Queue one mail in the caller's transaction; the worker sends it once that transaction has committed."""
    if not to or not all(isinstance(address, str) and "@" in address for address in to):
        raise ValueError("a mail needs at least one address")
    now = clock.now()
    return OutgoingMail.objects.create(
        to=list(to), reply_to=list(reply_to), subject=" ".join(subject.split())[:255], body=body,
        attachments=[{"name": a.name, "mimetype": a.mimetype, "content": base64.b64encode(a.content).decode("ascii")}
                     for a in attachments],
        created_at=now, next_attempt_at=now)


def retry_delay(attempts: int) -> dt.timedelta:
    """After the n-th failed attempt: 1 minute, doubling, at most 1 hour."""
    return min(FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 16), MAX_RETRY)


@dataclass
class Pass:
    sent: int = 0
    retried: int = 0  # failed this time, tried again later
    given_up: int = 0


def send_due(*, limit: int = BATCH) -> Pass:
    """One pass: send every mail that is due (at most ``limit``), over one connection to the mail server."""
    result = Pass()
    due = list(OutgoingMail.objects.filter(state=MailState.QUEUED, next_attempt_at__lte=clock.now())
               .order_by("next_attempt_at", "pk").values_list("pk", "next_attempt_at")[:limit])
    connection = None
    try:
        for pk, planned in due:
            mail = _claim(pk, planned)
            if mail is None:
                continue  # another worker has it
            try:
                if connection is None:
                    connection = get_connection(fail_silently=False)
                    connection.open()
                if connection.send_messages([_message(mail, connection)]) != 1:
                    raise RuntimeError("the mail backend sent nothing")
            except Exception as exc:  # noqa: BLE001 (every failure of the mail server is a failed attempt)
                _close(connection)
                connection = None  # open a new one for the next mail
                if _attempt_failed(mail, exc):
                    result.given_up += 1
                else:
                    result.retried += 1
            else:
                _sent(mail)
                result.sent += 1
    finally:
        _close(connection)
    return result


def purge(retention: dt.timedelta = RETENTION) -> int:
    """Remove the rows of mails sent or given up longer than ``retention`` ago; returns how many."""
    before = clock.now() - retention
    sent = OutgoingMail.objects.filter(state=MailState.SENT, sent_at__lt=before).delete()[0]
    failed = OutgoingMail.objects.filter(state=MailState.FAILED, failed_at__lt=before).delete()[0]
    return sent + failed


def run(*, interval: float = WORKER_INTERVAL_SECONDS, stop: threading.Event | None = None) -> None:
    """The worker: a pass every ``interval`` seconds until ``stop`` is set. A failed pass is logged, never fatal."""
    stop = stop or threading.Event()
    while not stop.is_set():
        try:
            done = send_due()
            if done.sent or done.retried or done.given_up:
                log.info("outbox: %d sent, %d to retry, %d given up", done.sent, done.retried, done.given_up)
        except Exception:  # the database away for a moment: try again next pass
            log.exception("outbox pass failed")
        finally:
            close_old_connections()
        stop.wait(interval)


def _claim(pk: int, planned: dt.datetime) -> OutgoingMail | None:
    won = OutgoingMail.objects.filter(pk=pk, state=MailState.QUEUED, next_attempt_at=planned).update(
        next_attempt_at=clock.now() + CLAIM)
    return OutgoingMail.objects.get(pk=pk) if won else None


def _message(mail: OutgoingMail, connection) -> EmailMessage:
    message = EmailMessage(subject=mail.subject, body=mail.body, to=mail.to, reply_to=mail.reply_to or None,
                           connection=connection)
    for attachment in mail.attachments:
        message.attach(attachment["name"], base64.b64decode(attachment["content"]), attachment["mimetype"])
    return message


def _sent(mail: OutgoingMail) -> None:
    OutgoingMail.objects.filter(pk=mail.pk).update(state=MailState.SENT, sent_at=clock.now(),
                                                   attempts=mail.attempts + 1, body="", attachments=[],
                                                   last_error="")


def _attempt_failed(mail: OutgoingMail, exc: BaseException) -> bool:
    """Record a failed attempt; True when the mail is given up."""
    now, attempts, error = clock.now(), mail.attempts + 1, describe(exc)
    if attempts < MAX_ATTEMPTS and now - mail.created_at < GIVE_UP_AFTER:
        OutgoingMail.objects.filter(pk=mail.pk).update(attempts=attempts, last_error=error,
                                                       next_attempt_at=now + retry_delay(attempts))
        log.warning("mail %s not sent (attempt %d): %s", mail.pk, attempts, error)
        return False
    with transaction.atomic():
        OutgoingMail.objects.filter(pk=mail.pk).update(state=MailState.FAILED, failed_at=now, attempts=attempts,
                                                       last_error=error, body="", attachments=[])
        record("mail.given_up", actor="outbox", subject=f"mail:{mail.pk}",
               details={"attempts": attempts, "error": error, "subject": mail.subject[:120]})
    log.error("mail %s given up after %d attempts: %s", mail.pk, attempts, error)
    return True


def describe(exc: BaseException) -> str:
    """The failure as the operator may read it: kind and message, no password, no control characters."""
    text = f"{type(exc).__name__}: {exc}"
    password = getattr(settings, "EMAIL_HOST_PASSWORD", "")
    if password:
        text = text.replace(password, "***")
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))[:300]


def _close(connection) -> None:
    if connection is None:
        return
    try:
        connection.close()
    except Exception:  # noqa: BLE001 (closing a broken connection)
        log.debug("closing the mail connection failed", exc_info=True)
