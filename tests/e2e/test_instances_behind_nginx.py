"""Two `zorgid serve` on one PostgreSQL behind Debian's nginx (round robin, TLS ended in nginx with a self-signed
certificate), as docs/deployment.md sets them up: any request of a login may reach either instance, and losing one
instance under load loses only the logins that had a request under way on it.

PostgreSQL only: two server processes on one SQLite file is no production set-up (docs/deployment.md), and the
waiting page hears of an approval on another instance through PostgreSQL's NOTIFY.

nginx runs as an ordinary process with its own configuration (bench/nginx.py); its access log names, per
request, the instance(s) that answered it and the login it belongs to (an X-Login header the test sets), which is
how the test knows where each request went.
"""

from __future__ import annotations

import html
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from bench import login as bench
from bench.nginx import Nginx, available, self_signed
from django.conf import settings
from django.db import connection

from tests.e2e.conftest import BIN, AppClient
from tests.integration.applications.smtp import free_port
from tests.integration.serving import Instance, server_env
from zorgid.protocol.payloads import LoginPayload, parse_payload

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


class Cluster:
    def __init__(self, home: Path, env: dict, instances: list[Instance], nginx: Nginx) -> None:
        self.home, self.env, self.instances, self.nginx = home, env, instances, nginx

    def address(self, instance: Instance) -> str:
        return f"127.0.0.1:{instance.port}"


