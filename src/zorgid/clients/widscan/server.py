"""The WID scan app's conversation with the zorgid server: claim a link, ask its state, record a check.

The requests are built from, and the answers read with, the protocol's bodies (zorgid.protocol.widscan); the
bounded JSON conversation is zorgid.clients.http, shared with the other client programs.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import ec

from zorgid.protocol.errors import RemoteError
from zorgid.protocol.widscan import (
    WidCheckRecord,
    WidCheckRecordRequest,
    WidCheckRecordResponse,
    WidScanLinkClaim,
    WidScanLinkClaimRequest,
    WidScanLinkDeclineRequest,
    WidScanLinkStateRequest,
    WidScanLinkStateResponse,
    widscan_checks_path,
    widscan_claim_path,
    widscan_decline_path,
    widscan_state_path,
)

from ..app import keycrypt
from ..http import JsonServerClient
from ..terminal import printable
from .app_errors import ServerAnswerInvalid, ServerCertificateUntrusted, ServerUnreachable

MAX_ERROR_TEXT = 1000


class WidScanServerClient(JsonServerClient):
    """A client for one zorgid server, named by its origin (``https://portal.example``)."""

    user_agent = "zorgid-widscan/1"
    unreachable_error = ServerUnreachable
    untrusted_error = ServerCertificateUntrusted
    answer_error = ServerAnswerInvalid

    def _call(self, *args, **kwargs) -> dict:
        try:
            return super()._call(*args, **kwargs)
        except RemoteError as error:  # a code this app does not know: its texts come from the server as they are
            error.remote_text = {name: printable(text, MAX_ERROR_TEXT) for name, text in error.remote_text.items()}
            raise

    def claim(self, message: WidScanLinkClaim, key: ec.EllipticCurvePrivateKey,
              device_name: str = "") -> WidScanLinkStateResponse:
        """Claim the link with its code, the new key and the key's signature; the answer is the link's state (the
        holder's name and the confirmation code)."""
        body = WidScanLinkClaimRequest(code=message.code, public_key=message.public_key, signed_at=message.signed_at,
                                       signature=keycrypt.sign(key, message.canonical_bytes()),
                                       device_name=device_name)
        return self._state(self._call("POST", widscan_claim_path(message.link), body.to_json(), expect=200),
                           message.link)

    def state(self, link: str, code: str) -> WidScanLinkStateResponse:
        """The link's state, asked with its code (never in the address)."""
        answer = self._call("POST", widscan_state_path(link), WidScanLinkStateRequest(code=code).to_json(),
                            expect=200)
        return self._state(answer, link)

    def decline(self, link: str, code: str) -> dict:
        """The user saw another confirmation code: the link ends, and can no longer be approved."""
        return self._call("POST", widscan_decline_path(link), WidScanLinkDeclineRequest(code=code).to_json(),
                          expect=200)

    def record(self, record: WidCheckRecord, key: ec.EllipticCurvePrivateKey) -> WidCheckRecordResponse:
        """Record a check, signed with the linked key."""
        body = WidCheckRecordRequest.of(record, keycrypt.sign(key, record.canonical_bytes()))
        answer = self._call("POST", widscan_checks_path(), body.to_json(), expect=201)
        return WidCheckRecordResponse.from_json(answer, ServerAnswerInvalid)

    @staticmethod
    def _state(answer: dict, link: str) -> WidScanLinkStateResponse:
        state = WidScanLinkStateResponse.from_json(answer, ServerAnswerInvalid)
        if state.link != link:
            raise ServerAnswerInvalid("answer is about another link")
        return state
