"""Making a backup of this installation and restoring one into a new installation (docs/security.md, "Backup of
the server"). Everything is checked before anything is written: the file's seal, the manifest (format version,
sizes and SHA-256 of each part), the migrations against this code's, the kind of database and an empty target."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

import zorgid
from zorgid import clock, restore_marker
from zorgid.audit.models import AuditEvent
from zorgid.audit.services import record

from . import contents, database, envelope
from .errors import (
    Damaged,
    DatabaseKind,
    FileNotReadable,
    NewerThanCode,
    RestoreIncomplete,
    TargetNotEmpty,
    UnknownFormat,
)

MANIFEST_VERSION = 1
MANIFEST = "manifest.json"
ANCHOR_PART = "audit-anchor"
HOME_PART = "home"
KEYS_PART = "keys"  # keys/<SETTING>: a key file configured outside ZORGID_HOME (contents.KEY_FILE_SETTINGS)
Report = Callable[[str], None]


@dataclass(frozen=True)
class Made:
    path: Path
    size: int
    sha256: str
    parts: int


@dataclass(frozen=True)
class Restored:
    manifest: dict
    parts: int
    pending_migrations: bool
    notes: list[str]


def _key_fingerprint(secret: str) -> str:
    return hmac.new(secret.encode(), b"zorgid-backup key fingerprint", hashlib.sha256).hexdigest()[:16]


@contextmanager
def _workdir(near: Path, prefix: str):
    work = Path(tempfile.mkdtemp(prefix=prefix, dir=near))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---- backup -------------------------------------------------------------------------------------------------------


def make_backup(target: Path, seal: envelope.Seal, *, actor: str, report: Report = lambda text: None) -> Made:
    """Copies the database, the key files and ZORGID_HOME's files into a staging directory in ZORGID_HOME (in the
    clear, beside the keys it copies; never beside ``target``, which may be a share that others read), seals them
    into a temporary file beside ``target`` and links that to ``target``. It holds ZORGID_HOME's restore lock all
    the while: a backup killed halfway leaves its parts only in ZORGID_HOME, where ``zorgid check`` reports them
    (zorgid.E109) and the next backup or restore removes them, and beside ``target`` at most sealed bytes."""
    refuse_when_restore_incomplete()  # a backup of a half-restored installation would look like a good one
    home = Path(settings.ZORGID_HOME)
    target = target.resolve()
    if target.exists():
        raise FileNotReadable(f"{target} exists already")
    if not target.parent.is_dir():
        raise FileNotReadable(f"{target.parent} is no directory")
    if not seal.recipient:
        envelope.check_passphrase(seal.passphrase)
    else:
        envelope._public_key(seal.recipient)
    with _one_at_a_time(home, report):
        _report_removed(contents.remove_staging(home), report)
        return _backup(target, seal, actor=actor, report=report)


def _backup(target: Path, seal: envelope.Seal, *, actor: str, report: Report) -> Made:
    home, anchor = Path(settings.ZORGID_HOME), Path(settings.ZORGID_AUDIT_ANCHOR)
    with _workdir(home, contents.BACKUP_STAGING_PREFIX) as work:
        parts_dir = work / "parts"
        parts_dir.mkdir()
        report(f"Database kopiëren ({database.vendor()})…")
        db_info, head, anchor_lines = _dump_database(parts_dir, anchor, report)
        parts = [db_info.pop("file")]
        if anchor_lines is not None:
            (parts_dir / ANCHOR_PART).write_bytes(anchor_lines)
            parts.append(ANCHOR_PART)
        for setting, path in contents.outside_key_files(home, _configured_key_files()).items():
            if path.exists():
                shutil.copyfile(path, parts_dir / f"{KEYS_PART}-{setting}")
                parts.append(f"{KEYS_PART}-{setting}")
        report("Bestanden uit ZORGID_HOME kopiëren…")
        for relative in contents.home_files(home, anchor):
            staged = parts_dir / HOME_PART / relative
            staged.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(home / relative, staged)
            parts.append(f"{HOME_PART}/{relative.as_posix()}")
        manifest = {
            "manifest": MANIFEST_VERSION, "format": envelope.FORMAT_VERSION, "zorgid": zorgid.__version__,
            "created": clock.now().isoformat(), "environment": settings.ZORGID_ENVIRONMENT,
            "database": {**db_info, "audit_head": head},
            "secret_key": {"from_environment": bool(os.environ.get("ZORGID_SECRET_KEY")),
                           "fingerprint": _key_fingerprint(settings.SECRET_KEY)},
            "parts": [{"name": name, "size": (parts_dir / name).stat().st_size,
                       "sha256": contents.sha256_of(parts_dir / name)} for name in parts],
        }
        payload = work / "payload.tar"
        with tarfile.open(payload, "w") as tar:
            info = tarfile.TarInfo(MANIFEST)
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info.size, info.mode = len(data), 0o600
            tar.addfile(info, _bytes_io(data))
            for name in parts:
                tar.add(parts_dir / name, arcname=name, recursive=False)
        total = payload.stat().st_size
        report(f"Versleutelen ({_size(total)})…")
        _seal_beside(payload, target, seal, _every_tenth(total, "versleuteld", report))
    made = Made(target, target.stat().st_size, contents.sha256_of(target), len(parts))
    record("server.backup", actor=actor, details={
        "file": target.name, "sha256": made.sha256, "size": made.size, "parts": made.parts,
        "sealed": "public-key" if seal.recipient else "passphrase"})
    return made


def _seal_beside(payload: Path, target: Path, seal: envelope.Seal, progress: Callable[[int], None]) -> None:
    """Seal ``payload`` into a temporary file in ``target``'s directory (only sealed bytes ever reach it), then link
    that to ``target``: never over a file made meanwhile, and no half-written ``target`` when killed."""
    descriptor, name = tempfile.mkstemp(prefix=contents.BACKUP_STAGING_PREFIX, suffix=".partial", dir=target.parent)
    sealing = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as sealed:
            envelope.seal_file(payload, sealed, seal, progress)
        os.chmod(sealing, 0o600)
        try:
            os.link(sealing, target)
        except OSError as exc:
            raise FileNotReadable(f"{target}: {exc.strerror or exc}") from None
    finally:
        sealing.unlink(missing_ok=True)


def _configured_key_files() -> dict[str, Path]:
    return {setting: Path(getattr(settings, setting)) for setting in contents.KEY_FILE_SETTINGS
            if getattr(settings, setting, None)}


def _destination(name: str, home: Path, anchor: Path) -> Path:
    if name == ANCHOR_PART:
        return anchor
    if name.startswith(f"{KEYS_PART}-"):
        setting = name.removeprefix(f"{KEYS_PART}-")
        return _configured_key_files().get(setting) or home / setting.removeprefix("ZORGID_").lower().replace("_", "-")
    return home / name.removeprefix(f"{HOME_PART}/")


def _bytes_io(data: bytes):
    import io

    return io.BytesIO(data)


def _size(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB" if count >= 100_000 else f"{count} bytes"


def _every_tenth(total: int, verb: str, report: Report) -> Callable[[int], None]:
    """A progress callback that reports each further tenth of ``total`` (only for parts of some size)."""
    shown = [0]

    def progress(done: int) -> None:
        tenth = done * 10 // max(total, 1)
        if total >= 20 * envelope.CHUNK and tenth > shown[0]:
            shown[0] = tenth
            report(f"  {tenth * 10}% {verb}")

    return progress


def _dump_database(parts_dir: Path, anchor: Path, report: Report) -> tuple[dict, int, bytes | None]:
    """The database's copy, its audit head, and the anchor's lines up to that head (the same moment)."""
    info = {"vendor": database.vendor(), "migrations": database.applied_migrations()}
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    if info["vendor"] == "sqlite":
        info["file"] = "database.sqlite3"
        target = parts_dir / info["file"]
        shown = [0]

        def pages(done: int, total: int) -> None:  # 4 KiB pages: a tenth at a time from 80 MB on
            tenth = done * 10 // max(total, 1)
            if total >= 20_000 and tenth > shown[0]:
                shown[0] = tenth
                report(f"  {tenth * 10}% gekopieerd")

        database.dump_sqlite(target, pages)
        import sqlite3

        copy = sqlite3.connect(target)
        try:
            head = copy.execute(f"SELECT coalesce(max(seq), 0) FROM {table}").fetchone()[0]  # noqa: S608 - a model's
        finally:
            copy.close()
        return info, head, _anchor_up_to(anchor, head)
    if info["vendor"] != "postgresql":
        raise DatabaseKind(f"no backup of a {info['vendor']} database")
    info["file"] = "database.pgdump"
    info["server"] = database.server_major()
    database.tool_major("pg_dump")
    with transaction.atomic(), connection.cursor() as cursor:
        # one snapshot for pg_dump and the audit head, so the anchor's copy ends where the dump ends
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        cursor.execute(f"SELECT coalesce(max(seq), 0) FROM {table}")  # noqa: S608 - the model's table
        head = cursor.fetchone()[0]
        info["pg_dump"] = database.dump_postgresql(parts_dir / info["file"], snapshot=snapshot)
    return info, head, _anchor_up_to(anchor, head)


def _anchor_up_to(anchor: Path, head: int) -> bytes | None:
    """The anchor's lines of rows up to ``head``: the ones a server wrote after the dump's moment are left out."""
    try:
        lines = anchor.read_bytes().splitlines(keepends=True)
    except FileNotFoundError:
        return None
    kept = []
    for line in lines:
        fields = line.split(b" ")
        if len(fields) > 1 and fields[1].isdigit() and int(fields[1]) > head:
            continue
        kept.append(line)
    return b"".join(kept)


# ---- restore ------------------------------------------------------------------------------------------------------


def refuse_when_restore_incomplete() -> None:
    """ZID-RESTORE-INCOMPLETE while the marker of an interrupted restore is in ZORGID_HOME (zorgid.restore_marker):
    ``zorgid serve``, the WSGI app however it is started (zorgid/wsgi.py) and ``zorgid backup`` do not run on a mix
    of a backup's database and the files from before."""
    found = restore_marker.incomplete()
    if found is not None:
        raise RestoreIncomplete(_interrupted(found))


