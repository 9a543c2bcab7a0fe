"""Benchmark: the login bench (bench/login.py) through Debian's nginx against two ``zorgid serve``, next to one.

On one fresh PostgreSQL database and one ZORGID_HOME it measures the same closed (or open) loop of complete
logins three times: one instance directly, the same instance behind nginx, two instances behind nginx (round
robin, bench/nginx.py, as docs/deployment.md sets it up). It prints logins per second and the latency
percentiles of each, one line per set-up. See bench/README.md ("Several instances").
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import login  # noqa: E402 (the bench directory is no installed package)
from bench.nginx import Nginx, available, remove  # noqa: E402


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="The login benchmark through nginx: one instance directly, one "
                                                 "behind nginx, two behind nginx.")
    login.add_load_options(parser, duration=10.0, per=", per set-up")
    login.add_server_options(parser)
    return login.check_load_options(parser, parser.parse_args(argv))


def measure(args, label: str, base_url: str, devices, server: login.Server) -> tuple[str, login.Results, float]:
    login.log(f"{label}: {args.concurrency} simulated users, {args.warmup:g} s warm-up + {args.duration:g} s")
    sampler = login.MemorySampler(server.process.pid)
    sampler.start()
    try:
        results, elapsed, _ = login.load(args, base_url, devices, server.process.pid, sampler)
    finally:
        sampler.stop.set()
        sampler.join()
    return label, results, elapsed


def row(label: str, results: login.Results, elapsed: float) -> str:
    done = [x.browser_done - x.approval_sent for x in results.logins]
    whole = [x.browser_done - x.started for x in results.logins]
    failed = sum(results.errors.values())
    rate = len(results.logins) / elapsed if elapsed else 0.0

    def ms(values, pct):
        return f"{login.percentile(values, pct) * 1000:7.1f}" if values else "    n/a"

    return (f"  {label:34s} {rate:8.1f}  {failed:6d}   {ms(done, 50)} {ms(done, 95)}    "
            f"{ms(whole, 50)} {ms(whole, 95)}")


def main(argv: list[str] | None = None) -> int:
    if not available():
        login.log("nginx is not installed (scripts/system-deps.sh installs it)")
        return 2
    args = options(argv)
    zorgid = login.zorgid_command(args.zorgid)
    ports = [login.free_port() for _ in range(3)]
    proxy_port = args.port or ports[2]
    made_database = args.database_url is None
    database_url, home, env = login.bench_environment(proxy_port, args.database_url, "zorgid-bench-")
    env["ZORGID_BASE_URL"] = f"http://127.0.0.1:{proxy_port}"  # the proxy's address: the one the users see
    login.lift_client_limits(env)
    proxy_dir = Path(tempfile.mkdtemp(prefix="zorgid-nginx-"))
    servers: list[login.Server] = []
    nginx: Nginx | None = None
    rows = []
    background = login.background_cores()
    try:
        if not login.migrate(zorgid, env, database_url if made_database else None):
            return 2
        for index in range(2):  # one after the other: the first start makes the CA in the shared ZORGID_HOME
            server = login.serve(zorgid, env, home, ports[index], args.workers, args.threads, f"server-{index}.log")
            if server is None:
                return 2
            servers.append(server)
        first = servers[0]
        devices = login.make_devices(zorgid, env, home, first.base_url, args.users)
        rows.append(measure(args, "one instance, directly", first.base_url, devices, first))
        for label, upstreams in (("one instance behind nginx", servers[:1]),
                                 ("two instances behind nginx", servers)):
            nginx = Nginx(proxy_dir / label.replace(" ", "-"), proxy_port, [s.base_url[7:] for s in upstreams])
            nginx.start()
            rows.append(measure(args, label, nginx.url, devices, first))
            nginx.stop()
            nginx = None
            time.sleep(1.0)
        for server in servers:
            if server.process.poll() is not None:
                login.log(f"a server exited during the load:\n{server.tail()}")
                return 2
    except KeyboardInterrupt:
        login.log("interrupted")
        return 130
    finally:
        if nginx is not None:
            nginx.stop()
        for server in servers[1:]:
            server.stop()
        login.clean_up(home, servers[0] if servers else None, None, database_url if made_database else None)
        remove(proxy_dir)

    mode = (f"open loop at {args.rate:g} logins/s" if args.rate else f"closed loop, {args.concurrency} users")
    print()
    print(f"zorgid logins through nginx: each instance {args.workers} workers x {args.threads} threads, {mode}, "
          f"{args.duration:g} s measured per set-up, {login.os.cpu_count()} cores "
          f"(before the run {background:.2f} busy)")
    print(f"  {'set-up':34s} {'logins/s':>8s}  {'failed':>6s}   approval sent -> done   whole login")
    print(f"  {'':34s} {'':8s}  {'':6s}   {'p50 ms':>7s} {'p95 ms':>7s}    {'p50 ms':>7s} {'p95 ms':>7s}")
    for label, results, elapsed in rows:
        print(row(label, results, elapsed))
        for kind, count in results.errors.most_common(5):
            print(f"      {count:6d}  {kind}")
    return 0 if all(sum(r.errors.values()) <= 0.01 * max(1, len(r.logins)) for _, r, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
