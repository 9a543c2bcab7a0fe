"""Development mail (no ZORGID_SMTP_HOST): the mail backend that keeps each mail as an ``.eml`` file with its
attachments beside it (layout: ``dev_mail_files``), in ``settings.ZORGID_DEV_MAIL_DIR`` ($ZORGID_HOME/mail).

``zorgid mail send`` hands the outbox's mails to this backend as it would to an SMTP server, so the outbox's
rows lose their body as usual (docs/security.md); the files are a developer's copy, readable at ``/dev/mail``
(acceptatie, operators only) and with ``zorgid dev mail``, and removed by ``zorgid purge`` after its days.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

from zorgid import clock
from zorgid.audit.services import record

from . import dev_mail_files
from .dev_mail_files import Body, StoredAttachment, StoredMail
from .errors import DevMailUnknown


def folder() -> Path:
    return Path(settings.ZORGID_DEV_MAIL_DIR)


class DevMailBackend(BaseEmailBackend):
    """Django's mail backend interface: every message becomes ``<stem>.eml`` (and ``<stem>/``) in the folder."""

    def send_messages(self, email_messages) -> int:
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            try:
                dev_mail_files.store(folder(), message.message().as_bytes(), clock.now())
            except Exception:
                if not self.fail_silently:
                    raise
            else:
                sent += 1
        return sent


def stored() -> list[str]:
    """The stems of the stored mails, newest first."""
    return dev_mail_files.stems(folder())


def page_of(stems: list[str]) -> list[StoredMail]:
    """The list's rows for these stems (headers and attachment names only); a mail removed meanwhile is left out."""
    return [mail for mail in (dev_mail_files.read(folder(), stem, headers_only=True) for stem in stems) if mail]


def open_mail(stem: str, *, actor: str, ip: str = "") -> tuple[StoredMail, Body]:
    """A stored mail and its text, for the operator who opens it (an audit event: it may hold an activation QR)."""
    mail = dev_mail_files.read(folder(), stem)
    if mail is None:
        raise DevMailUnknown()
    record("dev_mail.opened", actor=actor, subject=f"dev-mail:{stem}", ip=ip)
    return mail, dev_mail_files.body(mail)


def open_attachment(stem: str, name: str, *, actor: str, ip: str = "") -> StoredAttachment:
    """One attachment of a stored mail, for download (an audit event, naming the file)."""
    found = dev_mail_files.attachment(folder(), stem, name)
    if found is None:
        raise DevMailUnknown()
    record("dev_mail.attachment", actor=actor, subject=f"dev-mail:{stem}", ip=ip, details={"file": name})
    return found


def purge(before: dt.datetime, *, dry_run: bool = False) -> int:
    """Remove (or count) the development mails stored before ``before``; returns how many."""
    return dev_mail_files.remove_before(folder(), before, dry_run=dry_run)


__all__ = ["Body", "DevMailBackend", "StoredAttachment", "StoredMail", "folder", "open_attachment", "open_mail",
           "page_of", "purge", "stored"]
