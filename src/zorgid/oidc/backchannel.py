"""Back-channel logout (OpenID Connect Back-Channel Logout 1.0; docs/koppelen.md §6 "Uitloggen").

When a person's sessions end other than by the application's own logout (a beheerder or administrator blocks
him, his Mobile ID is revoked, he is removed from an organisation), the identities domain sends
``identities.signals.sessions_ended`` inside the transaction that ends them. :func:`on_sessions_ended` receives it
and, in that same transaction, ends his ``AppSession`` rows (all of them, those of the revoked Mobile ID, or those
for the organisation he left; userinfo then refuses their access tokens), records ``oidc.sessions.ended`` and
writes a ``LogoutDelivery`` for each ended session whose application has a ``backchannel_logout_uri``.

Delivery: after the commit, in a background thread (``ZORGID_BACKCHANNEL_SEND_AT_ONCE``), and by
``zorgid oidc logouts send`` (cron) for whatever is still due. Each attempt POSTs ``logout_token=<JWT>``
(application/x-www-form-urlencoded; no redirects followed) and gets ``ZORGID_BACKCHANNEL_TIMEOUT_SECONDS`` in all,
however slowly the receiver answers; a 200 or 204 is delivered. Each application's deliveries go one after
another, up to ``SENDERS`` applications at once: a slow receiver holds up only its own application's logouts.
A failed attempt is tried again after 1, 5, 30 and 120 minutes; the fifth failure gives up.
Every outcome is audited (``oidc.backchannel.delivered``, ``oidc.backchannel.failed`` with ``gave_up``). Each
delivery is claimed with a conditional UPDATE before it is sent, so the thread and cron never send it twice at
once; a sender that dies mid-way leaves its claim to expire (``CLAIM``).

The logout token is signed with the installation's ID-token key (``keys.sign_jwt``, ``typ`` ``logout+jwt``):
``iss``, ``aud`` (the client_id), ``iat``, ``exp`` (2 minutes), ``jti``, ``sub`` (the pairwise subject the
application knows him by), ``sid`` and ``events``; never a ``nonce``. It is made anew for every attempt.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import secrets
import ssl
import threading
import unicodedata
from collections import deque
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from zorgid import clock
from zorgid.audit.services import record
from zorgid.identities.models import MobileId, Person, Smartcard
from zorgid.organisations.models import Organisation

from . import discovery, keys
from .models import AppSession, AuthorizationCode, DeliveryState, LogoutDelivery

log = logging.getLogger("zorgid.oidc")

LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
TOKEN_LIFETIME = dt.timedelta(minutes=2)
RETRY_AFTER = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2))
MAX_ATTEMPTS = len(RETRY_AFTER) + 1  # 5
CLAIM = dt.timedelta(minutes=2)  # how long a sender holds a delivery it is sending (well above the timeout)
BATCH = 100
SENDERS = 8  # applications sent to at once (each one's deliveries one after another)
DELIVERED_STATUSES = (200, 204)


# -- ending the sessions (inside the identities domain's transaction) -------------------------------------------


def end_sessions(person: Person, mobile_id: MobileId | None, reason: str, *,
                 organisation: Organisation | None = None, smartcard: Smartcard | None = None) -> list[AppSession]:
    """End the person's open sessions at applications (those of ``mobile_id`` only, when given; those made with
    ``smartcard`` only, when given; those for ``organisation`` only, when given) and queue a logout token for each
    whose application listens. Joins the caller's transaction; returns the ended sessions."""
    now = clock.now()
    with transaction.atomic():
        open_sessions = AppSession.objects.select_for_update(of=("self",)).filter(person=person,
                                                                                 ended_at__isnull=True)
        if mobile_id is not None:
            open_sessions = open_sessions.filter(mobile_id=mobile_id)
        if smartcard is not None:
            open_sessions = open_sessions.filter(smartcard=smartcard)
        if organisation is not None:
            open_sessions = open_sessions.filter(organisation=organisation)
        ended = list(open_sessions.select_related("application").order_by("started_at", "sid"))
        if not ended:
            return []
        AppSession.objects.filter(sid__in=[s.sid for s in ended], ended_at__isnull=True).update(
            ended_at=now, end_reason=reason[:32])
        # only where the application got its tokens: a session whose code was never exchanged it does not know
        exchanged = set(AuthorizationCode.objects.filter(session__in=ended, used_at__isnull=False)
                        .values_list("session_id", flat=True))
        deliveries = [LogoutDelivery(session=s, next_attempt_at=now) for s in ended
                      if s.application.backchannel_logout_uri and s.sid in exchanged]
        LogoutDelivery.objects.bulk_create(deliveries)
        record("oidc.sessions.ended", actor="zorgid", subject=f"person:{person.id}",
               details={"reason": reason, "mobile_id": mobile_id.id if mobile_id else None,
                        "smartcard": smartcard.card_number if smartcard else None,
                        "ura": organisation.ura if organisation else None,
                        "count": len(ended),
                        "sessions": [{"sid": s.sid, "client_id": s.application_id} for s in ended[:100]],
                        "logout_tokens": len(deliveries)})
        if deliveries and settings.ZORGID_BACKCHANNEL_SEND_AT_ONCE:
            sids = [d.session_id for d in deliveries]
            transaction.on_commit(lambda: send_in_background(sids))
    return ended


