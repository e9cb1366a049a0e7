"""The composition root: any `MarketSource` plugs into the real window, not only the replay.

The source here is `HandSource` (tests/ui/conftest.py): no replay and no Transport, lines handed
in by the test go through a real IngestPipeline, as a live feed's will.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6 import QtWidgets

from app.feeds.recording import iter_recordings
from app.feeds.replay_feed import ReplayFeed
from app.feeds.source import MarketSource, SourceState, Transport
from app.storage.journal import Journal
from app.storage.layouts import LayoutStore
from app.storage.settings import SettingsStore
from app.ui.compose import DeskStores, Workstation, compose
from app.ui.run_app import default_views
from tests.ui.conftest import HandSource


@pytest.fixture
def station(hand_source: HandSource, tmp_path: Path, qtbot) -> Iterator[Workstation]:
    stores = DeskStores(
        Journal(tmp_path / "journal.sqlite3", checkpoint_interval_s=None), SettingsStore(tmp_path)
    )
    built = compose(hand_source, default_views(), LayoutStore(tmp_path), stores=stores)
    qtbot.addWidget(built.window)
    built.window.show()
    qtbot.waitExposed(built.window)
    built.window.frames.stop()  # frames are stepped by the test
    yield built
    assert built.window.trading is not None
    built.window.trading.hotkeys.uninstall()
    built.close()


def desk_stores(tmp: Path) -> DeskStores:
    return DeskStores(Journal(tmp / "journal.sqlite3", checkpoint_interval_s=None), SettingsStore(tmp))


def batches(recording: Path) -> Iterator[list[bytes]]:
    return iter_recordings([recording], chunk_bytes=4096)


def test_a_source_that_is_not_a_transport_gets_a_window_without_transport(station: Workstation) -> None:
    window = station.window
    assert isinstance(station.source, MarketSource) and not isinstance(station.source, Transport)

    assert window.transport is None
    assert window.findChildren(QtWidgets.QToolBar) == []
    menus = [a.text() for a in window.menuBar().actions()]
    assert "&Replay" not in menus and "&View" in menus
    assert window.windowTitle() == "Scalpdesk — BTCUSDT by hand — SIM paper account"


def test_the_window_shows_what_the_source_feeds_and_says_its_state(
    station: Workstation, hand_source: HandSource, btcusdt_recording: Path
) -> None:
    window = station.window
    lines = batches(btcusdt_recording)
    while hand_source.binding.market.tape.total == 0 or hand_source.binding.market.book.best_bid is None:
        hand_source.feed(next(lines))
    QtWidgets.QApplication.processEvents()
    window.frames.tick()
    window.status.update()

    assert window.frames.frames == 1
    assert len(window.frames.latency_ms) > 0  # its batches' feed times reached the frame clock
    assert window.views["ladder"].rows()  # type: ignore[attr-defined]
    assert window.status.state.text() == "live"
    assert window.status.latency.text().startswith("feed latency ")

    hand_source.state = SourceState.STALE
    window.status.update()
    assert window.status.state.text() == "stale: no data"


def test_the_desk_sees_every_batch_of_the_source(
    station: Workstation, hand_source: HandSource, btcusdt_recording: Path
) -> None:
    desk = station.desk
    assert desk is not None
    lines = batches(btcusdt_recording)

    hand_source.feed(next(lines))

    assert desk.market is hand_source.binding.market
    assert desk.exchange.now_ns == hand_source.market_ns

    station.detach()  # nobody listens any more
    hand_source.feed(next(lines))
    assert desk.exchange.now_ns < hand_source.market_ns  # type: ignore[operator]


def test_a_replay_gets_its_transport_bar_and_rebinds_window_and_desk_on_a_new_session(
    btcusdt_recording: Path, tmp_path: Path, qtbot, qloop
) -> None:
    import asyncio

    feed = ReplayFeed([btcusdt_recording], speed=100, scan_end=False)
    stores = DeskStores(
        Journal(tmp_path / "journal.sqlite3", checkpoint_interval_s=None), SettingsStore(tmp_path)
    )
    built = compose(feed, default_views(), LayoutStore(tmp_path), stores=stores)
    qtbot.addWidget(built.window)
    assert built.window.transport is not None
    first = feed.binding.market

    async def play_then_restart() -> None:
        task = asyncio.create_task(feed.run())
        await asyncio.sleep(0.2)
        feed.restart()
        await asyncio.sleep(0.2)
        task.cancel()

    qloop.run_until_complete(play_then_restart())

    assert built.desk is not None and built.window.trading is not None
    assert feed.binding.session == 2 and feed.binding.market is not first
    assert built.window.frames.market is feed.binding.market
    assert built.desk.market is feed.binding.market
    built.window.trading.hotkeys.uninstall()
    built.close()


def test_a_market_that_is_not_live_greys_the_views_and_holds_new_sim_orders(
    station: Workstation, hand_source: HandSource, btcusdt_recording: Path
) -> None:
    from app.core.events import Side
    from app.core.paper.commands import PlaceOrder
    from app.core.paper.orders import OrderKind

    window, desk = station.window, station.desk
    assert desk is not None
    lines = batches(btcusdt_recording)
    while hand_source.binding.market.book.best_bid is None or hand_source.binding.market.tape.total == 0:
        hand_source.feed(next(lines))

    hand_source.state = SourceState.STALE
    window._update_status()
    desk.send(PlaceOrder(Side.BUY, OrderKind.MARKET, 1))

    assert all(v.graphicsEffect() is not None for v in window.views.values())
    assert "SIM order refused: market data stale" in window.status.notice.text()
    assert desk.exchange.orders == {} and not desk.exchange.state.pending  # refused, not sent

    hand_source.state = SourceState.LIVE
    window._update_status()
    desk.send(PlaceOrder(Side.BUY, OrderKind.MARKET, 1))

    assert all(v.graphicsEffect() is None for v in window.views.values())
    assert window.status.notice.text() == "⚠ market data live again: SIM orders accepted"  # no refusal
    assert desk.exchange.state.pending or desk.exchange.orders  # sent: travelling or at the exchange


def test_file_open_live_market_hands_the_chosen_market_to_the_app(
    hand_source: HandSource, tmp_path: Path, qtbot
) -> None:
    from app.storage.recent_markets import Market, RecentMarkets

    chosen: list[Market] = []
    recent = RecentMarkets(tmp_path)
    recent.add(Market("okx-swap", "BTC-USDT-SWAP"))
    built = compose(
        hand_source, default_views(), LayoutStore(tmp_path), on_open_market=chosen.append, recent=recent
    )
    qtbot.addWidget(built.window)
    menu = [a.text() for a in built.window.menuBar().actions()[0].menu().actions()]

    picker = built.window.pick_market()
    picker.venue.setCurrentText("bybit-linear")
    completions = picker.symbol.completer().model().stringList()
    picker.recent.itemClicked.emit(picker.recent.item(0))  # the recent market fills the fields
    picker.accept()

    assert "Open live market…" in menu
    assert "BTCUSDT" in completions and "XRPUSDT" in completions  # the venue's symbols, to complete
    assert chosen == [Market("okx-swap", "BTC-USDT-SWAP")]
    built.close()


def test_help_about_names_the_versions_and_the_data_provenance(station: Workstation) -> None:
    text = station.window.about_text()
    help_menu = [a.text() for a in station.window.menuBar().actions()[-1].menu().actions()]

    assert "About Scalpdesk…" in help_menu
    assert "Scalpdesk" in text and "Python" in text and "PySide6-Essentials" in text and "pyqtgraph" in text
    assert "2024-08-08" in text


def test_help_keys_lists_the_window_keys_and_the_trading_keys(station: Workstation) -> None:
    help_menu = [a.text() for a in station.window.menuBar().actions()[-1].menu().actions()]
    rows = dict((what, key) for what, key in station.window.key_table())

    assert "Keys…" in help_menu
    assert any(key == "C" for key in rows.values())  # re-centre the ladder, a window key
    assert any(key == "M" for key in rows.values())  # mute the signal sounds (the Signals menu)
    assert any(key == "Shift+Esc" for key in rows.values())  # flatten, a trading key


def test_every_notice_is_kept_and_listed_newest_first(station: Workstation) -> None:
    window = station.window
    for text in ("layouts.json is damaged", "settings fell back", "feed stale"):
        window.status.show_notice(text)

    listed = window.notices_text().splitlines()

    assert [line.split("  ", 1)[1] for line in listed[:3]] == [
        "feed stale",
        "settings fell back",
        "layouts.json is damaged",
    ]
    assert "Help → Notices" in window.status.notice.toolTip()