@pytest.fixture
def cluster(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("several instances share PostgreSQL; two processes on one SQLite file is no production set-up")
    if not available():
        pytest.skip("nginx is not installed: scripts/system-deps.sh installs it")
    home = Path(tempfile.mkdtemp(prefix="zn-"))  # short: the instances' control sockets are under it
    db = connection.settings_dict
    proxy_port = free_port()
    certificate, key = self_signed(tmp_path / "tls")
    env = server_env(home, ZORGID_SECRET_KEY=settings.SECRET_KEY, ZORGID_BASE_URL=f"https://localhost:{proxy_port}",
                     ZORGID_TRUSTED_PROXIES="127.0.0.1",
                     DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
                                  f"{db['NAME']}",
                     ZORGID_RATE_LIMIT_FACTOR="1000", ZORGID_WAITS_PER_CLIENT="1000")  # one client address here
    instances: list[Instance] = []
    nginx = None
    try:
        for name in ("a", "b"):  # one after the other: the first start makes the CA in the shared ZORGID_HOME
            instances.append(Instance(free_port(), env, tmp_path / f"serve-{name}.log", "--workers", "1",
                                      "--threads", "16"))
            instances[-1].wait_until_serving()
        nginx = Nginx(tmp_path / "nginx", proxy_port, [f"127.0.0.1:{i.port}" for i in instances], paths=True,
                      tls=(certificate, key))
        nginx.start()
        yield Cluster(home, env, instances, nginx)
    finally:
        if nginx is not None:
            nginx.stop()
        for instance in instances:
            instance.stop()
        shutil.rmtree(home, ignore_errors=True)


def add_operator(cluster: Cluster, tmp_path: Path, index: int) -> Path:
    png = tmp_path / f"activatie-{index}.png"
    bench.add_operator(str(BIN / "zorgid"), cluster.env, tmp_path, index)  # the same command, its PNG named alike
    assert png.exists()
    return png


class Browser:
    """The portal's QR page: its start, its long-poll until done (in a thread, as its script polls)."""

    def __init__(self, nginx: Nginx, login: str) -> None:
        self.client = httpx.Client(base_url=nginx.url, timeout=60, headers={"X-Login": login},
                                   verify=nginx.tls_context())
        page = self.client.get("/")
        assert page.status_code == 200
        link = bench.PAYLOAD_LINK.search(page.text)
        self.payload = parse_payload(html.unescape(link.group(1)))
        assert isinstance(self.payload, LoginPayload)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)
        self.thread.start()

    def _poll(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            answer = self.client.get(f"/inloggen/status/{self.payload.flow}", params={"wait": "1"})
            if answer.status_code == 200 and answer.json().get("state") == "done":
                self.done.set()
                return

    def close(self) -> None:
        self.thread.join(timeout=60)
        self.client.close()


def test_a_login_is_shown_by_one_instance_and_approved_on_the_other(cluster, tmp_path, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(cluster.nginx.certificate))  # as docs/deployment.md tells the app
    app = AppClient(tmp_path / "app")
    app.run("setup", "--pin", app.pin)
    app.run("scan", str(add_operator(cluster, tmp_path, 0)), "--accept")
    a, b = (cluster.address(instance) for instance in cluster.instances)

    page_crossed = wait_crossed = None
    for attempt in range(8):  # round robin decides; every other login the browser makes one more request
        login = f"login-{attempt}"
        browser = Browser(cluster.nginx, login)
        try:
            if attempt % 2:  # the browser opens another page too (5 requests per login would keep the parity)
                assert browser.client.get("/foutmeldingen").status_code == 200
            app.run("scan", browser.payload.to_uri(), "--accept")  # the real app: fetch, unlock, sign, approve
            assert browser.done.wait(30), f"{login}: the waiting page never saw done"
        finally:
            browser.close()
        log = cluster.nginx.access_log()
        page = next(e for e in log if e["login"] == login and e["method"] == "GET" and e["path"] == "/")
        done = [e for e in log if e["login"] == login and e["path"].startswith("/inloggen/status/")][-1]
        approval = next(e for e in log if e["method"] == "POST"
                        and e["path"] == f"/api/v1/login-flows/{browser.payload.flow}/approval")
        assert approval["status"] == 200 and len(approval["upstreams"]) == 1
        if page["upstreams"] != approval["upstreams"]:
            page_crossed = page_crossed or (page["upstreams"][0], approval["upstreams"][0])
        if done["upstreams"] != approval["upstreams"]:
            wait_crossed = wait_crossed or (done["upstreams"][0], approval["upstreams"][0])
        if page_crossed and wait_crossed:
            break
    assert page_crossed is not None, "never a login's page on one instance and its approval on the other"
    assert wait_crossed is not None, "never a page's waiting request on one instance and the approval on the other"
    assert set(page_crossed) == set(wait_crossed) == {a, b}


def cut_off(entry: dict, dead: str) -> bool:
    """Whether this request reached ``dead`` and got no answer from it: nginx answered 502 (a POST, docs/
    deployment.md) or tried the next instance (a GET; a status request that the dead instance had already
    completed is then told ZID-LOGIN-USED by the other: that login was under way there too)."""
    return any(address == dead and status in ("502", "504", "-")
               for address, status in zip(entry["upstreams"], entry["upstream_statuses"], strict=False))


def test_logins_go_on_when_one_instance_is_killed_under_load(cluster, tmp_path):
    users, duration, kill_after = 8, 16.0, 6.0
    with ThreadPoolExecutor(max_workers=4) as pool:
        payloads = list(pool.map(lambda i: bench.add_operator(str(BIN / "zorgid"), cluster.env, tmp_path, i),
                                 range(users)))
    with httpx.Client(base_url=cluster.nginx.url, timeout=30, verify=cluster.nginx.tls_context()) as client:
        devices = [bench.activate_device(client, payload.code) for payload in payloads]

    started, completed, failed = [], [], []
    lock = threading.Lock()
    polls = ThreadPoolExecutor(max_workers=2 * users)
    tls = cluster.nginx.tls_context()
    begin = time.monotonic()
    stop_at = begin + duration

    def user_loop(index: int) -> None:
        user = bench.SimulatedUser(cluster.nginx.url, devices[index], polls, tls)
        number = 0
        while time.monotonic() < stop_at:
            login = f"u{index}-{number}"
            number += 1
            user.browser.headers["X-Login"] = user.app.headers["X-Login"] = login
            with lock:
                started.append((login, time.monotonic()))
            try:
                user.login()
            except Exception as exc:  # noqa: BLE001 (every failure is counted and checked below)
                with lock:
                    failed.append((login, f"{type(exc).__name__}: {exc}"))
                time.sleep(0.2)
            else:
                with lock:
                    completed.append((login, time.monotonic()))
        user.close()

    threads = [threading.Thread(target=user_loop, args=(i,), daemon=True) for i in range(users)]
    for thread in threads:
        thread.start()
    time.sleep(kill_after)
    killed, survivor = cluster.instances
    killed_at = time.monotonic()
    killed.kill()  # SIGKILL to master and workers: the machine is gone
    for thread in threads:
        thread.join(timeout=bench.LOGIN_TIMEOUT + 30)
    polls.shutdown(wait=False, cancel_futures=True)
    assert not any(thread.is_alive() for thread in threads), "a login never ended"

    print(f"logins started {len(started)}, completed {len(completed)}, failed {len(failed)}: {failed}")
    assert len(started) == len(completed) + len(failed), "a login was neither completed nor failed"
    log = cluster.nginx.access_log()
    dead, alive = cluster.address(killed), cluster.address(survivor)
    assert any(e["upstreams"] == [dead] and e["status"] == 200 for e in log), "the killed instance never served"
    for login, why in failed:  # each had a request under way on the killed instance, cut off there (nginx: 502)
        assert any(cut_off(e, dead) for e in log if e["login"] == login), (
            f"{login} failed without a request under way on the killed instance: {why}")
    after = [login for login, at in completed if at > killed_at + 1]
    assert len(after) >= 5, f"only {len(after)} logins completed after the kill"
    assert len(failed) <= users, f"{len(failed)} logins failed, more than were under way: {failed}"
    late = {login for login, at in started if at > killed_at + 1}
    assert not late & {login for login, _ in failed}, "a login begun after the kill failed"
    assert any(e["upstreams"] == [alive] and e["login"] in late for e in log)
