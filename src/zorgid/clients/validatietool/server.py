"""The Validatietool's one conversation with the server: upload the signed document (R-FLOW-APPLY step 2).

``PUT /api/v1/applications/<reference>/document`` with the document as ``application/xml``; the server
answers ``200 {"reference": …, "state": …}`` or the error shape of :class:`ZorgidError`, which becomes
the matching error here (a ZID-XML-… refusal of the server is shown as if the tool had found it).
:class:`JsonServerClient` bounds the answer and refuses a redirect or a non-JSON answer.
"""

from __future__ import annotations

from zorgid.orgdoc import is_reference
from zorgid.protocol.bodies import ApplicationDocumentResponse

from ..http import JsonServerClient
from .errors import ServerAnswerInvalid, ServerCertificateUntrusted, ServerUnreachable

XML_CONTENT_TYPE = "application/xml"


def document_path(reference: str) -> str:
    """The upload path of an application's document; the reference is checked, so it cannot leave the path."""
    if not is_reference(reference):
        raise ValueError(f"not a reference: {reference!r}")
    return f"/api/v1/applications/{reference}/document"


class ValidatietoolServerClient(JsonServerClient):
    """A client for one zorgid server, named by its origin (``https://portaal.example``)."""

    user_agent = "zorgid-validatietool/1"
    unreachable_error = ServerUnreachable
    untrusted_error = ServerCertificateUntrusted
    answer_error = ServerAnswerInvalid

    def submit_document(self, reference: str, xml_bytes: bytes) -> dict:
        """PUT the signed document; the server's answer: the reference and the application's new state."""
        answer = self._call("PUT", document_path(reference), None, expect=200, content=bytes(xml_bytes),
                            content_type=XML_CONTENT_TYPE)
        ApplicationDocumentResponse.from_json(answer, ServerAnswerInvalid)
        return answer
