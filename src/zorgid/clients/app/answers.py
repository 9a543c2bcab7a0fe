"""Checks of the server's answers that the app acts on (R-SEC-INPUT).

The shape of each answer (fields, types, bounds, version) is the protocol's (zorgid.protocol.bodies); here the
app adds what only it knows. It signs what the login flow answer says (nonce, origin) and shows who asks; a wrong
or missing field must stop it before the holder is asked to accept anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from zorgid.protocol.bodies import (
    ActivationResponse,
    DataCorrected,
    KeySharePinResponse,
    KeyShareUnlockResponse,
    LoginFlowResponse,
    NewActivationCode,
)
from zorgid.protocol.errors import Detail, PayloadMalformed
from zorgid.protocol.payloads import normalise_origin

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


def parse_share(answer: dict) -> bytes:
    """The server's key share after a new PIN: KEY_SHARE_BYTES, base64url (docs/security.md)."""
    return KeySharePinResponse.from_json(answer, ServerAnswerInvalid).key_share


@dataclass(frozen=True)
class UnlockAnswer:
    """The answer to the right PIN proof: the share, the one-time token the approval carries, and what happened
    to the ID since its last use, for the holder to see (docs/security.md)."""

    share: bytes
    token: str
    wrong_tries_since_last_use: int
    last_use_at: dt.datetime | None
    new_activation_codes: tuple[NewActivationCode, ...]
    data_corrected: DataCorrected | None = None  # told once (clients/app/corrections.py)


def parse_unlock(answer: dict) -> UnlockAnswer:
    body = KeyShareUnlockResponse.from_json(answer, ServerAnswerInvalid)
    return UnlockAnswer(share=body.key_share, token=body.unlock_token,
                        wrong_tries_since_last_use=body.wrong_tries_since_last_use, last_use_at=body.last_use_at,
                        new_activation_codes=body.new_activation_codes, data_corrected=body.data_corrected)


def _origin(value: str, what: str) -> str:
    try:
        return normalise_origin(value)
    except PayloadMalformed as exc:
        raise ServerAnswerInvalid(f"{what} is not an origin") from exc


def parse_activation(answer: dict, server: str) -> tuple[MobileIdentity, bytes]:
    """The 201 answer to an activation: the ID, kept under the server the QR code named, and the key share."""
    body = ActivationResponse.from_json(answer, ServerAnswerInvalid)
    return parse_identity(answer, server, ServerAnswerInvalid), body.key_share


def parse_login_flow(answer: dict, flow_id: str) -> LoginFlowInfo:
    """The login flow as the server describes it; only a pending flow for this id can be approved."""
    flow = LoginFlowResponse.from_json(answer, ServerAnswerInvalid)
    if flow.flow != flow_id:
        raise ServerAnswerInvalid("answer is about another flow")
    if flow.state != "pending":
        state = printable(flow.state, 40)
        raise LoginNotPending(Detail(f"status van de inlogpoging: {state}", f"state of the login attempt: {state}"))
    name = printable(flow.requester.name).strip()
    if not name:
        raise ServerAnswerInvalid("requester has no name")
    return LoginFlowInfo(
        flow_id=flow_id,
        nonce=flow.nonce,
        origin=_origin(flow.origin, "origin"),
        requester_name=name,
        requester_origin=_origin(flow.requester.origin, "requester origin"),
        expires_at=printable(answer["expires_at"], 40),
    )
