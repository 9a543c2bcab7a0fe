"""``zorgid backup`` and ``zorgid restore`` on a real installation (docs/security.md, "Backup of the server"): a
Mobile ID activated with the app, a backup, a new ZORGID_HOME and an empty database, a restore, and then the same
app logs in at the restored server (its key share opens there) and the audit chain verifies. SQLite, and
PostgreSQL (a fresh database) when the suite runs on it."""

from __future__ import annotations

import pytest

from .installation import App, Installation, drop_postgres_database, fresh_postgres_database, postgres_url

pytestmark = pytest.mark.e2e


@pytest.fixture(params=["sqlite", "postgresql"])
def databases(request):
    """Two database URLs: the installation's and the empty one to restore into ("" is SQLite in ZORGID_HOME)."""
    if request.param == "sqlite":
        yield "", ""
        return
    server = postgres_url()
    made = [fresh_postgres_database(server), fresh_postgres_database(server)]
    yield tuple(made)
    for url in made:
        drop_postgres_database(url)


def test_a_restored_installation_logs_in_the_mobile_id_activated_before_the_backup(tmp_path, databases):
    source_db, target_db = databases
    original = Installation(tmp_path / "home-a", source_db)
    original.zorgid("migrate")
    png = tmp_path / "activatie.png"
    original.zorgid("operator", "add", "--first-names", "Jan Willem", "--last-name", "de Vries", "--birth-date",
                    "12-03-1975", "--png", str(png))
    app = App(tmp_path / "app")
    app.run("setup", "--pin", app.pin)
    original.serve()
    try:
        assert "Jan Willem de Vries" in app.run("scan", str(png), "--accept").stdout
        app.log_in(original)
    finally:
        original.stop()
    made = original.zorgid("backup", str(tmp_path / "zorgid.backup"))
    assert "Back-up gemaakt" in made.stdout and "SHA-256:" in made.stdout
    assert looks_sealed(tmp_path / "zorgid.backup")

    restored = Installation(tmp_path / "home-b", target_db, port=original.port)  # the app knows this address
    done = restored.zorgid("restore", str(tmp_path / "zorgid.backup"))
    assert "Manifest klopt" in done.stdout and "Teruggezet" in done.stdout
    verified = restored.zorgid("audit", "verify")
    assert "Auditlog in orde" in verified.stdout
    for key in ("secret_key", "ca/issuing.key.pem", "ca/root.key.pem"):
        assert (restored.home / key).read_bytes() == (original.home / key).read_bytes(), key
        assert (restored.home / key).stat().st_mode & 0o077 == 0, key
    restored.serve()
    try:
        app.log_in(restored)  # the key share opens with the restored keys, the same CA trusts the certificate
    finally:
        restored.stop()
    assert "Auditlog in orde" in restored.zorgid("audit", "verify").stdout
    before, after = original.audit_events(), restored.audit_events()
    assert before[-1] == "server.backup"  # recorded once the backup was made: not in it
    assert after[:len(before) - 1] == before[:-1]
    assert after[len(before) - 1] == "server.restored" and "server.backup" not in after


def looks_sealed(path) -> bool:
    """No key, certificate or database in the clear."""
    data = path.read_bytes()
    return b"BEGIN" not in data and b"PRIVATE KEY" not in data and b"SQLite format" not in data
