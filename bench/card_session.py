"""Benchmark: one card session, from the portal's challenge to the verified attributes (R-CRED-UZI).

Sets up a fresh database and ZORGID_HOME, starts ``zorgid serve`` (acceptatie, so the project's test UZI CA
is trusted), registers the organisation and makes a SoftHSM2 test UZI-pas with ``zorgid dev uzi-pas``. Then it
runs card sessions one after another, as one person at a card reader does: the browser asks the portal for a
self-registration card session, reads the ``zorgid-desktop://card?…`` address from the card page and long-polls
the session's state, while ``zorgid-desktop open <address> --pin … --yes`` runs as a subprocess, exactly as the
browser would start it. A session is complete when the long-poll answers ``answered``: the server has checked
chain, signature, policy and purpose and stored the card's attributes. See bench/README.md.

The server, database and figure helpers come from bench/login.py. Run it as a script: ``python bench/…``.
"""

from __future__ import annotations

import argparse
import collections
import html
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from login import (
    Server,
    StepFailed,
    add_server_options,
    background_cores,
    clean_up,
    failure_kind,
    free_port,
    log,
    migrate,
    ms_row,
    serve,
    server_times,
    zorgid_command,
)

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DESKTOP_LINK = re.compile(r'<a\b[^>]*\bdata-testid="desktop-link"[^>]*>')
HREF = re.compile(r'\bhref="([^"]+)"')
CARD_PAGE = re.compile(r"/uzi-pas/([0-9a-f]{32})$")
DESKTOP_ERROR = re.compile(r"Fout (\S+):")
SESSION_TIMEOUT = 60.0  # one session (challenge to answered) may take at most this long before it counts as failed

ORGANISATION = {"name": "Huisartsenpraktijk Bench", "ura": "90000382", "kvk": "12345678"}
CARD = {"type": "Z", "name": "Jan Jansen", "uzi": "900016528", "ura": "90000382", "role": "01.015"}

# The Desktop App's PKCS#11 steps in one process, to split its wall time (run with the card's SOFTHSM2_CONF).
PKCS11_PROBE = """
import json, sys, time
started = time.perf_counter()
from zorgid.clients.desktop.card import find_cards, logged_in, select_card
imported = time.perf_counter()
card = select_card(find_cards(sys.argv[1]))
found = time.perf_counter()
logins, signs = [], []
for _ in range(int(sys.argv[3])):
    a = time.perf_counter()
    with logged_in(card, sys.argv[2]) as signer:
        b = time.perf_counter()
        signer.sign(b"x" * 300)
        c = time.perf_counter()
    logins.append(b - a)
    signs.append(c - b)
print(json.dumps({"import": imported - started, "find": found - imported, "login": logins, "sign": signs}))
"""


# --------------------------------------------------------------------------------------------- options


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Serve zorgid (acceptatie, gunicorn gthread) and time card sessions with a SoftHSM2 test "
                    "UZI-pas, from the portal's challenge to the verified attributes: browser over HTTP, "
                    "`zorgid-desktop open` as a subprocess, as the browser starts it.",
    )
    parser.add_argument("--sessions", type=int, default=20,
                        help="measured card sessions (default 20), one after another per card")
    parser.add_argument("--warmup", type=int, default=2,
                        help="card sessions before the measured ones, not counted in the times (default 2)")
    parser.add_argument("--parallel", type=int, default=1,
                        help="cards (one SoftHSM2 token directory each, its own 'reader') doing sessions at the "
                             "same time; the --sessions are shared among them (default 1)")
    parser.add_argument("--pin", default="123456", help="the test UZI-pas's security code (default 123456)")
    parser.add_argument("--threads", type=int, default=None,
                        help="zorgid serve --threads (default max(8, 4 x --parallel))")
    database = parser.add_mutually_exclusive_group()
    add_server_options(parser, threads=None, database=database)
    database.add_argument("--sqlite", action="store_true",
                          help="use SQLite in the temporary ZORGID_HOME instead of PostgreSQL")
    parser.add_argument("--zorgid-desktop", default=None,
                        help="the zorgid-desktop command (default: next to the zorgid command)")
    args = parser.parse_args(argv)
    if args.sessions < 1 or args.warmup < 0 or args.parallel < 1 or args.workers < 1:
        parser.error("--sessions, --parallel and --workers must be ≥ 1, --warmup ≥ 0")
    args.threads = args.threads or max(8, 4 * args.parallel)
    return args


