"""The app's whole conversation with the zorgid server: its HTTP calls, nothing else.

Every request and the answers the app acts on carry APP_VERSION (3): the key needs the server's share for every
use, and every unlock is signed with the app's device key (docs/security.md). The requests are built from, and
the answers read with, the protocol's bodies (zorgid.protocol.bodies; read in :mod:`.answers`); the server's
own error texts are made safe for the terminal here.

The bounded JSON conversation itself is zorgid.clients.http, shared with the other client programs.
"""

from __future__ import annotations

import time

from cryptography.hazmat.primitives.asymmetric import ec

from zorgid.protocol.bodies import (
    ActivationRequest,
    KeySharePinRequest,
    KeyShareUnlockRequest,
    LoginApprovalRequest,
)
from zorgid.protocol.errors import RemoteError
from zorgid.protocol.messages import (
    ACTIVATIONS_PATH,
    DeviceUnlock,
    LoginApproval,
    PinChange,
    b64encode,
    key_share_pin_path,
    key_share_unlock_path,
    login_approval_path,
    login_flow_path,
)
from zorgid.protocol.widscan import (
    WidScanLinkApproval,
    WidScanLinkApprovalRequest,
    WidScanLinkDeclineRequest,
    WidScanLinkOffer,
    WidScanLinkOfferRequest,
    WidScanLinkOfferResponse,
    WidScanLinkStateRequest,
    WidScanLinkStateResponse,
    widscan_approval_path,
    widscan_decline_path,
    widscan_links_path,
    widscan_state_path,
)

from ..http import JsonServerClient
from . import keycrypt
from .answers import UnlockAnswer, parse_share, parse_unlock
from .errors import ServerAnswerInvalid, ServerCertificateUntrusted, ServerUnreachable
from .identity import printable

MAX_ERROR_TEXT = 1000


class ServerClient(JsonServerClient):
    """A client for one zorgid server, named by its origin (``https://portal.example``)."""

    user_agent = "zorgid-app/3"
    unreachable_error = ServerUnreachable
    untrusted_error = ServerCertificateUntrusted
    answer_error = ServerAnswerInvalid

    def _call(self, *args, **kwargs) -> dict:
        try:
            return super()._call(*args, **kwargs)
        except RemoteError as error:  # a code this app does not know: its texts come from the server as they are
            error.remote_text = {name: printable(text, MAX_ERROR_TEXT) for name, text in error.remote_text.items()}
            raise

    def activate(self, code: str, csr_pem: str, pin_proof: bytes, device_key: bytes, device_name: str = "") -> dict:
        """POST the activation code, CSR, PIN proof, the device key's public key (DER) and this phone's name; the
        server answers 201 with the certificate, the holder and the key share (once)."""
        body = ActivationRequest(code=code, csr=csr_pem, pin_proof=pin_proof, device_key=device_key,
                                 device_name=device_name)
        return self._call("POST", ACTIVATIONS_PATH, body.to_json(), expect=201)

    def unlock(self, mobile_id: str, pin_proof: bytes, device_key: ec.EllipticCurvePrivateKey) -> UnlockAnswer:
        """The key share and a one-time unlock token, for the right PIN proof only (the server counts), signed
        with the device key at this moment in milliseconds (the server takes each moment once)."""
        message = DeviceUnlock(mobile_id, pin_proof, time.time_ns() // 1_000_000)
        body = KeyShareUnlockRequest(pin_proof=pin_proof, signed_at_ms=message.signed_at_ms,
                                     signature=keycrypt.sign(device_key, message.canonical_bytes()))
        return parse_unlock(self._call("POST", key_share_unlock_path(mobile_id), body.to_json(), expect=200))

    def register_pin(self, message: PinChange, signature: bytes, device_name: str = "") -> bytes:
        """After a restore: the proof of the new PIN and the new device key, with the Mobile ID key's signature
        over ``message``, and this phone's name; the answer is the key share."""
        body = KeySharePinRequest(pin_proof=message.pin_proof, signed_at=message.signed_at, signature=signature,
                                  device_key=message.device_key, device_name=device_name)
        return parse_share(self._call("POST", key_share_pin_path(message.mobile_id), body.to_json(), expect=200))

    def login_flow(self, flow_id: str) -> dict:
        """GET the login flow: who asks, the nonce to sign, and the origin to sign for."""
        return self._call("GET", login_flow_path(flow_id), None, expect=200)

    def approve_login(self, message: LoginApproval, signature: bytes, unlock_token: str) -> dict:
        """POST the signed approval ("Accepteren") of a login flow, with the token of this use's unlock."""
        body = LoginApprovalRequest(unlock_token=unlock_token, mobile_id=message.mobile_id,
                                    signed_at=message.signed_at, signature=b64encode(signature))
        return self._call("POST", login_approval_path(message.flow_id), body.to_json(), expect=200)

    # Linking the WID scan app (zorgid.protocol.widscan): offer, the link's state, the holder's answer.

    def offer_widscan_link(self, message: WidScanLinkOffer, signature: bytes,
                           unlock_token: str) -> WidScanLinkOfferResponse:
        """POST the offer signed with the Mobile ID key, with this use's unlock token: a link id and its code."""
        body = WidScanLinkOfferRequest(unlock_token=unlock_token, mobile_id=message.mobile_id,
                                       signed_at=message.signed_at, signature=b64encode(signature))
        answer = self._call("POST", widscan_links_path(), body.to_json(), expect=201)
        return WidScanLinkOfferResponse.from_json(answer, ServerAnswerInvalid)

    def widscan_link_state(self, link: str, code: str) -> WidScanLinkStateResponse:
        """The link's state, asked with its code (never in the address)."""
        answer = self._call("POST", widscan_state_path(link), WidScanLinkStateRequest(code=code).to_json(),
                            expect=200)
        state = WidScanLinkStateResponse.from_json(answer, ServerAnswerInvalid)
        if state.link != link:
            raise ServerAnswerInvalid("answer is about another link")
        return state

    def approve_widscan_link(self, message: WidScanLinkApproval, signature: bytes) -> dict:
        """The holder's "ja" for the WID scan key the message names, signed with the Mobile ID key."""
        body = WidScanLinkApprovalRequest(mobile_id=message.mobile_id, key_digest=message.key_digest,
                                          signed_at=message.signed_at, signature=b64encode(signature))
        return self._call("POST", widscan_approval_path(message.link), body.to_json(), expect=200)

    def decline_widscan_link(self, link: str, code: str) -> dict:
        """The holder's "nee": the link ends, the WID scan app sees ``declined``."""
        return self._call("POST", widscan_decline_path(link), WidScanLinkDeclineRequest(code=code).to_json(),
                          expect=200)
