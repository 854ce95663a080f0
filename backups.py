"""`flicklist backup` and `restore` for SQLite, with no tool but Python's: a consistent copy
of the live database through SQLite's online backup API, and putting one back while the app
is stopped. On PostgreSQL, pg_dump and pg_restore do this better, and the message says so."""

import os
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from .db import supported_url

POSTGRES = (
    "On PostgreSQL, back up with pg_dump and restore with pg_restore, e.g. "
    "`pg_dump --format=custom --file=flicklist.dump flicklist` and "
    "`pg_restore --clean --dbname=flicklist flicklist.dump` (the app stopped for the restore)."
)


class BackupRefused(Exception):
    """A backup or restore that would not be sound; the message says why."""


@dataclass(frozen=True)
class Summary:
    size: int
    accounts: int
    revision: str
    replaced: Path | None = None


def sqlite_path(database_url: str) -> Path:
    url = supported_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupRefused(POSTGRES)
    return Path(url.database)


def summary(path: Path) -> Summary:
    """What a database file holds, once SQLite has checked every page of it."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            [(verdict,)] = connection.execute("PRAGMA integrity_check(1)").fetchall()
            if verdict != "ok":
                raise BackupRefused(f"{path} is damaged: {verdict}")
            [(revision,)] = connection.execute("SELECT version_num FROM alembic_version").fetchall()
            [(accounts,)] = connection.execute("SELECT count(*) FROM users").fetchall()
    except sqlite3.DatabaseError as error:
        raise BackupRefused(f"{path} is not a FlickList database ({error}).") from None
    return Summary(path.stat().st_size, accounts, revision)


def private_draft(path: Path) -> Path:
    draft = path.with_name(f".{path.name}.{os.getpid()}.partial")
    draft.unlink(missing_ok=True)
    os.close(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return draft


def backup(database_url: str, target: Path) -> Summary:
    """A copy of the database as it was at one moment, written whole under a draft name and
    then renamed: a backup file that exists is complete and checked. Writers go on meanwhile
    (the copy is made in one step, under a read snapshot of the WAL)."""
    source = sqlite_path(database_url)
    if not source.is_file():
        raise BackupRefused(f"There is no database at {source} to back up.")
    if target.exists():
        raise BackupRefused(f"{target} exists already; choose a new name (a backup never overwrites).")
    if not target.parent.is_dir():
        raise BackupRefused(f"{target.parent} is not a folder; make it first, or choose another.")
    draft = private_draft(target)
    try:
        with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(draft)) as copy:
            live.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        copied = summary(draft)
        os.replace(draft, target)
    finally:
        draft.unlink(missing_ok=True)
    return copied


def restore(database_url: str, backup_file: Path) -> Summary:
    """The backup becomes the database; the one it replaces is kept beside it. Refused while
    anything has the database open: leaving WAL mode needs every other connection gone."""
    target = sqlite_path(database_url)
    if not backup_file.is_file():
        raise BackupRefused(f"{backup_file}: no such file.")
    restored = summary(backup_file)
    kept = target.with_name(f"{target.name}.before-restore-{time.strftime('%Y%m%d-%H%M%S')}")
    if target.exists():
        try:
            with closing(sqlite3.connect(target, timeout=0)) as live:
                [(mode,)] = live.execute("PRAGMA journal_mode=DELETE").fetchall()
        except sqlite3.OperationalError:
            mode = "locked"
        if mode != "delete":
            raise BackupRefused(f"{target} is in use: stop FlickList first, then restore.")
        os.replace(target, kept)
    draft = private_draft(target)
    try:
        with closing(sqlite3.connect(backup_file)) as source, closing(sqlite3.connect(draft)) as copy:
            source.backup(copy)
        os.replace(draft, target)
    finally:
        draft.unlink(missing_ok=True)
    return Summary(restored.size, restored.accounts, restored.revision, kept if kept.exists() else None)