def desktop_command(explicit: str | None, zorgid: str) -> str:
    candidate = explicit or str(Path(zorgid).parent / "zorgid-desktop")
    if Path(candidate).is_file() and os.access(candidate, os.X_OK):
        return candidate
    found = None if explicit else shutil.which("zorgid-desktop")
    if found:
        return found
    raise SystemExit(f"zorgid-desktop command not found ({candidate}); install the project or pass --zorgid-desktop")


# ------------------------------------------------------------------------------------------------ set-up


def run_checked(command: list[str], env: dict, what: str, timeout: float = 120) -> str:
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout,
                            stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed ({result.returncode}):\n{result.stdout[-1500:]}{result.stderr[-1500:]}")
    return result.stdout


@dataclass
class UziPas:
    """A test UZI-pas in its own SoftHSM2 token directory (the tokens of one directory are one 'reader')."""

    token_dir: Path

    @property
    def conf(self) -> Path:
        return self.token_dir / "softhsm2.conf"


def make_uzi_pas(zorgid: str, env: dict, home: Path, token_dir: Path, pin: str) -> UziPas:
    run_checked([zorgid, "dev", "uzi-pas", "--type", CARD["type"], "--name", CARD["name"], "--uzi", CARD["uzi"],
                 "--ura", CARD["ura"], "--role", CARD["role"], "--pin", pin, "--token-dir", str(token_dir),
                 "--ca-dir", str(home / "test-uzi-ca")], env, "zorgid dev uzi-pas")
    card = UziPas(token_dir)
    if not card.conf.is_file():
        raise RuntimeError(f"zorgid dev uzi-pas made no {card.conf}")
    return card


# ------------------------------------------------------------------------------------------ the sessions


@dataclass
class Session:
    flow_id: str
    challenge_sent: float  # just before POST /registreren: the portal makes the challenge
    address_read: float  # the card page's zorgid-desktop:// address read
    desktop_started: float  # zorgid-desktop open … started
    desktop_ended: float  # and exited
    verified: float  # the browser's long-poll answered {"state": "answered"}


@dataclass
class Results:
    sessions: list[Session] = field(default_factory=list)
    errors: collections.Counter = field(default_factory=collections.Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, session: Session) -> None:
        with self.lock:
            self.sessions.append(session)

    def fail(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] += 1