def on_sessions_ended(sender, *, person: Person, mobile_id: MobileId | None = None, reason: str = "",
                      organisation: Organisation | None = None, smartcard: Smartcard | None = None, **kwargs):
    """The receiver of ``identities.signals.sessions_ended`` (connected in ``OidcConfig.ready``)."""
    end_sessions(person, mobile_id, reason or "ended", organisation=organisation, smartcard=smartcard)


# -- the logout token ---------------------------------------------------------------------------------------------


def logout_token(session: AppSession, now: dt.datetime | None = None) -> str:
    """The signed logout token for ``session`` (OpenID Connect Back-Channel Logout 1.0 §2.4)."""
    now = now or clock.now()
    issued = int(now.timestamp())
    claims = {
        "iss": discovery.issuer(settings.ZORGID_BASE_URL),  # no request here: the base URL
        "aud": session.application_id,
        "iat": issued,
        "exp": issued + int(TOKEN_LIFETIME.total_seconds()),
        "jti": secrets.token_urlsafe(16),
        "sub": session.subject,
        "sid": session.sid,
        "events": {LOGOUT_EVENT: {}},
    }
    return keys.sign_jwt(claims, typ="logout+jwt")


# -- sending ------------------------------------------------------------------------------------------------------


@dataclass
class Sent:
    """What one pass did."""

    delivered: int = 0
    retried: int = 0  # failed this time, tried again later
    failed: int = 0  # failed for the last time: given up

    def add(self, outcome: str | None) -> None:
        if outcome is not None:
            setattr(self, outcome, getattr(self, outcome) + 1)


def send_due(*, limit: int = BATCH) -> Sent:
    """One pass (cron: ``zorgid oidc logouts send``): every delivery that is due, at most ``limit``."""
    due = (LogoutDelivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=clock.now())
           .order_by("next_attempt_at", "pk").values_list("session_id", flat=True)[:limit])
    return send(list(due))


