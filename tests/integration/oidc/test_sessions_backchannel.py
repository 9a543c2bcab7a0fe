"""Sending back-channel logout tokens (oidc.backchannel.send): every attempt has one total deadline, however
slowly the receiver answers; each application's deliveries go one after another, in order; a slow receiver holds
up only its own application's logouts, also with more applications than are sent to at once (``SENDERS``)."""

from __future__ import annotations

import http.server
import threading
import time
import urllib.parse

import jwt
import pytest

from tests.integration.red_team.test_oidc_support import employee, organisation
from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.care_apps.services import add_application
from zorgid.flows.services import start_login
from zorgid.hashing import token_hash
from zorgid.identities.models import MobileId, new_public_id
from zorgid.oidc import backchannel
from zorgid.oidc.claims import subject
from zorgid.oidc.models import AppSession, AuthorizationCode, DeliveryState, LogoutDelivery

pytestmark = pytest.mark.django_db


class Receiver:
    """An application's back-channel logout URI: waits ``delay`` seconds, then answers 200 a byte every ``trickle``
    seconds. Records the ``sid`` of each logout token it gets, and how many requests it had at once at most."""

    def __init__(self, *, delay: float = 0.0, trickle: float = 0.0) -> None:
        self.sids: list[str] = []
        self.told_at: list[float] = []
        self.busy = self.most_at_once = 0
        lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                with lock:
                    receiver.busy += 1
                    receiver.most_at_once = max(receiver.most_at_once, receiver.busy)
                try:
                    body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                    token = urllib.parse.parse_qs(body)["logout_token"][0]
                    receiver.sids.append(jwt.decode(token, options={"verify_signature": False})["sid"])
                    receiver.told_at.append(time.monotonic())
                    time.sleep(delay)
                    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    step = 1 if trickle else len(answer)
                    for index in range(0, len(answer), step):
                        self.wfile.write(answer[index:index + step])
                        self.wfile.flush()
                        time.sleep(trickle)
                except OSError:  # zorgid gave up on this one and closed the connection
                    pass
                finally:
                    with lock:
                        receiver.busy -= 1

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/backchannel"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers():
    made: list[Receiver] = []

    def make(**options) -> Receiver:
        made.append(Receiver(**options))
        return made[-1]

    yield make
    for receiver in made:
        receiver.close()


@pytest.fixture
def person(client, settings):
    settings.ZORGID_BACKCHANNEL_SEND_AT_ONCE = False
    settings.ZORGID_BACKCHANNEL_TIMEOUT_SECONDS = 0.5
    linde = organisation()
    bram, device = employee(client, linde)
    return bram, MobileId.objects.get(id=device.mobile_id), linde


def app_session(application, person, mobile_id, org) -> AppSession:
    """A login at ``application`` whose code the application exchanged (so it is told of the session's end)."""
    now = clock.now()
    session = AppSession.objects.create(application=application, person=person, mobile_id=mobile_id,
                                        organisation=org, subject=subject(application, person.id), started_at=now)
    flow = start_login(browser_secret="a-browser", origin="http://testserver", requester_name=application.name,
                       application=application)
    AuthorizationCode.objects.create(
        code_hash=token_hash(new_public_id()), flow=flow, application=application, session=session,
        redirect_uri=application.redirect_uris[0], scope="openid", code_challenge="x" * 43, auth_time=now,
        issued_at=now, expires_at=now, used_at=now)
    return session


def listening(name: str, receiver: Receiver):
    return add_application(name=name, supplier="Leverancier B.V.", versions=["1.0"],
                           redirect_uris=["http://127.0.0.1:8765/callback"],
                           tls_subject_dn=f"C=NL,O=Leverancier B.V.,CN={name}.test",
                           backchannel_logout_uri=receiver.url, actor="test")


def ended(person, sessions: list[AppSession]) -> list[str]:
    """End the person's sessions (as a block does); the sids in the order they were made."""
    bram, _, _ = person
    backchannel.end_sessions(bram, None, "blocked")
    return [session.sid for session in sessions]


def test_an_attempt_ends_at_its_deadline_however_slowly_the_receiver_answers(person, receivers):
    trickling = receivers(trickle=0.1)  # its 60-byte answer would take 6 s, each byte well within 0.5 s
    sids = ended(person, [app_session(listening("Traag EPD", trickling), *person)])

    started = time.monotonic()
    result = backchannel.send(sids)
    took = time.monotonic() - started

    assert result == backchannel.Sent(retried=1)
    assert took < 2.0, f"the attempt took {took:.1f} s (deadline 0.5 s)"
    delivery = LogoutDelivery.objects.get()
    assert delivery.state == DeliveryState.PENDING and delivery.attempts == 1
    assert delivery.last_error.startswith("Timeout"), delivery.last_error
    assert AuditEvent.objects.filter(event="oidc.backchannel.failed").count() == 1


def test_each_applications_deliveries_go_one_after_another_in_order(person, receivers):
    receiver = receivers(delay=0.05)
    application = listening("EPD", receiver)
    sids = ended(person, [app_session(application, *person) for _ in range(4)])

    assert backchannel.send(sids) == backchannel.Sent(delivered=4)
    assert receiver.sids == sids
    assert receiver.most_at_once == 1


def test_slow_receivers_hold_up_only_their_own_applications_with_more_applications_than_senders(person, receivers):
    slow = [receivers(delay=3.0) for _ in range(3)]  # no answer within the deadline (one after another: 1.5 s)
    fast = [receivers() for _ in range(backchannel.SENDERS + 2)]
    sessions = [app_session(listening(f"Traag {index}", receiver), *person) for index, receiver in enumerate(slow)]
    sessions += [app_session(listening(f"Snel {index}", receiver), *person) for index, receiver in enumerate(fast)]
    sids = ended(person, sessions)

    started = time.monotonic()
    result = backchannel.send(sids)

    assert result == backchannel.Sent(delivered=len(fast), retried=len(slow))
    assert all(receiver.sids for receiver in fast)
    latest = max(receiver.told_at[0] for receiver in fast) - started
    assert latest < 1.0, f"the last fast application was told after {latest:.1f} s"
    assert set(LogoutDelivery.objects.filter(state=DeliveryState.DELIVERED).values_list(
        "session__application__name", flat=True)) == {f"Snel {index}" for index in range(len(fast))}


def test_a_delivery_another_sender_holds_is_skipped(person, receivers):
    receiver = receivers()
    sids = ended(person, [app_session(listening("EPD", receiver), *person) for _ in range(2)])
    held = backchannel._claim(sids[0])  # another sender has it
    assert held is not None

    assert backchannel.send(sids) == backchannel.Sent(delivered=1)
    assert receiver.sids == sids[1:]
