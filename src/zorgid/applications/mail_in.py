"""Replies by e-mail (R-FLOW-APPLY step 3): the signed document as an attachment to a reply.

``zorgid mail-in`` runs an SMTP service (aiosmtpd) that reads each message, finds its application by the
reference in the subject or text, takes the one XML attachment, and hands it to receive_document.

The sender of a message can be forged, so an answer never goes to the sender: a message without a reference, or
with one that names no application, is logged and dropped unanswered (else anyone could make zorgid mail any
address); for a known reference the answer goes to that application's own technisch beheerder only, and at
most ZORGID_RATE_LIMITS["application-mail-in"] a day. Answers leave through the outbox (zorgid.outbox), in the
transaction that recorded what they tell.
"""

from __future__ import annotations

import asyncio
import email
import logging
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage as ParsedMessage

from django.db import connections, transaction

from zorgid.orgdoc.schema import REFERENCE_PATTERN
from zorgid.outbox.services import enqueue
from zorgid.protocol.errors import ZorgidError
from zorgid.ratelimit.errors import RateLimited
from zorgid.ratelimit.services import limit

from .documents import receive_document
from .errors import ApplicationUnknown
from .services import get

log = logging.getLogger("zorgid.mail_in")
REFERENCE = re.compile(rf"\b{REFERENCE_PATTERN}\b")
MAX_MESSAGE_BYTES = 2 * 1024 * 1024
XML_TYPES = ("application/xml", "text/xml")


@dataclass(frozen=True)
class Outcome:
    subject: str
    text: str


def find_reference(message: ParsedMessage) -> str | None:
    body = message.get_body(preferencelist=("plain", "html"))
    text = (message.get("Subject", "") or "") + "\n" + (body.get_content()[:20000] if body is not None else "")
    found = REFERENCE.search(text)
    return found.group(0) if found else None


def xml_attachments(message: ParsedMessage) -> list[bytes]:
    found = []
    for part in message.iter_attachments():
        name = (part.get_filename() or "").lower()
        if part.get_content_type() in XML_TYPES or name.endswith(".xml"):
            found.append(part.get_payload(decode=True) or b"")
    return found


def process(raw: bytes, sender: str) -> tuple[str, Outcome] | None:
    """Handle one message; returns the address to answer (the application's TB) and the answer, or None."""
    message = email.message_from_bytes(raw, policy=policy.default)
    reference = find_reference(message)
    if reference is None:
        log.info("mail-in: a message without a reference dropped (from %s)", _shown(sender))
        return None
    try:
        application = get(reference)
    except ApplicationUnknown:
        log.info("mail-in: a message for the unknown reference %s dropped (from %s)", reference, _shown(sender))
        return None
    try:
        limit("application-mail-in", application.reference)
    except RateLimited:
        log.info("mail-in: a message for %s dropped: too many today (from %s)", reference, _shown(sender))
        return None
    documents = xml_attachments(message)
    if len(documents) != 1:
        return application.tb_email, Outcome(
            f"ZORG-ID: {reference}: stuur precies één XML-bijlage",
            f"Uw bericht had {len(documents)} XML-bijlagen. Stuur het ondertekende organisatiedocument als "
            "enige bijlage.")
    try:
        application, refusal = receive_document(reference, documents[0], via="e-mail",
                                                actor=f"mail:{_shown(sender)}"[:128])
    except ZorgidError as error:
        refusal = error
    if refusal is not None:  # receive_document has mailed the details as well
        return application.tb_email, Outcome(
            f"ZORG-ID: {reference}: document niet geaccepteerd ({refusal.code})",
            f"Foutcode {refusal.code}\nOorzaak: {refusal.cause_nl}\nOplossing: {refusal.solution_nl}")
    return application.tb_email, Outcome(f"ZORG-ID: {reference}: document ontvangen en geverifieerd",
                                         "Het organisatiedocument is ontvangen en geverifieerd. De servicedesk "
                                         "beoordeelt nu uw aanvraag.")


def answer(raw: bytes, sender: str) -> None:
    """Process and answer one message, in a thread of its own (the ORM is synchronous)."""
    try:
        with transaction.atomic():  # what was recorded and the answer that tells of it, together
            answered = process(raw, sender)
            if answered is not None:
                to, outcome = answered
                enqueue([to], outcome.subject, outcome.text)
    except Exception:  # a bad message must never stop the service
        log.exception("could not handle a message from %s", _shown(sender))
    finally:
        connections.close_all()  # this thread's own connection: the pool's threads may sit idle for long


def _shown(sender: str) -> str:
    """The envelope sender as it may be logged and recorded: printable, bounded."""
    return "".join(ch if ch.isprintable() else "?" for ch in str(sender or ""))[:100]


class ReplyHandler:
    """aiosmtpd handler: accept messages for the configured address, answer each one."""

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        await asyncio.to_thread(answer, envelope.original_content or envelope.content, envelope.mail_from)
        return "250 Bericht ontvangen"
