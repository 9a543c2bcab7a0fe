"""Benchmark: what a load balancer's health check and a Prometheus scrape cost zorgid per request.

Starts ``zorgid serve`` (gunicorn gthread, 2 workers, as in production) on a fresh ZORGID_HOME and database, fills
the metrics with some logins started (``GET /``), then asks ``/health/live``, ``/health/ready`` and ``/metrics`` one
request after the other over one keep-alive connection and prints the time per request (median, 95th and 99th
percentile) and the requests per second one client gets. See bench/README.md.

Usage: .venv/bin/python bench/health_metrics.py [--requests 500] [--database-url postgres://…]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

PATHS = ("/health/live", "/health/ready", "/metrics")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(home: Path, database_url: str | None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("DJANGO_SETTINGS_MODULE", "ZORGID_INSTANCE_DIR", "DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR")}
    env.update(ZORGID_HOME=str(home), ZORGID_ENVIRONMENT="acceptatie", ZORGID_RATE_LIMIT_FACTOR="1000")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "zorgid.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", "2", "--threads", "8"],
            env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=5).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    sys.exit(f"zorgid serve did not start:\n{log.read_text(errors='replace')[-3000:]}")


def _measure(client: httpx.Client, path: str, requests: int) -> list[float]:
    for _ in range(20):  # warm-up: connection, first checks, code paths
        assert client.get(path).status_code == 200
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    return times


def _percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="requests per address (after 20 of warm-up)")
    parser.add_argument("--logins", type=int, default=200, help="logins started first, so the metrics hold values")
    parser.add_argument("--database-url", help="an existing empty database (default: SQLite in the temporary home)")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="zb-"))
    env = _env(home, args.database_url)
    process = None
    try:
        subprocess.run([sys.executable, "-m", "zorgid.cli", "migrate"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        port = _free_port()
        process = _serve(env, port, home / "serve.log")
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            for _ in range(args.logins):
                assert client.get("/").status_code == 200
            size = len(client.get("/metrics").content)
            figures = {path: _measure(client, path, args.requests) for path in PATHS}
        database = "PostgreSQL" if args.database_url else "SQLite"
        print(f"zorgid serve, 2 workers x 8 threads, {database}; one client, one keep-alive connection, "
              f"{args.requests} requests each; /metrics answer {size} bytes")
        print(f"{'address':<16}{'median ms':>11}{'p95 ms':>9}{'p99 ms':>9}{'requests/s':>12}")
        for path, times in figures.items():
            print(f"{path:<16}{statistics.median(times) * 1000:>11.2f}{_percentile(times, 0.95) * 1000:>9.2f}"
                  f"{_percentile(times, 0.99) * 1000:>9.2f}{len(times) / sum(times):>12.0f}")
        return 0
    finally:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
