"""Opening an app-owned SQLite file (the trade journal, the drill history) the one way both need.

Each file runs in WAL mode with `synchronous=NORMAL` (a commit survives the process being killed;
docs/ARCHITECTURE.md, "Persistence"), carries its schema version, and is brought up to date by
additive migrations in the opening transaction, so an older file opens with every row as it was.
A file that is not one this app can use (garbage, truncated, failing its integrity check, from a
newer app) never stops the app: it is renamed to `<name>.corrupt-<n>` with its WAL, a fresh one
starts, and the caller gets one line saying so. Locked, unwritable or full disks are not the
file's fault: those errors are raised as they are and the file is left alone.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app.storage.keep_aside import keep_aside

_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26
_BUSY_TIMEOUT_MS = 5000


@dataclass(frozen=True, slots=True)
class Schema:
    """What a file holds: the version-1 tables, the steps to each later version, extra pragmas."""

    version: int
    tables: tuple[str, ...]  # version 1, `CREATE … IF NOT EXISTS`, with a `schema_version` table
    migrations: tuple[tuple[str, ...], ...] = ()  # index 0 takes version 1 to 2, and so on
    pragmas: tuple[str, ...] = ()  # after WAL and synchronous, e.g. checkpoint tuning


class Unreadable(Exception):
    """The file is there but is not one this app can use (the message says why)."""


def is_damage(exc: sqlite3.DatabaseError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)


def connect(path: Path, schema: Schema) -> sqlite3.Connection:
    """An open, migrated connection with explicit transactions; raises `Unreadable`."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        _prepare(db, schema)
    except sqlite3.DatabaseError as exc:
        db.close()
        if is_damage(exc):
            raise Unreadable(str(exc)) from exc
        raise
    except Unreadable:
        db.close()
        raise
    return db


def open_or_keep_aside(path: Path, schema: Schema, what: str) -> tuple[sqlite3.Connection, str | None]:
    """`connect`, or, when the file is unusable, keep it aside and start a fresh one; the notice
    (None when all was well) names the file, the reason and where it went."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return connect(path, schema), None
    except Unreadable as exc:
        kept = keep_aside(path, ("-wal", "-shm"))
        where = f"it was kept as {kept.name}" if kept else "it could not be moved aside"
        notice = f"{what} {path.name} could not be read ({exc}); {where}, a new one started."
        return connect(path, schema), notice


def _prepare(db: sqlite3.Connection, schema: Schema) -> None:
    mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise sqlite3.OperationalError(f"cannot use WAL mode (got {mode})")
    db.execute("PRAGMA synchronous=NORMAL")
    for pragma in schema.pragmas:
        db.execute(pragma)
    db.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
    check = db.execute("PRAGMA quick_check").fetchone()[0]
    if check != "ok":
        raise Unreadable(f"integrity check: {check}")
    db.execute("BEGIN IMMEDIATE")
    try:
        for statement in schema.tables:
            db.execute(statement)
        row = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
        version = row[0] if row else None
        if version is None:
            version = 1
            db.execute("INSERT INTO schema_version (version) VALUES (1)")
        elif not isinstance(version, int) or not 1 <= version <= schema.version:
            raise Unreadable(f"schema version {version!r}, this app reads {schema.version}")
        for steps in schema.migrations[version - 1 :]:
            for statement in steps:
                db.execute(statement)
        db.execute("UPDATE schema_version SET version = ?", (schema.version,))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
