"""The console log handler follows sys.stderr (zorgid.log_handlers)."""

import io
import logging
import sys

from zorgid.log_handlers import CurrentStderrHandler


def test_a_line_goes_to_the_stderr_of_the_moment_after_the_first_was_closed(monkeypatch):
    first = io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    handler = CurrentStderrHandler()
    first.close()  # a command run in-process closes the stderr it was set up with
    second = io.StringIO()
    monkeypatch.setattr(sys, "stderr", second)
    record = logging.LogRecord("zorgid.access", logging.INFO, __file__, 1, "GET %s 200", ("/",), None)
    handler.handle(record)
    assert second.getvalue() == "GET / 200\n"


# --- a long-running command's lines: JSON objects on stdout (or readable text), with the request's id ---------

import json  # noqa: E402

import pytest  # noqa: E402

from zorgid import log_handlers, request_context  # noqa: E402
from zorgid.errors import LogFormatUnknown  # noqa: E402
from zorgid.log_handlers import ConsoleFormatter, ConsoleHandler  # noqa: E402


class Streams:
    """What the handler wrote to stdout and to stderr (pytest's capture; it puts its own streams back in place
    after a fixture's set-up, so a fixture cannot replace them)."""

    def __init__(self, capsys):
        self.capsys, self.out, self.err = capsys, "", ""

    def read(self):
        captured = self.capsys.readouterr()
        self.out, self.err = self.out + captured.out, self.err + captured.err
        return self


@pytest.fixture
def service(capsys):
    """A service's console handler; a command again afterwards."""
    handler = ConsoleHandler()
    handler.setFormatter(ConsoleFormatter())
    streams = Streams(capsys)
    yield handler, streams
    log_handlers.as_command()


def _record(message="GET %s 200", args=("/",), **extra):
    record = logging.LogRecord("zorgid.access", logging.INFO, __file__, 1, message, args, None)
    record.__dict__.update(extra)
    return record


def test_a_service_writes_one_json_object_per_line_to_stdout(service, monkeypatch):
    handler, streams = service
    monkeypatch.setenv("ZORGID_LOG_FORMAT", "json")
    assert log_handlers.log_as_service() == "json"
    handler.handle(_record(log_fields={"route": "/activatie/<str:code>", "status": 200, "duration_ms": 1.5}))
    (line,) = streams.read().out.splitlines()
    fields = json.loads(line)
    assert fields["time"].endswith("Z") and fields["time"][10] == "T"
    assert {k: fields[k] for k in ("level", "logger", "message", "route", "status", "duration_ms")} == {
        "level": "INFO", "logger": "zorgid.access", "message": "GET / 200", "route": "/activatie/<str:code>",
        "status": 200, "duration_ms": 1.5}
    assert "request_id" not in fields and streams.read().err == ""


def test_every_line_during_a_request_has_its_id(service):
    handler, streams = service
    log_handlers.log_as_service("json")
    token = request_context.begin("0123456789abcdef0123456789abcdef")
    try:
        handler.handle(_record("outbox: %d sent", (1,)))
    finally:
        request_context.end(token)
    handler.handle(_record("after", ()))
    first, second = (json.loads(line) for line in streams.read().out.splitlines())
    assert first["request_id"] == "0123456789abcdef0123456789abcdef" and "request_id" not in second


def test_a_record_s_other_attributes_are_never_written(service):
    """Django's records carry the request, whose address may hold a secret; only the named fields are written."""
    handler, streams = service
    log_handlers.log_as_service("json")
    secret = "geheime-activatiecode-123"
    handler.handle(_record(request=f"<WSGIRequest: GET '/activatie/{secret}'>", status_code=409,
                           log_fields={"route": "/activatie/<str:code>", "object": object()}))
    fields = json.loads(streams.read().out)
    assert secret not in streams.read().out and "request" not in fields and "object" not in fields


def test_an_exception_is_one_line_with_its_traceback(service):
    handler, streams = service
    log_handlers.log_as_service("json")
    try:
        raise ValueError("stuk")
    except ValueError:
        record = _record("Internal Server Error: %s", ("/overzicht",), exc_info=sys.exc_info())
    handler.handle(record)
    (line,) = streams.read().out.splitlines()
    fields = json.loads(line)
    assert fields["level"] == "INFO" and fields["message"] == "Internal Server Error: /overzicht"
    assert "Traceback (most recent call last)" in fields["traceback"] and "ValueError: stuk" in fields["traceback"]


def test_text_is_readable_and_on_a_terminal_the_default(service, monkeypatch):
    handler, streams = service
    monkeypatch.delenv("ZORGID_LOG_FORMAT", raising=False)
    monkeypatch.setattr(log_handlers, "_is_terminal", lambda stream: stream is sys.stdout)
    assert log_handlers.log_as_service() == "text"
    handler.handle(_record(log_fields={"route": "/", "status": 200}))
    line = streams.read().out
    assert " INFO zorgid.access: GET / 200  [route=/ status=200]" in line and not line.startswith("{")


def test_json_is_the_default_when_stdout_is_no_terminal(service, monkeypatch):
    monkeypatch.delenv("ZORGID_LOG_FORMAT", raising=False)
    assert log_handlers.log_as_service() == "json"


def test_an_unknown_format_is_refused_with_its_code(service, monkeypatch):
    monkeypatch.setenv("ZORGID_LOG_FORMAT", "xml")
    with pytest.raises(LogFormatUnknown) as refused:
        log_handlers.log_as_service()
    assert refused.value.code == "ZID-CONFIG-LOG-FORMAT" and "xml" in refused.value.detail


def test_a_command_keeps_plain_lines_on_stderr(service):
    handler, streams = service
    handler.handle(_record())
    assert streams.read().err == "GET / 200\n" and streams.read().out == ""


def test_django_s_warning_after_the_middleware_has_the_id_of_the_request_it_carries(service):
    """django.request logs a 4xx answer after the middleware closed the request's context."""
    handler, streams = service
    log_handlers.log_as_service("json")

    class Request:
        request_id = "fedcba9876543210fedcba9876543210"

    handler.handle(_record("Not Found: %s", ("-",), request=Request()))
    assert json.loads(streams.read().out)["request_id"] == Request.request_id
