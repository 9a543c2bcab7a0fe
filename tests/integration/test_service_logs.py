"""A long-running command refuses an unknown ZORGID_LOG_FORMAT with its code before it starts (log_handlers.py)."""

from typer.testing import CliRunner

from zorgid import log_handlers
from zorgid.cli import app


def test_serve_refuses_an_unknown_log_format(monkeypatch):
    monkeypatch.setenv("ZORGID_LOG_FORMAT", "xml")
    try:
        result = CliRunner().invoke(app, ["serve", "--port", "8999"])
    finally:
        log_handlers.as_command()
    assert result.exit_code == 1
    assert "ZID-CONFIG-LOG-FORMAT" in result.output and "ZORGID_LOG_FORMAT='xml'" in result.output
