"""The app's whole conversation with the zorgid server: three HTTP calls, nothing else.

The bounded JSON conversation itself is zorgid.clients.http, shared with the other client programs.
"""

from __future__ import annotations

from zorgid.protocol.messages import (
    ACTIVATIONS_PATH,
    MESSAGE_VERSION,
    login_approval_path,
    login_flow_path,
)

from ..http import JsonServerClient
from .errors import ServerAnswerInvalid, ServerUnreachable


class ServerClient(JsonServerClient):
    """A client for one zorgid server, named by its origin (``https://portal.example``)."""

    user_agent = "zorgid-app/1"
    unreachable_error = ServerUnreachable
    answer_error = ServerAnswerInvalid

    def activate(self, code: str, csr_pem: str) -> dict:
        """POST the activation code and CSR; the server answers 201 with the certificate and holder."""
        body = {"v": MESSAGE_VERSION, "code": code, "csr": csr_pem}
        return self._call("POST", ACTIVATIONS_PATH, body, expect=201)

    def login_flow(self, flow_id: str) -> dict:
        """GET the login flow: who asks, the nonce to sign, and the origin to sign for."""
        return self._call("GET", login_flow_path(flow_id), None, expect=200)

    def approve_login(self, flow_id: str, mobile_id: str, signed_at: int, signature_b64: str) -> dict:
        """POST the signed approval ("Accepteren") of a login flow."""
        body = {
            "v": MESSAGE_VERSION, "mobile_id": mobile_id, "signed_at": signed_at, "signature": signature_b64,
        }
        return self._call("POST", login_approval_path(flow_id), body, expect=200)
