"""Account (SIM) view: position, P&L in ticks and money, session risk, open orders and their buttons."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6 import QtCore, QtGui

from app.core.events import Side
from app.core.market import Changed, MarketState
from app.core.paper.actions import Action
from app.core.paper.commands import CancelOrder
from app.core.paper.entry import EntryState
from app.core.paper.orders import Order, OrderKind, OrderRole, OrderStatus
from app.core.paper.snapshot import PaperSnapshot, RiskStatus, tick_value_quote
from app.core.tape import TradeColumns
from widgets.account import AccountView
from widgets.account.order_rows import ORDER_COLUMNS
from widgets.base import palette
from widgets.base.fmt import Tone

SEC = 10**9
T0 = 1_723_161_600 * SEC
P = 600_000  # 60000.0 USDT in 0.1 ticks


def market_with(btcusdt, prices):
    market = MarketState(btcusdt)
    rows = [(T0 + k * SEC, T0 + k * SEC, p, 10, 1, k) for k, p in enumerate(prices)]
    market.apply_trades(TradeColumns.from_rows(rows))
    return market


@pytest.fixture
def view(qtbot, btcusdt):
    v = AccountView()
    qtbot.addWidget(v)
    v.resize(720, 460)
    v.show()
    v.set_market(market_with(btcusdt, [P]))
    return v


def long_snapshot(btcusdt, **changes):
    """Long 5 lots (0.005 BTC) at 60000.0, marked at 60000.6: +6 ticks a lot."""
    tv = tick_value_quote(btcusdt)
    values = dict(
        version=3,
        position_lots=5,
        cost_tick_lots=5 * P,
        realised_tick_lots=20,
        fees_quote=0.12,
        tick_value_quote=tv,
        last_price_ticks=P + 6,
        risk=RiskStatus(
            session_id=1, session_net_quote=0.2, session_peak_quote=0.5, trades=3, losing_streak=2
        ),
    )
    values.update(changes)
    return PaperSnapshot(**values)


def show(view, snapshot):
    view.set_paper(snapshot, EntryState())
    view.refresh(Changed.ACCOUNT, T0)


def test_long_position_shows_signed_size_average_and_positive_pnl(view, btcusdt):
    snap = long_snapshot(btcusdt)
    show(view, snap)
    assert view.line("sim").label == "SIM"
    assert view.line("position").value == "+0.005 BTC Long"
    assert view.line("position").tone is Tone.GAIN
    assert view.line("avg").value == "60000.0"
    assert view.line("last").value == "60000.6"
    assert view.line("unrealised_ticks").value == "+6 t"
    # a tick on 0.001 BTC is 0.0001 USDT: 6 ticks × 5 lots = 0.003, shown to 4 decimals below 1
    assert view.line("unrealised").value == "+0.0030 USDT"
    assert view.line("unrealised").tone is Tone.GAIN
    assert view.line("realised").value == "+0.0020 USDT"
    assert view.line("fees").value == "-0.1200 USDT" and view.line("fees").tone is Tone.LOSS
    assert view.line("net").value == "-0.1150 USDT"  # 0.002 + 0.003 − 0.12
    assert view.line("net").tone is Tone.LOSS
    assert view.line("trips").value == "3" and view.line("losing_streak").value == "2"
    assert view.line("risk").value == "ok"
    with pytest.raises(KeyError):
        view.line("lock")


def test_short_losing_position_has_a_minus_sign_not_only_colour(view, btcusdt):
    # short 3 lots at 60000.5 average (cost −3×600005), last 60001.0: −5 ticks a lot
    snap = long_snapshot(btcusdt, position_lots=-3, cost_tick_lots=-3 * (P + 5), last_price_ticks=P + 10)
    show(view, snap)
    assert view.line("position").value == "-0.003 BTC Short"
    assert view.line("position").tone is Tone.LOSS
    assert view.line("avg").value == "60000.5"
    assert view.line("unrealised_ticks").value == "-5 t"
    assert view.line("unrealised").value.startswith("-")
    assert view.line("unrealised").tone is Tone.LOSS


def test_flat_account(view, btcusdt):
    show(view, long_snapshot(btcusdt, position_lots=0, cost_tick_lots=0))
    assert view.line("position").value == "Flat"
    assert view.line("avg").value == "—"
    assert view.line("unrealised").value == "+0.0000 USDT"
    assert view.line("unrealised").tone is Tone.NORMAL


def test_unrealised_follows_a_newer_trade_on_the_tape(view, btcusdt):
    show(view, long_snapshot(btcusdt))
    assert view.line("unrealised_ticks").value == "+6 t"
    view.market.apply_trades(TradeColumns.from_rows([(T0 + 9 * SEC, T0 + 9 * SEC, P - 4, 1, -1, 99)]))
    assert view.refresh(Changed.TAPE, T0 + 9 * SEC)
    assert view.mark_price_ticks() == P - 4
    assert view.line("last").value == "59999.6"
    assert view.line("unrealised_ticks").value == "-4 t"
    # the session was +0.2 at +6 t; 10 ticks × 5 lots lower = 0.005 less, 0.305 below its 0.5 peak
    assert view.line("session_net").value == "+0.1950 USDT"
    assert view.line("drawdown").value == "-0.3050 USDT"
    assert not view.refresh(Changed.TAPE, T0 + 10 * SEC)  # nothing new on the tape: no repaint


def test_risk_lock_is_shown_prominently(view, btcusdt):
    risk = RiskStatus(session_id=1, locked_reason="daily loss limit -50.00 USDT reached", trades=7)
    show(view, long_snapshot(btcusdt, risk=risk))
    lock = view.line("lock")
    assert lock.label == "RISK LOCKED:" and "daily loss limit" in lock.value
    assert lock.tone is Tone.ALERT
    assert view.line("risk").value == "LOCKED"
    assert _has_colour(view.grab().toImage(), palette.HIGHLIGHT)


def test_open_orders_rows_with_pending_and_bracket_legs(view, btcusdt):
    orders = (
        Order(1, Side.BUY, OrderKind.LIMIT, 5, P - 10, status=OrderStatus.WORKING, queue_ahead_lots=1234),
        Order(
            2,
            Side.SELL,
            OrderKind.STOP,
            5,
            P - 30,
            role=OrderRole.STOP_LOSS,
            status=OrderStatus.WORKING,
            oco_id=7,
        ),
        Order(
            3,
            Side.SELL,
            OrderKind.LIMIT,
            5,
            P + 40,
            role=OrderRole.TAKE_PROFIT,
            filled_lots=2,
            oco_id=7,
            status=OrderStatus.WORKING,
            queue_ahead_lots=0,
        ),
        Order(4, Side.BUY, OrderKind.MARKET, 10),  # pending: travelling to the exchange
    )
    show(view, long_snapshot(btcusdt, orders=orders))
    rows = view.order_rows()
    assert [r.order_id for r in rows] == [1, 2, 3, 4]
    assert rows[0].texts == ("Buy", "Limit", "", "59999.0", "0.005", "", "1.234", "working")
    assert (
        rows[1].text("Role") == "SL" and rows[1].text("Kind") == "Stop" and rows[1].text("Price") == "59997.0"
    )
    assert (
        rows[2].text("Role") == "TP"
        and rows[2].text("Filled") == "0.002"
        and rows[2].text("Queue ahead") == "0.000"
    )
    assert rows[3].text("Status") == "sending…" and rows[3].text("Price") == "MKT"
    model = view.orders_model
    assert model.data(model.index(3, 7)) == "sending…"


def click_cancel(view, qtbot, order_id):
    qtbot.mouseClick(
        view.orders_table.viewport(),
        QtCore.Qt.MouseButton.LeftButton,
        pos=view.cancel_rect(order_id).center(),
    )


def test_cancel_cells_emit_intents_and_the_table_never_takes_focus(view, btcusdt, qtbot):
    orders = (
        Order(11, Side.BUY, OrderKind.LIMIT, 5, P - 10, status=OrderStatus.WORKING),
        Order(12, Side.SELL, OrderKind.LIMIT, 5, P + 10, status=OrderStatus.WORKING),
    )
    show(view, long_snapshot(btcusdt, orders=orders))
    sent = []
    view.command_requested.connect(sent.append)
    click_cancel(view, qtbot, 12)
    qtbot.mouseClick(view.cancel_all_button, QtCore.Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.flatten_button, QtCore.Qt.MouseButton.LeftButton)
    assert sent == [CancelOrder(12), Action.CANCEL_ALL, Action.FLATTEN]
    for w in (view.orders_table, view.cancel_all_button, view.flatten_button):
        assert w.focusPolicy() == QtCore.Qt.FocusPolicy.NoFocus
    model = view.orders_model
    assert model.data(model.index(0, 8), QtCore.Qt.ItemDataRole.ToolTipRole) == "Cancel order #11"


def test_a_click_beside_the_cancel_button_cancels_nothing(view, btcusdt, qtbot):
    o = Order(11, Side.BUY, OrderKind.LIMIT, 5, P - 10, status=OrderStatus.WORKING)
    show(view, long_snapshot(btcusdt, orders=(o,)))
    sent = []
    view.command_requested.connect(sent.append)
    price_cell = view.orders_table.visualRect(view.orders_model.index(0, 3))
    qtbot.mouseClick(view.orders_table.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=price_cell.center())
    assert sent == []


def test_a_new_order_or_a_cancel_edits_rows_instead_of_resetting_the_table(view, btcusdt, qtbot):
    a = Order(5, Side.BUY, OrderKind.LIMIT, 5, P - 10, status=OrderStatus.WORKING, queue_ahead_lots=100)
    b = Order(6, Side.SELL, OrderKind.LIMIT, 5, P + 10, status=OrderStatus.WORKING)
    c = Order(7, Side.SELL, OrderKind.LIMIT, 5, P + 20, status=OrderStatus.WORKING)
    show(view, long_snapshot(btcusdt, orders=(a, b)))
    model = view.orders_model
    events = []
    model.modelReset.connect(lambda: events.append("reset"))
    model.rowsInserted.connect(lambda _p, first, last: events.append(("inserted", first, last)))
    model.rowsRemoved.connect(lambda _p, first, last: events.append(("removed", first, last)))
    show(view, long_snapshot(btcusdt, orders=(a, b, c)))  # a new order
    show(view, long_snapshot(btcusdt, orders=(b, c)))  # the first one cancelled
    assert events == [("inserted", 2, 2), ("removed", 0, 0)]
    assert [r.order_id for r in view.order_rows()] == [6, 7]
    sent = []
    view.command_requested.connect(sent.append)
    click_cancel(view, qtbot, 7)  # the rows the clicks find are the rows now shown
    assert sent == [CancelOrder(7)]


def test_a_queue_update_repaints_its_row_and_keeps_the_table(view, btcusdt):
    o = Order(5, Side.BUY, OrderKind.LIMIT, 5, P - 10, status=OrderStatus.WORKING, queue_ahead_lots=100)
    show(view, long_snapshot(btcusdt, orders=(o,)))
    model = view.orders_model
    events = []
    model.modelReset.connect(lambda: events.append("reset"))
    model.dataChanged.connect(lambda first, last: events.append(("changed", first.row(), last.row())))
    from dataclasses import replace

    show(view, long_snapshot(btcusdt, orders=(replace(o, queue_ahead_lots=40),)))
    assert view.order_rows()[0].text("Queue ahead") == "0.040"
    assert events == [("changed", 0, 0)]
    show(view, long_snapshot(btcusdt, orders=()))
    assert view.order_rows() == ()


def test_grab_shows_gain_in_buy_colour(view, btcusdt):
    show(view, long_snapshot(btcusdt))
    img = view.grab().toImage()
    img.save("/tmp/account_view.png")
    assert _has_colour(img, palette.BUY)
    assert _has_colour(img, palette.HIGHLIGHT)  # the SIM label


def test_settings_are_empty_and_tolerant(view):
    assert view.settings() == {}
    assert view.apply_settings({"unknown": 3}) == []


def _has_colour(img: QtGui.QImage, colour: QtGui.QColor) -> bool:
    img = img.convertToFormat(QtGui.QImage.Format.Format_RGB32)
    arr = np.frombuffer(img.constBits(), np.uint32).reshape(img.height(), -1)
    return bool(((arr & 0xFFFFFF) == (colour.rgb() & 0xFFFFFF)).sum() > 20)


def test_columns_widen_to_fit_a_longer_text_and_do_not_jump_back(view, btcusdt):
    near = Order(5, Side.BUY, OrderKind.LIMIT, 5, P - 10, status=OrderStatus.WORKING)
    far = Order(6, Side.BUY, OrderKind.LIMIT, 5, 10 * P, status=OrderStatus.WORKING)  # 600000.0
    price = ORDER_COLUMNS.index("Price")
    table = view.orders_table
    show(view, long_snapshot(btcusdt, orders=(near,)))
    narrow = table.columnWidth(price)
    assert narrow >= table.fontMetrics().horizontalAdvance("59999.0")  # shown whole, not elided
    show(view, long_snapshot(btcusdt, orders=(near, far)))
    wide = table.columnWidth(price)
    assert wide > narrow and wide >= table.fontMetrics().horizontalAdvance("600000.0")
    show(view, long_snapshot(btcusdt, orders=(near,)))
    assert table.columnWidth(price) == wide
