"""Trade journal on real SQLite files: round trip, WAL, damaged files and rows, and a SIGKILL mid-write."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.events import Side
from app.core.paper.codec import encode_event
from app.core.paper.commands import Flatten, PlaceOrder
from app.core.paper.events import (
    AccountChanged,
    CommandArrived,
    CommandSent,
    OrderFilled,
    OrderOpened,
    PaperEvent,
    RiskLocked,
)
from app.core.paper.orders import Fill, Liquidity, Order, OrderKind, OrderRole
from app.core.paper.trip_review import EventStamp, OriginKind, TradeOrigin, TripReviewBuilder, plan_review
from app.storage.journal import DATA_DIR_ENV, FILE_NAME, SCHEMA_VERSION, Journal, default_journal_path

ROOT = Path(__file__).resolve().parents[2]

SESSION: list[PaperEvent] = [
    CommandSent(1_000, 1, 1_020, PlaceOrder(Side.BUY, OrderKind.MARKET, 3, None, "scalp"), 1),
    CommandArrived(1_020, 1),
    OrderFilled(Fill(1_020, 1, Side.BUY, 650_001, 3, Liquidity.TAKER, 0.0195)),
    AccountChanged(1_020, 3, 1_950_003, 0, 0.0195),
    OrderOpened(1_020, Order(2, Side.SELL, OrderKind.STOP, 3, 649_991, OrderRole.STOP_LOSS, oco_id=1)),
    CommandSent(2_000, 2, 2_020, Flatten()),
    RiskLocked(3_000, 1, "daily loss 50.00 USDT reached"),
]


def test_appended_events_come_back_in_order_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    with Journal(path) as journal:
        journal.append("paper", SESSION[:3])
        journal.append("other", [SESSION[5]])
        journal.append("paper", SESSION[3:])
        assert journal.load("paper") == SESSION

    with Journal(path) as again:
        assert again.load("paper") == SESSION
        assert again.load("other") == [SESSION[5]]
        assert again.load("nobody") == []
        assert again.accounts() == ["paper", "other"]
        assert again.notice is None and again.skipped == 0


def test_an_append_is_one_transaction(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    with Journal(path) as journal:
        journal.append("paper", SESSION[:2])
        with pytest.raises(AttributeError):  # the third "event" cannot be encoded: nothing of the batch lands
            journal.append("paper", [SESSION[2], SESSION[3], object()])  # type: ignore[list-item]
        journal.append("paper", [SESSION[4]])

        assert journal.load("paper") == [*SESSION[:2], SESSION[4]]
        assert journal.last_seq == 3


def test_the_file_is_in_wal_mode_with_a_schema_version(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    with Journal(path) as journal:
        journal.append("paper", SESSION)

        db = sqlite3.connect(path)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert db.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        rows = db.execute("SELECT seq, account, ts_ns, kind FROM events ORDER BY seq").fetchall()
        db.close()
        assert rows[0] == (1, "paper", 1_000, "CommandSent")
        assert [r[3] for r in rows] == [type(e).__name__ for e in SESSION]
        assert journal._db.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL
    assert not path.with_name(FILE_NAME + "-wal").exists()  # closing folded the log in


def test_a_garbage_file_is_kept_aside_and_a_fresh_journal_starts(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    path.write_bytes(b"this is not sqlite at all\x00\xff" * 300)

    with Journal(path) as journal:
        assert journal.load("paper") == []
        assert journal.notice is not None
        assert "could not be read" in journal.notice and f"{FILE_NAME}.corrupt-1" in journal.notice
        assert "\n" not in journal.notice
        journal.append("paper", SESSION[:1])

    assert (tmp_path / f"{FILE_NAME}.corrupt-1").read_bytes().startswith(b"this is not sqlite")
    with Journal(path) as again:
        assert again.load("paper") == SESSION[:1]
        assert again.notice is None


def test_a_truncated_file_is_kept_aside_next_to_an_older_one(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    (tmp_path / f"{FILE_NAME}.corrupt-1").write_bytes(b"an older casualty")
    with Journal(path) as journal:
        for _ in range(300):
            journal.append("paper", SESSION)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])

    with Journal(path) as journal:
        assert journal.load("paper") == []
        assert journal.notice is not None and f"{FILE_NAME}.corrupt-2" in journal.notice
    assert (tmp_path / f"{FILE_NAME}.corrupt-2").stat().st_size == len(data) // 2


def test_an_undecodable_row_is_skipped_counted_and_told(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    with Journal(path) as journal:
        journal.append("paper", SESSION[:2])
    db = sqlite3.connect(path)
    db.execute(
        "INSERT INTO events (account, ts_ns, kind, body) VALUES ('paper', 5, 'OrderFilled', '{\"fill\":')"
    )
    db.execute("INSERT INTO events (account, ts_ns, kind, body) VALUES ('paper', 6, 'Teleported', '{}')")
    db.commit()
    db.close()
    with Journal(path) as journal:
        journal.append("paper", SESSION[2:4])

        events = journal.load("paper")

        assert events == SESSION[:4]
        assert journal.skipped == 2
        assert journal.notice is not None
        assert "2 unreadable rows skipped" in journal.notice and "row 3: OrderFilled" in journal.notice
        assert "\n" not in journal.notice


def test_default_path_follows_the_data_dir_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    assert default_journal_path() == tmp_path / "data" / FILE_NAME

    monkeypatch.delenv(DATA_DIR_ENV)
    assert default_journal_path().name == FILE_NAME
    assert "scalpdesk" in str(default_journal_path().parent).lower()


WRITER = """
import sys
from pathlib import Path
from app.core.paper.events import AccountChanged, OrderFilled
from app.core.events import Side
from app.core.paper.orders import Fill, Liquidity
from app.storage.journal import Journal

