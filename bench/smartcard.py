"""Benchmark: one ZORG-ID Smartcard made from a blank card, start to finish, each step timed (R-CRED-SMARTCARD).

Sets up a fresh database and ZORGID_HOME, starts ``zorgid serve`` (acceptatie, so the project's test UZI CA is
trusted), registers the organisation, and puts a SoftHSM2 test UZI-pas (``zorgid dev uzi-pas``) and a blank card
(``zorgid dev blank-card``) in one token directory: two cards in the readers. Then, as one employee does it:

1. registers with his UZI-pas in the portal (card session, ``zorgid-desktop open``, birth date, confirm, QR code),
   activates his app (a simulated app over HTTP, as bench/login.py) and logs in with it in the browser;
2. chooses "Smartcard aanmaken": the portal starts a card session of purpose ``smartcard``;
3. runs ``zorgid-desktop open <address>`` once, as the browser starts it, with the codes as options: the UZI-pas
   answers, the blank card is personalised (three RSA-2048 keys made on the card), the keys go to the server, the
   certificates come back and are written to the card; the time each of its printed lines appeared splits the run;
4. the page's long-poll sees "completed", and ``zorgid-desktop cards`` lists the new ZORG-ID Smartcard.

Run it as a script: ``python bench/smartcard.py`` (see bench/README.md; --sqlite without PostgreSQL).
"""

from __future__ import annotations

import argparse
import html
import os
import re
import secrets
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from card_session import CARD, CSRF_FIELD, DESKTOP_LINK, HREF, ORGANISATION, desktop_command, make_uzi_pas, run_checked
from login import (
    Server,
    SimulatedUser,
    StepFailed,
    activate_device,
    add_server_options,
    clean_up,
    failure_kind,
    free_port,
    log,
    migrate,
    serve,
    zorgid_command,
)

from zorgid.protocol.payloads import ActivationPayload, parse_payload

REGISTRATION_PAYLOAD = re.compile(r'data-testid="registration-payload">([^<]+)<')
CARD_PAGE = re.compile(r"/uzi-pas/([0-9a-f]{32})$")
SMARTCARD_PAGE = re.compile(r"/smartcard/aanmaken/([0-9a-f]{32})$")
TRANSPORT = re.compile(r"^Transport-(SO-)?PIN: (\d+)$", re.M)
BLANK_LABEL = "Blanco kaart bench"
NEW_PIN = "24681357"
BIRTH_DATE = "14-02-1980"
TIMEOUT = 120.0
# the lines zorgid-desktop open prints while it makes the card, and the step each one ends
DESKTOP_STEPS = (
    ("UZI-pas gevonden", "start, read the flow, find the UZI-pas"),
    ("Ja/Nee? Ja", "log in to the UZI-pas (PIN)"),
    ("Haal uw UZI-pas uit", "sign, the server verifies the UZI-pas (answered)"),
    ("Blanco kaart gevonden", "find the blank card"),
    ("De sleutels worden op de kaart gemaakt", "transport codes, new PIN (given as options)"),
    ("De sleutels staan op de kaart", "personalise: 3 RSA-2048 keys made on the card, their proofs, PIN and PUK"),
    ("De certificaten worden op de kaart geschreven", "POST the keys: the server checks them, issues 3 "
                                                      "certificates, completes the session"),
    ("Gelukt: uw ZORG-ID Smartcard is aangemaakt", "write the 3 certificates to the card"),
)


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Serve zorgid (acceptatie) and make one ZORG-ID Smartcard from a SoftHSM2 blank card with a "
                    "SoftHSM2 test UZI-pas, from registering to the finished card, timing every step.",
    )
    parser.add_argument("--pin", default="123456", help="the test UZI-pas's security code (default 123456)")
    database = parser.add_mutually_exclusive_group()
    add_server_options(parser, threads=8, database=database)
    database.add_argument("--sqlite", action="store_true",
                          help="use SQLite in the temporary ZORGID_HOME instead of PostgreSQL")
    parser.add_argument("--zorgid-desktop", default=None,
                        help="the zorgid-desktop command (default: next to the zorgid command)")
    return parser.parse_args(argv)


class Steps:
    """The steps' times, in order, printed as they are taken."""

    def __init__(self) -> None:
        self.times: list[tuple[str, float]] = []
        self._at = time.perf_counter()

    def restart(self) -> float:
        """The next step is timed from now (the set-up before it is not part of it)."""
        self._at = time.perf_counter()
        return self._at

    def mark(self, name: str, at: float | None = None) -> None:
        now = time.perf_counter() if at is None else at
        self.times.append((name, now - self._at))
        log(f"{name}: {(now - self._at) * 1000:.0f} ms")
        self._at = now


def csrf(page: httpx.Response, step: str) -> str:
    if page.status_code != 200:
        raise StepFailed(failure_kind(step, page))
    token = CSRF_FIELD.search(page.text)
    if token is None:
        raise StepFailed(f"{step}: no csrfmiddlewaretoken")
    return html.unescape(token.group(1))


