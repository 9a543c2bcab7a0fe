"""Checks of the server's answers that the app acts on (R-SEC-INPUT).

The app signs what the login flow answer says (nonce, origin) and shows who asks; a wrong or missing
field must stop it before the holder is asked to accept anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from zorgid.protocol.errors import MessageMalformed, PayloadMalformed
from zorgid.protocol.messages import KEY_SHARE_BYTES, KEYSHARE_VERSION, MESSAGE_VERSION, b64decode
from zorgid.protocol.payloads import TOKEN, normalise_origin

from .errors import LoginNotPending, ServerAnswerInvalid
from .identity import MobileIdentity, parse_identity, printable


@dataclass(frozen=True)
class LoginFlowInfo:
    flow_id: str
    nonce: str
    origin: str
    requester_name: str
    requester_origin: str
    expires_at: str


def _check_version(answer: dict, version: int = MESSAGE_VERSION) -> None:
    if answer.get("v") != version:
        raise ServerAnswerInvalid(f"answer version {answer.get('v')!r} is not supported")


def parse_share(answer: dict) -> bytes:
    """The server's key share: KEY_SHARE_BYTES, base64url (docs/security.md)."""
    try:
        share = b64decode(answer.get("key_share"), limit=KEY_SHARE_BYTES)  # type: ignore[arg-type]
    except MessageMalformed as exc:
        raise ServerAnswerInvalid("key_share missing or malformed") from exc
    if len(share) != KEY_SHARE_BYTES:
        raise ServerAnswerInvalid(f"key_share must be {KEY_SHARE_BYTES} bytes")
    return share


def parse_unlock(answer: dict) -> tuple[bytes, str]:
    """The answer to the right PIN proof: the share and the one-time token the approval carries."""
    token = answer.get("unlock_token")
    if not isinstance(token, str) or not TOKEN.match(token):
        raise ServerAnswerInvalid("unlock_token missing or malformed")
    return parse_share(answer), token


def _origin(value: object, what: str) -> str:
    try:
        return normalise_origin(value)  # type: ignore[arg-type]
    except PayloadMalformed as exc:
        raise ServerAnswerInvalid(f"{what} is not an origin") from exc


def parse_activation(answer: dict, server: str) -> tuple[MobileIdentity, bytes]:
    """The 201 answer to an activation: the ID, kept under the server the QR code named, and the key share."""
    _check_version(answer, KEYSHARE_VERSION)
    return parse_identity(answer, server, ServerAnswerInvalid), parse_share(answer)


def parse_login_flow(answer: dict, flow_id: str) -> LoginFlowInfo:
    """The login flow as the server describes it; only a pending flow for this id can be approved."""
    _check_version(answer)
    if answer.get("flow") != flow_id:
        raise ServerAnswerInvalid("answer is about another flow")
    if answer.get("state") != "pending":
        raise LoginNotPending(f"flow state {printable(str(answer.get('state')), 40)}")
    nonce, requester = answer.get("nonce"), answer.get("requester")
    if not isinstance(nonce, str) or not TOKEN.match(nonce):
        raise ServerAnswerInvalid("nonce missing or malformed")
    if not isinstance(requester, dict) or not isinstance(requester.get("name"), str):
        raise ServerAnswerInvalid("requester missing")
    name = printable(requester["name"]).strip()
    if not name:
        raise ServerAnswerInvalid("requester has no name")
    expires_at = answer.get("expires_at")
    return LoginFlowInfo(
        flow_id=flow_id,
        nonce=nonce,
        origin=_origin(answer.get("origin"), "origin"),
        requester_name=name,
        requester_origin=_origin(requester.get("origin"), "requester origin"),
        expires_at=printable(expires_at, 40) if isinstance(expires_at, str) else "",
    )
