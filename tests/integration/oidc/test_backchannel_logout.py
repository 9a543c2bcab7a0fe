"""Back-channel logout (OpenID Connect Back-Channel Logout 1.0; docs/koppelen.md "Uitloggen"): a block or a revoke
ends the person's sessions at applications, and each application that listens receives a logout token.

The application's receiver is a real HTTP server in a thread; it verifies every logout token with PyJWT (a library
that knows nothing of zorgid) against the provider's published keys at /oidc/jwks of the live server.
"""

from __future__ import annotations

import datetime as dt
import http.server
import socket
import threading
import urllib.parse
from dataclasses import dataclass, field

import jwt
import pytest
from django.db import connection
from django.test import Client
from typer.testing import CliRunner

from tests.conftest import activate_code, wait_until
from tests.integration.administration.test_administration import person_with_role
from tests.integration.oidc.test_mtls_token import employee  # noqa: F401 (fixture)
from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.care_apps.services import add_application
from zorgid.cli import app as cli
from zorgid.flows.services import start_login
from zorgid.hashing import token_hash
from zorgid.identities.models import MobileId, Person, new_public_id
from zorgid.identities.services import issue_activation_code
from zorgid.oidc import backchannel
from zorgid.oidc.claims import subject
from zorgid.oidc.models import AppSession, AuthorizationCode, DeliveryState, LogoutDelivery
from zorgid.organisations.models import Role
from zorgid.organisations.roles import add_operator, grant_role
from zorgid.organisations.services import add_organisation

pytestmark = pytest.mark.django_db(transaction=True)
LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"


