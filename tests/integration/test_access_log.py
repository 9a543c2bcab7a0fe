"""The access log names the route, never a secret in the path or the query string (docs/security.md).

The activation QR's page, the follow-up form and the application's status page carry their secret in the path.
Every request is logged once by zorgid.portal.access_log with the route pattern; Django's own warnings (a used
code answers 409, and django.request says so) get the route too; and ``zorgid serve`` starts gunicorn without its
request-line access log.
"""

import datetime as dt
import logging
import secrets
import types

import pytest
from django.test import Client
from gunicorn import glogging

from tests.conftest import activate_code
from tests.integration.applications.helpers import apply
from zorgid import clock, serve
from zorgid.applications.models import Application, ApplicationState
from zorgid.hashing import token_hash
from zorgid.organisations.roles import add_operator

pytestmark = pytest.mark.django_db


def logged(caplog) -> str:
    return "\n".join(f"{r.name} {r.levelname} {r.getMessage()}" for r in caplog.records)


def test_an_activation_code_stays_out_of_the_log(client, caplog):
    code = add_operator("Olga", "Operator", dt.date(1975, 1, 1), actor="test").code
    caplog.set_level(logging.DEBUG)
    assert Client().get(f"/activatie/{code}?code={code}").status_code == 200
    activate_code(client, code)
    used = Client().get(f"/activatie/{code}")
    assert used.status_code == 409  # Django warns about it, with the path
    text = logged(caplog)
    assert code not in text
    assert "GET /activatie/<str:code> 200" in text and "GET /activatie/<str:code> 409" in text
    assert "Conflict: /activatie/<str:code>" in text


def test_application_links_stay_out_of_the_log(caplog):
    reference, status_path = apply(Client(), product="smartcard")
    status_token = status_path.rsplit("/", 1)[1]
    followup_token = secrets.token_urlsafe(24)
    Application.objects.filter(reference=reference).update(
        state=ApplicationState.FOLLOWUP_SENT, followup_token_hash=token_hash(followup_token),
        followup_expires_at=clock.now() + dt.timedelta(days=10))
    caplog.set_level(logging.DEBUG)
    browser = Client()
    assert browser.get(status_path).status_code == 200
    assert browser.get(f"/vervolgformulier/{followup_token}").status_code == 200
    assert browser.get(f"/aanvragen/{reference}/status/{status_token}x").status_code in (403, 404)
    text = logged(caplog)
    assert status_token not in text and followup_token not in text
    assert "GET /aanvragen/<str:reference>/status/<str:token> 200" in text
    assert "GET /vervolgformulier/<str:token> 200" in text


def test_an_address_without_a_route_is_logged_as_a_dash(caplog):
    caplog.set_level(logging.DEBUG)
    secret = secrets.token_urlsafe(24)
    assert Client().get(f"/activatie/{secret}/extra?x={secret}").status_code == 404
    text = logged(caplog)
    assert secret not in text and "GET - 404" in text


def test_zorgid_serve_has_gunicorn_write_no_request_lines(monkeypatch, capsys):
    started = []
    monkeypatch.setattr(serve._Server, "run", lambda self: started.append(self))
    serve.run(host="127.0.0.1", port=8000, workers=1, threads=4)
    (server,) = started
    logger = glogging.Logger(server.cfg)
    lines = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    logger.access_log.addHandler(handler)
    secret = secrets.token_urlsafe(24)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"/activatie/{secret}", "PATH_INFO": f"/activatie/{secret}",
               "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1"}
    response = types.SimpleNamespace(status="200 OK", headers=[], sent=10, response_length=10)
    logger.access(response, types.SimpleNamespace(headers=[]), environ, dt.timedelta(milliseconds=5))
    assert lines == [] and secret not in capsys.readouterr().out
    assert server.cfg.accesslog is None


def test_each_answer_says_its_time_in_the_server_as_the_log_line_does(caplog):
    caplog.set_level(logging.INFO, logger="zorgid.access")
    response = Client().get("/foutmeldingen")
    timing = response["Server-Timing"]
    assert timing.startswith("app;dur=") and float(timing.removeprefix("app;dur=")) >= 0
    lines = [r.getMessage() for r in caplog.records if r.name == "zorgid.access"]
    assert len(lines) == 1 and " GET /foutmeldingen 200 " in lines[0]
