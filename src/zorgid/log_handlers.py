"""The console's log handler and formatter: plain lines for commands, JSON lines for the long-running ones.

A command (``zorgid migrate``, ``zorgid audit verify``, …) writes its few log lines as plain text to stderr, as
always. A long-running command (``zorgid serve``, ``zorgid mail send``, ``zorgid mail-in``) calls
``log_as_service`` first: from then on every line goes to stdout, one JSON object per line (ZORGID_LOG_FORMAT
``json``; the default unless stdout is a terminal) or as readable text (``text``; the default on a terminal, as
``make run`` has it). The choice is module state, so it holds in gunicorn's workers too (they are forked from the
process that made it, and set logging up again from settings.LOGGING with these same classes).

A JSON line has ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``; during a request its ``request_id``
(zorgid.request_context); the fields a record names in ``log_fields`` (the access log's route, method, status,
duration, error code and actor, portal/access_log.py); and ``traceback`` for an exception. Nothing else of a
record is written: Django's records carry the request itself, whose address may hold a secret
(docs/security.md, "Logs"). Our own formatter rather than python-json-logger for that reason: that library
writes every extra attribute of a record, and a fixed, short list of fields is what the log promises.

Django configures logging once per ``django.setup()``; a command run inside another program (the tests run
``zorgid`` commands in-process) sets it up with a temporary stderr that is closed afterwards, and a handler that
kept that stream would fail on every later line: the handlers write to the ``sys.stderr`` (or ``sys.stdout``) of
the moment.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys

from gunicorn import glogging

from zorgid import request_context

FORMATS = ("json", "text")
_service_format: str | None = None  # None: a command's plain lines on stderr


def log_as_service(chosen: str | None = None) -> str:
    """Log this process (and the workers it forks) as a service: JSON or text lines on stdout. ``chosen``: by
    default ZORGID_LOG_FORMAT, else ``text`` when stdout is a terminal and ``json`` otherwise."""
    global _service_format
    value = (chosen if chosen is not None else os.environ.get("ZORGID_LOG_FORMAT", "")).strip().lower()
    if value and value not in FORMATS:
        from zorgid.errors import LogFormatUnknown

        raise LogFormatUnknown(f"ZORGID_LOG_FORMAT={value[:20]!r}")
    _service_format = value or ("text" if _is_terminal(sys.stdout) else "json")
    return _service_format


def service_format() -> str | None:
    """``json`` or ``text`` once ``log_as_service`` ran; None for a command."""
    return _service_format


def as_command() -> None:
    """Back to a command's plain lines on stderr (tests that ran ``log_as_service``)."""
    global _service_format
    _service_format = None


def _is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class CurrentStderrHandler(logging.StreamHandler):
    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:  # StreamHandler sets it; the property always answers the current stderr
        pass


class ConsoleHandler(CurrentStderrHandler):
    """stderr for a command, stdout for a service (``log_as_service``)."""

    @property
    def stream(self):
        return sys.stdout if _service_format else sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


class ConsoleFormatter(logging.Formatter):
    """A command's plain message; a service's JSON object or readable line (see the module's text)."""

    def format(self, record: logging.LogRecord) -> str:
        if _service_format is None:
            return super().format(record)
        fields = fields_of(record)
        if _service_format == "json":
            return json.dumps(fields, ensure_ascii=False, separators=(",", ":"), default=str)
        extra = " ".join(f"{key}={value}" for key, value in fields.items()
                         if key not in ("time", "level", "logger", "message", "traceback"))
        line = f"{fields['time']} {fields['level']} {fields['logger']}: {fields['message']}"
        line += f"  [{extra}]" if extra else ""
        return line + ("\n" + fields["traceback"] if "traceback" in fields else "")


SCALARS = (str, int, float, bool, type(None))


def fields_of(record: logging.LogRecord) -> dict:
    """The fields of one line: the fixed ones, the request id, the record's own ``log_fields``, the traceback."""
    try:
        message = record.getMessage()
    except Exception:  # a wrong format string in a log call: the template, never its arguments
        message = str(record.msg)
    fields = {"time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds")
              .replace("+00:00", "Z"), "level": record.levelname, "logger": record.name, "message": message}
    # Django's own warnings about an answer (django.request: "Not Found: …") come after the middleware, the context
    # closed: the request they carry still has its id (portal/request_ids.py)
    request_id = request_context.request_id() or getattr(getattr(record, "request", None), "request_id", "")
    if isinstance(request_id, str) and request_id:
        fields["request_id"] = request_id
    own = getattr(record, "log_fields", None)
    if isinstance(own, dict):
        fields.update({str(key): value for key, value in own.items()
                       if isinstance(value, SCALARS) and key not in fields})
    if record.exc_info:
        fields["traceback"] = logging.Formatter().formatException(record.exc_info)
    elif record.exc_text:
        fields["traceback"] = record.exc_text
    if record.stack_info:
        fields["stack"] = record.stack_info
    return fields


class GunicornLogger(glogging.Logger):
    """gunicorn's own lines (start, workers, errors) through the same handler and formatter as zorgid's."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        if _service_format is None:
            return
        handler = ConsoleHandler()
        handler.setFormatter(ConsoleFormatter())
        self.error_log.handlers = [handler]
        self.error_log.propagate = False
