"""``zorgid backup`` and ``zorgid restore`` refuse bad input with a code and write nothing (docs/security.md,
"Backup of the server"): a wrong passphrase or key, a cut or changed file, another format version, a backup of a
newer zorgid, a target in use, a short passphrase; and a pg_restore that fails leaves nothing behind."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import x25519

from .installation import Installation, drop_postgres_database, fresh_postgres_database, postgres_url

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """An installation with an operator, its passphrase backup, and the same with a migration of a newer zorgid."""
    root = tmp_path_factory.mktemp("source")
    installation = Installation(root / "home")
    installation.zorgid("migrate")
    installation.zorgid("operator", "add", "--first-names", "Jan", "--last-name", "Jansen", "--birth-date",
                        "01-02-1980", "--png", str(root / "qr.png"))
    installation.zorgid("backup", str(root / "good.backup"))
    newer = Installation(root / "home-newer")
    shutil.copytree(installation.home, newer.home)
    database = sqlite3.connect(newer.home / "zorgid.sqlite3")
    with database:
        database.execute("INSERT INTO django_migrations (app, name, applied) VALUES "
                         "('identities', '9999_of_a_newer_zorgid', '2030-01-01')")
    database.close()
    newer.zorgid("backup", str(root / "newer.backup"))
    return root


def refused(target: Installation, backup, code: str, *args: str, **env) -> subprocess.CompletedProcess:
    done = target.zorgid("restore", str(backup), *args, check=False, **env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"Fout {code}" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    return done


def nothing_written(target: Installation) -> None:
    assert not (target.home / "audit-anchor").exists()
    database = target.home / "zorgid.sqlite3"
    if database.exists():
        tables = sqlite3.connect(database).execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
        assert tables == []
    assert not [path for path in target.home.iterdir() if path.name.startswith(".zorgid-restore-")]


@pytest.fixture
def target(tmp_path) -> Installation:
    return Installation(tmp_path / "target")


def test_a_wrong_passphrase_is_refused(source, target):
    refused(target, source / "good.backup", "ZID-BACKUP-WRONG-KEY", ZORGID_BACKUP_PASSPHRASE="niet de goede wachtzin")
    nothing_written(target)


@pytest.mark.parametrize("damage", ["cut", "changed"])
def test_a_cut_or_changed_file_is_refused(source, target, tmp_path, damage):
    data = (source / "good.backup").read_bytes()
    middle = len(data) // 2
    broken = data[:middle] if damage == "cut" else data[:middle] + bytes([data[middle] ^ 0x40]) + data[middle + 1:]
    (tmp_path / "broken.backup").write_bytes(broken)
    refused(target, tmp_path / "broken.backup", "ZID-BACKUP-DAMAGED")
    nothing_written(target)


def test_another_format_version_is_refused(source, target, tmp_path):
    data = (source / "good.backup").read_bytes()
    (tmp_path / "v9.backup").write_bytes(data.replace(b'"format": 1', b'"format": 9', 1))
    done = refused(target, tmp_path / "v9.backup", "ZID-BACKUP-FORMAT")
    assert "format version 9" in done.stderr
    (tmp_path / "other").write_bytes(b"no backup at all")
    refused(target, tmp_path / "other", "ZID-BACKUP-FORMAT")
    nothing_written(target)


def test_a_backup_of_a_newer_zorgid_is_refused(source, target):
    done = refused(target, source / "newer.backup", "ZID-BACKUP-NEWER")
    assert "identities.9999_of_a_newer_zorgid" in done.stderr
    nothing_written(target)


def test_a_target_in_use_is_refused_unless_forced(source, target):
    target.zorgid("restore", str(source / "good.backup"))
    before = {name: (target.home / name).read_bytes() for name in ("zorgid.sqlite3", "audit-anchor", "secret_key")}
    done = refused(target, source / "good.backup", "ZID-BACKUP-TARGET-NOT-EMPTY")
    assert "audit_auditevent" in done.stderr
    assert {name: (target.home / name).read_bytes() for name in before} == before
    forced = target.zorgid("restore", str(source / "good.backup"), "--force")
    assert "Teruggezet" in forced.stdout
    assert "Auditlog in orde" in target.zorgid("audit", "verify").stdout


def test_a_home_with_keys_is_a_target_in_use(source, target):
    (target.home / "ca").mkdir(parents=True)
    (target.home / "ca" / "issuing.key.pem").write_text("a key of another installation")
    done = refused(target, source / "good.backup", "ZID-BACKUP-TARGET-NOT-EMPTY")
    assert "ca/issuing.key.pem" in done.stderr
    assert (target.home / "ca" / "issuing.key.pem").read_text() == "a key of another installation"


def test_a_backup_to_a_public_key_opens_with_its_private_key_only(source, tmp_path):
    installation = Installation(source / "home")
    private = x25519.X25519PrivateKey.generate()
    (tmp_path / "backup.pub.pem").write_bytes(private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    (tmp_path / "backup.key.pem").write_bytes(private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    other = x25519.X25519PrivateKey.generate()
    (tmp_path / "other.key.pem").write_bytes(other.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    backup = tmp_path / "to-key.backup"
    installation.zorgid("backup", str(backup), "--recipient", str(tmp_path / "backup.pub.pem"),
                        ZORGID_BACKUP_PASSPHRASE=None)
    target = Installation(tmp_path / "target")
    refused(target, backup, "ZID-BACKUP-MODE")
    refused(target, backup, "ZID-BACKUP-WRONG-KEY", "--identity", str(tmp_path / "other.key.pem"))
    nothing_written(target)
    target.zorgid("restore", str(backup), "--identity", str(tmp_path / "backup.key.pem"), ZORGID_BACKUP_PASSPHRASE=None)
    assert "Auditlog in orde" in target.zorgid("audit", "verify").stdout


def test_a_backup_needs_a_passphrase_of_12_characters_and_overwrites_nothing(source, tmp_path):
    installation = Installation(source / "home")
    short = installation.zorgid("backup", str(tmp_path / "short.backup"), check=False,
                                ZORGID_BACKUP_PASSPHRASE="elf tekens!")
    assert short.returncode == 1 and "Fout ZID-BACKUP-PASSPHRASE-SHORT" in short.stderr
    missing = installation.zorgid("backup", str(tmp_path / "none.backup"), check=False, ZORGID_BACKUP_PASSPHRASE=None)
    assert missing.returncode == 1 and "Fout ZID-BACKUP-PASSPHRASE-MISSING" in missing.stderr
    assert not list(tmp_path.iterdir())
    (tmp_path / "there.backup").write_text("an older backup")
    again = installation.zorgid("backup", str(tmp_path / "there.backup"), check=False)
    assert again.returncode == 1 and "Fout ZID-BACKUP-FILE" in again.stderr
    assert (tmp_path / "there.backup").read_text() == "an older backup"


def test_a_failed_pg_restore_leaves_the_database_as_it_was(tmp_path):
    import psycopg

    server = postgres_url()
    source, empty = fresh_postgres_database(server), fresh_postgres_database(server)
    try:
        installation = Installation(tmp_path / "home", source)
        installation.zorgid("migrate")
        installation.zorgid("backup", str(tmp_path / "pg.backup"))
        with psycopg.connect(empty, autocommit=True) as conn:  # no table, but a name the dump's tables need
            conn.execute("CREATE SEQUENCE audit_auditevent")
        target = Installation(tmp_path / "target", empty)
        done = refused(target, tmp_path / "pg.backup", "ZID-BACKUP-DATABASE-TOOL")
        assert "pg_restore" in done.stderr
        with psycopg.connect(empty) as conn:
            tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
        assert tables == 0
        assert not (target.home / "audit-anchor").exists()
    finally:
        drop_postgres_database(source)
        drop_postgres_database(empty)