def post_form(browser: httpx.Client, path: str, data: dict, *, token_from: str, step: str) -> str:
    """A form posted as the browser posts it (the page's CSRF token); returns where it redirects."""
    token = csrf(browser.get(token_from), f"GET {token_from}")
    answer = browser.post(path, data={"csrfmiddlewaretoken": token, **data},
                          headers={"Referer": f"{browser.base_url}{token_from}"})
    if answer.status_code != 302:
        raise StepFailed(failure_kind(step, answer))
    return answer.headers["Location"]


def desktop_address(page: httpx.Response, step: str) -> str:
    link = DESKTOP_LINK.search(page.text) if page.status_code == 200 else None
    href = HREF.search(link.group(0)) if link else None
    if href is None:
        raise StepFailed(f"{step}: no desktop-link")
    return html.unescape(href.group(1))


def blank_card(zorgid: str, env: dict, token_dir: Path) -> tuple[str, str]:
    """``zorgid dev blank-card`` in the UZI-pas's token directory: the transport PIN and transport SO PIN."""
    printed = run_checked([zorgid, "dev", "blank-card", "--dir", str(token_dir), "--label", BLANK_LABEL], env,
                          "zorgid dev blank-card")
    codes = {bool(so): code for so, code in TRANSPORT.findall(printed)}
    return codes[False], codes[True]


