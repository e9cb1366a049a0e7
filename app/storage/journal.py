"""The paper-trading journal: every exchange event, in order, in SQLite (docs/ARCHITECTURE.md, "Persistence").

The desk writes a batch of events here *before* the screen shows their result, and on start the
account is rebuilt by replaying `load(account)`. So what was on screen is what comes back.

Durability: the database runs in WAL mode with `synchronous=NORMAL`. A transaction is in the
write-ahead log once `append` returns, so it survives the process being killed (SIGKILL, a crash,
a power button that only ends the app): the next open replays the log. Only an operating-system
crash or power loss can lose the last few transactions, because NORMAL does not fsync on each
commit — the database is still consistent afterwards, merely a little older. That trade keeps an
append in the tens of microseconds on the hotkey path (FULL would pay an fsync, milliseconds).
For the same reason the WAL is not checkpointed by the committing call (SQLite's default, an
fsync'ing pause of several ms every ~1000 pages): a background thread with its own connection
checkpoints it every few seconds (PASSIVE: it never blocks an append), and `close` folds the rest.
Under writes with no pause a PASSIVE checkpoint never catches the log's end, so the log would not
restart; past `_WAL_RESTART_FRAMES` the thread runs one RESTART checkpoint (an append may wait for
it, rarely: ms).

Schema versions. Version 2 added where each event was made: a `sources` table (the source kind,
the market, the recording files; one row per distinct origin) and two nullable columns on
`events`, `source_id` and `exchange_offset_ns` (app/core/paper/trip_review.py). The migration is
additive (`ALTER TABLE … ADD COLUMN`, in the opening transaction): a version-1 journal opens
with every row as it was, and its old rows simply have no source.

A file that is not a readable SQLite database (garbage, truncated, from a newer app) never stops
the app: it is renamed to `<name>.corrupt-<n>` (with its WAL), a fresh journal starts and `notice`
says so. A single row that does not decode is skipped and counted (`skipped`), never fatal.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import platformdirs

from app.core.paper.codec import CorruptEvent, decode_event, encode_event
from app.core.paper.events import PaperEvent
from app.core.paper.trip_review import EventStamp, OriginKind, TradeOrigin
from app.storage.layouts import APP_NAME
from app.storage.sqlite_file import Schema, open_or_keep_aside

SCHEMA_VERSION = 2
FILE_NAME = "journal.sqlite3"
DATA_DIR_ENV = "SCALPDESK_DATA_DIR"
_INT64_MAX = 2**63 - 1
_WAL_RESTART_FRAMES = 4096  # ~16 MB of 4 KiB pages
_BUSY_TIMEOUT_MS = 5000

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS events ("
    " seq INTEGER PRIMARY KEY, account TEXT NOT NULL, ts_ns INTEGER NOT NULL,"
    " kind TEXT NOT NULL, body TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS events_by_account ON events (account, seq)",
)
# Each step takes the schema from version n to n + 1 (index 0: 1 -> 2); a fresh file is built at
# version 1 above and migrated like any old one, so there is one way to reach the current schema.
_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE TABLE sources (source_id INTEGER PRIMARY KEY, kind TEXT NOT NULL,"
        " market TEXT NOT NULL, paths TEXT NOT NULL, UNIQUE (kind, market, paths))",
        "ALTER TABLE events ADD COLUMN source_id INTEGER",
        "ALTER TABLE events ADD COLUMN exchange_offset_ns INTEGER",
    ),
)
_JOURNAL = Schema(
    SCHEMA_VERSION,
    _SCHEMA,
    _MIGRATIONS,
    pragmas=(
        "PRAGMA wal_autocheckpoint=0",  # the checkpoint thread does it, off the hotkey path
        f"PRAGMA journal_size_limit={_WAL_RESTART_FRAMES * 4096}",
    ),
)
_INSERT = (
    "INSERT INTO events (account, ts_ns, kind, body, source_id, exchange_offset_ns) VALUES (?, ?, ?, ?, ?, ?)"
)
_SELECT = (
    "SELECT e.seq, e.kind, e.body, e.exchange_offset_ns, s.kind, s.market, s.paths"
    " FROM events e LEFT JOIN sources s ON s.source_id = e.source_id"
    " WHERE e.account = ? ORDER BY e.seq"
)


def data_dir() -> Path:
    """$SCALPDESK_DATA_DIR if set (tests, portable installs), else the platform's user data dir."""
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME))


def default_journal_path() -> Path:
    return data_dir() / FILE_NAME


def _clamp_ns(ts_ns: int) -> int:
    """The ts_ns column is a convenience for SQL readers; the body keeps the exact value."""
    return max(-_INT64_MAX - 1, min(_INT64_MAX, ts_ns))


def _origin(
    seen: dict[tuple[str, str, str], TradeOrigin | None], kind: str, market: str, paths: str
) -> TradeOrigin | None:
    """A `sources` row as an origin; None if it does not read (the events themselves still do)."""
    key = (kind, market, paths)
    if key not in seen:
        try:
            files = json.loads(paths)
            ok = isinstance(files, list) and all(isinstance(f, str) for f in files)
            seen[key] = TradeOrigin(OriginKind(kind), str(market), tuple(files)) if ok else None
        except (ValueError, TypeError):
            seen[key] = None
    return seen[key]


