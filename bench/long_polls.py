"""Benchmark: many waiting login pages at once against zorgid served as in production (PostgreSQL, gunicorn gthread).

Every visitor of the start page gets a login flow, and the page's status request ``/inloggen/status/<flow>?wait=1``
waits up to ZORGID_LOGIN_WAIT_SECONDS (20 s) for the app. This script opens ``--polls`` such waits at once and,
while they wait, measures what everybody else gets: the latency of the public page ``/foutmeldingen`` and the
number of PostgreSQL connections the server holds. It does so twice: the waits from as many client addresses
(127.0.1.x: many visitors) and all from one address (one client). See docs/security.md and bench/README.md.

The server, database and figure helpers come from bench/login.py. Run it as a script: ``python bench/…``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx
import psycopg
from login import (
    Server,
    bench_environment,
    clean_up,
    free_port,
    log,
    migrate,
    start_server,
    wait_until_serving,
    zorgid_command,
)

FLOW_MARK = 'data-status-url="/inloggen/status/'


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Open many waiting status requests at once and measure the latency "
                                                 "of a normal page and the PostgreSQL connections held meanwhile.")
    parser.add_argument("--polls", type=int, default=80, help="waiting status requests at once (default 80)")
    parser.add_argument("--workers", type=int, default=2, help="zorgid serve --workers (default 2)")
    parser.add_argument("--threads", type=int, default=32, help="zorgid serve --threads (default 32, its default)")
    parser.add_argument("--samples", type=int, default=10, help="requests of /foutmeldingen measured (default 10)")
    parser.add_argument("--unbounded", action="store_true",
                        help="no bound on waiting requests (ZORGID_WAIT_SLOTS and ZORGID_WAITS_PER_CLIENT 10000): "
                             "only the released database connections remain of the defence")
    parser.add_argument("--database-url", default=None, help="an existing, empty PostgreSQL database (kept)")
    parser.add_argument("--zorgid", default=None, help="the zorgid command (default: next to this Python)")
    args = parser.parse_args(argv)
    if not 1 <= args.polls <= 250:
        parser.error("--polls must be 1..250 (one loopback address each)")
    return args


def client(base_url: str, address: str) -> httpx.Client:
    """A browser on its own loopback address: the server sees a client address of its own."""
    return httpx.Client(base_url=base_url, timeout=httpx.Timeout(60.0, connect=10.0),
                        transport=httpx.HTTPTransport(local_address=address))


@dataclass
class Scenario:
    name: str
    poll_addresses: list[str]
    answered_at_once: int = 0
    waited: int = 0
    other: list[str] = field(default_factory=list)
    page_ms: list[float] = field(default_factory=list)
    page_status: list[int] = field(default_factory=list)
    connections: list[int] = field(default_factory=list)
    before: int = 0  # the server's connections after the visitors' start pages, before the waits


def visitor_flows(base_url: str, count: int) -> list[tuple[httpx.Client, str]]:
    """``count`` visitors of the start page, each from 127.0.1.<n>, each with its flow and browser cookie."""
    visitors = []
    for index in range(count):
        browser = client(base_url, f"127.0.1.{index + 1}")
        text = browser.get("/").text
        start = text.index(FLOW_MARK) + len(FLOW_MARK)
        visitors.append((browser, text[start:start + 32]))
    return visitors


def server_connections(database_url: str) -> int:
    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        name = conn.info.dbname
        return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                            [name]).fetchone()[0]


def run(scenario: Scenario, base_url: str, database_url: str, samples: int) -> None:
    visitors = visitor_flows(base_url, len(scenario.poll_addresses))
    scenario.before = server_connections(database_url)
    lock = threading.Lock()

    def poll(index: int) -> None:
        browser, flow = visitors[index]
        cookies = browser.cookies
        with client(base_url, scenario.poll_addresses[index]) as poller:
            poller.cookies = cookies
            answer = poller.get(f"/inloggen/status/{flow}", params={"wait": "1"},
                                headers={"Accept": "application/json"})
        with lock:
            body = answer.json() if answer.headers.get("content-type", "").startswith("application/json") else {}
            if answer.status_code == 200 and "retry_after" in body:
                scenario.answered_at_once += 1
            elif answer.status_code == 200:
                scenario.waited += 1
            else:
                scenario.other.append(f"HTTP {answer.status_code} {body.get('error', {}).get('code', '')}")

    with ThreadPoolExecutor(max_workers=len(visitors)) as pool:
        futures = [pool.submit(poll, index) for index in range(len(visitors))]
        time.sleep(2.0)  # every status request has arrived and waits, or was answered at once
        with client(base_url, "127.0.2.1") as other:
            for _ in range(samples):
                started = time.perf_counter()
                response = other.get("/foutmeldingen")
                scenario.page_ms.append((time.perf_counter() - started) * 1000)
                scenario.page_status.append(response.status_code)
                scenario.connections.append(server_connections(database_url))
                time.sleep(0.2)
        for future in futures:
            future.result()
    for browser, _ in visitors:
        browser.close()


def report(scenario: Scenario) -> None:
    ms = sorted(scenario.page_ms)
    print(f"\n{scenario.name}")
    print(f"  status requests that waited            {scenario.waited}")
    print(f"  answered at once (ask again later)     {scenario.answered_at_once}")
    if scenario.other:
        print(f"  other answers                          {', '.join(sorted(set(scenario.other)))}")
    print(f"  /foutmeldingen meanwhile, ms           median {statistics.median(ms):.0f}, max {ms[-1]:.0f} "
          f"({len(ms)} requests, statuses {sorted(set(scenario.page_status))})")
    print(f"  PostgreSQL connections of the server   max {max(scenario.connections)}, "
          f"median {statistics.median(scenario.connections):.0f} while they wait; {scenario.before} before "
          f"(idle persistent connections of threads, at most workers x threads, + 1 listener per worker)")


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    zorgid = zorgid_command(args.zorgid)
    port = free_port()
    made_database = args.database_url is None
    database_url, home, env = bench_environment(port, args.database_url, "zorgid-bench-polls-")
    env.setdefault("ZORGID_RATE_LIMIT_FACTOR", "1")
    if args.unbounded:
        env.update(ZORGID_WAIT_SLOTS="10000", ZORGID_WAITS_PER_CLIENT="10000")
    server: Server | None = None
    try:
        if not migrate(zorgid, env, database_url if made_database else None):
            return 2
        log(f"zorgid serve --workers {args.workers} --threads {args.threads}")
        server = start_server(zorgid, env, home, port, args.workers, args.threads)
        wait_until_serving(server, args.workers)
        scenarios = [
            Scenario(f"{args.polls} waiting status requests from {args.polls} client addresses",
                     [f"127.0.1.{index + 1}" for index in range(args.polls)]),
            Scenario(f"{args.polls} waiting status requests from one client address", ["127.0.3.1"] * args.polls),
        ]
        print(f"zorgid serve: {args.workers} workers x {args.threads} threads; "
              f"bounds: {'none (--unbounded)' if args.unbounded else 'the defaults'}")
        for scenario in scenarios:
            log(scenario.name)
            run(scenario, server.base_url, database_url, args.samples)
            report(scenario)
        return 0
    except KeyboardInterrupt:
        return 130
    finally:
        clean_up(home, server, drop=database_url if made_database else None)


if __name__ == "__main__":
    sys.exit(main())
