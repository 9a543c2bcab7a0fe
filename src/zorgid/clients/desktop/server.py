"""The Desktop App's whole conversation with the zorgid server: read the card flow, send the card's answer (or the
holder's Nee), and (purpose ``smartcard``) send a new ZORG-ID Smartcard's keys for its certificates.

The bounded JSON conversation itself is zorgid.clients.http, shared with the other client programs.
"""

from __future__ import annotations

from zorgid.protocol.bodies import CardAnswerRequest, CardDeclineRequest, SmartcardKey, SmartcardKeysRequest
from zorgid.protocol.messages import card_decline_path, card_flow_path, card_response_path, smartcard_keys_path

from ..http import JsonServerClient
from .errors import ServerAnswerInvalid, ServerCertificateUntrusted, ServerUnreachable


class DesktopServerClient(JsonServerClient):
    """A client for one zorgid server, named by its origin (``https://portal.example``)."""

    user_agent = "zorgid-desktop/1"
    unreachable_error = ServerUnreachable
    untrusted_error = ServerCertificateUntrusted
    answer_error = ServerAnswerInvalid

    def card_flow(self, flow_id: str) -> dict:
        """GET the card flow: the challenge, the purpose, who asks, and the origin to sign for."""
        return self._call("GET", card_flow_path(flow_id), None, expect=200)

    def send_card_response(self, flow_id: str, certificate_pem: str, signed_at: int, signature_b64: str) -> dict:
        """POST the card's signature over the CardResponse with its authentication certificate."""
        body = CardAnswerRequest(certificate=certificate_pem, signed_at=signed_at, signature=signature_b64)
        return self._call("POST", card_response_path(flow_id), body.to_json(), expect=200)

    def decline(self, flow_id: str, challenge: str) -> dict:
        """POST the holder's Nee with the session's challenge: the session ends and the browser's page says so."""
        body = CardDeclineRequest(challenge=challenge)
        return self._call("POST", card_decline_path(flow_id), body.to_json(), expect=200)

    def send_smartcard_keys(self, flow_id: str, keys: tuple[SmartcardKey, ...], answer_digest: bytes) -> dict:
        """POST the new card's public keys with their proofs of possession and the digest of this Desktop App's
        answer (only it knows it); the answer holds the certificates (SmartcardKeysResponse, 201)."""
        body = SmartcardKeysRequest(keys=tuple(keys), answer_digest=answer_digest)
        return self._call("POST", smartcard_keys_path(flow_id), body.to_json(), expect=201)
