"""/metrics of a real `zorgid serve` with two workers: the instance's figures, not one worker's (zorgid.metrics in
multiprocess mode, zorgid.serve). Each worker writes its values to a file of its own in the instance's directory;
whichever worker answers /metrics sums them all; a new start begins at zero."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from tests.integration.applications.smtp import free_port
from tests.integration.metrics_text import samples, value

STARTED = {"kind": "portal", "outcome": "started", "code": ""}


@pytest.fixture
def home():
    path = Path(tempfile.mkdtemp(prefix="zm-"))  # short: gunicorn's control socket lives below it
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _env(home: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("ZORGID_BASE_URL", "ZORGID_DEBUG", "ZORGID_ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE",
                          "ZORGID_INSTANCE_DIR", "DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR")}
    env.update(ZORGID_HOME=str(home), ZORGID_ENVIRONMENT="acceptatie", ZORGID_RATE_LIMIT_FACTOR="1000")
    return env


class _Serve:
    def __init__(self, home: Path, port: int, log: Path) -> None:
        self.url, self.log = f"http://127.0.0.1:{port}", log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "zorgid.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                 "--workers", "2", "--threads", "2"],
                env=_env(home), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{self.url}/health/live", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"zorgid serve did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)

    def started_logins(self) -> float:
        response = httpx.get(f"{self.url}/metrics", timeout=10)
        assert response.status_code == 200
        return value(samples(response.text), "zorgid_logins_total", **STARTED)


def _workers_counted(directory: Path) -> set[str]:
    return {path.stem.split("_", 1)[1] for path in directory.glob("counter_*.db")}


def test_metrics_sum_both_workers_and_start_at_zero_again(home, tmp_path):
    migrated = subprocess.run([sys.executable, "-m", "zorgid.cli", "migrate"], env=_env(home), capture_output=True,
                              text=True, timeout=300, check=False)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    port = free_port()
    files = home / "run" / f"127.0.0.1-{port}" / "metrics"
    serve = _Serve(home, port, tmp_path / "serve.log")
    try:
        shown = 0
        while len(_workers_counted(files)) < 2:  # each request on a new connection: either worker may take it
            assert shown < 400, f"one worker took every request: {sorted(files.iterdir())}"
            assert httpx.get(f"{serve.url}/", timeout=10).status_code == 200
            shown += 1
        workers = _workers_counted(files)
        children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(serve.process.pid)], capture_output=True,
                                  text=True, check=True).stdout.split()
        assert workers == set(children)  # the files are the two workers'
        for _ in range(6):  # whichever worker answers, it reads both workers' files
            assert serve.started_logins() == shown
    finally:
        serve.stop()
    assert serve.process.returncode == 0

    again = _Serve(home, port, tmp_path / "serve.log")
    try:
        assert again.started_logins() == 0  # the files of the earlier run are gone
    finally:
        again.stop()