class CardHolder:
    """One person at a card reader: a browser (new session each time) and the Desktop App with one card."""

    def __init__(self, base_url: str, desktop: str, card: UziPas, pin: str, polls: ThreadPoolExecutor):
        self.base_url, self.desktop, self.pin, self.polls = base_url, desktop, pin, polls
        self.env = {**os.environ, "SOFTHSM2_CONF": str(card.conf)}

    def _poll(self, browser: httpx.Client, flow_id: str, polling: threading.Event, stop: threading.Event) -> float:
        """The card page's script: long-poll until the Desktop App has answered; returns when it saw that."""
        deadline = time.perf_counter() + SESSION_TIMEOUT
        while not stop.is_set():
            polling.set()  # the request goes out now (the page polls before anyone can start the Desktop App)
            response = browser.get(f"/uzi-pas/{flow_id}/status", params={"wait": "1"})
            seen = time.perf_counter()
            if response.status_code != 200:
                raise StepFailed(failure_kind("poll", response))
            answer = response.json()
            state = answer.get("state")
            if state == "answered":
                return seen
            if state == "refused":
                code = answer.get("error", {}).get("code", "") if isinstance(answer.get("error"), dict) else ""
                raise StepFailed(f"poll: refused {code}".strip())
            if state != "pending" or seen > deadline:
                raise StepFailed(f"poll: state {state}")
        raise StepFailed("poll: stopped")

    def session(self) -> Session:
        stop = threading.Event()
        with httpx.Client(base_url=self.base_url, timeout=httpx.Timeout(30.0, connect=10.0),
                          headers={"Accept-Language": "nl"}) as browser:  # a new browser session
            try:
                return self._session(browser, stop)
            finally:
                stop.set()

    def _session(self, browser: httpx.Client, stop: threading.Event) -> Session:
        terms = browser.get("/registreren")
        if terms.status_code != 200:
            raise StepFailed(failure_kind("GET /registreren", terms))
        token = CSRF_FIELD.search(terms.text)
        if token is None:
            raise StepFailed("GET /registreren: no csrfmiddlewaretoken")

        challenge_sent = time.perf_counter()
        started = browser.post("/registreren", data={"csrfmiddlewaretoken": html.unescape(token.group(1))},
                               headers={"Referer": f"{self.base_url}/registreren"})
        location = started.headers.get("Location", "")
        flow = CARD_PAGE.search(location)
        if started.status_code != 302 or flow is None:
            raise StepFailed(failure_kind("POST /registreren", started) + (f" -> {location}" if location else ""))
        page = browser.get(location)
        if page.status_code != 200:
            raise StepFailed(failure_kind("card page", page))
        link = DESKTOP_LINK.search(page.text)
        href = HREF.search(link.group(0)) if link else None
        if href is None:
            raise StepFailed("card page: no desktop-link")
        address = html.unescape(href.group(1))
        if not address.startswith("zorgid-desktop://card?"):
            raise StepFailed("card page: desktop-link is no zorgid-desktop://card address")
        address_read = time.perf_counter()

        polling = threading.Event()
        answered = self.polls.submit(self._poll, browser, flow.group(1), polling, stop)
        polling.wait(5.0)

        desktop_started = time.perf_counter()
        try:
            ran = subprocess.run([self.desktop, "open", address, "--pin", self.pin, "--yes"], env=self.env,
                                 capture_output=True, text=True, timeout=SESSION_TIMEOUT, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            raise StepFailed(f"desktop: no exit within {SESSION_TIMEOUT:.0f} s") from exc
        desktop_ended = time.perf_counter()
        if ran.returncode != 0:
            code = DESKTOP_ERROR.search(ran.stderr)
            raise StepFailed(f"desktop: exit {ran.returncode}" + (f" {code.group(1)}" if code else ""))
        verified = answered.result(timeout=SESSION_TIMEOUT)
        return Session(flow.group(1), challenge_sent, address_read, desktop_started, desktop_ended, verified)


def attempt(holder: CardHolder, results: Results | None, errors: Results) -> None:
    """One session; its times go to ``results`` (None: warm-up), its failure to ``errors`` in any case."""
    try:
        session = holder.session()
    except StepFailed as failure:
        kind = failure.kind
    except httpx.HTTPError as exc:
        kind = f"transport: {type(exc).__name__}"
    except Exception as exc:  # noqa: BLE001 (a benchmark counts every failure and goes on)
        kind = f"other: {type(exc).__name__}: {exc}"[:120]
    else:
        if results is not None:
            results.add(session)
        return
    errors.fail(kind if results is not None else f"(warm-up) {kind}")
    time.sleep(0.2)


def run_sessions(sessions: int, holders: list[CardHolder], results: Results) -> float:
    """``sessions`` measured sessions shared among the card holders, each doing one after another."""
    due = iter(range(sessions))
    lock = threading.Lock()

    def card_loop(holder: CardHolder) -> None:
        while True:
            with lock:
                if next(due, None) is None:
                    return
            attempt(holder, results, results)

    started = time.perf_counter()
    threads = [threading.Thread(target=card_loop, args=(holder,), daemon=True, name=f"card-{i}")
               for i, holder in enumerate(holders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


# ---------------------------------------------------------------------------------------- server times


REQUEST_KINDS = (  # the access log names the route, never the flow's id (docs/security.md)
    ("POST /registreren  (challenge made)", re.compile(r"POST /registreren$")),
    ("GET /uzi-pas/<id>  (card page)", re.compile(r"GET /uzi-pas/<str:flow_id>$")),
    ("GET /api/v1/card-flows/<id>  (Desktop App)", re.compile(r"GET /api/v1/card-flows/<str:flow_id>$")),
    ("POST /api/v1/card-flows/<id>/response  (verify)",
     re.compile(r"POST /api/v1/card-flows/<str:flow_id>/response$")),
    ("GET /uzi-pas/<id>/status?wait=1  (long-poll)", re.compile(r"GET /uzi-pas/<str:flow_id>/status$")),
)


# ------------------------------------------------------------------------------------------- context


def startup_times(python: str, code: str, runs: int = 5) -> list[float]:
    times = []
    for _ in range(runs):
        begun = time.perf_counter()
        subprocess.run([python, "-c", code], check=True, capture_output=True, timeout=60)
        times.append(time.perf_counter() - begun)
    return times


def pkcs11_probe(python: str, card: UziPas, pin: str, module: str, rounds: int = 10) -> dict | None:
    result = subprocess.run([python, "-c", PKCS11_PROBE, module, pin, str(rounds)], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "SOFTHSM2_CONF": str(card.conf)})
    if result.returncode != 0:
        log(f"PKCS#11 probe failed ({result.returncode}): {result.stderr.strip()[-300:]}")
        return None
    return json.loads(result.stdout)


def rsa_verify_rate(seconds: float = 1.0) -> float:
    """RSA-2048 PKCS#1 v1.5 (SHA-256) verifications per second through `cryptography`, as the server does them."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public, data = key.public_key(), b'{"type":"zorgid.card.response"}' * 8
    signature = key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        count += 1
    return count / (time.perf_counter() - start)


# ---------------------------------------------------------------------------------------------- report


def report(args, results: Results, elapsed: float, times: list[tuple[str, list[float]]], context: dict) -> bool:
    sessions, errors = results.sessions, results.errors
    failed = sum(errors.values())
    row = {"pcts": (50, 95)}
    database = "SQLite" if args.sqlite else "PostgreSQL"
    cards = "1 card, one session after another" if args.parallel == 1 else f"{args.parallel} cards at once"
    print()
    print(f"zorgid card session benchmark: {args.sessions} sessions ({cards}) after {args.warmup} warm-up, "
          f"{args.workers} workers x {args.threads} threads, {database}, {os.cpu_count()} cores")
    print(f"  complete sessions        {len(sessions)} in {elapsed:.1f} s ({len(sessions) / elapsed:.2f}/s)")
    print(f"  failed sessions          {failed}")
    for kind, count in errors.most_common():
        print(f"    {count:6d}  {kind}")
    print("  per session, ms (nearest rank)")
    print(f"    challenge -> verified attributes (total)      "
          f"{ms_row([s.verified - s.challenge_sent for s in sessions], **row)}")
    print(f"    challenge -> desktop address read              "
          f"{ms_row([s.address_read - s.challenge_sent for s in sessions], **row)}")
    print(f"    Desktop App run (process wall time)            "
          f"{ms_row([s.desktop_ended - s.desktop_started for s in sessions], **row)}")
    print(f"    Desktop App exit -> browser sees answered      "
          f"{ms_row([s.verified - s.desktop_ended for s in sessions], **row)}")
    if times:
        print("  time inside the server per request (gunicorn access log, measured sessions), ms")
        for kind, values in times:
            print(f"    {kind:50s} n {len(values):4d}  {ms_row(values, **row)}")
    print("  for context (on this machine, one process at a time)")
    for label, values in context["startup"]:
        print(f"    {label:50s} {ms_row(values, **row)}  (of {len(values)} runs)")
    probe = context.get("pkcs11")
    if probe:
        login, sign = statistics.median(probe["login"]), statistics.median(probe["sign"])
        print(f"    PKCS#11 on SoftHSM2 in one process, ms: import card module {probe['import'] * 1000:.0f}, "
              f"load module + find card {probe['find'] * 1000:.0f}, login {login * 1000:.1f}, sign {sign * 1000:.1f} "
              f"(medians of {len(probe['sign'])})")
    print(f"    RSA-2048 PKCS#1 v1.5 verify, python cryptography: {context['rsa_verify']:,.0f}/s on one core")
    if context["background"] > 0.2:
        print(f"  note: the machine was {context['background']:.2f} cores busy before the benchmark started")
    return failed == 0 and len(sessions) == args.sessions


# ------------------------------------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    zorgid = zorgid_command(args.zorgid)
    desktop = desktop_command(args.zorgid_desktop, zorgid)
    python = sys.executable
    port = args.port or free_port()
    made_database = not args.sqlite and args.database_url is None
    database_url = None if args.sqlite else (
        args.database_url or f"postgres://postgres@127.0.0.1:5432/zorgid_bench_{secrets.token_hex(4)}")
    home = Path(tempfile.mkdtemp(prefix="zorgid-bench-card-"))
    cards_dir = Path(tempfile.mkdtemp(prefix="zorgid-bench-uzi-pas-"))
    env = {key: value for key, value in os.environ.items()
           if key not in ("ZORGID_BASE_URL", "ZORGID_DEBUG", "ZORGID_ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE",
                          "DATABASE_URL", "ZORGID_UZI_TRUST_DIR", "ZORGID_UZI_CRL_DIR")}
    env.update(ZORGID_HOME=str(home), ZORGID_ENVIRONMENT="acceptatie", ZORGID_BASE_URL=f"http://127.0.0.1:{port}")
    if database_url:
        env["DATABASE_URL"] = database_url
    server: Server | None = None
    polls: ThreadPoolExecutor | None = None
    background = background_cores()
    try:
        if not migrate(zorgid, env, database_url if made_database else None):
            return 2
        server = serve(zorgid, env, home, port, args.workers, args.threads)
        if server is None:
            return 2
        if not (home / "test-uzi-ca" / "trust").is_dir():
            log(f"zorgid serve made no test UZI CA in {home / 'test-uzi-ca'}\n{server.tail()}")
            return 2
        log(f"zorgid org add --ura {ORGANISATION['ura']}; {args.parallel} test UZI-pas(sen) with zorgid dev uzi-pas")
        run_checked([zorgid, "org", "add", "--name", ORGANISATION["name"], "--ura", ORGANISATION["ura"],
                     "--kvk", ORGANISATION["kvk"]], env, "zorgid org add")
        cards = [make_uzi_pas(zorgid, env, home, cards_dir / f"card-{i}", args.pin) for i in range(args.parallel)]

        polls = ThreadPoolExecutor(max_workers=2 * args.parallel, thread_name_prefix="browser-poll")
        holders = [CardHolder(server.base_url, desktop, card, args.pin, polls) for card in cards]
        results = Results()
        if args.warmup:
            log(f"{args.warmup} warm-up session(s)")
        for _ in range(args.warmup):
            attempt(holders[0], None, results)
        offset = server.log_path.stat().st_size  # set-up and warm-up requests are not counted
        log(f"{args.sessions} card sessions with {args.parallel} card(s)")
        elapsed = run_sessions(args.sessions, holders, results)
        if server.process.poll() is not None:
            log(f"the server exited during the sessions (status {server.process.returncode}):\n{server.tail()}")
            return 2
        server.stop()

        log("context: Python start-up, PKCS#11 on SoftHSM2, RSA verify")
        context = {
            "startup": [
                ('python -c pass', startup_times(python, "pass")),
                ('python -c "import zorgid.clients.desktop.cli"',
                 startup_times(python, "import zorgid.clients.desktop.cli")),
            ],
            "pkcs11": pkcs11_probe(python, cards[0], args.pin,
                                   os.environ.get("ZORGID_PKCS11_MODULE", "/usr/lib/softhsm/libsofthsm2.so")),
            "rsa_verify": rsa_verify_rate(),
            "background": background,
        }
        times = server_times(server.log_path, REQUEST_KINDS, offset)  # the measured sessions' requests
        return 0 if report(args, results, elapsed, times, context) else 1
    except RuntimeError as exc:
        log(str(exc))
        return 2
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        if polls is not None:
            polls.shutdown(wait=False, cancel_futures=True)
        clean_up(home, server, drop=database_url if made_database else None)
        shutil.rmtree(cards_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
