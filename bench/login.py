"""Benchmark: complete ZORG-ID logins against zorgid served as in production (PostgreSQL, gunicorn gthread).

Sets up a fresh database and ZORGID_HOME, starts ``zorgid serve``, makes Mobile IDs, then runs simulated
users that each loop over complete logins (browser: start page and long-poll; app: fetch flow, sign, approve)
and prints throughput, latency, errors, the server's memory and where the CPU went. See bench/README.md.

It plays browser and app over HTTP only; of zorgid it imports nothing but ``zorgid.protocol``.
"""

from __future__ import annotations

import argparse
import collections
import html
import os
import queue
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from zorgid.protocol.bodies import ActivationRequest, KeyShareUnlockRequest, LoginApprovalRequest
from zorgid.protocol.messages import (
    ACTIVATIONS_PATH,
    DeviceUnlock,
    LoginApproval,
    b64encode,
    key_share_unlock_path,
    login_approval_path,
    login_flow_path,
)
from zorgid.protocol.payloads import ActivationPayload, LoginPayload, parse_payload

REPO = Path(__file__).resolve().parent.parent
PAYLOAD_LINK = re.compile(r'<a\b[^>]*\bid="payload"[^>]*>([^<]+)</a>')
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
LOGIN_TIMEOUT = 45.0  # one login (start page to done) may take at most this long before it counts as failed


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------- options


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Serve zorgid as in production (PostgreSQL, gunicorn gthread) and measure complete logins: "
                    "browser start page + long-poll, app fetches the flow, signs and approves.",
    )
    add_load_options(parser, duration=20.0)
    add_server_options(parser)
    parser.add_argument("--no-openssl", action="store_true", help="skip the `openssl speed ecdsap256` comparison")
    return check_load_options(parser, parser.parse_args(argv))


def add_load_options(parser: argparse.ArgumentParser, *, duration: float, per: str = "") -> None:
    """The load's options (this benchmark's and oidc_login.py's): duration, warm-up, simulated users, Mobile IDs,
    open loop; ``per`` names what one measurement covers (", per kind of login")."""
    parser.add_argument("--duration", type=float, default=duration,
                        help=f"seconds of measured load{per} (default {duration:g})")
    parser.add_argument("--warmup", type=float, default=2.0,
                        help=f"seconds of load before the measurement starts{per}, not counted (default 2)")
    parser.add_argument("--concurrency", type=int, default=32,
                        help="simulated users, each looping over complete logins (default 32)")
    parser.add_argument("--users", type=int, default=None,
                        help="Mobile IDs to make; simulated users share them round-robin (default: = concurrency)")
    parser.add_argument("--rate", type=float, default=0.0,
                        help="open loop: start this many logins per second, spread evenly, each taken by a free "
                             "simulated user; --concurrency then caps the logins under way (default 0: closed "
                             "loop, every simulated user starts its next login as soon as the last is done)")


def check_load_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.Namespace:
    if args.concurrency < 1 or args.workers < 1 or args.duration <= 0 or args.warmup < 0 or args.rate < 0:
        parser.error("--concurrency and --workers must be ≥ 1, --duration > 0, --warmup ≥ 0, --rate ≥ 0")
    args.users = args.users or args.concurrency
    if args.users < 1:
        parser.error("--users must be ≥ 1")
    return args


