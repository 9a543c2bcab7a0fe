"""Every client program runs in Dutch here unless a test asks for English (zorgid.clients.terminal); after each test
the process is Dutch again, for the command lines tested after it (typer's labels are the process's)."""

import pytest

from zorgid.clients.terminal import LANGUAGE_VARIABLES, Language, choose_language


@pytest.fixture(autouse=True)
def _dutch_environment(monkeypatch):
    for name in LANGUAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    yield
    choose_language(Language.nl)
