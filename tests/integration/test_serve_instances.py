"""Two `zorgid serve` on one machine with one ZORGID_HOME: each keeps gunicorn's control socket, pid file and
worker heartbeat files in its own directory (docs/deployment.md, "Several instances"), so stopping one leaves the
other's files and the other keeps serving.

Real processes; the database is a SQLite file in the test's own ZORGID_HOME (`zorgid migrate`d once): this is
about the instances' files, not their data (two instances on one database: tests/e2e/
test_instances_behind_nginx.py, on PostgreSQL).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from tests.integration.applications.smtp import free_port
from tests.integration.serving import Instance, server_env

FILES = ("gunicorn.ctl", "gunicorn.pid")


def control_socket_made(directory: Path, timeout: float = 30) -> bool:
    """gunicorn opens its control socket in a thread of its own after the workers started, so a worker may already
    serve before the socket is there."""
    deadline = time.monotonic() + timeout
    while not (directory / "gunicorn.ctl").exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@pytest.fixture(scope="module")
def home():
    # short: a Unix socket's path has at most 107 bytes, and the control socket is ZORGID_HOME/run/<host>-<port>/…
    path = Path(tempfile.mkdtemp(prefix="zi-"))
    migrated = subprocess.run([sys.executable, "-m", "zorgid.cli", "migrate"], env=server_env(path),
                              capture_output=True, text=True, timeout=300)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_two_instances_on_one_home_keep_their_own_files(home, tmp_path):
    env = server_env(home)
    first = Instance(free_port(), env, tmp_path / "first.log", "--workers", "1", "--threads", "2")
    try:
        first.wait_until_serving()  # the first start makes the CA; the second uses it
        second = Instance(free_port(), env, tmp_path / "second.log", "--workers", "1", "--threads", "2")
        try:
            second.wait_until_serving()
            dirs = {instance: home / "run" / f"127.0.0.1-{instance.port}" for instance in (first, second)}
            for instance, directory in dirs.items():
                assert control_socket_made(directory), instance.tail()
                for name in FILES:
                    assert (directory / name).exists(), f"{directory / name} missing\n{instance.tail()}"
                assert int((directory / "gunicorn.pid").read_text()) == instance.process.pid
                assert (directory / "tmp").is_dir()
                assert directory.stat().st_mode & 0o077 == 0

            first.stop()
            assert first.process.returncode == 0, first.tail()
            assert not (dirs[first] / "gunicorn.pid").exists()  # gunicorn removed its own pid file
            for name in FILES:
                assert (dirs[second] / name).exists(), f"stopping the first removed the second's {name}"
            assert httpx.get(f"{second.url}/foutmeldingen", timeout=10).status_code == 200
        finally:
            second.stop()
    finally:
        first.stop()


def test_an_instance_directory_is_given_with_zorgid_instance_dir(home, tmp_path):
    directory = home / "eigen"
    instance = Instance(free_port(), server_env(home, ZORGID_INSTANCE_DIR=str(directory)), tmp_path / "serve.log",
                        "--workers", "1", "--threads", "2")
    try:
        instance.wait_until_serving()
        assert int((directory / "gunicorn.pid").read_text()) == instance.process.pid
        assert control_socket_made(directory), instance.tail()
        assert not (home / "run" / f"127.0.0.1-{instance.port}").exists()
    finally:
        instance.stop()


def test_an_instance_killed_with_sigkill_starts_again_over_its_stale_files(home, tmp_path):
    """systemd's Restart=always after a crash: the dead instance's pid file and socket are still there."""
    port = free_port()
    env = server_env(home)
    directory = home / "run" / f"127.0.0.1-{port}"
    crashed = Instance(port, env, tmp_path / "crashed.log", "--workers", "1", "--threads", "2")
    try:
        crashed.wait_until_serving()
        assert control_socket_made(directory), crashed.tail()
    finally:
        crashed.kill()
    assert (directory / "gunicorn.pid").exists() and (directory / "gunicorn.ctl").exists()
    again = Instance(port, env, tmp_path / "again.log", "--workers", "1", "--threads", "2")
    try:
        again.wait_until_serving()
        assert int((directory / "gunicorn.pid").read_text()) == again.process.pid
    finally:
        again.stop()
