"""Trades view → Review in the real window on a real replay: a trade made by desk commands at a known
moment is reviewed from 10 s before its entry, slowly, with its entry, exit, stop and target
drawn on the footprint, the CVD and the ladder; and the trades that cannot be reviewed say why."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.core.events import Side
from app.core.paper.commands import Flatten, PlaceOrder
from app.core.paper.orders import OrderKind, OrderRole
from app.core.paper.trip_review import REVIEW_LEAD_NS, REVIEW_SPEED, OriginKind
from app.core.units import NS_PER_S
from app.feeds.replay_feed import ReplayFeed
from app.storage.journal import Journal
from app.storage.layouts import LayoutStore
from app.storage.settings import SettingsStore
from app.ui.compose import DeskStores, Workstation, compose
from app.ui.run_app import default_views
from app.ui.trading_desk import TradingDesk
from tests.ui.conftest import HandSource
from widgets.base.trip_marks import MarkKind, row_price_of

TRADE_AT_NS = 60 * NS_PER_S  # into the recording: the known moment the trade is made


async def until(done: Callable[[], object], timeout_s: float = 30.0) -> None:
    for _ in range(int(timeout_s / 0.01)):
        if done():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("timed out")


@dataclass
class Station:
    built: Workstation
    feed: ReplayFeed

    @property
    def desk(self) -> TradingDesk:
        assert self.built.desk is not None
        return self.built.desk


@pytest.fixture
def station(btcusdt_recording: Path, tmp_path: Path, qtbot) -> Iterator[Station]:
    feed = ReplayFeed([btcusdt_recording], speed=20.0, scan_end=False)
    stores = DeskStores(
        Journal(tmp_path / "journal.sqlite3", checkpoint_interval_s=None), SettingsStore(tmp_path)
    )
    built = compose(feed, default_views(), LayoutStore(tmp_path), stores=stores)
    assert built.window.trading is not None
    built.window.trading.hotkeys.uninstall()  # desk commands here, no keys: no app-wide filter left over
    qtbot.addWidget(built.window)
    built.window.show()
    qtbot.waitExposed(built.window)
    yield Station(built, feed)
    built.close()


async def trade_and_close(s: Station) -> int:
    """A market buy with the Tight bracket at TRADE_AT_NS into the replay, closed by a leg or,
    20 s on, by a flatten; returns its trip id."""
    feed, desk = s.feed, s.desk
    await until(lambda: (feed.market_ns or 0) >= feed.start_ns + TRADE_AT_NS)
    lots = desk.instrument.lots("0.010")
    desk.send(PlaceOrder(Side.BUY, OrderKind.MARKET, lots, None, "Tight"))
    await until(lambda: desk.snapshot.fills)  # a leg may close it in the same batch
    opened_ns = feed.market_ns or 0
    await until(lambda: desk.snapshot.trips or (feed.market_ns or 0) >= opened_ns + 20 * NS_PER_S)
    if not desk.snapshot.trips:
        desk.send(Flatten())
        await until(lambda: desk.snapshot.trips)
    return desk.snapshot.trips[-1].trip_id


def test_review_opens_the_moment_of_a_trade_made_on_the_replay_with_its_marks(
    station: Station, qloop
) -> None:
    feed, desk, window = station.feed, station.desk, station.built.window
    trades, ladder = window.views["trades"], window.views["ladder"]
    footprint, cvd = window.views["footprint"], window.views["cvd"]
    seen: dict[str, object] = {}

    async def drive() -> None:
        task = asyncio.ensure_future(feed.run())
        trip_id = await trade_and_close(station)
        await until(lambda: trades.model.rowCount() == 1)
        review = desk.review(trip_id)
        assert review is not None
        seen["review"] = review

        assert trades.review_row(0)  # what the Review button, a double-click and the menu do
        entry_ns = review.trip.entry_ns
        await until(lambda: not feed.seeking and feed.market_ns is not None and feed.market_ns < entry_ns)
        seen["market_ns"], seen["speed"], seen["paused"] = feed.market_ns, feed.speed, feed.paused
        seen["tags"] = ladder.trip_tags()
        seen["notice"] = window.status.notices[-1][1]
        await asyncio.sleep(0.2)
        seen["early_points"] = footprint.trip_marks.points()  # the entry is still ahead

        feed.set_speed(50.0)  # the rest of the trip quickly, to see its marks come
        await until(lambda: (feed.market_ns or 0) > review.trip.exit_ns + NS_PER_S)
        await asyncio.sleep(0.3)  # a few frames
        seen["footprint"] = (footprint.trip_marks.points(), footprint.trip_marks.levels())
        seen["cvd"] = (cvd.trip_marks.points(), cvd.trip_marks.levels())
        task.cancel()

    qloop.run_until_complete(drive())

    review = seen["review"]
    trip = review.trip
    assert review.origin is not None and review.origin.kind is OriginKind.REPLAY
    assert review.origin.paths == (str(feed.paths[0].resolve()),)
    target_ns = trip.entry_ns - REVIEW_LEAD_NS
    assert target_ns - NS_PER_S <= seen["market_ns"] <= target_ns + NS_PER_S  # 10 s before the entry
    assert seen["speed"] == REVIEW_SPEED and seen["paused"] is False
    assert seen["notice"] == f"Reviewing trade #{trip.trip_id}: from 10 s before its entry, at 0.5×"
    assert seen["early_points"] == []

    stops, targets = review.leg_prices(OrderRole.STOP_LOSS), review.leg_prices(OrderRole.TAKE_PROFIT)
    assert stops and targets  # the Tight bracket's legs were working
    row_of = row_price_of(ladder.model.settings.group_ticks)
    tags = seen["tags"]
    assert MarkKind.ENTRY in tags[row_of(trip.entry_price_ticks)]
    assert MarkKind.EXIT in tags[row_of(trip.exit_price_ticks)]
    assert MarkKind.STOP in tags[row_of(stops[0])] and MarkKind.TARGET in tags[row_of(targets[0])]

    for points, levels in (seen["footprint"], seen["cvd"]):
        assert [(p.kind, p.price_ticks) for p in points] == [
            (MarkKind.ENTRY, trip.entry_price_ticks),
            (MarkKind.EXIT, trip.exit_price_ticks),
        ]
        assert {(lv.kind, lv.price_ticks) for lv in levels} >= {
            (MarkKind.STOP, stops[0]),
            (MarkKind.TARGET, targets[0]),
        }
        entry_x, exit_x = points[0].x, points[1].x
        assert all(entry_x - 1 <= lv.x0 <= lv.x1 <= exit_x + 1 for lv in levels)


def test_clearing_the_review_takes_the_marks_off(station: Station, qloop) -> None:
    feed, window = station.feed, station.built.window
    trades, ladder = window.views["trades"], window.views["ladder"]

    async def drive() -> None:
        task = asyncio.ensure_future(feed.run())
        await trade_and_close(station)
        await until(lambda: trades.model.rowCount() == 1)
        trades.review_row(0)
        await until(ladder.trip_tags)
        trades.review_cleared.emit()  # the context menu's "Clear review"
        task.cancel()

    qloop.run_until_complete(drive())

    assert ladder.trip_tags() == {}
    assert window.views["footprint"].trip_marks.points() == []
    assert station.built.review is not None and station.built.review.current is None


def test_a_trade_on_a_live_feed_that_was_not_recorded_says_so(
    hand_source: HandSource, btcusdt_recording: Path, tmp_path: Path, qtbot
) -> None:
    from app.feeds.recording import iter_recordings

    stores = DeskStores(
        Journal(tmp_path / "journal.sqlite3", checkpoint_interval_s=None), SettingsStore(tmp_path)
    )
    built = compose(hand_source, default_views(), LayoutStore(tmp_path), stores=stores)
    assert built.window.trading is not None
    built.window.trading.hotkeys.uninstall()
    qtbot.addWidget(built.window)
    built.window.frames.stop()
    desk = built.desk
    assert desk is not None and built.review is not None
    lines = iter_recordings([btcusdt_recording], chunk_bytes=4096)
    while hand_source.binding.market.book.best_ask is None:
        hand_source.feed(next(lines))
    desk.send(PlaceOrder(Side.BUY, OrderKind.MARKET, 1))
    while desk.snapshot.position_lots == 0:
        hand_source.feed(next(lines))
    desk.send(Flatten())
    while not desk.snapshot.trips:
        hand_source.feed(next(lines))

    text = built.review.review(desk.snapshot.trips[-1].trip_id)

    assert text is not None and "was not being recorded" in text
    assert built.window.status.notices[-1][1] == text
    assert built.window.views["ladder"].trip_tags() == {}
    built.close()