def _interrupted(found: dict) -> str:
    return (f"the restore of {found.get('backup', '?')} begun {found.get('started', '?')} by {found.get('actor', '?')} "
            "did not finish")


def _report_removed(removed: list[Path], report: Report) -> None:
    if removed:
        report(f"Tussenmap van een afgebroken terugzetactie of back-up verwijderd (de back-up onversleuteld): "
               f"{', '.join(path.name for path in removed)}")


@contextmanager
def _one_at_a_time(home: Path, report: Report):
    """Hold ZORGID_HOME's restore lock (contents.restore_lock) for a whole restore or backup; wait for another's."""
    with contents.restore_lock(home, wait=False) as free:
        if free:
            yield
            return
    report("Er loopt een terugzetactie of back-up in deze ZORGID_HOME; wachten tot die klaar is…")
    with contents.restore_lock(home, wait=True):
        yield


def restore_backup(source: Path, opener: envelope.Opener, *, force: bool, actor: str,
                   report: Report = lambda text: None) -> Restored:
    """Checks everything, writes the marker of a restore in progress (zorgid.restore_marker), puts the database and
    then the files in place, records the restore and removes the marker. Killed in between, the marker stays: a
    restore again with --force (of the same backup or another) completes it. First the staging directories of
    restores killed before (their parts in the clear) are removed, whatever this one does next."""
    home = Path(settings.ZORGID_HOME)
    with _one_at_a_time(home, report):
        _report_removed(contents.remove_staging(home), report)
        return _restore(source, opener, force=force, actor=actor, report=report)


