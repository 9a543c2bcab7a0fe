"""The organisation XML document of an application (R-FLOW-APPLY steps 2–3).

The blank document goes to the technisch beheerder with the confirmation; the signed one comes back by
upload, API or e-mail reply and is verified (zorgid.orgdoc, hardened) and matched against the application.
A refusal is recorded on the application, shown to the operator and mailed to the technisch beheerder.
"""

from __future__ import annotations

from zorgid import clock
from zorgid.pki.uzi_installation import crl_source, trust_store
from zorgid.protocol.errors import ZorgidError

from . import mail
from . import xml_document as orgdoc
from .errors import DocumentTooLarge
from .models import Application
from .services import S, get, transition

RECEIVABLE = (S.SUBMITTED, S.MORE_INFORMATION_NEEDED)


def blank_document(application: Application) -> bytes:
    return orgdoc.blank(application)


def receive_document(reference: str, data: bytes, *, via: str, actor: str) -> tuple[Application, ZorgidError | None]:
    """Receive, verify and record a signed document; returns the application and the refusal, if any."""
    application = get(reference)
    if len(data) > orgdoc.MAX_DOCUMENT_BYTES:
        raise DocumentTooLarge(f"{len(data)} bytes")
    text = data.decode("utf-8", "replace")
    application = transition(application, RECEIVABLE, S.DOCUMENT_RECEIVED, actor=actor, mail_vtw=False,
                             note=f"via {via}", signed_document=text)
    try:
        signer = orgdoc.verify_for_application(data, application, trust_store(), clock.now(), crl_source())
    except ZorgidError as error:
        application = transition(application, (S.DOCUMENT_RECEIVED,), S.SUBMITTED, actor="system",
                                 note=f"{error.code}: {error.detail or error.cause_nl}", mail_vtw=False,
                                 verification={"ok": False, "code": error.code, "detail": error.detail[:300]})
        mail.document_refused(application, error.code, error.cause_nl, error.solution_nl)
        return application, error
    application = transition(application, (S.DOCUMENT_RECEIVED,), S.DOCUMENT_VERIFIED, actor="system",
                             note=f"ondertekend door {signer['common_name']}", verification={"ok": True, **signer})
    return application, None
