"""The e-mails of an application (R-FLOW-APPLY, R-ROLE-VTW): Dutch first, English below.

Written to the outbox (zorgid.outbox) in the transaction that caused them, so no mail tells of a change that did
not happen and none is lost when the mail server is away; ``zorgid mail send`` sends them. In development they
land as files in ZORGID_HOME/mail (settings.py).

What a mail may quote (docs/security.md): the public application form lets anyone name any address, so the mails
that an unauthenticated person can cause (confirmation, status, document refused) quote nothing that person
typed: no names, no organisation name; only the reference, the URA, the state, links and fixed texts. The victim
of a forged application gets an official text and nothing else. Mails that follow an operator's decision
(more information, follow-up form, activation) may quote what the operator has seen.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from zorgid.outbox.services import Attachment, enqueue

from .models import Application


def _send(to: list[str], template: str, context: dict, *, attachments: tuple = (), reply_to: bool = False) -> None:
    subject = render_to_string(f"applications/mail/{template}.subject.txt", context).strip()
    body = render_to_string(f"applications/mail/{template}.txt", context)
    enqueue(to, subject, body, reply_to=[settings.ZORGID_MAIL_IN_ADDRESS] if reply_to else (),
            attachments=[Attachment(*attachment) for attachment in attachments])


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