def _restore(source: Path, opener: envelope.Opener, *, force: bool, actor: str, report: Report) -> Restored:
    home, anchor = Path(settings.ZORGID_HOME), Path(settings.ZORGID_AUDIT_ANCHOR)
    previous = restore_marker.incomplete()
    if previous is not None and not force:
        raise RestoreIncomplete(f"{_interrupted(previous)}: give --force to complete it (it replaces what the "
                                "interrupted restore wrote)")
    try:
        handle = source.open("rb")
    except OSError as exc:
        raise FileNotReadable(f"{source}: {exc.strerror or exc}") from None
    with handle, _workdir(home, contents.STAGING_PREFIX) as work:
        envelope.read_header(handle)  # the format version, before any passphrase is tried
        handle.seek(0)
        payload = work / "payload.tar"
        total = source.stat().st_size
        report(f"Ontsleutelen en controleren ({_size(total)})…")
        with payload.open("wb") as plain:
            envelope.open_file(handle, plain, opener, _every_tenth(total, "ontsleuteld", report))
        manifest = _checked_parts(payload, work / "parts")
        report(f"Manifest klopt: {len(manifest['parts'])} delen, gemaakt {manifest['created']} met zorgid "
               f"{manifest['zorgid']}.")
        newer = database.unknown_migrations(manifest["database"]["migrations"])
        if newer:
            raise NewerThanCode(f"migrations this code does not have: {', '.join(newer[:5])}")
        if manifest["database"]["vendor"] != database.vendor():
            raise DatabaseKind(f"the backup is of {manifest['database']['vendor']}, DATABASE_URL of "
                               f"{database.vendor()}")
        in_use = database.tables() + contents.holds_keys(home, anchor)
        if in_use and not force:
            raise TargetNotEmpty(f"found: {', '.join(in_use[:5])}" + (" …" if len(in_use) > 5 else ""))
        parts = work / "parts"
        db_part = parts / manifest["parts"][0]["name"]
        digest = _manifest_sha256(manifest)
        if previous is not None:
            report(_completing(previous, digest, source))
        restore_marker.write({"backup": str(source.resolve()), "manifest_sha256": digest,
                              "created": manifest["created"], "started": clock.now().isoformat(), "actor": actor})
        report("Database terugzetten…")
        if manifest["database"]["vendor"] == "sqlite":
            database.restore_sqlite(db_part)
        else:
            database.restore_postgresql(db_part, int(manifest["database"].get("pg_dump", 0)),
                                        replace=bool(database.tables()))
        report("Bestanden van ZORGID_HOME en het anker terugzetten…")
        for part in manifest["parts"][1:]:
            name = part["name"]
            destination = _destination(name, home, anchor)
            _move_into_place(parts / name, destination)
            report(f"  {destination.relative_to(home) if destination.is_relative_to(home) else destination}")
    notes = []
    secret = manifest.get("secret_key", {})
    if secret.get("from_environment"):
        given = os.environ.get("ZORGID_SECRET_KEY", "")
        if not given or _key_fingerprint(given) != secret.get("fingerprint"):
            notes.append("De geheime sleutel kwam bij de back-up uit ZORGID_SECRET_KEY en zit niet in de back-up: "
                         "zet dezelfde ZORGID_SECRET_KEY, anders openen de sleuteldelen en het auditlog niet.")
    pending = bool(set(map(tuple, _code_migrations())) - set(map(tuple, manifest["database"]["migrations"])))
    if not _record_restore(source, manifest, actor):
        notes.append("Het terugzetten kon niet in het auditlog worden vastgelegd (zie de melding hierboven); de "
                     "back-up staat wel terug.")
    restore_marker.remove()  # every file is in place: the installation is the backup's again
    return Restored(manifest, len(manifest["parts"]), pending, notes)


