"""Which files of ZORGID_HOME a backup holds (zorgid.server_backup.contents): all but the listed caches, mail,
runtime and database files; and which ones make a home one in use."""

from __future__ import annotations

from pathlib import Path

from zorgid.server_backup import contents


def make(home: Path, *names: str) -> None:
    for name in names:
        (home / name).parent.mkdir(parents=True, exist_ok=True)
        (home / name).write_text(name)


def test_every_file_the_server_needs_is_held_and_the_rest_left_out(tmp_path):
    kept = ["secret_key", "audit-key", "keyshare-keys", "ca/issuing.key.pem", "ca/pkcs11.json", "oidc/0001-abc.pem",
            "test-uzi-ca/trust/root.cert.pem", "a-keyring-of-a-later-version"]
    make(tmp_path, *kept, "audit-anchor", "zorgid.sqlite3", "zorgid.sqlite3-wal", "test-zorgid.sqlite3",
         "mail/1.eml", "static/portal/app.css", "qr/activatie-1.png", "dist/zorgid-validatietool.pyz",
         "run/127.0.0.1-8000/gunicorn.pid", ".zorgid-restore-x/parts/home/secret_key")
    held = [str(path) for path in contents.home_files(tmp_path, tmp_path / "audit-anchor")]
    assert held == sorted(kept)


def test_a_new_home_with_the_keys_every_start_makes_is_not_in_use_and_one_with_a_ca_key_is(tmp_path):
    anchor = tmp_path / "audit-anchor"
    make(tmp_path, "secret_key", "audit-key", "keyshare-keys", "static/portal/app.css")
    assert contents.holds_keys(tmp_path, anchor) == []
    make(tmp_path, "ca/issuing.key.pem")
    assert contents.holds_keys(tmp_path, anchor) == ["ca/issuing.key.pem"]
    make(tmp_path, "audit-anchor")
    assert contents.holds_keys(tmp_path, anchor) == ["ca/issuing.key.pem", str(anchor)]
