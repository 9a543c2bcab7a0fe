"""Checks of the server's answers that the app acts on (R-SEC-INPUT).

The app signs what the login flow answer says (nonce, origin) and shows who asks; a wrong or missing
field must stop it before the holder is asked to accept anything.
"""

from __future__ import annotations

import datetime as dt
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


MAX_WRONG_TRIES = 10_000
MAX_NEW_CODES = 20


@dataclass(frozen=True)
class NewActivationCode:
    issued_at: dt.datetime
    used: bool  # by another Mobile ID


@dataclass(frozen=True)
class UnlockAnswer:
    """The answer to the right PIN proof: the share, the one-time token the approval carries, and what happened
    to the ID since its last use, for the holder to see (docs/security.md)."""

    share: bytes
    token: str
    wrong_tries_since_last_use: int
    last_use_at: dt.datetime | None
    new_activation_codes: tuple[NewActivationCode, ...]


def parse_unlock(answer: dict) -> UnlockAnswer:
    token = answer.get("unlock_token")
    if not isinstance(token, str) or not TOKEN.match(token):
        raise ServerAnswerInvalid("unlock_token missing or malformed")
    wrong = answer.get("wrong_tries_since_last_use")
    if not isinstance(wrong, int) or isinstance(wrong, bool) or not 0 <= wrong <= MAX_WRONG_TRIES:
        raise ServerAnswerInvalid("wrong_tries_since_last_use missing or malformed")
    last_use = answer.get("last_use_at")
    codes = answer.get("new_activation_codes")
    if not isinstance(codes, list) or len(codes) > MAX_NEW_CODES:
        raise ServerAnswerInvalid("new_activation_codes missing or too long")
    return UnlockAnswer(
        share=parse_share(answer), token=token, wrong_tries_since_last_use=wrong,
        last_use_at=None if last_use is None else _moment(last_use, "last_use_at"),
        new_activation_codes=tuple(_new_code(code) for code in codes),
    )


def _new_code(value: object) -> NewActivationCode:
    if not isinstance(value, dict) or not isinstance(value.get("used"), bool):
        raise ServerAnswerInvalid("new_activation_codes holds a malformed entry")
    return NewActivationCode(_moment(value.get("issued_at"), "issued_at"), value["used"])


def _moment(value: object, what: str) -> dt.datetime:
    """A moment with its time zone, as the server writes it (ISO 8601)."""
    if not isinstance(value, str) or len(value) > 40:
        raise ServerAnswerInvalid(f"{what} is not a time")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise ServerAnswerInvalid(f"{what} is not a time") from exc
    if moment.tzinfo is None:
        raise ServerAnswerInvalid(f"{what} has no time zone")
    return moment


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
