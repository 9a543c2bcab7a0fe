"""A ``zorgid restore`` killed between the database and the files (docs/security.md, "Backup of the server"): the
marker of the restore stays in ZORGID_HOME, ``zorgid serve``, gunicorn started directly and ``zorgid backup`` refuse
with ZID-RESTORE-INCOMPLETE and /health/ready answers not ready, and a restore again with --force completes it: the
Mobile ID activated before the backup logs in and the audit chain verifies. Killed before, while it decrypts, it
leaves its staging directory (the backup in the clear): ``zorgid check`` reports it and ``zorgid backup`` removes it;
a ``zorgid backup`` killed while it copies leaves its parts in the clear only in ZORGID_HOME, never beside its file.
SIGKILL of the restore's process group (as a power loss: nothing of it runs on) when it prints the line of the step,
or of the first file moved. SQLite, and PostgreSQL when the suite runs on it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from zorgid import restore_marker
from zorgid.portal import health

from .installation import BIN, App, Installation, drop_postgres_database, fresh_postgres_database, postgres_url

DATABASE_STEP = "Database terugzetten"
FILES_STEP = "Bestanden van ZORGID_HOME"
E109_SAID = "[onveilig] zorgid.E109: in ZORGID_HOME staan tussenmappen van een afgebroken terugzetactie of back-up ({})"
REMOVED_SAID = "Tussenmap van een afgebroken terugzetactie of back-up verwijderd (de back-up onversleuteld): {}"


@dataclass
class Source:
    root: Path
    installation: Installation
    vendor: str


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def source(request, tmp_path_factory):
    """An installation with a Mobile ID activated and logged in with the app, and two backups of it (the app's home
    as it was then is kept: each test logs in with a copy)."""
    database = fresh_postgres_database(postgres_url()) if request.param == "postgresql" else ""
    root = tmp_path_factory.mktemp(f"source-{request.param}")
    installation = Installation(root / "home", database)
    installation.zorgid("migrate")
    installation.zorgid("operator", "add", "--first-names", "Jan Willem", "--last-name", "de Vries", "--birth-date",
                        "12-03-1975", "--png", str(root / "activatie.png"))
    app = App(root / "app")
    app.run("setup", "--pin", app.pin)
    installation.serve()
    try:
        assert "Jan Willem de Vries" in app.run("scan", str(root / "activatie.png"), "--accept").stdout
        app.log_in(installation)
    finally:
        installation.stop()
    installation.zorgid("backup", str(root / "first.backup"))
    installation.zorgid("backup", str(root / "second.backup"))
    yield Source(root, installation, request.param)
    if database:
        drop_postgres_database(database)


@pytest.fixture
def target(source, tmp_path):
    """A new installation to restore into, on the source's port (the app knows that address)."""
    database = fresh_postgres_database(postgres_url()) if source.vendor == "postgresql" else ""
    installation = Installation(tmp_path / "home", database, port=source.installation.port)
    yield installation
    installation.stop()
    if database:
        drop_postgres_database(database)


@pytest.fixture
def app(source, tmp_path) -> App:
    shutil.copytree(source.root / "app", tmp_path / "app")
    return App(tmp_path / "app")