journal = Journal(Path(sys.argv[1]))
i = 0
while True:
    fill = Fill(i, i, Side.BUY if i % 2 else Side.SELL, 650_000 + i, 1 + i % 5, Liquidity.TAKER, 0.001 * i)
    journal.append("paper", [OrderFilled(fill), AccountChanged(i, i, i, i, 0.001 * i)])
    print(i, journal.last_seq, flush=True)
    i += 1
"""


def test_events_reported_committed_survive_a_sigkill(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    reported: list[tuple[int, int]] = []
    try:
        while len(reported) < 400:
            line = child.stdout.readline()
            assert line, "the writer stopped before it was killed"
            i, seq = map(int, line.split())
            reported.append((i, seq))
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    assert [i for i, _ in reported] == list(range(400))
    assert [seq for _, seq in reported] == [2 * (i + 1) for i in range(400)]

    with Journal(path) as journal:
        events = journal.load("paper")

        assert journal.notice is None
        assert len(events) >= 800 and len(events) % 2 == 0  # whole transactions only
        for i in range(len(events) // 2):
            fill, account = events[2 * i], events[2 * i + 1]
            assert isinstance(fill, OrderFilled) and fill.fill.order_id == i
            assert account == AccountChanged(i, i, i, i, 0.001 * i)


# -- where each event was made (schema version 2) -----------------------------------------------

REPLAY_A = TradeOrigin(OriginKind.REPLAY, "BINANCE:BTCUSDT", ("/rec/part1.gz", "/rec/part2.txt"))
LIVE_REC = TradeOrigin(OriginKind.LIVE, "BYBIT:BTCUSDT", ("/data/recordings/BYBIT_BTCUSDT_x.gz",))

V1_SCHEMA = (  # the journal as version 1 of the app wrote it, verbatim
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS events ("
    " seq INTEGER PRIMARY KEY, account TEXT NOT NULL, ts_ns INTEGER NOT NULL,"
    " kind TEXT NOT NULL, body TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS events_by_account ON events (account, seq)",
)


def write_v1_journal(path: Path, account: str, events: list[PaperEvent]) -> None:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        for statement in V1_SCHEMA:
            db.execute(statement)
        db.execute("INSERT INTO schema_version (version) VALUES (1)")
        for event in events:
            db.execute(
                "INSERT INTO events (account, ts_ns, kind, body) VALUES (?, ?, ?, ?)",
                (account, event.ts_ns, *encode_event(event)),
            )
    db.close()


def columns(path: Path, table: str) -> list[str]:
    with sqlite3.connect(path) as db:
        names = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
    db.close()
    return names


def test_a_stamp_comes_back_with_every_event_of_its_batch(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    with Journal(path) as journal:
        journal.append("paper", SESSION[:3], EventStamp(REPLAY_A, -1_270_000_000))
        journal.append("paper", SESSION[3:5], EventStamp(LIVE_REC, None))
        journal.append("paper", SESSION[5:])

    with Journal(path) as again:
        stamped = again.load_stamped("paper")

    assert [event for event, _ in stamped] == SESSION
    assert [stamp for _, stamp in stamped] == [
        *[EventStamp(REPLAY_A, -1_270_000_000)] * 3,
        *[EventStamp(LIVE_REC, None)] * 2,
        *[None] * 2,
    ]
    with sqlite3.connect(path) as db:  # one sources row per distinct origin, not per batch
        assert db.execute("SELECT COUNT(*) FROM sources").fetchone() == (2,)
    db.close()


def test_a_version_1_journal_opens_unchanged_and_then_keeps_sources(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    write_v1_journal(path, "paper", SESSION[:4])
    assert "source_id" not in columns(path, "events")

    with Journal(path) as journal:
        assert journal.notice is None
        assert journal.load("paper") == SESSION[:4]
        assert journal.load_stamped("paper") == [(e, None) for e in SESSION[:4]]
        journal.append("paper", SESSION[4:], EventStamp(REPLAY_A, 7))

    assert not list(tmp_path.glob("*.corrupt-*"))  # migrated in place, not set aside
    assert {"source_id", "exchange_offset_ns"} <= set(columns(path, "events"))
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT MAX(version) FROM schema_version").fetchone() == (SCHEMA_VERSION,)
    db.close()
    with Journal(path) as again:
        stamped = again.load_stamped("paper")
    assert [e for e, _ in stamped] == SESSION
    assert [s for _, s in stamped] == [None] * 4 + [EventStamp(REPLAY_A, 7)] * 3


def test_round_trips_from_a_rebuilt_journal_carry_their_source(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    old_trip = [
        OrderFilled(Fill(1_000, 1, Side.BUY, 650_001, 3, Liquidity.TAKER, 0.01)),
        OrderFilled(Fill(2_000, 2, Side.SELL, 650_011, 3, Liquidity.TAKER, 0.01)),
    ]
    write_v1_journal(path, "paper", old_trip)
    with Journal(path) as journal:
        journal.append(
            "paper",
            [OrderFilled(Fill(5_000, 3, Side.SELL, 650_020, 2, Liquidity.TAKER, 0.01))],
            EventStamp(REPLAY_A, -1_000),
        )
        journal.append(
            "paper",
            [OrderFilled(Fill(9_000, 4, Side.BUY, 650_000, 2, Liquidity.MAKER, 0.01))],
            EventStamp(LIVE_REC, -2_000),
        )

    with Journal(path) as again:
        builder = TripReviewBuilder(0.01)
        for event, stamp in again.load_stamped("paper"):
            builder.add(event, stamp)

    old, new = builder.review(1), builder.review(2)
    assert old is not None and old.origin is None  # before the migration: no source, and it says so
    assert isinstance(plan_review(old, None), str)
    assert new is not None and new.origin == REPLAY_A and new.exit_stamp == EventStamp(LIVE_REC, -2_000)
    assert new.entry_exchange_ns == 5_000 - 1_000 and new.exit_exchange_ns == 9_000 - 2_000


def test_an_unreadable_source_row_leaves_its_events_readable_without_a_source(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    with Journal(path) as journal:
        journal.append("paper", SESSION[:2], EventStamp(REPLAY_A, 0))
    with sqlite3.connect(path) as db:
        db.execute("UPDATE sources SET kind = 'teleport', paths = 'not json'")
    db.close()

    with Journal(path) as again:
        assert again.load_stamped("paper") == [(e, None) for e in SESSION[:2]]
        assert again.skipped == 0