def _manifest_sha256(manifest: dict) -> str:
    return hashlib.sha256(json.dumps(manifest, sort_keys=True).encode()).hexdigest()


def _completing(previous: dict, digest: str, source: Path) -> str:
    """The line that says which interrupted restore this one completes, or that it restores another backup."""
    began = f"{previous.get('backup', '?')} (begonnen {previous.get('started', '?')})"
    if previous.get("manifest_sha256") == digest:
        return f"De afgebroken terugzetactie van {began} wordt afgemaakt."
    return (f"Let op: de afgebroken terugzetactie was van {began}; nu wordt een andere back-up teruggezet: "
            f"{source.resolve()}.")


def _code_migrations() -> list[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader

    return list(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _checked_parts(payload: Path, parts: Path) -> dict:
    """The manifest, after each part is extracted to ``parts`` and found to have its size and SHA-256."""
    try:
        tar = tarfile.open(payload, "r:")
    except tarfile.TarError:
        raise Damaged("the contents are no archive") from None
    with tar:
        try:
            member = tar.getmember(MANIFEST)
            manifest = json.loads(tar.extractfile(member).read())
        except (KeyError, ValueError, AttributeError):
            raise Damaged("the manifest is missing or no JSON") from None
        if not isinstance(manifest, dict) or manifest.get("manifest") != MANIFEST_VERSION:
            raise UnknownFormat(f"manifest version {manifest.get('manifest') if isinstance(manifest, dict) else '?'}")
        try:
            listed = {part["name"]: part for part in manifest["parts"]}
            manifest["database"]["migrations"], manifest["database"]["vendor"]  # noqa: B018 (present)
        except (KeyError, TypeError):
            raise Damaged("the manifest lacks its parts or database") from None
        names = [member.name for member in tar.getmembers() if member.name != MANIFEST]
        if sorted(names) != sorted(listed) or not names:
            raise Damaged("the archive's parts differ from the manifest's")
        parts.mkdir(mode=0o700)
        for name in names:
            known = (ANCHOR_PART, "database.sqlite3", "database.pgdump",
                     *(f"{KEYS_PART}-{setting}" for setting in contents.KEY_FILE_SETTINGS))
            if not (name.startswith(f"{HOME_PART}/") or name in known):
                raise Damaged(f"unexpected part {name!r}")
            try:
                tar.extract(name, parts, filter="data")
            except (tarfile.TarError, OSError) as exc:
                raise Damaged(f"part {name!r} cannot be unpacked ({exc})") from None
            path = parts / name
            expected = listed[name]
            if path.stat().st_size != expected.get("size") or contents.sha256_of(path) != expected.get("sha256"):
                raise Damaged(f"part {name!r} differs from the manifest (size or SHA-256)")
    if not manifest["parts"][0]["name"].startswith("database."):
        raise Damaged("the manifest's first part is not the database")
    return manifest


def _move_into_place(staged: Path, destination: Path) -> None:
    destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(staged, 0o600)
    try:
        os.replace(staged, destination)
    except OSError:  # another file system (the anchor elsewhere): a copy beside it, then one rename
        beside = destination.with_name(f".{destination.name}.restore")
        shutil.copyfile(staged, beside)
        os.chmod(beside, 0o600)
        os.replace(beside, destination)


def _record_restore(source: Path, manifest: dict, actor: str) -> bool:
    """The restored installation records its restore itself: this process still holds the secret key it started
    with, the restored one is read by a new process (the audit chain is keyed with it)."""
    details = json.dumps({"file": source.name, "created": manifest["created"], "zorgid": manifest["zorgid"],
                          "parts": len(manifest["parts"])})
    try:
        done = subprocess.run([sys.executable, "-m", "zorgid.server_backup.record_restore", actor, details],
                              timeout=300, env={**os.environ, "DJANGO_SETTINGS_MODULE": "zorgid.settings"})
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0
