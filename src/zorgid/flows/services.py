"""The login flow's transitions (R-FLOW-LOGIN). Each is one transaction with its audit event.

start_login → (app) flow_for_app, approve → (browser) browser_status, which completes the login.
A state change is a conditional UPDATE (``WHERE state = …``), so two racing approvals cannot both win.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from zorgid import clock
from zorgid.audit.services import record
from zorgid.identities.keyshare import consume_token
from zorgid.identities.services import usable_mobile_id
from zorgid.pki.signatures import verify_signature
from zorgid.protocol.errors import ZorgidError
from zorgid.protocol.messages import CLOCK_SKEW_SECONDS, LoginApproval, b64decode

from .errors import LoginClockSkew, LoginFlowExpired, LoginFlowNotYours, LoginFlowUnknown, LoginFlowUsed
from .models import LoginFlow, LoginFlowState
from .waiting import FLOW_ID, binding_hash, listening, notify


def start_login(*, browser_secret: str, origin: str, requester_name: str) -> LoginFlow:
    """A new login flow, valid 5 minutes (R-CONST-LOGIN), bound to the browser that asked."""
    now = clock.now()
    return LoginFlow.objects.create(
        browser_binding=binding_hash(browser_secret), origin=origin, requester_name=requester_name,
        issued_at=now, expires_at=now + dt.timedelta(seconds=settings.ZORGID_LOGIN_FLOW_SECONDS),
    )


def _get(flow_id: str) -> LoginFlow:
    if not isinstance(flow_id, str) or len(flow_id) > 64:
        raise LoginFlowUnknown()
    try:
        return LoginFlow.objects.get(id=flow_id)
    except LoginFlow.DoesNotExist as exc:
        raise LoginFlowUnknown() from exc


def flow_for_app(flow_id: str) -> LoginFlow:
    """The flow the app scanned, if it can still be approved."""
    flow = _get(flow_id)
    if flow.state != LoginFlowState.PENDING:
        raise LoginFlowUsed()
    if flow.is_expired(clock.now()):
        raise LoginFlowExpired()
    return flow


def approve(flow_id: str, *, mobile_id: str, signed_at: int, signature_b64: str, unlock_token: str,
            ip: str = "") -> LoginFlow:
    """The app's signed "Accepteren": verify it and approve the flow, at most once.

    It also needs the one-time token of a fresh unlock of the Mobile ID's key share: the server took part
    in this use of the key (docs/security.md).
    """
    try:
        return _approve(flow_id, mobile_id, signed_at, signature_b64, ip, unlock_token)
    except ZorgidError as error:
        record("login.refused", actor=f"mobile_id:{str(mobile_id)[:64]}", subject=f"login_flow:{str(flow_id)[:64]}",
               ip=ip, details={"code": error.code})
        raise


def _approve(flow_id: str, mobile_id: str, signed_at: int, signature_b64: str, ip: str,
             unlock_token: str) -> LoginFlow:
    flow = flow_for_app(flow_id)
    message = LoginApproval(flow.id, flow.nonce, flow.origin, mobile_id, signed_at)
    signature = b64decode(signature_b64)
    now = clock.now()
    if abs(now.timestamp() - signed_at) > CLOCK_SKEW_SECONDS:
        raise LoginClockSkew(f"signed_at differs {int(now.timestamp()) - signed_at} s from the server")
    holder, certificate = usable_mobile_id(mobile_id)
    verify_signature(certificate, signature, message.canonical_bytes())
    with transaction.atomic():
        consume_token(holder, unlock_token)
        won = LoginFlow.objects.filter(id=flow.id, state=LoginFlowState.PENDING, expires_at__gt=now).update(
            state=LoginFlowState.APPROVED, mobile_id=holder, approved_at=now
        )
        if not won:
            raise LoginFlowUsed()
        notify(flow.id)
        record("login.approved", actor=f"person:{holder.person_id}", subject=f"login_flow:{flow.id}", ip=ip,
               details={"mobile_id": holder.id, "origin": flow.origin})  # last: the log's lock is held shortest
    flow.state, flow.mobile_id, flow.approved_at = LoginFlowState.APPROVED, holder, now
    return flow


@dataclass(frozen=True)
class BrowserStatus:
    state: str  # "pending", "expired" or "done"
    mobile_id: str = ""  # the Mobile ID that approved, once done


def browser_status(flow_id: str, *, browser_secret: str, wait_seconds: float = 0.0) -> BrowserStatus:
    """What the waiting portal page sees; an approved flow is completed here, for this browser only.

    With ``wait_seconds`` the call waits for the app's approval (LISTEN/NOTIFY on PostgreSQL, a short
    poll on SQLite; without holding a database connection, see waiting.py), so the page learns of it at
    once without asking many times. An approved flow whose time has passed logs no one in: "expired".
    """
    if not isinstance(flow_id, str) or not FLOW_ID.fullmatch(flow_id):
        raise LoginFlowUnknown()
    with listening(flow_id, enabled=wait_seconds > 0) as waiter:
        flow = _get(flow_id)
        if not browser_secret or flow.browser_binding != binding_hash(browser_secret):
            raise LoginFlowNotYours()
        if flow.state == LoginFlowState.PENDING and wait_seconds > 0:
            remaining = (flow.expires_at - clock.now()).total_seconds()
            deadline = time.monotonic() + max(0.0, min(wait_seconds, remaining))
            waiter.wait(flow, deadline, lambda f: f.state == LoginFlowState.PENDING, _reload)
    if flow.state == LoginFlowState.APPROVED:
        return _complete(flow)
    if flow.state == LoginFlowState.COMPLETED:
        raise LoginFlowUsed()
    return BrowserStatus("expired" if flow.is_expired(clock.now()) else "pending")


def _complete(flow: LoginFlow) -> BrowserStatus:
    """Log the browser in with the approved flow, at most once and only while the flow is valid (5 minutes)."""
    now = clock.now()
    won = LoginFlow.objects.filter(id=flow.id, state=LoginFlowState.APPROVED, expires_at__gt=now).update(
        state=LoginFlowState.COMPLETED, completed_at=now
    )  # one statement: its own transaction
    if won:
        return BrowserStatus("done", flow.mobile_id_id)
    if LoginFlow.objects.filter(id=flow.id, state=LoginFlowState.APPROVED).exists():
        return BrowserStatus("expired")  # approved in time, but the browser came too late: it starts anew
    raise LoginFlowUsed()


def _reload(flow: LoginFlow) -> None:
    try:
        flow.refresh_from_db(fields=["state", "mobile_id"])
    except LoginFlow.DoesNotExist as exc:  # purged while waiting
        raise LoginFlowUnknown() from exc
