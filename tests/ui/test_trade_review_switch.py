"""Review across windows, in the app's own window loop (run_app._main). A trade made on one replay
is reviewed from a window on another: the window switches back to the first replay's files. And a
trade made on a live feed (a local Binance replaying the real recording) that was being recorded
is reviewed from that recording — the recording is finished, the window gives way to a replay of
the file, seeking to before the entry at the slow speed, with the trade drawn as the replay
reaches it.

The opened replay loops (as File → Open recording… replays do), so its marks are read at the
moment the replay is past the exit, not after its end."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fakes.binance import FakeBinance
from PySide6 import QtWidgets

from app.core.events import Side
from app.core.paper.commands import Flatten, PlaceOrder
from app.core.paper.orders import OrderKind
from app.core.paper.trip_review import REVIEW_LEAD_NS, REVIEW_SPEED, OriginKind
from app.core.units import NS_PER_S
from app.feeds.live.connection import ConnectionTiming
from app.feeds.live.feed import LiveFeed
from app.feeds.replay_feed import ReplayFeed
from app.feeds.source import SourceState
from app.storage.journal import DATA_DIR_ENV
from app.ui.main_window import MainWindow
from app.ui.trade_review import TradeReview
from app.venues.binance import USDM
from tests.ui.test_open_recording import split_recording
from tests.ui.test_trade_review import until
from widgets.base.trip_marks import MarkKind

TIMING = ConnectionTiming(connect_timeout_s=2, stale_after_s=0.6, reconnect_after_s=30, check_every_s=0.05)


def windows() -> list[MainWindow]:
    return [
        w for w in QtWidgets.QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
    ]


def test_a_recorded_live_trade_is_reviewed_from_its_recording(
    btcusdt_recording, tmp_path: Path, qloop, run_app_windows, monkeypatch
) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))  # the journal and the recordings
    fake = FakeBinance(btcusdt_recording, frames_per_s=2_000, shift_to_now=True)
    ws_base, rest_base = qloop.run_until_complete(fake.start())
    feed = LiveFeed(
        USDM,
        "BTCUSDT",
        rewrite_url=lambda u: u.replace("wss://fstream.binance.com", ws_base).replace(
            "https://fapi.binance.com", rest_base
        ),
        timing=TIMING,
    )
    seen: dict[str, object] = {}

    async def drive() -> None:
        try:
            await steps()
        finally:  # a failed step must not leave the app's window loop waiting for a close
            for window in windows():
                window.close()

    async def steps() -> None:
        await until(windows)
        (live,) = windows()
        live.record_action.setChecked(True)  # Feed → Record this feed, before the book arrives
        desk = live.desk
        assert desk is not None
        await until(lambda: feed.market.book.best_ask is not None and feed.market.tape.total > 50)
        live_now = SourceState.LIVE
        await until(lambda: feed.status().state is live_now and desk.exchange.state.market_hold is None)
        desk.send(PlaceOrder(Side.BUY, OrderKind.MARKET, 1))
        await until(lambda: desk.snapshot.position_lots != 0)
        await asyncio.sleep(0.5)
        desk.send(Flatten())
        await until(lambda: desk.snapshot.trips)
        await asyncio.sleep(1.0)  # the recording goes on past the exit
        trip = desk.snapshot.trips[-1]
        seen["trip"] = trip
        seen["recording"] = feed.recording
        review = live.findChild(TradeReview)
        seen["origin"] = desk.review(trip.trip_id).origin

        seen["refused"] = review.review(trip.trip_id)  # what Trades → Review calls
        await until(lambda: windows() and windows()[0] is not live)
        (replay,) = windows()
        source = replay.source
        assert isinstance(source, ReplayFeed)
        await until(lambda: source.market_ns is not None and not source.seeking)
        seen["paths"] = source.paths
        seen["market_ns"], seen["start_ns"], seen["speed"] = source.market_ns, source.start_ns, source.speed
        seen["tags"] = replay.views["ladder"].trip_tags()
        footprint = replay.views["footprint"]
        await until(lambda: len(footprint.trip_marks.points()) == 2, timeout_s=20)  # at the exit
        seen["points"] = footprint.trip_marks.points()

    status = run_app_windows(feed, tmp_path / "config", drive)
    qloop.run_until_complete(fake.stop())

    trip = seen["trip"]
    recording = seen["recording"]
    assert status == 0 and seen["refused"] is None
    assert isinstance(recording, Path) and recording.parent == tmp_path / "data" / "recordings"
    origin = seen["origin"]
    assert origin.kind is OriginKind.LIVE and origin.paths == (str(recording),)
    assert seen["paths"] == (recording,)  # the new window replays the live feed's recording
    # the trade came seconds after the recording began: the seek stops at its first line
    assert (
        seen["start_ns"] <= seen["market_ns"] <= max(seen["start_ns"], trip.entry_ns - REVIEW_LEAD_NS) + 10**9
    )
    assert seen["market_ns"] < trip.entry_ns
    assert seen["speed"] == REVIEW_SPEED
    assert any(MarkKind.ENTRY in kinds for kinds in seen["tags"].values())
    assert [p.kind for p in seen["points"]] == [MarkKind.ENTRY, MarkKind.EXIT]
    assert seen["points"][0].price_ticks == trip.entry_price_ticks


def test_a_trade_made_on_one_replay_is_reviewed_from_a_window_on_another(
    btcusdt_recording, tmp_path: Path, run_app_windows, monkeypatch
) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    day = split_recording(btcusdt_recording, tmp_path)  # "replay A": the trade is made on it
    seen: dict[str, object] = {}

    async def drive() -> None:
        try:
            await steps()
        finally:
            for window in windows():
                window.close()

    async def steps() -> None:
        await until(windows)
        (first,) = windows()
        source = first.source
        desk = first.desk
        assert isinstance(source, ReplayFeed) and desk is not None
        await until(lambda: (source.market_ns or 0) >= source.start_ns + 30 * NS_PER_S)
        desk.send(PlaceOrder(Side.BUY, OrderKind.MARKET, 5))
        await until(lambda: desk.snapshot.position_lots != 0)
        await asyncio.sleep(0.3)
        desk.send(Flatten())
        await until(lambda: desk.snapshot.trips)
        trip = desk.snapshot.trips[-1]
        seen["trip"] = trip

        first.recordings.open_files([btcusdt_recording])  # File → Open recording…: "replay B"
        await until(lambda: windows() and windows()[0] is not first)
        (second,) = windows()
        seen["second_paths"] = second.source.paths
        seen["refused"] = second.findChild(TradeReview).review(trip.trip_id)
        await until(lambda: windows() and windows()[0] is not second)
        (third,) = windows()
        replay = third.source
        await until(lambda: replay.market_ns is not None and not replay.seeking)
        seen["paths"], seen["market_ns"], seen["speed"] = replay.paths, replay.market_ns, replay.speed
        seen["tags"] = third.views["ladder"].trip_tags()

    status = run_app_windows(ReplayFeed(day, speed=20.0, scan_end=False), tmp_path / "config", drive)

    trip = seen["trip"]
    assert status == 0 and seen["refused"] is None
    assert seen["second_paths"] == (btcusdt_recording,)
    assert seen["paths"] == tuple(day)  # back on the files the trade was made on
    target_ns = trip.entry_ns - REVIEW_LEAD_NS
    assert target_ns - NS_PER_S <= seen["market_ns"] <= target_ns + NS_PER_S
    assert seen["speed"] == REVIEW_SPEED
    assert any(MarkKind.ENTRY in kinds for kinds in seen["tags"].values())