def register(browser: httpx.Client, desktop: list[str], env: dict, steps: Steps) -> str:
    """Self-registration with the UZI-pas; returns the activation code of the registration QR."""
    location = post_form(browser, "/registreren", {}, token_from="/registreren", step="POST /registreren")
    flow = CARD_PAGE.search(location)
    if flow is None:
        raise StepFailed(f"POST /registreren -> {location}")
    address = desktop_address(browser.get(location), "registration card page")
    steps.mark("register: card session started, card page read")
    ran = subprocess.run([*desktop, "open", address, "--yes"], env=env, capture_output=True, text=True,
                         timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    if ran.returncode != 0:
        raise StepFailed(f"zorgid-desktop open (registration): {ran.stderr.strip()[:300]}")
    steps.mark("register: zorgid-desktop open with the UZI-pas (process wall time)")
    flow_id = flow.group(1)
    post_form(browser, f"/registreren/{flow_id}/pas-gelezen", {}, token_from=location, step="pas-gelezen")
    post_form(browser, f"/registreren/{flow_id}/geboortedatum", {"birth_date": BIRTH_DATE},
              token_from=f"/registreren/{flow_id}/geboortedatum", step="geboortedatum")
    qr = post_form(browser, f"/registreren/{flow_id}/samenvatting", {},
                   token_from=f"/registreren/{flow_id}/samenvatting", step="samenvatting")
    payload = REGISTRATION_PAYLOAD.search(browser.get(qr).text)
    if payload is None:
        raise StepFailed("registration QR page: no payload")
    parsed = parse_payload(html.unescape(payload.group(1)))
    if not isinstance(parsed, ActivationPayload):
        raise StepFailed("registration QR page: no activation payload")
    steps.mark("register: card read, birth date, confirm, QR code")
    return parsed.code


def wait_completed(browser: httpx.Client, flow_id: str, polling: threading.Event) -> float:
    """The smartcard page's script: poll until completed (answered: again after retry_after)."""
    deadline = time.perf_counter() + TIMEOUT
    while time.perf_counter() < deadline:
        polling.set()
        answer = browser.get(f"/smartcard/aanmaken/{flow_id}/status", params={"wait": "1"})
        seen = time.perf_counter()
        if answer.status_code != 200:
            raise StepFailed(failure_kind("smartcard status", answer))
        state = answer.json().get("state")
        if state == "completed":
            return seen
        if state not in ("pending", "answered"):
            raise StepFailed(f"smartcard status: {answer.json()}")
        if state == "answered":
            time.sleep(min(float(answer.json().get("retry_after", 2)), 0.2))
    raise StepFailed("smartcard status: not completed in time")


def make_smartcard(browser: httpx.Client, desktop: list[str], env: dict, pin: str, codes: tuple[str, str],
                   polls: ThreadPoolExecutor, steps: Steps) -> str:
    location = post_form(browser, "/smartcard/aanmaken", {"ura": ORGANISATION["ura"]},
                         token_from="/smartcard/aanmaken", step="POST /smartcard/aanmaken")
    flow = SMARTCARD_PAGE.search(location)
    if flow is None:
        raise StepFailed(f"POST /smartcard/aanmaken -> {location}")
    address = desktop_address(browser.get(location), "smartcard page")
    polling = threading.Event()
    completed = polls.submit(wait_completed, browser, flow.group(1), polling)
    polling.wait(5.0)
    steps.mark("smartcard: card session started (purpose smartcard), page read and polling")

    command = [*desktop, "open", address, "--pin", pin, "--yes", "--transport-pin", codes[0],
               "--transport-so-pin", codes[1], "--new-pin", NEW_PIN, "--blank-token-label", BLANK_LABEL]
    process = subprocess.Popen(command, env={**env, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    pending = list(DESKTOP_STEPS)
    printed = []
    for line in process.stdout:
        printed.append(line)
        while pending and pending[0][0] in line:
            steps.mark(f"smartcard: zorgid-desktop: {pending.pop(0)[1]}")
    errors = process.stderr.read()
    if process.wait(timeout=TIMEOUT) != 0:
        raise StepFailed(f"zorgid-desktop open (smartcard): {errors.strip()[:400]}")
    steps.mark("smartcard: zorgid-desktop: show card number and PUK, exit")
    card_number = re.search(r"Kaartnummer (\d+)", "".join(printed))
    if pending or card_number is None:
        raise StepFailed(f"zorgid-desktop open printed no {pending[0][0] if pending else 'card number'}")
    seen = max(completed.result(TIMEOUT), time.perf_counter())
    steps.mark("smartcard: the page's poll sees completed (0: it saw it before the exit)", seen)
    done = browser.get(f"/smartcard/aanmaken/{flow.group(1)}/klaar")
    if done.status_code != 200 or card_number.group(1) not in done.text:
        raise StepFailed(failure_kind("smartcard done page", done))
    return card_number.group(1)


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    zorgid = zorgid_command(args.zorgid)
    desktop = [desktop_command(args.zorgid_desktop, zorgid)]
    port = args.port or free_port()
    made_database = not args.sqlite and args.database_url is None
    database_url = None if args.sqlite else (
        args.database_url or f"postgres://postgres@127.0.0.1:5432/zorgid_bench_{secrets.token_hex(4)}")
    home = Path(tempfile.mkdtemp(prefix="zorgid-bench-smartcard-"))
    cards_dir = Path(tempfile.mkdtemp(prefix="zorgid-bench-cards-"))
    env = {key: value for key, value in os.environ.items()
           if key not in ("ZORGID_BASE_URL", "ZORGID_DEBUG", "ZORGID_ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE",
                          "DATABASE_URL", "ZORGID_UZI_TRUST_DIR", "ZORGID_UZI_CRL_DIR", "SOFTHSM2_CONF")}
    env.update(ZORGID_HOME=str(home), ZORGID_ENVIRONMENT="acceptatie", ZORGID_BASE_URL=f"http://127.0.0.1:{port}")
    if database_url:
        env["DATABASE_URL"] = database_url
    server: Server | None = None
    polls = ThreadPoolExecutor(max_workers=2, thread_name_prefix="browser-poll")
    try:
        if not migrate(zorgid, env, database_url if made_database else None):
            return 2
        server = serve(zorgid, env, home, port, args.workers, args.threads)
        if server is None:
            return 2
        run_checked([zorgid, "org", "add", "--name", ORGANISATION["name"], "--ura", ORGANISATION["ura"],
                     "--kvk", ORGANISATION["kvk"]], env, "zorgid org add")
        card = make_uzi_pas(zorgid, env, home, cards_dir, args.pin)
        codes = blank_card(zorgid, env, cards_dir)
        reader = {**env, "SOFTHSM2_CONF": str(card.conf), "ZORGID_CARD_PIN": args.pin}
        log(f"set up: zorgid serve, organisation {ORGANISATION['ura']}, UZI-pas {CARD['uzi']} and a blank card")

        steps = Steps()
        user: SimulatedUser | None = None
        try:
            with httpx.Client(base_url=server.base_url, timeout=30.0, headers={"Accept-Language": "nl"}) as browser:
                code = register(browser, desktop, reader, steps)
            with httpx.Client(base_url=server.base_url, timeout=30.0) as app:
                device = activate_device(app, code)
            steps.mark("app: activated with the registration QR")
            user = SimulatedUser(server.base_url, device, polls, ssl.create_default_context())
            user.login()
            steps.mark("browser: logged in with the app")
            started = steps.restart()
            card_number = make_smartcard(user.browser, desktop, reader, args.pin, codes, polls, steps)
            making = time.perf_counter() - started
        except StepFailed as failure:
            log(f"failed: {failure.kind}")
            return 1
        finally:
            if user is not None:
                user.close()
        listed = subprocess.run([*desktop, "cards"], env=reader, capture_output=True, text=True, timeout=60)
        shown = [line for line in listed.stdout.splitlines() if "ZORG-ID Smartcard" in line]
        server.stop()

        print()
        print(f"zorgid smartcard benchmark: one ZORG-ID Smartcard from a SoftHSM2 blank card, "
              f"{'SQLite' if args.sqlite else 'PostgreSQL'}, {args.workers} workers x {args.threads} threads, "
              f"{os.cpu_count()} cores")
        for name, seconds in steps.times:
            print(f"  {seconds * 1000:8.0f} ms  {name}")
        print(f"  {making * 1000:8.0f} ms  the making: Smartcard aanmaken chosen -> the page sees completed")
        print(f"  card number {card_number}; zorgid-desktop cards: {shown[0] if shown else '(not listed!)'}")
        return 0 if shown else 1
    except RuntimeError as exc:
        log(str(exc))
        return 2
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        polls.shutdown(wait=False, cancel_futures=True)
        clean_up(home, server, drop=database_url if made_database else None)
        shutil.rmtree(cards_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
