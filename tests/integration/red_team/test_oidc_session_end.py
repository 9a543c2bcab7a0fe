"""Replays of how a person's sessions at healthcare applications end (docs/security.md, "Ending sessions").

- An employee removed from an organisation (he keeps a role elsewhere, so his Mobile ID stays) kept his session at
  an application that he logged in to for that organisation: userinfo still answered ``ura`` of the organisation
  he left, and the application was never told.
- A block at the moment the application exchanges its code: the exchange read the session before the block ended
  it and committed after, so the application got fresh tokens of an ended session and no logout token.
- One application whose back-channel receiver answers slowly held up the logout of every other application: the
  timeout was per read, not per attempt.
"""

from __future__ import annotations

import datetime as dt
import http.server
import threading
import time

import pytest
from django.db import connection
from django.test import Client

from tests.integration.oidc.relying_party import code_of, register
from tests.integration.red_team.test_oidc_support import employee, organisation
from zorgid import clock
from zorgid.administration import employees
from zorgid.oidc import backchannel
from zorgid.oidc.models import AppSession, LogoutDelivery
from zorgid.organisations.models import Role
from zorgid.organisations.roles import add_operator, grant_role


def administrator_of(org, name: str = "Adam"):
    person = add_operator(name, "Admin", clock.parse_date("01-01-1970"), actor="test").person
    person.roles.all().delete()
    grant_role(person, Role.ADMINISTRATOR, org, actor="test")
    return person


def userinfo(access_token: str):
    return Client().get("/oidc/userinfo", HTTP_AUTHORIZATION=f"Bearer {access_token}")


@pytest.mark.django_db
def test_removing_an_employee_from_an_organisation_ends_his_sessions_for_it(client, settings):
    settings.ZORGID_BACKCHANNEL_SEND_AT_ONCE = False
    linde, oost = organisation(), organisation("Ziekenhuis Oost", "90000999")
    person, device = employee(client, linde, oost)
    rp = register(backchannel_logout_uri="https://epd.example.nl/oidc/backchannel")
    at_linde = rp.token(client, code_of(Client(), client, device, rp, ura=linde.ura)).json()["access_token"]
    rp.nonce += "-oost"
    at_oost = rp.token(client, code_of(Client(), client, device, rp, ura=oost.ura)).json()["access_token"]
    assert userinfo(at_linde).json()["ura"] == linde.ura

    employees.delete(linde, person, by=administrator_of(linde))

    session = AppSession.objects.get(organisation=linde)
    assert session.ended_at is not None, "his session for the organisation he left is still open"
    answer = userinfo(at_linde)
    assert answer.status_code == 401, f"userinfo still answers ura {answer.json().get('ura')}"
    assert LogoutDelivery.objects.filter(session=session).exists()
    assert userinfo(at_oost).status_code == 200  # his session for the other organisation goes on


@pytest.mark.django_db(transaction=True)
def test_a_block_during_the_code_exchange_refuses_the_exchange_or_tells_the_application(client, settings):
    if connection.vendor != "postgresql":
        pytest.skip("holds a table lock on PostgreSQL to let the block fall inside the exchange")
    import psycopg

    settings.ZORGID_BACKCHANNEL_SEND_AT_ONCE = False
    linde = organisation()
    person, device = employee(client, linde)
    beheerder = administrator_of(linde, "Beppie")
    rp = register(backchannel_logout_uri="https://epd.example.nl/oidc/backchannel")
    code = code_of(Client(), client, device, rp)
    params = connection.get_connection_params()
    holder = psycopg.connect(**{key: params[key] for key in ("dbname", "user", "host", "port", "password")
                                if key in params})
    holder.execute("LOCK TABLE oidc_accesstoken IN EXCLUSIVE MODE")  # the exchange waits at its access token
    answers = []

    def exchange():
        try:
            answers.append(rp.token(Client(raise_request_exception=False), code))
        finally:
            connection.close()

    thread = threading.Thread(target=exchange)
    thread.start()
    try:
        time.sleep(1.0)  # the exchange has used the code and read the session; it waits at its INSERT
        employees.set_blocked(linde, person, True, by=beheerder)
    finally:
        holder.commit()
        holder.close()
        thread.join(20)
    answer = answers[0]
    told = LogoutDelivery.objects.filter(session__person=person).exists()
    assert answer.status_code != 200 or told, "tokens of a blocked person's ended session, and no logout token"


class SlowReceiver:
    """A back-channel receiver that answers a byte every ``trickle`` seconds (``fast``: at once)."""

    def __init__(self, trickle: float = 0.0) -> None:
        self.told_at: list[float] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.told_at.append(time.monotonic())
                answer = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Pad: " + b"." * 20 + b"\r\n\r\n"
                try:
                    for index in range(len(answer)):
                        self.wfile.write(answer[index:index + 1])
                        self.wfile.flush()
                        time.sleep(trickle)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # zorgid gave up on this slow receiver, as it should

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/backchannel"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.django_db
def test_a_slow_receiver_does_not_hold_up_the_logouts_of_other_applications(client, settings):
    settings.ZORGID_BACKCHANNEL_SEND_AT_ONCE = False
    settings.ZORGID_BACKCHANNEL_TIMEOUT_SECONDS = 0.5
    slow, fast = SlowReceiver(trickle=0.1), SlowReceiver()
    try:
        linde = organisation()
        person, device = employee(client, linde)
        for name, receiver in (("Traag EPD", slow), ("Snel EPD", fast)):
            rp = register(name=name, backchannel_logout_uri=receiver.url)
            assert rp.token(client, code_of(Client(), client, device, rp)).status_code == 200
        employees.set_blocked(linde, person, True, by=administrator_of(linde))
        first = LogoutDelivery.objects.get(session__application__name="Traag EPD")
        LogoutDelivery.objects.filter(pk=first.pk).update(  # the slow one is sent first
            next_attempt_at=first.next_attempt_at - dt.timedelta(seconds=1))
        started = time.monotonic()
        backchannel.send_due()
        assert fast.told_at, "the fast application was never told"
        waited = fast.told_at[0] - started
        assert waited < 2.0, f"the fast application was told after {waited:.1f} s (timeout 0.5 s)"
    finally:
        slow.stop()
        fast.stop()
