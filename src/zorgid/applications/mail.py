"""The e-mails of an application (R-FLOW-APPLY, R-ROLE-VTW): Dutch first, English below.

Sent after the transaction that caused them commits, so no mail tells of a change that did not happen.
In development they land as files in ZORGID_HOME/mail (settings.py).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string

from .models import Application


def _send(to: list[str], template: str, context: dict, *, attachments: tuple = (), reply_to: bool = False) -> None:
    subject = render_to_string(f"applications/mail/{template}.subject.txt", context).strip()
    body = render_to_string(f"applications/mail/{template}.txt", context)
    message = EmailMessage(subject=" ".join(subject.split()), body=body, to=to,
                           reply_to=[settings.ZORGID_MAIL_IN_ADDRESS] if reply_to else None)
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    transaction.on_commit(lambda: message.send(fail_silently=False))


def _context(application: Application, **extra) -> dict:
    return {"application": application, "base_url": settings.ZORGID_BASE_URL,
            "environment": settings.ZORGID_ENVIRONMENT, **extra}


def confirmation_to_tb(application: Application, document: bytes | None, status_url: str) -> None:
    """With the organisation XML to sign (Mobiel), or without (Smartcard: validation with the UZI-pas)."""
    attachments = ((f"organisatie-{application.reference}.xml", document, "application/xml"),) if document else ()
    _send([application.tb_email], "confirmation", _context(application, status_url=status_url, document=document),
          attachments=attachments, reply_to=True)


def status_to_vtw(application: Application, note: str, status_url: str = "") -> None:
    _send([application.vtw_email], "status", _context(application, note=note, status_url=status_url))


def document_refused(application: Application, code: str, cause: str, solution: str) -> None:
    _send([application.tb_email], "document_refused",
          _context(application, code=code, cause=cause, solution=solution), reply_to=True)


def more_information(application: Application, question: str) -> None:
    _send([application.tb_email, application.adm_email], "more_information",
          _context(application, question=question), reply_to=True)


def followup_link(application: Application, url: str) -> None:
    _send([application.adm_email], "followup", _context(application, url=url))


def activation(application: Application, url: str, png: bytes, expires: str) -> None:
    _send([application.adm_email], "activation", _context(application, url=url, expires=expires),
          attachments=((f"zorgid-activatie-{application.reference}.png", png, "image/png"),))
