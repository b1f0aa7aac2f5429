"""Backups and restores: the database and the uploaded media in one archive.

``manage.py backup`` (``make backup``) writes ``<BACKUP_DIR>/clinic-<UTC time>.tar.gz``: a gzipped tar
holding ``manifest.json`` (what this is, when, which database engine, the Django release and the
applied migrations, how many media files), the database (PostgreSQL: ``pg_dump`` in its custom
format; SQLite: a copy made with SQLite's online backup API, never a copy of the live file) and every
file of the media storage under ``media/``, read through the storage API (local disk or the bucket).
The archive holds patients' health details, so it is created readable by its owner only (mode 600,
the process umask set before any file exists, never a chmod after) and written under a temporary
name until complete.

``manage.py restore FILE`` (``make restore FILE=...``) refuses an archive that is not one of these,
was made on another database engine, or by a newer release (migrations this code does not know). It
first writes a backup of the current state (``pre-restore-*.tar.gz``), then replaces the database
(PostgreSQL: in one transaction, so a failure leaves the database as it was; SQLite: the online
backup API into the open database) and makes the media storage hold exactly the archive's files.
Then ``run_post_restore_steps`` runs the steps listed in ``POST_RESTORE_STEPS``: the one place for
whatever must follow a restore.
"""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import django
from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "clinic-backup"
VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the person running it."""


def default_directory() -> Path:
    return Path(settings.BACKUP_DIR)


@contextmanager
def private_files() -> Iterator[None]:
    """Every file and folder created inside is readable by its owner only."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def database_engine() -> str:
    if connection.vendor not in DATABASE_MEMBERS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


def applied_migrations() -> dict[str, list[str]]:
    state: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        state.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


def media_names(path: str = "") -> Iterator[str]:
    """Every file in the media storage, through its API (folders on disk, key prefixes on a bucket)."""
    try:
        directories, files = default_storage.listdir(path)
    except FileNotFoundError:  # no media folder yet: nothing was ever uploaded
        return
    for name in files:
        yield f"{path}{name}"
    for directory in directories:
        yield from media_names(f"{path}{directory}/")


# --- PostgreSQL's own tools -----------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    """pg_dump, pg_restore or psql of the server's major release (Debian keeps each under its own
    folder), else the one on the PATH."""
    major = connection.pg_version // 10000
    versioned = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    if versioned.exists():
        return str(versioned)
    if found := shutil.which(name):
        return found
    raise BackupError(f"{name} was not found: install the PostgreSQL {major} client tools.")


def _pg_environment() -> dict[str, str]:
    """The connection for the tools, in PG* variables: a password never appears in a process list."""
    db = connection.settings_dict
    variables = {
        "PGDATABASE": db["NAME"],
        "PGHOST": db["HOST"],
        "PGPORT": str(db["PORT"] or ""),
        "PGUSER": db["USER"],
        "PGPASSWORD": db["PASSWORD"],
        "PGSSLMODE": db.get("OPTIONS", {}).get("sslmode", ""),
    }
    return {**os.environ, **{name: value for name, value in variables.items() if value}}


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, env=_pg_environment(), capture_output=True, **kwargs)
    if result.returncode != 0:
        error = result.stderr.decode(errors="replace") if isinstance(result.stderr, bytes) else result.stderr
        raise BackupError(f"{Path(command[0]).name} failed: {error.strip()}")
    return result


# --- Backup ---------------------------------------------------------------------------------------


def _dump_database(target: Path) -> None:
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        _run([_pg_tool("pg_dump"), "--format=custom", f"--file={target}"])
    else:
        copy = sqlite3.connect(target)
        try:
            # SQLite's online backup: a consistent copy while other processes go on writing.
            connection.connection.backup(copy)
        finally:
            copy.close()


def _manifest(media: list[str]) -> dict:
    engine = database_engine()
    return {
        "format": FORMAT,
        "version": VERSION,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "engine": engine,
        "database": DATABASE_MEMBERS[engine],
        "django": django.get_version(),
        "migrations": applied_migrations(),
        "media": {"storage": settings.STORAGES["default"]["BACKEND"], "files": len(media)},
    }


def _add_bytes(tar: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(content))


def _new_archive(directory: Path, prefix: str) -> tuple[Path, int]:
    """A new, empty archive file (mode 600) under a name nobody has taken, and its descriptor."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for attempt in range(1, 100):
        suffix = "" if attempt == 1 else f"-{attempt}"
        final = directory / f"{prefix}-{stamp}{suffix}.tar.gz"
        partial = final.with_name(final.name + ".partial")
        if final.exists():
            continue
        try:
            return final, os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
    raise BackupError(f"Could not find a free archive name in {directory}.")