@dataclass
class Receiver:
    """An application's backchannel_logout_uri: answers ``answers`` in turn (then the last one again), and
    verifies each logout token it gets with PyJWT against ``jwks_url`` for ``issuer`` and ``audience``."""

    jwks_url: str = ""
    issuer: str = ""
    audience: str = ""
    answers: list[int] = field(default_factory=lambda: [200])
    received: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                try:
                    receiver.received.append(receiver.check(self.headers.get("Content-Type", ""), body))
                except Exception as exc:  # the test sees it: a token the application would refuse
                    receiver.received.append({"error": repr(exc)})
                status = receiver.answers[min(len(receiver.received) - 1, len(receiver.answers) - 1)]
                self.send_response(status)
                if status in (301, 302, 303, 307):
                    self.send_header("Location", receiver.url + "/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def check(self, content_type: str, body: str) -> dict:
        form = urllib.parse.parse_qs(body)
        token = form["logout_token"][0]
        header = jwt.get_unverified_header(token)
        signing_key = jwt.PyJWKClient(self.jwks_url).get_signing_key_from_jwt(token)
        moved = abs((clock.now() - dt.datetime.now(dt.UTC)).total_seconds())  # tests move zorgid's clock
        claims = jwt.decode(token, signing_key.key, algorithms=["RS256"], audience=self.audience, leeway=moved + 5,
                            issuer=self.issuer, options={"require": ["iss", "aud", "iat", "exp", "jti"]})
        return {"content_type": content_type, "fields": sorted(form), "header": header, "claims": claims}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    """A port nothing listens on (an unreachable receiver)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class World:
    linde: object
    beheerder: Client
    bram: Person
    ids: list[MobileId]
    epd: object  # listens: has a backchannel_logout_uri
    agenda: object  # does not listen
    receiver: Receiver
    sessions: dict[str, AppSession]


def app_session(application, person: Person, mobile_id: MobileId, organisation, *,
                exchanged: bool = True) -> AppSession:
    """A person logged in at an application, as the provider leaves it after a login (oidc.models): with the
    login's code, which the application exchanged for its tokens (``exchanged``) or not."""
    now = clock.now()
    session = AppSession.objects.create(application=application, person=person, mobile_id=mobile_id,
                                        organisation=organisation, subject=subject(application, person.id),
                                        started_at=now)
    flow = start_login(browser_secret="a-browser", origin="http://testserver", requester_name=application.name,
                       application=application)
    AuthorizationCode.objects.create(
        code_hash=token_hash(new_public_id()), flow=flow, application=application, session=session,
        redirect_uri=application.redirect_uris[0], scope="openid", code_challenge="x" * 43, auth_time=now,
        issued_at=now, expires_at=now, used_at=now if exchanged else None)
    return session


def register_application(name: str, backchannel_logout_uri: str = "", **options):
    return add_application(name=name, supplier="Leverancier B.V.", versions=["1.0"],
                           redirect_uris=["http://127.0.0.1:8765/callback"],
                           tls_subject_dn=options.pop("tls_subject_dn", f"C=NL,O=Leverancier B.V.,CN={name}.test"),
                           backchannel_logout_uri=backchannel_logout_uri, actor="test", **options)


@pytest.fixture
def world(client, live_server, settings):
    settings.ZORGID_OIDC_ISSUER = live_server.url
    linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")
    beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    issued = add_operator("Bram", "Bakker", clock.parse_date("01-06-1990"), actor="t")
    bram = issued.person
    bram.roles.all().delete()
    grant_role(bram, Role.MEDEWERKER, linde, actor="t")
    first = activate_code(client, issued.code)
    second = activate_code(client, issue_activation_code(bram, actor="t").code)
    ids = [MobileId.objects.get(id=first.mobile_id), MobileId.objects.get(id=second.mobile_id)]
    receiver = Receiver(jwks_url=live_server.url + "/oidc/jwks", issuer=live_server.url)
    epd = register_application("epd", receiver.url + "/oidc/backchannel-logout")
    receiver.audience = epd.client_id
    agenda = register_application("agenda")
    sessions = {"epd-1": app_session(epd, bram, ids[0], linde), "epd-2": app_session(epd, bram, ids[1], linde),
                "agenda-1": app_session(agenda, bram, ids[0], linde)}
    yield World(linde, beheerder, bram, ids, epd, agenda, receiver, sessions)
    receiver.close()


def _fresh(session: AppSession) -> AppSession:
    return AppSession.objects.get(sid=session.sid)


def test_blocking_a_person_logs_him_out_at_every_application_and_tells_those_that_listen(world):
    other = add_operator("Otto", "Ander", clock.parse_date("02-02-1970"), actor="t").person
    others = app_session(world.epd, other, None, world.linde)

    response = world.beheerder.post(f"/organisatie/{world.linde.ura}/medewerkers/{world.bram.id}/block",
                                    {"confirm": "ja"})

    assert response.status_code == 302
    wait_until(lambda: len(world.receiver.received) == 2)
    for name in ("epd-1", "epd-2", "agenda-1"):
        ended = _fresh(world.sessions[name])
        assert ended.ended_at is not None and ended.end_reason == "blocked"
    assert _fresh(others).ended_at is None
    by_sid = {item["claims"]["sid"]: item for item in world.receiver.received}
    assert set(by_sid) == {world.sessions["epd-1"].sid, world.sessions["epd-2"].sid}
    for sid, item in by_sid.items():
        claims = item["claims"]
        assert item["content_type"] == "application/x-www-form-urlencoded"
        assert item["fields"] == ["logout_token"]
        assert item["header"]["typ"] == "logout+jwt" and item["header"]["alg"] == "RS256"
        assert claims["sub"] == subject(world.epd, world.bram.id)
        assert claims["events"] == {LOGOUT_EVENT: {}}
        assert "nonce" not in claims
        assert claims["exp"] - claims["iat"] == 120
    assert len({item["claims"]["jti"] for item in world.receiver.received}) == 2
    wait_until(lambda: LogoutDelivery.objects.filter(state=DeliveryState.DELIVERED).count() == 2)
    assert not LogoutDelivery.objects.filter(session__application=world.agenda).exists()
    events = list(AuditEvent.objects.values_list("event", flat=True))
    assert events.count("oidc.sessions.ended") == 1
    wait_until(lambda: AuditEvent.objects.filter(event="oidc.backchannel.delivered").count() == 2)


def test_a_session_whose_code_was_never_exchanged_ends_without_a_logout_token(world):
    """The application never got tokens for it, so it has no session to end: it is not told."""
    unexchanged = app_session(world.epd, world.bram, None, world.linde, exchanged=False)
    for name in ("epd-1", "epd-2"):
        AuthorizationCode.objects.filter(session=world.sessions[name]).delete()
    assert world.beheerder.post(f"/organisatie/{world.linde.ura}/medewerkers/{world.bram.id}/block",
                                {"confirm": "ja"}).status_code == 302
    assert _fresh(unexchanged).end_reason == "blocked"
    assert not LogoutDelivery.objects.exists()


def test_revoking_one_mobile_id_ends_only_that_ids_sessions(world):
    revoked = world.ids[1]
    response = world.beheerder.post(f"/organisatie/{world.linde.ura}/medewerkers/{world.bram.id}/revoke",
                                    {"mobile_id": revoked.id, "confirm": "ja"})

    assert response.status_code == 302
    wait_until(lambda: len(world.receiver.received) == 1)
    assert world.receiver.received[0]["claims"]["sid"] == world.sessions["epd-2"].sid
    assert _fresh(world.sessions["epd-2"]).end_reason == "revoked"
    assert _fresh(world.sessions["epd-1"]).ended_at is None
    assert _fresh(world.sessions["agenda-1"]).ended_at is None


def test_unblocking_and_a_second_block_end_nothing_twice(world):
    url = f"/organisatie/{world.linde.ura}/medewerkers/{world.bram.id}"
    world.beheerder.post(url + "/block", {"confirm": "ja"})
    wait_until(lambda: len(world.receiver.received) == 2)
    world.beheerder.post(url + "/unblock")
    world.beheerder.post(url + "/block", {"confirm": "ja"})
    assert LogoutDelivery.objects.count() == 2
    assert AuditEvent.objects.filter(event="oidc.sessions.ended").count() == 1


def _block_without_sending(world, settings) -> None:
    settings.ZORGID_BACKCHANNEL_SEND_AT_ONCE = False
    response = world.beheerder.post(f"/organisatie/{world.linde.ura}/medewerkers/{world.bram.id}/block",
                                    {"confirm": "ja"})
    assert response.status_code == 302
    assert LogoutDelivery.objects.filter(state=DeliveryState.PENDING).count() == 2


def test_an_unreachable_receiver_is_retried_with_backoff_then_given_up(world, settings):
    world.epd.backchannel_logout_uri = f"http://127.0.0.1:{free_port()}/logout"
    world.epd.save()
    _block_without_sending(world, settings)

    waits = [dt.timedelta(0), *backchannel.RETRY_AFTER]
    for attempt, wait in enumerate(waits, start=1):
        clock.move(wait - dt.timedelta(seconds=1))
        if attempt > 1:
            assert backchannel.send_due().retried == 0  # not due yet: nothing is tried
        clock.move(dt.timedelta(seconds=1))
        result = backchannel.send_due()
        if attempt < backchannel.MAX_ATTEMPTS:
            assert (result.retried, result.failed) == (2, 0)
        else:
            assert (result.retried, result.failed) == (0, 2)
        assert set(LogoutDelivery.objects.values_list("attempts", flat=True)) == {attempt}

    assert set(LogoutDelivery.objects.values_list("state", flat=True)) == {DeliveryState.FAILED}
    assert all(error.startswith("ConnectError") for error in LogoutDelivery.objects.values_list("last_error",
                                                                                                flat=True))
    failures = AuditEvent.objects.filter(event="oidc.backchannel.failed")
    assert failures.count() == 2 * backchannel.MAX_ATTEMPTS
    assert sum('"gave_up":true' in row.details for row in failures) == 2
    clock.move(dt.timedelta(days=1))
    assert backchannel.send_due() == backchannel.Sent()  # given up is given up


def test_an_error_answer_and_a_redirect_are_failures_and_no_redirect_is_followed(world, settings):
    world.receiver.answers = [500, 302, 204]
    _block_without_sending(world, settings)

    assert backchannel.send_due().retried == 2  # 500, then 302 (not followed)
    assert len(world.receiver.received) == 2
    assert sorted(LogoutDelivery.objects.values_list("last_error", flat=True)) == ["HTTP 302", "HTTP 500"]
    clock.move(backchannel.RETRY_AFTER[0])
    assert backchannel.send_due().delivered == 2  # 204 is delivered too
    assert len(world.receiver.received) == 4
    assert all("claims" in item for item in world.receiver.received), world.receiver.received


def test_the_command_line_sends_what_is_due_and_lists_what_is_not_delivered(world, settings):
    world.receiver.answers = [200, 503]
    _block_without_sending(world, settings)
    runner = CliRunner()

    listed = runner.invoke(cli, ["oidc", "logouts", "list"])
    assert listed.exit_code == 0, listed.output
    assert listed.output.count("Nog te bezorgen") == 2
    sent = runner.invoke(cli, ["oidc", "logouts", "send"])
    assert sent.exit_code == 0, sent.output
    assert "1 bezorgd, 1 later opnieuw, 0 opgegeven" in sent.output
    listed = runner.invoke(cli, ["oidc", "logouts", "list"])
    assert listed.output.count("Nog te bezorgen") == 1 and "HTTP 503" in listed.output
    assert runner.invoke(cli, ["oidc", "logouts", "list", "--all"]).output.count("Bezorgd") == 1


def test_a_delivery_is_sent_once_when_two_senders_race(world, settings):
    _block_without_sending(world, settings)
    sids = list(LogoutDelivery.objects.values_list("session_id", flat=True))
    results = []

    def sender():
        try:
            results.append(backchannel.send(sids))
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(result.delivered for result in results) == 2
    assert len(world.receiver.received) == 2
    assert all("claims" in item for item in world.receiver.received), world.receiver.received


def test_an_ended_session_is_refused_at_userinfo(world, settings):
    """The provider's userinfo refuses the access tokens of an ended session (oidc-userinfo)."""
    from zorgid.hashing import token_hash
    from zorgid.oidc.models import AccessToken

    session = world.sessions["epd-1"]
    now = clock.now()
    AccessToken.objects.create(token_hash=token_hash("access-token-of-epd-1"), session=session, scope="openid",
                               issued_at=now, expires_at=now + dt.timedelta(minutes=5))
    assert Client().get("/oidc/userinfo", HTTP_AUTHORIZATION="Bearer access-token-of-epd-1").status_code == 200
    _block_without_sending(world, settings)
    answer = Client().get("/oidc/userinfo", HTTP_AUTHORIZATION="Bearer access-token-of-epd-1")
    assert answer.status_code == 401
    assert "ZID-OIDC-SESSION-ENDED" in answer.json()["error_description"]


def test_a_session_from_a_real_login_is_told_by_its_sid_and_sub(client, live_server, settings, trust, ov_ca,  # noqa: F811
                                                                   employee):  # noqa: F811
    """The whole way: a login at the application (mutual TLS at the token endpoint), a block by the beheerder, and
    the logout token names the session and the person exactly as the ID token did."""
    from tests.integration.oidc.test_mtls_token import REDIRECT_URI, URA, exchange, log_in_at
    from tests.unit.pki.certificates import SUPPLIER_DN
    from zorgid.organisations.models import Organisation

    settings.ZORGID_OIDC_ISSUER = live_server.url
    receiver = Receiver(jwks_url=live_server.url + "/oidc/jwks", issuer=live_server.url)
    try:
        application = add_application(name="EPD Noord", supplier="Leverancier EPD B.V.", versions=["1.0"],
                                      redirect_uris=[REDIRECT_URI], tls_subject_dn=SUPPLIER_DN, actor="test",
                                      backchannel_logout_uri=receiver.url + "/logout")
        receiver.audience = application.client_id
        answer = exchange(log_in_at(application, employee, client), ov_ca.issue()[0])
        assert answer.status_code == 200, answer.content
        id_token = jwt.decode(answer.json()["id_token"], options={"verify_signature": False})
        linde = Organisation.objects.get(ura=URA)
        beheerder, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
        mies = MobileId.objects.get(id=employee.mobile_id).person

        assert beheerder.post(f"/organisatie/{URA}/medewerkers/{mies.id}/block", {"confirm": "ja"}).status_code == 302

        wait_until(lambda: len(receiver.received) == 1)
        claims = receiver.received[0]["claims"]
        assert (claims["sid"], claims["sub"], claims["iss"]) == (id_token["sid"], id_token["sub"], id_token["iss"])
    finally:
        receiver.close()