def send(session_ids: Iterable[str]) -> Sent:
    """Attempt the deliveries of these sessions that are due now (those another sender holds are skipped).

    Each application's deliveries are sent one after another, in the given order; up to ``SENDERS``
    applications at once, so that a slow receiver holds up only its own application's logouts. The database
    work (claim, outcome, audit) stays in the calling thread; the workers only POST, each attempt within one
    total deadline (``ZORGID_BACKCHANNEL_TIMEOUT_SECONDS``: connecting, sending and the whole answer).
    """
    result = Sent()
    queues = _by_application(list(session_ids))
    waiting = deque(queues)  # applications not started yet
    seconds = float(settings.ZORGID_BACKCHANNEL_TIMEOUT_SECONDS)
    with ThreadPoolExecutor(max_workers=SENDERS, thread_name_prefix="zorgid-backchannel") as pool:
        running: dict[Future, tuple[str, LogoutDelivery]] = {}

        def start(client_id: str) -> bool:
            """Send the application's next delivery that is ours to send; False when it has none left."""
            queue = queues[client_id]
            while queue:
                delivery = _claim(queue.popleft())
                if delivery is None:
                    continue
                try:
                    token = logout_token(delivery.session)
                except Exception as exc:  # noqa: BLE001 (a signing failure is a failed attempt, never a crash)
                    log.exception("back-channel logout to %s failed", client_id)
                    result.add(_failed(delivery, _describe(exc)))
                    continue
                uri = delivery.session.application.backchannel_logout_uri
                running[pool.submit(_post, uri, token, seconds)] = (client_id, delivery)
                return True
            return False

        def start_waiting() -> None:
            while waiting and len(running) < SENDERS:
                start(waiting.popleft())

        start_waiting()
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                client_id, delivery = running.pop(future)
                error = future.result()
                result.add(_delivered(delivery) if not error else _failed(delivery, error))
                if not start(client_id):
                    start_waiting()
    return result


def _by_application(session_ids: list[str]) -> dict[str, deque[str]]:
    """The sessions' ids by the client_id of their application, each in the given order."""
    application_of: dict[str, str] = {}
    for index in range(0, len(session_ids), BATCH):
        application_of.update(LogoutDelivery.objects.filter(session_id__in=session_ids[index:index + BATCH])
                              .values_list("session_id", "session__application_id"))
    queues: dict[str, deque[str]] = {}
    for session_id in dict.fromkeys(session_ids):
        if session_id in application_of:
            queues.setdefault(application_of[session_id], deque()).append(session_id)
    return queues


def _post(uri: str, token: str, seconds: float) -> str:
    """POST the logout token to ``uri`` within ``seconds`` in all; "" when delivered, else what went wrong.

    httpx's own timeouts hold for each read or write apart, so a receiver that answers a byte at a time would
    keep the attempt going far longer: the whole request runs under one deadline in an event loop of its own
    (this worker thread's), which breaks it off at the deadline.
    """
    loop = asyncio.new_event_loop()
    try:
        answer = loop.run_until_complete(asyncio.wait_for(_post_async(uri, token, seconds), seconds))
        return "" if answer.status_code in DELIVERED_STATUSES else f"HTTP {answer.status_code}"
    except TimeoutError:
        return f"Timeout: no answer within {seconds:g} s"
    except httpx.HTTPError as exc:
        return _describe(exc)
    except Exception as exc:  # noqa: BLE001 (a bad URI is a failed attempt too, never a crash)
        log.exception("back-channel logout to %s failed", uri[:200])
        return _describe(exc)
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()  # does not wait for a name lookup still running in the loop's executor


async def _post_async(uri: str, token: str, seconds: float) -> httpx.Response:
    async with httpx.AsyncClient(timeout=seconds, follow_redirects=False, verify=_tls()) as http:
        return await http.post(uri, data={"logout_token": token},
                               headers={"Accept": "application/json, text/plain, */*"})


@functools.cache
def _tls() -> ssl.SSLContext:
    """The TLS context of every attempt (made once: loading the CA bundle costs more than a logout)."""
    return httpx.create_ssl_context()


def send_in_background(session_ids: list[str]) -> threading.Thread:
    """Send at once, beside the request that ended the sessions (which does not wait for it)."""
    thread = threading.Thread(target=_send_quietly, args=(session_ids,), name="zorgid-backchannel-logout",
                              daemon=True)
    thread.start()
    return thread


