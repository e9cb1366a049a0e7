"""The trading desk in the real window: hotkeys and ladder clicks become orders, fills come from the
replayed market, the journal is written before the screen shows anything, and a restart restores."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6 import QtCore, QtWidgets

from app.core.events import Side
from app.core.paper.actions import DEFAULT_KEYMAP
from app.core.paper.commands import PlaceOrder
from app.core.paper.config import FillConfig
from app.core.paper.orders import OrderKind, OrderStatus
from app.feeds.recording import iter_recordings
from app.feeds.replay_feed import ReplayFeed
from app.storage.journal import Journal
from app.storage.layouts import LayoutStore
from app.storage.settings import RiskSettings, SettingsStore
from app.ui.compose import DeskStores, compose
from app.ui.hotkeys import RESERVED_KEYS
from app.ui.run_app import default_views
from app.ui.trading_desk import TradingDesk
from tests.ui.conftest import HandSource

LEFT = QtCore.Qt.MouseButton.LeftButton


class Desk:
    """A window with the real views and desk, on a source we step batch by batch by hand."""

    def __init__(self, recording: Path, tmp: Path, qtbot) -> None:
        self.tmp = tmp
        self.source = HandSource(recording)
        self.views = default_views()
        self.journal = Journal(tmp / "journal.sqlite3", checkpoint_interval_s=None)
        self.store = SettingsStore(tmp / "config")
        built = compose(
            self.source, self.views, LayoutStore(tmp / "config"), stores=DeskStores(self.journal, self.store)
        )
        assert built.desk is not None
        self.desk = built.desk
        self.window = built.window
        qtbot.addWidget(self.window)
        self.window.show()
        qtbot.waitExposed(self.window)
        self.window.frames.stop()  # frames are stepped by the test
        self.market = self.source.binding.market
        self.instrument = self.source.binding.instrument
        self._batches: Iterator[list[bytes]] = iter_recordings([recording], chunk_bytes=4096)
        self.ladder = self.window.views["ladder"]

    def play(self, batches: int = 1) -> None:
        """Feed batches (≈ 30 lines each) to the source, which shows them to the desk; paint a frame."""
        for _ in range(batches):
            self.source.feed(next(self._batches))
        self.frame()

    def play_until_book(self) -> None:
        while self.market.book.best_bid is None or self.market.tape.total == 0:
            self.play()

    def frame(self) -> None:
        QtWidgets.QApplication.processEvents()
        self.window.frames.tick()

    def key(self, qtbot, key: QtCore.Qt.Key) -> None:
        self.ladder.setFocus()
        qtbot.keyClick(self.ladder, key)

    def journal_kinds(self) -> list[str]:
        with sqlite3.connect(self.tmp / "journal.sqlite3") as db:
            return [kind for (kind,) in db.execute("SELECT kind FROM events ORDER BY seq")]


@pytest.fixture
def desk(btcusdt_recording: Path, tmp_path: Path, qtbot) -> Iterator[Desk]:
    d = Desk(btcusdt_recording, tmp_path, qtbot)
    d.play_until_book()
    yield d
    d.window.trading.hotkeys.uninstall()
    d.journal.close()


def test_a_hotkey_order_is_journaled_and_drawn_on_the_ladder_in_the_next_frame(desk: Desk, qtbot) -> None:
    bid = desk.market.book.best_bid
    desk.ladder.recenter()

    desk.key(qtbot, QtCore.Qt.Key.Key_Q)  # join bid
    assert desk.journal_kinds() == ["CommandSent"]  # written before any frame showed it
    desk.frame()

    (order,) = desk.desk.snapshot.orders
    assert (order.side, order.kind, order.price_ticks, order.status) == (
        Side.BUY,
        OrderKind.LIMIT,
        bid,
        OrderStatus.PENDING,
    )
    cell = desk.ladder.orders_at(bid)
    assert cell is not None and cell.groups[0].pending and cell.order_ids == (order.order_id,)


def test_the_order_works_after_the_latency_and_a_market_buy_fills_from_the_book(desk: Desk, qtbot) -> None:
    desk.key(qtbot, QtCore.Qt.Key.Key_Q)
    desk.play(5)
    assert desk.desk.snapshot.orders[0].status is OrderStatus.WORKING
    assert desk.desk.snapshot.orders[0].queue_ahead_lots is not None

    asks_before = sorted(desk.market.book.asks.items())[:3]
    desk.key(qtbot, QtCore.Qt.Key.Key_W)  # buy market, 0.001 BTC
    desk.play(5)

    snap = desk.desk.snapshot
    assert snap.position_lots >= 1
    assert any(f.side is Side.BUY and f.price_ticks >= asks_before[0][0] - 50 for f in snap.fills)
    assert "OrderFilled" in desk.journal_kinds() and "AccountChanged" in desk.journal_kinds()
    account = desk.window.views["account"]
    assert "Long" in account.line("position").value


def test_a_key_typed_into_a_text_field_never_trades(desk: Desk, qtbot) -> None:
    field = QtWidgets.QLineEdit(desk.window)
    field.show()
    field.setFocus()
    qtbot.keyClick(field, QtCore.Qt.Key.Key_W)
    qtbot.keyClick(field, QtCore.Qt.Key.Key_Q)

    assert field.text() == "wq"
    assert desk.desk.snapshot.orders == ()
    assert desk.journal_kinds() == []


def test_preset_keys_change_the_size_the_next_order_uses(desk: Desk, qtbot) -> None:
    desk.key(qtbot, QtCore.Qt.Key.Key_3)
    desk.key(qtbot, QtCore.Qt.Key.Key_Q)

    assert desk.desk.snapshot.orders[0].qty_lots == desk.instrument.lots("0.01")


def test_ladder_click_on_the_bid_column_buys_there_and_a_click_on_the_order_cancels_it(
    desk: Desk, qtbot
) -> None:
    desk.ladder.recenter()
    desk.frame()
    price = desk.market.book.best_bid - 5
    rect = desk.ladder.cell_rect(price, "bid")
    assert rect is not None

    qtbot.mouseClick(desk.ladder.canvas, LEFT, pos=rect.center())
    desk.play(5)
    (order,) = desk.desk.snapshot.orders
    assert (order.side, order.price_ticks, order.status) == (Side.BUY, price, OrderStatus.WORKING)
    assert desk.ladder.orders_at(price) is not None

    qtbot.mouseClick(desk.ladder.canvas, LEFT, pos=desk.ladder.cell_rect(price, "orders").center())
    desk.play(5)
    assert desk.desk.snapshot.orders == ()
    assert desk.ladder.orders_at(price) is None
    assert "OrderCancelled" in desk.journal_kinds()


def test_a_tripped_risk_limit_blocks_new_orders_visibly_but_flatten_works(desk: Desk, qtbot) -> None:
    settings = desk.desk.settings
    desk.desk.apply_settings(
        replace(settings, fill=FillConfig(latency_ms=0), risk=RiskSettings(daily_loss_quote=0.01))
    )
    desk.key(qtbot, QtCore.Qt.Key.Key_5)  # 0.1 BTC
    desk.key(qtbot, QtCore.Qt.Key.Key_W)  # pays the spread and the taker fee: > 0.01 USDT
    desk.play()
    assert desk.desk.snapshot.risk.locked
    bar = desk.ladder.entry_bar
    assert bar.lock.isVisibleTo(desk.ladder) and "LOCK" in bar.lock.text()

    notices: list[str] = []
    desk.desk.notice.connect(notices.append)
    desk.key(qtbot, QtCore.Qt.Key.Key_W)
    assert desk.desk.snapshot.position_lots == desk.instrument.lots("0.1")
    assert any("LOCKED" in n for n in notices)

    qtbot.keyClick(desk.ladder, QtCore.Qt.Key.Key_Escape, QtCore.Qt.KeyboardModifier.ShiftModifier)  # flatten
    desk.play()
    assert desk.desk.snapshot.position_lots == 0


def test_a_new_desk_on_the_same_journal_shows_the_same_account(desk: Desk, qtbot, tmp_path: Path) -> None:
    desk.key(qtbot, QtCore.Qt.Key.Key_W)
    desk.desk.send(PlaceOrder(Side.BUY, OrderKind.LIMIT, 3, desk.market.book.best_bid - 200))
    desk.play(8)
    before = desk.desk.snapshot
    assert before.position_lots and before.orders

    again = TradingDesk(
        desk.instrument,
        Journal(tmp_path / "journal.sqlite3", checkpoint_interval_s=None),
        SettingsStore(tmp_path / "config"),
        [],
        clock_ns=lambda: None,
    )
    after = again.snapshot

    assert (after.position_lots, after.cost_tick_lots, after.realised_tick_lots) == (
        before.position_lots,
        before.cost_tick_lots,
        before.realised_tick_lots,
    )
    assert after.fees_quote == pytest.approx(before.fees_quote)
    assert [(o.order_id, o.side, o.price_ticks, o.remaining_lots) for o in after.orders] == [
        (o.order_id, o.side, o.price_ticks, o.remaining_lots) for o in before.orders
    ]
    again.close()


def test_the_window_keys_are_reserved_and_no_default_trading_key_collides(
    btcusdt_recording: Path, tmp_path: Path, qtbot
) -> None:
    replay = ReplayFeed([btcusdt_recording], scan_end=False)  # a Transport: its keys are in the table
    journal = Journal(tmp_path / "journal.sqlite3", checkpoint_interval_s=None)
    stores = DeskStores(journal, SettingsStore(tmp_path))
    built = compose(replay, default_views(), LayoutStore(tmp_path), stores=stores)
    qtbot.addWidget(built.window)
    table = built.window.key_table()
    assert built.window.trading is not None
    built.window.trading.hotkeys.uninstall()
    built.close()

    window_keys = {key for text, key in table if key and not text.startswith("SIM")}
    trading_keys = {key for text, key in table if text.startswith("SIM")}

    assert window_keys - {"Ctrl+Q"} <= set(RESERVED_KEYS)
    assert not trading_keys & window_keys
    assert trading_keys == {k for k in DEFAULT_KEYMAP.values() if k}