def create_backup(*, directory: Path | None = None, prefix: str = "clinic") -> Path:
    """Write a backup archive of the database and the media; return its path."""
    directory = Path(directory or default_directory())
    if not applied_migrations():
        raise BackupError("This database has no tables yet (run manage.py migrate): nothing to back up.")
    with private_files():
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        media = sorted(media_names())
        with tempfile.TemporaryDirectory(prefix="clinic-backup-") as work:
            database_file = Path(work) / "database"
            _dump_database(database_file)
            manifest = _manifest(media)
            final, descriptor = _new_archive(directory, prefix)
            partial = final.with_name(final.name + ".partial")
            try:
                with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                    _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
                    tar.add(database_file, arcname=manifest["database"], recursive=False)
                    for name in media:
                        with default_storage.open(name, "rb") as file:
                            info = tarfile.TarInfo(MEDIA_PREFIX + name)
                            info.size = file.size
                            info.mode = 0o600
                            info.mtime = int(default_storage.get_modified_time(name).timestamp())
                            tar.addfile(info, file)
                os.replace(partial, final)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
    return final


# --- Restore --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Archive:
    path: Path
    manifest: dict

    @property
    def created(self) -> str:
        return self.manifest["created"]

    @property
    def media_files(self) -> int:
        return self.manifest["media"]["files"]


def open_archive(path: Path) -> Archive:
    """The archive's manifest, once it is known to fit this site; BackupError says why not."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    try:
        with tarfile.open(path, "r:*") as tar:
            member = tar.extractfile(MANIFEST)
            manifest = json.loads(member.read()) if member else None
    except (tarfile.TarError, KeyError, OSError, EOFError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a backup made by manage.py backup (no {FORMAT} manifest).")
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"{path} is a backup of format version {manifest.get('version')!r}; this release reads "
            f"version {VERSION} only."
        )
    engine = database_engine()
    if manifest.get("engine") != engine:
        raise BackupError(
            f"{path} holds a {manifest.get('engine')} database, and this site runs on {engine}: "
            "restore it into a site on the same engine (DATABASE_URL)."
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(
        f"{app}.{name}"
        for app, names in manifest.get("migrations", {}).items()
        for name in names
        if (app, name) not in known
    )
    if unknown:
        raise BackupError(
            f"{path} was made by a newer release (migrations this code does not have: "
            f"{', '.join(unknown[:5])}{' ...' if len(unknown) > 5 else ''}); restore it with that release."
        )
    return Archive(path, manifest)


def _tables_in_dump(dump: Path) -> set[str]:
    listing = _run([_pg_tool("pg_restore"), "--list", str(dump)], text=True).stdout
    tables = set()
    for line in listing.splitlines():
        # "215; 1259 16390 TABLE public auth_group clinic"
        parts = line.split()
        if not line.startswith(";") and len(parts) >= 6 and parts[3] == "TABLE":
            tables.add(parts[5])
    return tables


def _restore_postgresql(dump: Path) -> None:
    """pg_restore writes the dump's SQL to a file first (a damaged dump stops here, nothing
    changed); psql then runs, in one transaction, the drops of the tables the dump does not have
    (those of later migrations) and that SQL: an error anywhere leaves the database as it was."""
    with connection.cursor():
        extra = set(connection.introspection.table_names()) - _tables_in_dump(dump)
    connection.close()  # our own session must hold nothing the restore waits for
    script = dump.with_name("restore.sql")
    _run(
        [
            _pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            f"--file={script}",
            str(dump),
        ]
    )
    drops = " ".join(f'DROP TABLE IF EXISTS public."{table}" CASCADE;' for table in sorted(extra))
    command = [_pg_tool("psql"), "--no-psqlrc", "--quiet", "--single-transaction", "-v", "ON_ERROR_STOP=1"]
    if drops:
        command += ["--command", drops]
    try:
        _run([*command, "--file", str(script)], text=True)
    except BackupError as error:
        raise BackupError(f"The database was not restored (nothing changed): {error}") from error


def _restore_sqlite(copy: Path) -> None:
    source = sqlite3.connect(copy)
    try:
        try:
            healthy = source.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        except sqlite3.DatabaseError:
            healthy = False
        if not healthy:
            raise BackupError("The archive's SQLite database is damaged; nothing was changed.")
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise BackupError("A restore cannot run inside a transaction.")
        # The online backup API, into the open database: other connections see the old or the new.
        source.backup(connection.connection)
    finally:
        source.close()


def _restore_media(tar: tarfile.TarFile) -> int:
    """Make the media storage hold exactly the archive's files; return how many it holds."""
    restored = set()
    for member in tar:
        if not member.name.startswith(MEDIA_PREFIX) or not member.isfile():
            continue
        name = member.name.removeprefix(MEDIA_PREFIX)
        if default_storage.exists(name):
            default_storage.delete(name)
        stored = default_storage.save(name, File(tar.extractfile(member), name=name))
        if stored != name:
            raise BackupError(f"The media file {name} could not be put back under its own name.")
        restored.add(name)
    for name in set(media_names()) - restored:
        default_storage.delete(name)
    return len(restored)


