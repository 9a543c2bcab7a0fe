"""The application's side of the organisation XML document: zorgid.orgdoc with the application's data.

zorgid.orgdoc is the shared, framework-free library (the validation tool uses it too); this module only
feeds it the application record and turns its answer into what the application keeps.
"""

from __future__ import annotations

import datetime as dt

from zorgid.orgdoc import document, verification
from zorgid.orgdoc.parsing import MAX_DOCUMENT_BYTES
from zorgid.pki.uzi.truststore import TrustStore

from .errors import DocumentEncoding
from .models import Application

__all__ = ["MAX_DOCUMENT_BYTES", "blank", "text_of", "verify_for_application"]


def blank(application: Application) -> bytes:
    return document.build(document.OrganisationDocument(
        reference=application.reference, name=application.organisation_name, ura=application.ura,
        kvk=application.kvk, street=application.street, house_number=application.house_number,
        postcode=application.postcode, city=application.city, tb_name=application.tb_name,
        tb_email=application.tb_email, tb_phone=application.tb_phone,
    ))


def text_of(data: bytes) -> str:
    """The document as text: UTF-8 (as the Validatietool writes it) without NUL, or DocumentEncoding.

    Checked before anything else, so that no UTF-16 or otherwise encoded bytes reach the parser's messages or
    the database (PostgreSQL refuses NUL in text).
    """
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentEncoding(f"not UTF-8 at byte {exc.start}") from None
    if "\x00" in text:
        raise DocumentEncoding(f"NUL at character {text.index(chr(0))}")
    return text


def verify_for_application(data: bytes, application: Application, store: TrustStore, at: dt.datetime,
                           crls) -> dict:
    """Verify (hardened) and match the document; returns who signed it, for the operator's page."""
    verified = verification.verify_document(data, store, at, crls=crls)
    verification.check_matches_application(verified, reference=application.reference, ura=application.ura,
                                           name=application.organisation_name, kvk=application.kvk)
    signer = verified.signer
    return {"common_name": signer.common_name, "ura": signer.ura, "serial_number": signer.serial_number}