def add_server_options(parser: argparse.ArgumentParser, *, threads: int | None = 48, database=None) -> None:
    """How the benchmarks serve zorgid: --workers, --threads (left to the caller when ``threads`` is None),
    --database-url (into ``database``, a group of the parser, when given), --port, --zorgid."""
    parser.add_argument("--workers", type=int, default=2, help="zorgid serve --workers (default 2)")
    if threads is not None:
        parser.add_argument("--threads", type=int, default=threads, help=f"zorgid serve --threads (default {threads})")
    (database or parser).add_argument(
        "--database-url", default=None,
        help="an existing, empty PostgreSQL database to use and keep (default: a fresh database "
             "postgres://postgres@127.0.0.1:5432/zorgid_bench_<random>, dropped at the end)")
    parser.add_argument("--port", type=int, default=None, help="port to serve on (default: a free one)")
    parser.add_argument("--zorgid", default=None,
                        help="the zorgid command (default: next to this Python, else .venv/bin/zorgid)")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def zorgid_command(explicit: str | None) -> str:
    candidates = [explicit] if explicit else [str(Path(sys.executable).parent / "zorgid"),
                                              str(REPO / ".venv" / "bin" / "zorgid")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("zorgid")
    if found:
        return found
    raise SystemExit("zorgid command not found; install the project (make run) or pass --zorgid")


# -------------------------------------------------------------------------------------------- database


def _admin_conninfo(url: str) -> tuple[str, str]:
    """Conninfo of the server's maintenance database and the name of the database in ``url``."""
    url = "postgresql://" + url.split("://", 1)[1] if url.startswith("postgres://") else url
    name = conninfo_to_dict(url).get("dbname")
    if not name:
        raise SystemExit(f"--database-url names no database: {url}")
    return make_conninfo(url, dbname="postgres"), name


def create_database(url: str) -> None:
    conninfo, name = _admin_conninfo(url)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    conninfo, name = _admin_conninfo(url)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


# ----------------------------------------------------------------------------------------- /proc figures


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # fields from "state" (field 3) on


def process_cpu(pid: int) -> float | None:
    """User + system CPU seconds of a process so far."""
    fields = _stat_fields(pid)
    return None if fields is None else (int(fields[11]) + int(fields[12])) / CLK_TCK


def children(pid: int) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields is not None and int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def status_kb(pid: int, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def postgres_cpu() -> float:
    """CPU seconds of PostgreSQL so far: its live processes (backends of other users included), and the backends
    that have ended, which the postmaster (the one whose parent is not PostgreSQL) has counted as its children's
    time: a server that opens a connection per request would otherwise hide most of its database's CPU."""
    total, pids = 0.0, {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            comm = Path(f"/proc/{entry.name}/comm").read_text().strip()
        except OSError:
            continue
        if comm.startswith("postgres"):
            fields = _stat_fields(int(entry.name))
            if fields is not None:
                pids[int(entry.name)] = fields
    for fields in pids.values():
        total += (int(fields[11]) + int(fields[12])) / CLK_TCK
        if int(fields[1]) not in pids:  # the postmaster: add its ended children (cutime + cstime)
            total += (int(fields[13]) + int(fields[14])) / CLK_TCK
    return total


def machine_cpu() -> tuple[float, float, float]:
    """(busy, stolen, total) CPU seconds of the whole machine so far, all cores added.

    Stolen is time the hypervisor gave to other machines while this one wanted to run.
    """
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle, steal = values[3] + values[4], values[7]  # idle + iowait; steal
    total = sum(values[:8])  # without guest times, which are part of user already
    return (total - idle - steal) / CLK_TCK, steal / CLK_TCK, total / CLK_TCK


class MemorySampler(threading.Thread):
    """Samples VmRSS of the gunicorn master and its workers every ``interval`` seconds."""

    def __init__(self, master: int, interval: float = 0.5):
        super().__init__(daemon=True, name="memory-sampler")
        self.master, self.interval = master, interval
        self.peak: dict[int, int] = {}  # pid -> peak sampled VmRSS in kB
        self.hwm: dict[int, int] = {}  # pid -> VmHWM (the kernel's own peak) in kB, at the last sample
        self.workers: list[int] = []  # in the order first seen
        self.stop = threading.Event()

    def sample(self) -> None:
        pids = [self.master, *children(self.master)]
        for pid in pids:
            rss, hwm = status_kb(pid, "VmRSS"), status_kb(pid, "VmHWM")
            if rss is None:
                continue
            if pid != self.master and pid not in self.workers:
                self.workers.append(pid)
            self.peak[pid] = max(self.peak.get(pid, 0), rss)
            if hwm is not None:
                self.hwm[pid] = hwm

    def run(self) -> None:
        while not self.stop.wait(self.interval):
            self.sample()


# ---------------------------------------------------------------------------------------------- server


@dataclass
class Server:
    process: subprocess.Popen
    base_url: str
    log_path: Path

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                log("server did not stop within 20 s after SIGTERM: killing it")
                self.process.kill()
                self.process.wait(timeout=10)


def start_server(zorgid: str, env: dict, home: Path, port: int, workers: int, threads: int,
                 log_name: str = "server.log") -> Server:
    log_path = home / log_name
    handle = open(log_path, "wb")  # noqa: SIM115 (kept open by the child)
    process = subprocess.Popen(
        [zorgid, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
         "--threads", str(threads)],
        env=env, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    handle.close()
    return Server(process, f"http://127.0.0.1:{port}", log_path)


def serve(zorgid: str, env: dict, home: Path, port: int, workers: int, threads: int,
          log_name: str = "server.log") -> Server | None:
    """``zorgid serve`` for a bench, once all its workers answer; None (stopped, its last lines logged) if it does
    not come up. Its output goes to ``home``/``log_name``."""
    log(f"zorgid serve --port {port} --workers {workers} --threads {threads}")
    server = start_server(zorgid, env, home, port, workers, threads, log_name)
    try:
        wait_until_serving(server, workers)
    except RuntimeError as exc:
        log(f"server failed to start: {exc}\n{server.tail()}")
        server.stop()
        return None
    return server


def wait_until_serving(server: Server, workers: int, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=server.base_url, timeout=5.0) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise RuntimeError(f"server exited with status {server.process.returncode}")
            try:
                if client.get("/foutmeldingen").status_code == 200 and len(children(server.process.pid)) >= workers:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer within {timeout:.0f} s")


# ------------------------------------------------------------------------------------------ the app side


@dataclass
class Device:
    """An activated app: its P-256 key, Mobile ID, PIN proof and device key (the key share's protocol,
    docs/security.md). Every unlock is signed with the device key at a moment later than the last one the
    server took, and its token serves the next approval only: simulated users sharing a Device (--users below
    --concurrency) take turns from unlock to approval (``in_use``), as one phone does one login at a time."""

    key: ec.EllipticCurvePrivateKey
    mobile_id: str
    pin_proof: bytes = b""
    device_key: ec.EllipticCurvePrivateKey | None = None
    last_signed_at_ms: int = 0
    in_use: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def unlock_body(self) -> dict:
        """Call with ``in_use`` held until the answer is in: the server refuses a moment not after the last."""
        signed_at_ms = max(time.time_ns() // 1_000_000, self.last_signed_at_ms + 1)
        self.last_signed_at_ms = signed_at_ms
        message = DeviceUnlock(self.mobile_id, self.pin_proof, signed_at_ms)
        signature = self.device_key.sign(message.canonical_bytes(), ec.ECDSA(hashes.SHA256()))
        return KeyShareUnlockRequest(pin_proof=self.pin_proof, signed_at_ms=signed_at_ms, signature=signature).to_json()

    def approval(self, flow: dict, unlock_token: str) -> dict:
        signed_at = int(time.time())
        message = LoginApproval(flow["flow"], flow["nonce"], flow["origin"], self.mobile_id, signed_at)
        signature = self.key.sign(message.canonical_bytes(), ec.ECDSA(hashes.SHA256()))
        return LoginApprovalRequest(unlock_token=unlock_token, mobile_id=self.mobile_id, signed_at=signed_at,
                                    signature=b64encode(signature)).to_json()


def activate_device(client: httpx.Client, code: str) -> Device:
    """Activate as the app does: a fresh key's CSR, a PIN proof (random here: the app derives it from the PIN) and
    a device key of its own."""
    key, proof = ec.generate_private_key(ec.SECP256R1()), secrets.token_bytes(32)
    device_key = ec.generate_private_key(ec.SECP256R1())
    public = device_key.public_key().public_bytes(serialization.Encoding.DER,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo)
    body = ActivationRequest(code=code, csr=make_csr(key), pin_proof=proof, device_key=public)
    response = client.post(ACTIVATIONS_PATH, json=body.to_json())
    if response.status_code != 201:
        raise RuntimeError(f"activation failed: HTTP {response.status_code} {response.text[:300]}")
    return Device(key, response.json()["mobile_id"], proof, device_key)


def make_csr(key: ec.EllipticCurvePrivateKey) -> str:
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "zorgid-app")]))
           .sign(key, hashes.SHA256()))
    return csr.public_bytes(serialization.Encoding.PEM).decode()