class Journal:
    """An append-only log of paper events per account, one SQLite file for all accounts."""

    def __init__(self, path: Path, checkpoint_interval_s: float | None = 5.0) -> None:
        self.path = path
        self.skipped = 0  # rows the last `load` could not decode
        self.last_seq: int | None = None  # seq of the last event appended through this object
        self._open_notice: str | None = None
        self._load_notice: str | None = None
        self._source_ids: dict[TradeOrigin, int] = {}
        self._db, self._open_notice = open_or_keep_aside(path, _JOURNAL, "Trade journal")
        self._stop = threading.Event()
        self._checkpointer: threading.Thread | None = None
        if checkpoint_interval_s is not None:
            self._checkpointer = threading.Thread(
                target=self._checkpoint_loop,
                args=(checkpoint_interval_s,),
                name="journal-checkpoint",
                daemon=True,
            )
            self._checkpointer.start()

    @property
    def notice(self) -> str | None:
        """One line for the window when something was set aside or skipped; None when all is well."""
        parts = [n for n in (self._open_notice, self._load_notice) if n]
        return " ".join(parts) if parts else None

    # -- writing ------------------------------------------------------------------------------

    def append(self, account: str, events: Sequence[PaperEvent], stamp: EventStamp | None = None) -> None:
        """Write `events` in one transaction: all of them survive a kill, or none do.

        `stamp`: where the batch was made (its source and the market's clock offset), kept beside
        every event of it for reviewing the trade later; None leaves the row without a source.
        """
        if not events:
            return
        offset = None if stamp is None else stamp.exchange_offset_ns
        encoded = [(account, _clamp_ns(event.ts_ns), *encode_event(event)) for event in events]
        db = self._db
        db.execute("BEGIN")
        try:
            source_id = None if stamp is None else self._source_id(stamp.origin)
            cursor = None
            for row in encoded:
                cursor = db.execute(_INSERT, (*row, source_id, offset))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        assert cursor is not None
        self.last_seq = cursor.lastrowid

    def _source_id(self, origin: TradeOrigin) -> int:
        """The row of `origin` in `sources` (added the first time; inside the caller's transaction)."""
        cached = self._source_ids.get(origin)
        if cached is not None:
            return cached
        key = (origin.kind.value, origin.market, json.dumps(list(origin.paths)))
        self._db.execute("INSERT OR IGNORE INTO sources (kind, market, paths) VALUES (?, ?, ?)", key)
        (source_id,) = self._db.execute(
            "SELECT source_id FROM sources WHERE kind = ? AND market = ? AND paths = ?", key
        ).fetchone()
        self._source_ids[origin] = int(source_id)
        return int(source_id)

    # -- reading ------------------------------------------------------------------------------

    def load(self, account: str) -> list[PaperEvent]:
        """Every readable event of `account` in the order it was appended."""
        return [event for event, _stamp in self.load_stamped(account)]

    def load_stamped(self, account: str) -> list[tuple[PaperEvent, EventStamp | None]]:
        """`load`, each event with the stamp it was appended with (None: none, or an unreadable one)."""
        events: list[tuple[PaperEvent, EventStamp | None]] = []
        self.skipped = 0
        self._load_notice = None
        first_problem: str | None = None
        origins: dict[tuple[str, str, str], TradeOrigin | None] = {}
        try:
            rows = self._db.execute(_SELECT, (account,))
            for seq, kind, body, offset, *source in rows:
                try:
                    event = decode_event(kind, body)
                except CorruptEvent as exc:
                    self.skipped += 1
                    first_problem = first_problem or f"row {seq}: {exc}"
                    continue
                origin = _origin(origins, *source) if source[0] is not None else None
                offset_ns = offset if isinstance(offset, int) else None
                events.append((event, EventStamp(origin, offset_ns) if origin is not None else None))
        except sqlite3.DatabaseError as exc:  # damage found mid-read: keep what was read
            self._load_notice = f"Trade journal: reading stopped after {len(events)} events ({exc})."
        if self.skipped:
            rows_text = "row" if self.skipped == 1 else "rows"
            skipped = (
                f"Trade journal: {self.skipped} unreadable {rows_text} skipped (first: {first_problem})."
            )
            self._load_notice = " ".join(filter(None, (self._load_notice, skipped)))
        return events

    def accounts(self) -> list[str]:
        """Accounts with at least one event, in the order they first appeared."""
        rows = self._db.execute("SELECT account FROM events GROUP BY account ORDER BY MIN(seq)")
        return [account for (account,) in rows]

    # -- checkpoints ----------------------------------------------------------------------------

    def checkpoint(self) -> None:
        """Copy the WAL into the database file now (PASSIVE: skips frames a reader still needs)."""
        self._db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def _checkpoint_loop(self, interval_s: float) -> None:
        try:
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            db.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
        except sqlite3.Error:
            return
        try:
            while not self._stop.wait(interval_s):
                try:
                    _busy, log_frames, _done = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    if log_frames > _WAL_RESTART_FRAMES:
                        db.execute("PRAGMA wal_checkpoint(RESTART)").fetchall()
                except sqlite3.Error:
                    continue  # busy or transient: the next round (or close) catches up
        finally:
            db.close()

    def close(self) -> None:
        """Stop the checkpoint thread, then close: the last connection folds the WAL in and removes it."""
        self._stop.set()
        if self._checkpointer is not None:
            self._checkpointer.join()
            self._checkpointer = None
        self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
