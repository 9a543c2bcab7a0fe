"""`zorgid serve` as a real process for tests that need more than one: start, wait until it answers, stop, kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx


class Instance:
    """One ``zorgid serve`` on 127.0.0.1:``port``, its output in ``log``."""

    def __init__(self, port: int, env: dict[str, str], log: Path, *args: str) -> None:
        self.port, self.log = port, log
        self.url = f"http://127.0.0.1:{port}"
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "zorgid.cli", "serve", "--host", "127.0.0.1", "--port", str(port), *args],
                env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)

    def wait_until_serving(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while True:
            status = None
            try:
                status = httpx.get(f"{self.url}/foutmeldingen", timeout=5).status_code
                if status == 200:
                    return
            except httpx.TransportError:
                pass
            if status is not None or self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"zorgid serve on {self.port} did not start:\n{self.tail()}")
            time.sleep(0.2)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        """SIGTERM, as systemd stops it; gunicorn ends its workers and removes its own files."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """SIGKILL to the master and its workers at once: the machine is gone."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


def server_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a ``zorgid serve`` of a test: its own ZORGID_HOME, acceptatie, nothing of the test
    process's Django settings."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("ZORGID_BASE_URL", "ZORGID_DEBUG", "ZORGID_ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE",
                          "ZORGID_INSTANCE_DIR", "DATABASE_URL")}
    env.update(ZORGID_HOME=str(home), ZORGID_ENVIRONMENT="acceptatie", **extra)
    return env
