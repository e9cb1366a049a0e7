"""The alert log in the real window: it lists what the engine found, newest first, and a click goes
there: a replay seeks to just before the signal, a live market centres the charts on it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.signals.kinds import SignalKind
from app.core.units import NS_PER_S
from app.feeds.recording import iter_recordings
from app.feeds.replay_feed import ReplayFeed
from app.storage.layouts import LayoutStore
from app.ui.compose import Workstation, compose
from app.ui.run_app import default_views
from app.ui.signal_jump import LEAD_S, receive_ns_of
from tests.ui.conftest import HandSource
from tests.ui.test_signal_wiring import fast_replay
from widgets.alerts import AlertsView
from widgets.base.fill_marks import footprint_x
from widgets.base.signal_style import KIND_STYLE, time_text
from widgets.footprint import FootprintView


def build(source, tmp_path: Path, qtbot) -> Workstation:
    built = compose(source, default_views(), LayoutStore(tmp_path))
    qtbot.addWidget(built.window)
    built.window.show()
    qtbot.waitExposed(built.window)
    built.window.frames.stop()  # frames are stepped by the test
    return built


@pytest.fixture
def replay(btcusdt_recording: Path) -> ReplayFeed:
    return fast_replay(btcusdt_recording)


@pytest.fixture
def station(replay: ReplayFeed, tmp_path: Path, qtbot) -> Iterator[Workstation]:
    built = build(replay, tmp_path, qtbot)
    yield built
    built.close()


def play_until(qloop, feed: ReplayFeed, done) -> None:
    async def play() -> None:
        task = asyncio.create_task(feed.run())
        while not done():
            await asyncio.sleep(0)
        feed.stop()
        await task

    qloop.run_until_complete(play())


def alerts_of(station: Workstation) -> AlertsView:
    view = station.window.views["alerts"]
    assert isinstance(view, AlertsView)
    return view


def test_the_log_lists_the_signals_found_newest_first(
    station: Workstation, replay: ReplayFeed, qloop
) -> None:
    found = station.signals.signals
    play_until(qloop, replay, lambda: len(found) >= 40)
    station.window.frames.tick()
    alerts = alerts_of(station)

    rows = alerts.rows()
    assert len(rows) == len(found)
    inst = replay.binding.instrument
    for row, sig in zip(rows, reversed(found.items), strict=True):
        assert row[0] == time_text(sig.ts_ns) and len(row[0]) == 12  # HH:MM:SS.mmm
        assert row[1] == KIND_STYLE[sig.kind].name
        assert row[3] == inst.price_str(sig.price_ticks)
        assert row[4] == f"{sig.strength:.2f}" and row[5] == sig.detail
    assert station.window.docks["alerts"].objectName() == "dock_alerts"


def test_new_alerts_are_inserted_on_top_and_the_kind_filter_hides_a_kind(
    btcusdt_recording: Path, tmp_path: Path, qtbot
) -> None:
    source = HandSource(btcusdt_recording)  # live: a click does not seek, the selection stays
    station = build(source, tmp_path, qtbot)
    found = station.signals.signals
    alerts = alerts_of(station)
    lines = iter_recordings([btcusdt_recording], chunk_bytes=16384)
    while len(found) < 10:
        source.feed(next(lines))
    station.window.frames.tick()
    last = alerts.model.rowCount() - 1
    oldest_row = alerts.model.signal_at(last)
    alerts.click_row(last)

    n = len(found)
    while len(found) < n + 5:
        source.feed(next(lines))
    station.window.frames.tick()
    last = alerts.model.rowCount() - 1
    assert alerts.model.rowCount() == len(found)
    assert alerts.model.signal_at(last) is oldest_row and alerts.model.signal_at(0) is found.items[-1]
    assert alerts.table.selectionModel().selectedRows()[0].row() == last  # the selection moved with it

    alerts.kind_actions[SignalKind.LARGE_PRINT].setChecked(False)
    assert alerts.rows() and all(r[1] != KIND_STYLE[SignalKind.LARGE_PRINT].name for r in alerts.rows())
    assert alerts.settings() == {"hidden_kinds": ["large_print"]}
    assert "filtered out" in alerts.count_label.text()
    station.close()


def test_clicking_an_alert_seeks_the_replay_to_just_before_it_and_keeps_it_paused(
    station: Workstation, replay: ReplayFeed, qloop
) -> None:
    found = station.signals.signals
    play_until(qloop, replay, lambda: len(found) >= 60)
    replay.pause()
    station.window.frames.tick()
    alerts = alerts_of(station)
    row = alerts.model.rowCount() - 20
    sig = alerts.model.signal_at(row)
    target = receive_ns_of(replay.binding.market, sig.ts_ns) - LEAD_S * NS_PER_S
    first_market = replay.binding.market

    alerts.click_row(row)
    assert replay.seeking
    play_until(qloop, replay, lambda: not replay.seeking)
    station.window.frames.tick()

    assert replay.paused  # the pause state is kept
    assert replay.binding.market is not first_market  # back in time: a fresh session
    assert replay.market_ns is not None and target - NS_PER_S < replay.market_ns <= target
    assert found.items and all(s.ts_ns < sig.ts_ns for s in found.items)  # found again, up to there
    assert alerts.model.rowCount() == len(found)
    newest = replay.binding.market.last_trade_ns
    assert newest is not None and sig.ts_ns - 6 * NS_PER_S < newest < sig.ts_ns


def test_on_a_live_market_a_click_centres_the_charts_on_the_signal(
    btcusdt_recording: Path, tmp_path: Path, qtbot
) -> None:
    source = HandSource(btcusdt_recording)
    station = build(source, tmp_path, qtbot)
    found = station.signals.signals
    lines = iter_recordings([btcusdt_recording], chunk_bytes=16384)
    while len(found) < 30:
        source.feed(next(lines))
    for _ in range(200):  # a few minutes more, so the first signals are no longer at the right edge
        source.feed(next(lines))
    station.window.frames.tick()
    alerts = alerts_of(station)
    footprint = station.window.views["footprint"]
    assert isinstance(footprint, FootprintView) and footprint.model is not None

    row = alerts.model.rowCount() - 1
    sig = alerts.model.signal_at(row)
    alerts.click_row(row)

    assert not footprint.following
    r = footprint.vb.viewRect()
    x = footprint_x(footprint.model.series, sig.ts_ns)
    assert x is not None and r.center().x() == pytest.approx(x)
    assert r.center().y() == pytest.approx(sig.price_ticks + 0.5)
    assert "centred" in station.window.statusBar().currentMessage()
    station.close()
