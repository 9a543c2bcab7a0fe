"""The login flow's transitions (R-FLOW-LOGIN). Each is one transaction with its audit event.

start_login → (app) flow_for_app, approve → (browser) login_status, which completes the login.
A state change is a conditional UPDATE (``WHERE state = …``), so two racing approvals cannot both win.
"""

from __future__ import annotations

from django.db import transaction

from zorgid import clock, metrics
from zorgid.audit.services import record
from zorgid.identities.keyshare import consume_token
from zorgid.identities.models import MobileId
from zorgid.identities.services import usable_mobile_id
from zorgid.pki.signatures import verify_signature
from zorgid.protocol.clock_skew import check_signed_at
from zorgid.protocol.errors import ZorgidError
from zorgid.protocol.messages import LoginApproval, b64decode

from .errors import LoginClockSkew, LoginFlowReplaced, LoginFlowUsed
from .models import LoginFlow, LoginFlowState
from .signals import login_completed
from .status import BrowserAnswer, browser_answer


def start_login(*, browser_secret: str, origin: str, requester_name: str, application=None,
                authorization: dict | None = None) -> LoginFlow:
    """A new login flow, valid 5 minutes (R-CONST-LOGIN), bound to the browser that asked.

    For a login at a healthcare application (zorgid.oidc) ``application`` is the CareApplication that asks (its name
    is the ``requester_name`` the app shows) and ``authorization`` its checked authorization request.
    """
    flow = LoginFlow.begin(browser_secret=browser_secret, origin=origin, requester_name=requester_name,
                           application=application, authorization=authorization or {})
    metrics.logins.labels("portal" if application is None else "application", "started", "").inc()
    return flow


def flow_for_app(flow_id: str) -> LoginFlow:
    """The flow the app scanned, if it can still be approved."""
    return LoginFlow.find(flow_id).check_answerable(clock.now())


def approve(flow_id: str, *, mobile_id: str, signed_at: int, signature_b64: str, unlock_token: str,
            ip: str = "") -> LoginFlow:
    """The app's signed "Accepteren": verify it and approve the flow, at most once.

    It also needs the one-time token of a fresh unlock of the Mobile ID's key share: the server took part
    in this use of the key (docs/security.md).
    """
    found: LoginFlow | None = None
    try:
        found = LoginFlow.find(flow_id)  # as flow_for_app, but known to the refusal's count
        flow = _approve(found.check_answerable(clock.now()), mobile_id, signed_at, signature_b64, ip, unlock_token)
    except ZorgidError as error:
        metrics.logins.labels(_kind(found) if found else "unknown", "refused", error.code).inc()
        record("login.refused", actor=f"mobile_id:{str(mobile_id)[:64]}", subject=f"login_flow:{str(flow_id)[:64]}",
               ip=ip, details={"code": error.code})
        raise
    metrics.logins.labels(_kind(flow), "approved", "").inc()
    metrics.login_flow_seconds.labels(_kind(flow), "approval").observe(_seconds_since_start(flow, flow.approved_at))
    return flow


def _kind(flow: LoginFlow) -> str:
    """A login at the portal or at a healthcare application (zorgid.metrics)."""
    return "portal" if flow.application_id is None else "application"


def _seconds_since_start(flow: LoginFlow, at) -> float:
    return max(0.0, (at - flow.issued_at).total_seconds())


def _approve(flow: LoginFlow, mobile_id: str, signed_at: int, signature_b64: str, ip: str,
             unlock_token: str) -> LoginFlow:
    message = LoginApproval(flow.id, flow.nonce, flow.origin, mobile_id, signed_at)
    signature = b64decode(signature_b64)
    now = clock.now()
    check_signed_at(signed_at, now, LoginClockSkew)
    holder, certificate = usable_mobile_id(mobile_id)
    verify_signature(certificate, signature, message.canonical_bytes())
    with transaction.atomic():
        consume_token(holder, unlock_token)
        if not flow.move(LoginFlowState.PENDING, LoginFlowState.APPROVED, now, notify=True, latest=True,
                         mobile_id=holder, approved_at=now):
            raise LoginFlowReplaced() if flow.replaced_now() else LoginFlowUsed()
        record("login.approved", actor=f"person:{holder.person_id}", subject=f"login_flow:{flow.id}", ip=ip,
               details={"mobile_id": holder.id, "origin": flow.origin})  # last: the log's lock is held shortest
    flow.state, flow.mobile_id, flow.approved_at = LoginFlowState.APPROVED, holder, now
    return flow


def login_status(flow_id: str, *, browser_secret: str, client: str, wait: bool,
                 for_application: bool = False) -> BrowserAnswer:
    """What the waiting page sees (status.browser_answer); an approved flow is completed here.

    "done" (with ``flow.mobile_id_id``, whom the view logs in) for this browser only and at most once; an
    approved flow whose time has passed logs no one in: "expired". The portal's page completes only a login at
    the portal, the provider's page (``for_application``) only a login at a healthcare application: an approval
    in the app for one never logs the browser in to the other. Only a portal login sends ``login_completed``
    (the administrator's first login completes the organisation's application; a login at an EHR does not).
    """
    return browser_answer(LoginFlow, flow_id, browser_secret=browser_secret, client=client, wait=wait,
                          answered=lambda flow: _complete(flow, for_application))


def _complete(flow: LoginFlow, for_application: bool) -> dict[str, object]:
    """Log the browser in with the approved flow, at most once and only while the flow is valid (5 minutes)."""
    if (flow.application_id is not None) != for_application:
        raise LoginFlow.Unknown()
    if flow.state == LoginFlowState.APPROVED:
        now = clock.now()
        with transaction.atomic():
            if flow.move(LoginFlowState.APPROVED, LoginFlowState.COMPLETED, now, completed_at=now):
                if not for_application:  # a login at a healthcare application is no login at the portal
                    login_completed.send(sender=LoginFlow, person_id=_person_of(flow.mobile_id_id))
                metrics.logins.labels(_kind(flow), "done", "").inc()
                metrics.login_flow_seconds.labels(_kind(flow), "done").observe(_seconds_since_start(flow, now))
                return {"state": "done"}
        if LoginFlow.objects.filter(id=flow.id, state=LoginFlowState.APPROVED).exists():
            metrics.logins.labels(_kind(flow), "expired", "").inc()
            return {"state": "expired"}  # approved in time, but the browser came too late: it starts anew
    raise LoginFlowUsed()


def _person_of(mobile_id: str) -> str:
    return MobileId.objects.filter(id=mobile_id).values_list("person_id", flat=True).get()