def killed_at(installation: Installation, backup: Path, step: str, *args: str, lines_after: int = 0,
              command: str = "restore") -> str:
    """Run ``zorgid restore`` (or ``command``) and SIGKILL its process group as soon as it prints the line that
    starts ``step``, or the ``lines_after``-th line after that one."""
    log = installation.home.parent / f"{command}.stderr"
    with log.open("wb") as errors:
        process = subprocess.Popen([str(BIN / "zorgid"), command, str(backup), *args],
                                   env={**installation.env(), "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE,
                                   stderr=errors, stdin=subprocess.DEVNULL, text=True, encoding="utf-8",
                                   start_new_session=True)
        seen, after = [], None
        with process.stdout:
            for line in process.stdout:
                seen.append(line)
                if after is None and line.startswith(step):
                    after = 0
                elif after is not None:
                    after += 1
                if after == lines_after:
                    os.killpg(process.pid, signal.SIGKILL)
                    break
        process.wait(timeout=120)
    said = "".join(seen)
    assert process.returncode == -signal.SIGKILL, f"{said}\n{log.read_text()}"
    return said


def serve_refused(installation: Installation) -> str:
    """``zorgid serve`` stops at once with the code (and is stopped if it started to serve)."""
    process = subprocess.Popen([str(BIN / "zorgid"), "serve", "--port", str(installation.port), "--workers", "1"],
                               env=installation.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        _, errors = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)
        raise AssertionError("zorgid serve started although a restore was interrupted") from None
    assert process.returncode == 1, errors
    assert "Fout ZID-RESTORE-INCOMPLETE" in errors and "Traceback" not in errors, errors
    return errors


def readiness(installation: Installation) -> dict:
    """The checks of /health/ready as a process of this installation answers them (portal/health.py)."""
    code = ("import django, json; django.setup(); from zorgid.portal.health import readiness; "
            "print(json.dumps(readiness().checks))")
    done = subprocess.run([sys.executable, "-c", code], env={**installation.env(),
                                                            "DJANGO_SETTINGS_MODULE": "zorgid.settings"},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def interrupted(installation: Installation, backup: Path) -> dict:
    """The marker is there, owner-only, naming the backup; serve, backup and the ready check refuse."""
    marker = installation.home / restore_marker.NAME
    assert marker.stat().st_mode & 0o077 == 0
    found = json.loads(marker.read_text())
    assert found["backup"] == str(backup.resolve()) and len(found["manifest_sha256"]) == 64, found
    had_ca = (installation.home / "ca").exists()
    assert str(backup.resolve()) in serve_refused(installation)
    assert (installation.home / "ca").exists() == had_ca  # refused before any CA is made
    assert readiness(installation) == {"restore": "fail"}
    refused = installation.zorgid("backup", str(installation.home.parent / "mixed.backup"), check=False)
    assert refused.returncode == 1 and "Fout ZID-RESTORE-INCOMPLETE" in refused.stderr, refused.stderr
    assert not (installation.home.parent / "mixed.backup").exists()
    again = installation.zorgid("restore", str(backup), check=False)
    assert again.returncode == 1 and "Fout ZID-RESTORE-INCOMPLETE" in again.stderr, again.stderr
    assert str(backup.resolve()) in again.stderr and "--force" in again.stderr
    return found


def completed(installation: Installation, app: App) -> None:
    """No marker and no staged parts are left, the chain verifies, the Mobile ID logs in, the chain verifies."""
    assert not (installation.home / restore_marker.NAME).exists()
    assert not [path for path in installation.home.iterdir() if path.name.startswith(".zorgid-restore-")]
    assert "Auditlog in orde" in installation.zorgid("audit", "verify").stdout
    assert "restore" not in readiness(installation)
    installation.serve()
    try:
        app.log_in(installation)  # its key share opens with the restored keyring
    finally:
        installation.stop()
    assert "Auditlog in orde" in installation.zorgid("audit", "verify").stdout



@pytest.mark.e2e
def test_a_restore_killed_at_the_database_step_is_completed_by_the_same_restore_with_force(source, target, app):
    backup = source.root / "first.backup"
    said = killed_at(target, backup, DATABASE_STEP)
    assert "Manifest klopt" in said
    interrupted(target, backup)
    done = target.zorgid("restore", str(backup), "--force")
    assert f"De afgebroken terugzetactie van {backup.resolve()}" in done.stdout and "wordt afgemaakt" in done.stdout
    assert "Teruggezet" in done.stdout
    completed(target, app)
    assert target.audit_events().count("server.restored") == 1  # the killed restore recorded nothing


@pytest.mark.e2e
def test_a_restore_killed_while_moving_the_files_is_completed_by_another_backup_named_against_it(source, target,
                                                                                                   app):
    first, second = source.root / "first.backup", source.root / "second.backup"
    said = killed_at(target, first, FILES_STEP, lines_after=1)  # the line of the first file moved
    moved = said.splitlines()[-1]
    assert moved.startswith("  ") and (target.home / moved.strip()).is_file(), said
    staged = [path for path in target.home.glob(".zorgid-restore-*/parts/home/**/*") if path.is_file()]
    assert staged, "every file was in place before the restore was killed"  # some are, others not yet
    interrupted(target, first)
    done = target.zorgid("restore", str(second), "--force")
    assert f"de afgebroken terugzetactie was van {first.resolve()}" in done.stdout, done.stdout
    assert f"nu wordt een andere back-up teruggezet: {second.resolve()}" in done.stdout
    assert "Teruggezet" in done.stdout
    completed(target, app)
    events = target.audit_events()  # the first backup is recorded in the second, the killed restore nothing
    assert events.count("server.restored") == 1 and events[events.index("server.restored") - 1] == "server.backup"


@pytest.mark.e2e
def test_a_restore_killed_while_decrypting_leaves_its_staging_which_check_reports_and_backup_removes(source, target):
    said = killed_at(target, source.root / "first.backup", "Ontsleutelen")
    staging = [path.name for path in target.home.glob(".zorgid-restore-*") if path.is_dir()]
    assert len(staging) == 1 and not (target.home / restore_marker.NAME).exists(), said
    checked = target.zorgid("check", check=False)
    assert checked.returncode == 1 and E109_SAID.format(staging[0]) in checked.stdout, checked.stdout
    target.zorgid("migrate")
    made = target.zorgid("backup", str(target.home.parent / "after.backup"))
    assert REMOVED_SAID.format(staging[0]) in made.stdout, made.stdout
    assert not [path for path in target.home.glob(".zorgid-restore-*") if path.is_dir()]
    assert "zorgid.E109" not in target.zorgid("check", check=False).stdout


def gunicorn(installation: Installation) -> subprocess.Popen:
    """gunicorn started on zorgid.wsgi directly, not by ``zorgid serve`` (as a systemd unit may start it)."""
    return subprocess.Popen([str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{installation.port}", "--workers", "1",
                             "--chdir", str(installation.home.parent), "zorgid.wsgi:application"],
                            env=installation.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, text=True, start_new_session=True)


@pytest.mark.e2e
def test_gunicorn_started_directly_on_the_wsgi_app_refuses_an_interrupted_restore_too(tmp_path):
    installation = Installation(tmp_path / "home")
    installation.zorgid("migrate")
    (installation.home / restore_marker.NAME).write_text(json.dumps({"backup": "/srv/backup/zorgid.backup"}))
    refused = gunicorn(installation)
    try:
        _, errors = refused.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(refused.pid, signal.SIGKILL)
        refused.communicate(timeout=30)
        raise AssertionError("gunicorn served although a restore was interrupted") from None
    assert refused.returncode != 0 and "Worker failed to boot" in errors, errors
    assert "ZID-RESTORE-INCOMPLETE" in errors and "/srv/backup/zorgid.backup" in errors, errors
    (installation.home / restore_marker.NAME).unlink()  # the restore completed: the same start serves
    served = gunicorn(installation)
    try:
        deadline = time.monotonic() + 90
        while served.poll() is None and time.monotonic() < deadline:
            try:
                assert httpx.get(installation.url + "/health/live", timeout=5).status_code == 200
                break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            raise AssertionError(f"gunicorn did not serve without the marker: {served.returncode}")
    finally:
        os.killpg(served.pid, signal.SIGTERM)
        served.communicate(timeout=30)


@pytest.mark.django_db
def test_ready_answers_503_with_only_the_restore_check_while_the_marker_is_there(client, settings, tmp_path):
    settings.ZORGID_HOME = tmp_path
    health.forget()
    restore_marker.write({"backup": "/elders/zorgid.backup", "manifest_sha256": "0" * 64})
    response = client.get("/health/ready")
    assert (response.status_code, response.json()) == (503, {"status": "fail", "checks": {"restore": "fail"}})
    assert "elders" not in response.content.decode()  # public: no path
    restore_marker.remove()
    assert "restore" not in client.get("/health/ready").json()["checks"]


@pytest.mark.e2e
def test_a_backup_killed_while_copying_leaves_the_clear_parts_only_in_zorgid_home(source, tmp_path):
    shelf = tmp_path / "shelf"  # where the backups go: in practice a share that others may read
    shelf.mkdir()
    installation = source.installation
    said = killed_at(installation, shelf / "killed.backup", "Database kopiëren", command="backup")
    beside = [path.name for path in shelf.iterdir()]
    # at most the sealed bytes of a temporary file, never the database, a key or a staging directory
    assert all(name.startswith(".zorgid-backup-") and name.endswith(".partial") for name in beside), (beside, said)
    staging = [path.name for path in installation.home.glob(".zorgid-backup-*") if path.is_dir()]
    assert len(staging) == 1, said
    checked = installation.zorgid("check", check=False)
    assert checked.returncode == 1 and E109_SAID.format(staging[0]) in checked.stdout, checked.stdout
    made = installation.zorgid("backup", str(shelf / "again.backup"))
    assert REMOVED_SAID.format(staging[0]) in made.stdout, made.stdout
    assert not [path for path in installation.home.glob(".zorgid-backup-*")]
    assert "again.backup" in [path.name for path in shelf.iterdir()]
    assert not [path for path in shelf.iterdir() if path.name.startswith(".zorgid-backup-") and path.is_dir()]
    assert "zorgid.E109" not in installation.zorgid("check", check=False).stdout
