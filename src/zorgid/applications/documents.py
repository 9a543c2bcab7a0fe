"""The organisation XML document of an application (R-FLOW-APPLY steps 2–3).

The blank document goes to the technisch beheerder with the confirmation; the signed one comes back by
upload, API or e-mail reply and is verified (zorgid.orgdoc, hardened) and matched against the application.
Nothing of a document is stored before it has been verified (decoded as UTF-8 without NUL, parsed, signature,
signer and content checked): a refused one leaves only its refusal (code and cause) on the application, shown to
the operator and mailed to the technisch beheerder; an accepted one is kept as its verified UTF-8 text.
"""

from __future__ import annotations

from django.db import transaction

from zorgid import clock
from zorgid.pki.uzi_installation import crl_source, trust_store
from zorgid.protocol.errors import ZorgidError
from zorgid.ratelimit.services import limit

from . import mail
from . import xml_document as orgdoc
from .errors import ApplicationStateWrong, DocumentTooLarge
from .models import Application
from .services import S, get, transition

RECEIVABLE = (S.SUBMITTED, S.MORE_INFORMATION_NEEDED)


def blank_document(application: Application) -> bytes:
    return orgdoc.blank(application)


def receive_document(reference: str, data: bytes, *, via: str, actor: str) -> tuple[Application, ZorgidError | None]:
    """Verify, then record a signed document; returns the application and the refusal, if any."""
    application = get(reference)
    limit("application-reference", application.reference)  # each refusal mails the TB: a bounded number a day
    if application.state not in RECEIVABLE:
        raise ApplicationStateWrong(f"{application.reference} is {application.state}, not one of {RECEIVABLE}")
    if len(data) > orgdoc.MAX_DOCUMENT_BYTES:
        raise DocumentTooLarge(f"{len(data)} bytes")
    try:
        text = orgdoc.text_of(data)
        signer = orgdoc.verify_for_application(data, application, trust_store(), clock.now(), crl_source())
    except ZorgidError as error:
        return _refused(application, error, via=via, actor=actor), error
    with transaction.atomic():
        application = transition(application, (application.state,), S.DOCUMENT_RECEIVED, actor=actor,
                                 mail_vtw=False, note=f"via {via}", signed_document=text)
        application = transition(application, (S.DOCUMENT_RECEIVED,), S.DOCUMENT_VERIFIED, actor="system",
                                 note=f"ondertekend door {signer['common_name']}", verification={"ok": True, **signer})
    return application, None


def _refused(application: Application, error: ZorgidError, *, via: str, actor: str) -> Application:
    """The refusal on the application's history, and mailed to the TB; the document itself is not kept."""
    with transaction.atomic():
        application = transition(application, (application.state,), S.DOCUMENT_RECEIVED, actor=actor,
                                 mail_vtw=False, note=f"via {via}")
        detail = "".join(ch for ch in error.detail if ch.isprintable())[:300]  # parser messages may quote it
        application = transition(application, (S.DOCUMENT_RECEIVED,), S.SUBMITTED, actor="system",
                                 note=f"{error.code}: {detail or error.cause_nl}", mail_vtw=False,
                                 verification={"ok": False, "code": error.code, "detail": detail})
        mail.document_refused(application, error.code, error.cause_nl, error.solution_nl)
    return application
