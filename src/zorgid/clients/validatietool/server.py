"""The Validatietool's one conversation with the server: upload the signed document (R-FLOW-APPLY step 2).

``PUT /api/v1/applications/<reference>/document`` with the document as ``application/xml``; the server
answers ``200 {"reference": …, "state": …}`` or the error shape of :class:`ZorgidError`, which becomes
the matching error here (a ZID-XML-… refusal of the server is shown as if the tool had found it).
:class:`JsonServerClient` sends JSON bodies only, so the one XML request is made here with the same
bounds: the answer is read through its bounded reader, and a redirect or a non-JSON answer is refused.
"""

from __future__ import annotations

import json

import httpx

from zorgid.orgdoc import is_reference
from zorgid.protocol.errors import ZorgidError

from ..http import JsonServerClient
from .errors import ServerAnswerInvalid, ServerUnreachable

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
    answer_error = ServerAnswerInvalid

    def submit_document(self, reference: str, xml_bytes: bytes) -> dict:
        """PUT the signed document; the server's answer: the reference and the application's new state."""
        answer = self._send_xml("PUT", document_path(reference), bytes(xml_bytes), expect=200)
        if not isinstance(answer.get("reference"), str) or not isinstance(answer.get("state"), str):
            raise ServerAnswerInvalid("the answer lacks reference or state")
        return answer

    def _send_xml(self, method: str, path: str, content: bytes, *, expect: int) -> dict:
        headers = {"Content-Type": XML_CONTENT_TYPE}
        try:
            with self._http.stream(method, path, content=content, headers=headers) as response:
                raw = self._read_bounded(response)
                status = response.status_code
        except httpx.HTTPError as exc:
            raise ServerUnreachable(f"{method} {self.base_url}{path}: {type(exc).__name__}") from exc
        answer = _json_object(raw)
        if status == expect and answer is not None and "error" not in answer:
            return answer
        if answer is not None and isinstance(answer.get("error"), dict):
            raise ZorgidError.from_dict(answer)
        raise ServerAnswerInvalid(f"{method} {path}: unexpected HTTP status {status}")


def _json_object(raw: bytes) -> dict | None:
    try:
        answer = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        return None
    return answer if isinstance(answer, dict) else None
