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