def add_operator(zorgid: str, env: dict, home: Path, index: int) -> ActivationPayload:
    png = home / f"activatie-{index}.png"
    result = subprocess.run(
        [zorgid, "operator", "add", "--first-names", f"Bench {_letters(index)}", "--last-name", "Gebruiker",
         "--birth-date", "01-01-1980", "--png", str(png)],
        env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    if result.returncode != 0:
        raise RuntimeError(f"zorgid operator add failed ({result.returncode}): {result.stderr.strip()[-500:]}")
    for line in result.stdout.splitlines():
        if line.strip().startswith("zorgid://activate?"):
            payload = parse_payload(line)
            if isinstance(payload, ActivationPayload):
                return payload
    raise RuntimeError(f"no zorgid://activate line in the output of zorgid operator add:\n{result.stdout[-500:]}")


def _letters(index: int) -> str:
    """``index`` in letters (a name has no digits): 0 → A, 12 → Bc."""
    return "".join(chr(ord("a") + int(digit)) for digit in str(index)).capitalize()


def make_devices(zorgid: str, env: dict, home: Path, base_url: str, count: int) -> list[Device]:
    def one(index: int) -> Device:
        payload = add_operator(zorgid, env, home, index)
        with httpx.Client(base_url=base_url, timeout=30.0) as client:
            return activate_device(client, payload.code)

    with ThreadPoolExecutor(max_workers=min(4, count)) as pool:  # each operator add is a Python start-up
        return list(pool.map(one, range(count)))


# ------------------------------------------------------------------------------------------- the load


class StepFailed(Exception):
    """A step of a login (or of another benchmark's session) failed; ``kind`` is what the report counts."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def failure_kind(step: str, response: httpx.Response) -> str:
    try:
        error = response.json().get("error")
        code = str(error.get("code", ""))[:60] if isinstance(error, dict) else ""
    except (ValueError, AttributeError):
        code = ""
    return f"{step}: HTTP {response.status_code}" + (f" {code}" if code else "")


@dataclass
class Login:
    scheduled: float  # when this login was due (open loop), else = started
    started: float  # GET / sent
    approval_sent: float  # approval POST about to be sent
    approval_answered: float  # approval response received
    browser_done: float  # long-poll returned {"state": "done"}
    unlock_rtt: float = 0.0  # the app's POST …/unlock (the key share), sent to answered

    @property
    def completed(self) -> float:
        """When the login was complete (here: the browser saw done)."""
        return self.browser_done


@dataclass
class Results:
    logins: list[Login] = field(default_factory=list)
    errors: collections.Counter = field(default_factory=collections.Counter)
    not_started: int = 0  # open loop: logins due before the end that no simulated user was free to start
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, login: Login) -> None:
        with self.lock:
            self.logins.append(login)

    def fail(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] += 1


def login_payload(page: httpx.Response, step: str) -> LoginPayload:
    """The ``zorgid://login?…`` link of a QR page (the portal's start page, or the provider's authorize page)."""
    if page.status_code != 200:
        raise StepFailed(failure_kind(step, page) + f" {page.headers.get('location', '')[:120]}".rstrip())
    link = PAYLOAD_LINK.search(page.text)
    if link is None:
        raise StepFailed(f"{step}: no login link")
    payload = parse_payload(html.unescape(link.group(1)))
    if not isinstance(payload, LoginPayload):
        raise StepFailed(f"{step}: link is no login payload")
    return payload


class SimulatedUser:
    """One person logging in again and again: a fresh browser session per login, one app."""

    status_path = "/inloggen/status/{}"  # the QR page's status, long-polled by its script

    def __init__(self, base_url: str, device: Device, polls: ThreadPoolExecutor, tls: ssl.SSLContext):
        self.device, self.polls = device, polls
        self.app = self.client(base_url, tls)
        self.browser = self.client(base_url, tls, headers={"Accept-Language": "nl"})

    @staticmethod
    def client(base_url: str, tls: ssl.SSLContext, **options) -> httpx.Client:
        """A connection pool of its own (keep-alive), as a browser, an app or a server has one."""
        return httpx.Client(base_url=base_url, timeout=httpx.Timeout(30.0, connect=10.0), verify=tls,
                            limits=httpx.Limits(max_keepalive_connections=2, max_connections=4), **options)

    def close(self) -> None:
        self.app.close()
        self.browser.close()

    def _poll(self, flow_id: str, polling: threading.Event) -> float:
        """The QR page's script: long-poll until done; returns the time it saw done."""
        deadline = time.perf_counter() + LOGIN_TIMEOUT
        while True:
            polling.set()  # the request goes out now (a page polls before anyone can scan its QR)
            response = self.browser.get(self.status_path.format(flow_id), params={"wait": "1"})
            seen = time.perf_counter()
            if response.status_code != 200:
                raise StepFailed(failure_kind("poll", response))
            state = response.json().get("state")
            if state == "done":
                return seen
            if state != "pending" or seen > deadline:
                raise StepFailed(f"poll: state {state}")

    def login(self, scheduled: float | None = None) -> Login:
        self.browser.cookies.clear()  # a new browser session, as a fresh browser would have
        started = time.perf_counter()
        payload = login_payload(self.browser.get("/"), "start page")
        return Login(started if scheduled is None else scheduled, started, *self.approve(payload.flow))

    def approve(self, flow_id: str) -> tuple[float, float, float, float]:
        """The QR page's long-poll and the app's part (fetch the flow, unlock the key share, sign, approve), until
        the page saw done: (approval_sent, approval_answered, browser_done, unlock_rtt) of :class:`Login`."""
        polling = threading.Event()
        done = self.polls.submit(self._poll, flow_id, polling)
        polling.wait(5.0)

        response = self.app.get(login_flow_path(flow_id))
        if response.status_code != 200:
            done.cancel()
            raise StepFailed(failure_kind("app flow", response))
        flow = response.json()
        with self.device.in_use:  # one app, one use of its key at a time (the unlock's token is for this use)
            unlock_sent = time.perf_counter()
            response = self.app.post(key_share_unlock_path(self.device.mobile_id), json=self.device.unlock_body())
            if response.status_code != 200:
                done.cancel()
                raise StepFailed(failure_kind("app unlock", response))
            unlock_rtt = time.perf_counter() - unlock_sent
            approval = self.device.approval(flow, response.json()["unlock_token"])
            approval_sent = time.perf_counter()
            response = self.app.post(login_approval_path(flow_id), json=approval)
            approval_answered = time.perf_counter()
        if response.status_code != 200:
            raise StepFailed(failure_kind("app approval", response))
        return approval_sent, approval_answered, done.result(timeout=LOGIN_TIMEOUT + 35), unlock_rtt


def run_user(user: SimulatedUser, results: Results, measure_from: float, stop_at: float,
             tickets: queue.Queue | None) -> None:
    while time.perf_counter() < stop_at:
        scheduled = None
        if tickets is not None:  # open loop: wait for the next login that is due
            try:
                scheduled = tickets.get(timeout=0.1)
            except queue.Empty:
                continue
        begun = time.perf_counter() if scheduled is None else scheduled
        try:
            login = user.login(scheduled)
        except StepFailed as failure:
            kind = failure.kind
        except httpx.HTTPError as exc:
            kind = f"transport: {type(exc).__name__}"
        except Exception as exc:  # noqa: BLE001 (a benchmark counts every failure and goes on)
            kind = f"other: {type(exc).__name__}: {exc}"[:120]
        else:
            if login.scheduled >= measure_from:
                results.add(login)
            continue
        if begun >= measure_from:
            results.fail(kind)
        time.sleep(0.05)  # do not spin on a failing server


def pace(tickets: queue.Queue, rate: float, start: float, stop_at: float) -> None:
    """Open loop: put the due time of each login in ``tickets``, ``rate`` per second, evenly spread."""
    due = start
    while due < stop_at:
        time.sleep(max(0.0, due - time.perf_counter()))
        tickets.put(due)
        due += 1.0 / rate


# ---------------------------------------------------------------------------------------------- report


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile of ``values`` (not empty)."""
    ordered = sorted(values)
    rank = max(1, int(-(-pct * len(ordered) // 100)))  # ceil(pct/100 * n)
    return ordered[min(rank, len(ordered)) - 1]


def ms_row(values: list[float], pcts=(50, 95, 99)) -> str:
    if not values:
        return "n/a"
    return "  ".join(f"p{p} {percentile(values, p) * 1000:7.1f}" for p in pcts) + f"  max {max(values) * 1000:7.1f}"


def openssl_verify_rate() -> str:
    try:
        result = subprocess.run(["openssl", "speed", "-seconds", "3", "ecdsap256"], capture_output=True, text=True,
                                timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"openssl speed failed: {exc}"
    header = None
    for line in result.stdout.splitlines():
        if "verify/s" in line:
            header = line.split()
        elif header and "nistp256" in line:
            value = line.split()[-1]
            return f"{float(value):,.0f} verifications/s (one core; line: {' '.join(line.split())})"
    return f"openssl speed: no verify/s figure found (status {result.returncode})"


def python_verify_rate(seconds: float = 1.0) -> float:
    """ECDSA P-256 verifications per second through `cryptography`, as the server does them."""
    key = ec.generate_private_key(ec.SECP256R1())
    public, data = key.public_key(), b'{"type":"zorgid.login.approval"}' * 4
    signature = key.sign(data, ec.ECDSA(hashes.SHA256()))
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        public.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        count += 1
    return count / (time.perf_counter() - start)


ACCESS_LINE = re.compile(r" ([A-Z]{1,16}) (\S+) (\d{3}) (\d+)ms$")  # zorgid.access: the route, never its values
REQUEST_KINDS = (
    ("GET /  (start page: new flow, QR, session)", re.compile(r"GET /$")),
    ("GET /inloggen/status/<id>?wait=1  (long-poll)", re.compile(r"GET /inloggen/status/<str:flow_id>$")),
    ("GET /api/v1/login-flows/<id>  (app)", re.compile(r"GET /api/v1/login-flows/<str:flow_id>$")),
    ("POST /api/v1/key-shares/<id>/unlock  (app)", re.compile(r"POST /api/v1/key-shares/<str:mobile_id>/unlock$")),
    ("POST /api/v1/login-flows/<id>/approval  (app)",
     re.compile(r"POST /api/v1/login-flows/<str:flow_id>/approval$")),
)


def server_times(log_path: Path, kinds=REQUEST_KINDS, start: int = 0,
                 end: int | None = None) -> list[tuple[str, list[float]]]:
    """Per request kind (``kinds``: (kind, pattern of "METHOD route")): the server-side durations in s of the
    requests in the server's access log (zorgid.access), of the whole log or of the bytes from ``start`` to
    ``end``."""
    found: dict[str, list[float]] = {kind: [] for kind, _ in kinds}
    try:
        with open(log_path, "rb") as file:
            file.seek(start)
            text = file.read(-1 if end is None else max(0, end - start)).decode(errors="replace")
    except OSError:
        return []
    for line in text.splitlines():
        match = ACCESS_LINE.search(line)
        if not match:
            continue
        request = f"{match.group(1)} {match.group(2)}"
        for kind, pattern in kinds:
            if pattern.match(request):
                found[kind].append(int(match.group(4)) / 1000)
                break
    return list(found.items())


def report(args, results: Results, elapsed: float, sampler: MemorySampler, cpu: dict,
           times: list[tuple[str, list[float]]]) -> bool:
    logins, errors = results.logins, results.errors
    failed = sum(errors.values())
    attempts = len(logins) + failed
    error_share = failed / attempts if attempts else 1.0
    approval_to_done = [x.browser_done - x.approval_sent for x in logins]
    answered_to_done = [x.browser_done - x.approval_answered for x in logins]
    approval_rtt = [x.approval_answered - x.approval_sent for x in logins]
    unlock_rtt = [x.unlock_rtt for x in logins]
    whole = [x.browser_done - x.started for x in logins]

    print()
    mode = (f"open loop at {args.rate:g} logins/s, at most {args.concurrency} under way" if args.rate else
            f"closed loop, {args.concurrency} simulated users")
    print(f"zorgid login benchmark: {args.workers} workers x {args.threads} threads, {mode}, {args.users} Mobile IDs, "
          f"{args.duration:g} s measured after {args.warmup:g} s warm-up, {os.cpu_count()} cores")
    print(f"  complete logins          {len(logins)} in {elapsed:.1f} s")
    print(f"  logins per second        {len(logins) / elapsed:.1f}")
    print(f"  failed logins            {failed} ({error_share * 100:.2f} % of {attempts})")
    for kind, count in errors.most_common():
        print(f"    {count:6d}  {kind}")
    if args.rate:
        print(f"  due but not started      {results.not_started} (no simulated user was free: server overloaded)")
    print("  latency, ms (nearest rank)")
    print(f"    approval sent -> browser sees done      {ms_row(approval_to_done)}")
    print(f"    approval answered -> browser sees done  {ms_row(answered_to_done)}")
    print(f"    approval request round trip             {ms_row(approval_rtt)}")
    print(f"    unlock (key share) round trip           {ms_row(unlock_rtt)}")
    print(f"    whole login (GET / -> browser done)     {ms_row(whole, (50, 95))}")
    if args.rate:
        late = [x.started - x.scheduled for x in logins]
        print(f"    start delay (due -> GET / sent)         {ms_row(late, (50, 95))}")

    print("  server memory (RSS, sampled every 0.5 s; VmHWM = kernel's peak)")
    master = sampler.master
    print(f"    master  pid {master:7d}  peak {sampler.peak.get(master, 0) / 1024:6.1f} MiB"
          f"  VmHWM {sampler.hwm.get(master, 0) / 1024:6.1f} MiB")
    for number, pid in enumerate(sampler.workers, 1):
        print(f"    worker {number} pid {pid:7d}  peak {sampler.peak.get(pid, 0) / 1024:6.1f} MiB"
              f"  VmHWM {sampler.hwm.get(pid, 0) / 1024:6.1f} MiB")
    if len(sampler.workers) > args.workers:
        print(f"    ({len(sampler.workers)} worker pids seen for {args.workers} workers: some were restarted)")

    span = cpu["wall"]
    print(f"  CPU during the measured load, in cores busy on average ({os.cpu_count()} available)")
    print(f"    machine              {cpu['machine'] / span:5.2f}")
    print(f"    zorgid workers       {cpu['workers'] / span:5.2f}")
    print(f"    PostgreSQL           {cpu['postgres'] / span:5.2f}")
    print(f"    this load generator  {cpu['bench'] / span:5.2f}")
    other = cpu["machine"] - cpu["workers"] - cpu["postgres"] - cpu["bench"]
    print(f"    anything else        {other / span:5.2f}  (kernel threads, other programs; before the run the "
          f"machine was {cpu['background']:.2f} cores busy)")
    print(f"    stolen by the host   {cpu['steal'] / span:5.2f}")
    rate = len(logins) / elapsed if elapsed else 0.0
    if rate:  # what one login costs: cores busy divided by logins per second
        print(f"  CPU per complete login   zorgid workers {cpu['workers'] / span / rate * 1000:.1f} ms, "
              f"PostgreSQL {cpu['postgres'] / span / rate * 1000:.1f} ms, this load generator "
              f"{cpu['bench'] / span / rate * 1000:.1f} ms")
    if times:
        print("  time inside the server per request (the access log, warm-up and measured load), ms")
        for kind, values in times:
            print(f"    {kind:48s} n {len(values):6d}  {ms_row(values, (50, 95)) if values else 'n/a'}")
    print(f"  ECDSA P-256 verify     python cryptography: {cpu['py_verify']:,.0f}/s on one core")
    if cpu.get("openssl"):
        print(f"                         openssl speed: {cpu['openssl']}")
    worker_ms = cpu["workers"] / span / rate * 1000 if rate else float("inf")
    postgres_ms = cpu["postgres"] / span / rate * 1000 if rate else float("inf")
    p95_done = percentile(approval_to_done, 95) if approval_to_done else float("inf")
    targets = [("worker CPU <= 7 ms per login", worker_ms <= 7),
               ("PostgreSQL CPU <= 1.5 ms per login", postgres_ms <= 1.5),
               ("p95 approval sent -> done < 100 ms", p95_done < 0.1),
               ("no failed login", failed == 0) if args.rate else (">= 120 logins/s", rate >= 120)]
    verdicts = "; ".join(f"{name}: {'met' if met else 'NOT met'}" for name, met in targets)
    print(f"  targets (bench/README.md): {verdicts}")
    return error_share <= 0.01 and attempts > 0


# ------------------------------------------------------------------------------------------------ main


def cpu_snapshot(workers: list[int]) -> dict:
    busy, steal, _ = machine_cpu()
    return {"machine": busy, "steal": steal, "postgres": postgres_cpu(), "bench": sum(os.times()[:2]),
            "workers": {pid: process_cpu(pid) or 0.0 for pid in workers}, "wall": time.perf_counter()}


def load(args, base_url: str, devices: list[Device], server_pid: int, sampler: MemorySampler,
         user=SimulatedUser):
    """``args.concurrency`` simulated users (made by ``user(base_url, device, polls, tls)``, a SimulatedUser by
    default) log in for ``args.warmup`` + ``args.duration`` seconds, closed loop or paced by ``args.rate``; returns
    the results, the measured time and the CPU spent in it."""
    results = Results()
    tls = ssl.create_default_context()  # made once: httpx would load the CA bundle for every client
    polls = ThreadPoolExecutor(max_workers=2 * args.concurrency, thread_name_prefix="browser-poll")
    users = [user(base_url, devices[i % len(devices)], polls, tls) for i in range(args.concurrency)]
    now = time.perf_counter()
    measure_from, stop_at = now + args.warmup, now + args.warmup + args.duration
    tickets: queue.Queue | None = queue.Queue() if args.rate else None
    threads = [threading.Thread(target=run_user, args=(user, results, measure_from, stop_at, tickets), daemon=True,
                                name=f"user-{i}") for i, user in enumerate(users)]
    if tickets is not None:
        threads.append(threading.Thread(target=pace, args=(tickets, args.rate, now, stop_at), daemon=True,
                                        name="pacer"))
    for thread in threads:
        thread.start()

    time.sleep(max(0.0, measure_from - time.perf_counter()))
    workers = children(server_pid)
    before = cpu_snapshot(workers)
    time.sleep(max(0.0, stop_at - time.perf_counter()))
    after = cpu_snapshot(workers)
    log("load phase over; letting the logins under way finish")
    while tickets is not None:
        try:
            if tickets.get_nowait() >= measure_from:
                results.not_started += 1
        except queue.Empty:
            break
    for thread in threads:
        thread.join(timeout=LOGIN_TIMEOUT + 40)
    elapsed = max([stop_at, *(x.completed for x in results.logins)]) - measure_from
    polls.shutdown(wait=False, cancel_futures=True)
    for user in users:
        user.close()
    sampler.sample()
    cpu = {key: after[key] - before[key] for key in ("machine", "steal", "postgres", "bench", "wall")}
    cpu["workers"] = sum(after["workers"][pid] - before["workers"][pid] for pid in workers)
    return results, elapsed, cpu


def bench_environment(port: int, database_url: str | None, prefix: str) -> tuple[str, Path, dict[str, str]]:
    """A database URL (fresh unless given), a temporary ZORGID_HOME and the server's environment."""
    database_url = database_url or f"postgres://postgres@127.0.0.1:5432/zorgid_bench_{secrets.token_hex(4)}"
    home = Path(tempfile.mkdtemp(prefix=prefix))
    env = {key: value for key, value in os.environ.items()
           if key not in ("ZORGID_BASE_URL", "ZORGID_DEBUG", "ZORGID_ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE")}
    env.update(ZORGID_HOME=str(home), DATABASE_URL=database_url, ZORGID_ENVIRONMENT="acceptatie",
               ZORGID_BASE_URL=f"http://127.0.0.1:{port}")
    return database_url, home, env


def lift_client_limits(env: dict[str, str]) -> None:
    """Every simulated user comes from 127.0.0.1: lift the limits per client address (docs/security.md, "Limits
    on requests"), so that the bench measures the server and not its budget for one client. A value already in
    the environment wins."""
    env.setdefault("ZORGID_RATE_LIMIT_FACTOR", "1000")
    env.setdefault("ZORGID_WAITS_PER_CLIENT", "1000")
    env.setdefault("ZORGID_WAIT_SLOTS", "48")


def background_cores() -> float:
    """How many cores the machine is busy with before the benchmark (over one second); a warning when too many."""
    busy, _, total = machine_cpu()
    time.sleep(1.0)
    background = (machine_cpu()[0] - busy) / ((machine_cpu()[2] - total) / (os.cpu_count() or 1))
    if background > 0.2:
        log(f"the machine is already {background:.2f} cores busy before the benchmark: figures will suffer")
    return background


def migrate(zorgid: str, env: dict[str, str], fresh: str | None = None) -> bool:
    """``zorgid migrate`` (after creating the database ``fresh``, when given); False, logged, when it failed."""
    if fresh:
        log(f"creating database {fresh}")
        create_database(fresh)
    log("zorgid migrate" + ("" if env.get("DATABASE_URL") else " (SQLite)"))
    migrated = subprocess.run([zorgid, "migrate"], env=env, capture_output=True, text=True, timeout=300,
                              stdin=subprocess.DEVNULL)
    if migrated.returncode != 0:
        log(f"zorgid migrate failed:\n{migrated.stdout[-2000:]}{migrated.stderr[-2000:]}")
    return migrated.returncode == 0


def django_snippet(env: dict, code: str, *snippet_args: str, timeout: float = 300) -> str:
    """Run ``code`` (which calls django.setup()) in a Python of its own against the benchmark's database: set-up
    that has no command; its standard output."""
    result = subprocess.run([sys.executable, "-c", code, *snippet_args], env={**env,
                            "DJANGO_SETTINGS_MODULE": "zorgid.settings"}, capture_output=True, text=True,
                            timeout=timeout, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise RuntimeError(f"Django snippet failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return result.stdout


def clean_up(home: Path, server: Server | None = None, sampler: MemorySampler | None = None,
             drop: str | None = None) -> None:
    """The end of every run, also a failed one: the sampler and the server stopped, the database ``drop`` (the
    fresh one) dropped, the temporary ZORGID_HOME removed."""
    if sampler is not None:
        sampler.stop.set()
    if server is not None:
        server.stop()
    if drop:
        try:
            drop_database(drop)
        except psycopg.Error as exc:
            log(f"could not drop database {drop}: {exc}")
    shutil.rmtree(home, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    zorgid = zorgid_command(args.zorgid)
    port = args.port or free_port()
    made_database = args.database_url is None
    database_url, home, env = bench_environment(port, args.database_url, "zorgid-bench-")
    lift_client_limits(env)
    server: Server | None = None
    sampler: MemorySampler | None = None
    status = 0
    background = background_cores()
    try:
        if not migrate(zorgid, env, database_url if made_database else None):
            return 2
        server = serve(zorgid, env, home, port, args.workers, args.threads)
        if server is None:
            return 2
        sampler = MemorySampler(server.process.pid)
        sampler.start()
        started = time.perf_counter()
        devices = make_devices(zorgid, env, home, server.base_url, args.users)
        log(f"{len(devices)} Mobile IDs made and activated in {time.perf_counter() - started:.1f} s")
        log(f"load: {args.concurrency} simulated users, {args.warmup:g} s warm-up + {args.duration:g} s measured")
        results, elapsed, cpu = load(args, server.base_url, devices, server.process.pid, sampler)
        if server.process.poll() is not None:
            log(f"the server exited during the load (status {server.process.returncode}):\n{server.tail()}")
            status = 2
        sampler.stop.set()
        sampler.join()
        server.stop()
        cpu["py_verify"] = python_verify_rate()
        if not args.no_openssl:
            log("openssl speed -seconds 3 ecdsap256 (takes ~6 s)")
            cpu["openssl"] = openssl_verify_rate()
        cpu["background"] = background
        if not report(args, results, elapsed, sampler, cpu, server_times(server.log_path)) and status == 0:
            status = 1
        return status
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        clean_up(home, server, sampler, database_url if made_database else None)


if __name__ == "__main__":
    sys.exit(main())