@dataclass(frozen=True)
class RestoreReport:
    media_files: int
    safety_backup: Path | None
    steps: list[str]


def restore_backup(archive: Archive, *, safety_backup: bool = True) -> RestoreReport:
    """Replace the database and the media with the archive's, then run the post-restore steps."""
    safety = create_backup(prefix="pre-restore") if safety_backup else None
    with private_files(), tempfile.TemporaryDirectory(prefix="clinic-restore-") as work:
        with tarfile.open(archive.path, "r:*") as tar:
            member = tar.extractfile(archive.manifest["database"])
            if member is None:
                raise BackupError(f"{archive.path} holds no {archive.manifest['database']}.")
            database_file = Path(work) / "database"
            with database_file.open("wb") as out:
                shutil.copyfileobj(member, out)
        if archive.manifest["engine"] == "postgresql":
            _restore_postgresql(database_file)
        else:
            _restore_sqlite(database_file)
        with tarfile.open(archive.path, "r:*") as tar:
            media_files = _restore_media(tar)
    steps = run_post_restore_steps()
    return RestoreReport(media_files=media_files, safety_backup=safety, steps=steps)


# --- After a restore ------------------------------------------------------------------------------


def migrate_to_this_release() -> None:
    """Migrate the database to this release (the backup may come from an earlier one)."""
    call_command("migrate", interactive=False, verbosity=0)


def hold_waiting_mail() -> None:
    """Put the mail the backup lists as waiting on hold: it may have gone out after the backup was made."""
    from outbox import services

    services.hold_unsent()


def invalidate_secure_links() -> None:
    """Give every inquiry a new link secret: no secure link or open thread from before opens anything."""
    from inquiries import secure_links

    secure_links.invalidate_all()


def forget_cached_state() -> None:
    """Empty the cache (pages, threads, view counts and sessions of the state before the restore)."""
    cache.clear()


# Whatever must follow every restore, in order, runs from here and nowhere else: the schema first, then
# the mail that must wait for a person (staff release or cancel it in the mail queue), the secure
# links (ids will be used again: a link or thread cookie from before must open no one), then the cache.
POST_RESTORE_STEPS: list[Callable[[], None]] = [
    migrate_to_this_release,
    hold_waiting_mail,
    invalidate_secure_links,
    forget_cached_state,
]


def run_post_restore_steps() -> list[str]:
    """Run POST_RESTORE_STEPS; return the first line of each step's docstring, for the report."""
    done = []
    for step in POST_RESTORE_STEPS:
        step()
        done.append((step.__doc__ or step.__name__).strip().splitlines()[0])
    return done
