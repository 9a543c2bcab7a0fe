"""zorgid-app speaks one language: every line it prints is Dutch, or English with --lang en or an English
environment (zorgid.clients.terminal), also when the refusal comes from the server (its code's own texts, the
server's tries before a wait told in that language). Against the server itself (conftest)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.unit.clients.languages import assert_all_in
from zorgid import clock

pytestmark = pytest.mark.django_db

ENGLISH = (("--lang", "en"), ("--lang", "EN"))


def scan(run, *args, lang=()):
    result = run(*lang, "scan", *args)
    assert result.exit_code == 1, result.output
    return result


def test_an_expired_login_qr_in_dutch_and_in_english(installed, server, run, pin):
    expired = server.login()
    clock.move(dt.timedelta(minutes=6))
    dutch = scan(run, expired, "--pin", pin, "--accept")
    lines = assert_all_in("nl", dutch.stdout, dutch.stderr)
    assert lines[0] == "Fout ZID-LOGIN-EXPIRED: De inlog-QR-code is verlopen: hij is 5 minuten geldig."
    english = scan(run, expired, "--pin", pin, "--accept", lang=ENGLISH[0])
    lines = assert_all_in("en", english.stdout, english.stderr)
    assert lines[0] == "Error ZID-LOGIN-EXPIRED: The login QR code has expired: it is valid for 5 minutes."
    assert len(lines) == 2  # code and cause, solution: the server sent no detail


def test_a_qr_code_of_a_newer_version_in_dutch_and_in_english(installed, run):
    newer = "zorgid://login?v=9&server=http%3A%2F%2Ftestserver&flow=x"
    assert assert_all_in("nl", scan(run, newer).stderr)[-1] == "Details: versie 9 van de code"
    assert assert_all_in("en", scan(run, newer, lang=ENGLISH[1]).stderr)[-1] == "Details: payload version 9"


def test_a_wrong_pin_with_the_tries_left_in_dutch_and_in_english(installed, server, run):
    dutch = scan(run, server.login(), "--pin", "000000", "--accept")
    assert assert_all_in("nl", dutch.stdout, dutch.stderr) == [
        "Inloggen bij ZORG-ID portaal (via http://testserver)? Accepteren? ja (--accept)",
        "Fout ZID-APP-PIN-WRONG: De pincode is onjuist. U heeft nog 4 poging(en).",
        "Oplossing: Probeer het opnieuw. Na 5 onjuiste pincodes achter elkaar wordt uw ID geblokkeerd.",
        "Details: Na nog 2 onjuiste pincode(s) moet u wachten voor u het opnieuw kunt proberen.",
    ]
    english = scan(run, server.login(), "--pin", "000000", "--accept", lang=ENGLISH[0])
    assert assert_all_in("en", english.stdout, english.stderr) == [
        "Log in at ZORG-ID portaal (via http://testserver)? Accept? yes (--accept)",
        "Error ZID-APP-PIN-WRONG: The PIN is wrong. Attempts left: 3.",
        "Solution: Try again. After 5 wrong PINs in a row your ID is blocked.",
        "Details: The server takes 1 more wrong PIN(s) before you have to wait.",
    ]


@pytest.mark.parametrize(("environment", "language"), [
    ({"LANG": "en_GB.UTF-8"}, "en"),
    ({"LC_MESSAGES": "en_US.UTF-8", "LANG": "nl_NL.UTF-8"}, "en"),
    ({"LC_ALL": "nl_NL.UTF-8", "LANG": "en_US.UTF-8"}, "nl"),  # the first one set decides
    ({"LC_ALL": "C.UTF-8", "LANG": "en_US.UTF-8"}, "nl"),
    ({"LANG": "C"}, "nl"),
])
def test_the_environment_chooses_english_when_it_starts_with_en(home, run, monkeypatch, environment, language):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    result = run("id")  # not set up
    assert result.exit_code == 1
    lines = assert_all_in(language, result.stderr)
    assert lines[-1] == ("Details: app-map " if language == "nl" else "Details: app home ") + str(home)


def test_lang_overrides_the_environment(home, run, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert_all_in("nl", run("--lang", "nl", "id").stderr)
    assert run("--lang", "fr", "id").exit_code == 2  # only nl and en