def _send_quietly(session_ids: list[str]) -> None:
    try:
        send(session_ids)
    except Exception:  # the database away for a moment: cron sends what is still due
        log.exception("back-channel logout: sending at once failed; 'zorgid oidc logouts send' tries again")
    finally:
        connections.close_all()  # this thread's own connections: it ends here


def _claim(session_id: str) -> LogoutDelivery | None:
    """Take the delivery if it is pending and due, for ``CLAIM``; None if it is not (or another sender has it)."""
    now = clock.now()
    found = LogoutDelivery.objects.filter(session_id=session_id, state=DeliveryState.PENDING,
                                          next_attempt_at__lte=now).values_list("next_attempt_at", flat=True).first()
    if found is None:
        return None
    won = LogoutDelivery.objects.filter(session_id=session_id, state=DeliveryState.PENDING,
                                        next_attempt_at=found).update(next_attempt_at=now + CLAIM)
    if not won:
        return None
    return LogoutDelivery.objects.select_related("session__application").get(session_id=session_id)


def _delivered(delivery: LogoutDelivery) -> str:
    now, attempts = clock.now(), delivery.attempts + 1
    with transaction.atomic():
        LogoutDelivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.DELIVERED, delivered_at=now,
                                                             attempts=attempts, last_error="")
        record("oidc.backchannel.delivered", actor="zorgid", subject=f"sid:{delivery.session_id}",
               details=_details(delivery, attempts))
    return "delivered"


def _failed(delivery: LogoutDelivery, error: str) -> str:
    now, attempts = clock.now(), delivery.attempts + 1
    gave_up = attempts >= MAX_ATTEMPTS
    changes = {"attempts": attempts, "last_error": error[:200]}
    if gave_up:
        changes["state"] = DeliveryState.FAILED
    else:
        changes["next_attempt_at"] = now + RETRY_AFTER[attempts - 1]
    with transaction.atomic():
        LogoutDelivery.objects.filter(pk=delivery.pk).update(**changes)
        record("oidc.backchannel.failed", actor="zorgid", subject=f"sid:{delivery.session_id}",
               details={**_details(delivery, attempts), "error": error[:200], "gave_up": gave_up})
    log.warning("back-channel logout of session %s to %s failed (attempt %d%s): %s", delivery.session_id,
                delivery.session.application_id, attempts, ", given up" if gave_up else "", error)
    return "failed" if gave_up else "retried"


def _details(delivery: LogoutDelivery, attempts: int) -> dict:
    session = delivery.session
    return {"client_id": session.application_id, "person": session.person_id, "attempt": attempts,
            "reason": session.end_reason}


def _describe(exc: BaseException) -> str:
    """The failure as the operator may read it: its kind and message, without control characters."""
    text = f"{type(exc).__name__}: {exc}"
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))[:200]


def listed(*, include_delivered: bool = False, limit: int = 200) -> list[tuple[str, ...]]:
    """The deliveries as ``zorgid oidc logouts list`` shows them, newest first: session, application, state,
    attempts, next attempt (or delivered at), last error. Without ``include_delivered``: pending and given up."""
    rows = LogoutDelivery.objects.select_related("session__application").order_by("-session__ended_at", "-pk")
    if not include_delivered:
        rows = rows.exclude(state=DeliveryState.DELIVERED)
    shown = []
    for delivery in rows[:limit]:
        session = delivery.session
        moment = delivery.delivered_at if delivery.state == DeliveryState.DELIVERED else (
            delivery.next_attempt_at if delivery.state == DeliveryState.PENDING else None)
        shown.append((session.sid, f"{session.application.name} ({session.application_id})",
                      DeliveryState(delivery.state).label, f"pogingen {delivery.attempts}",
                      _when(moment), delivery.last_error or "-"))
    return shown


def _when(moment: dt.datetime | None) -> str:
    if moment is None:
        return "-"
    local = timezone.localtime(moment)
    return f"{clock.format_date(local.date())} {local:%H:%M}"
