"""DOM ladder, trading side: own orders and position on the rows, click/drag trading, the entry bar."""

from __future__ import annotations

import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from app.core.events import DepthSnapshot, Side
from app.core.instrument import Instrument
from app.core.market import Changed, MarketState
from app.core.paper.actions import Action
from app.core.paper.commands import CancelOrder, MoveOrder, PlaceOrder
from app.core.paper.entry import EditPreset, EntryState, SelectBracket, SelectSize
from app.core.paper.orders import Order, OrderKind, OrderRole, OrderStatus
from app.core.paper.snapshot import PaperSnapshot, RiskStatus
from app.core.sessions import DAY_NS
from widgets.base import palette
from widgets.ladder import LadderView
from widgets.ladder.entry_bar import NO_BRACKET
from widgets.ladder.tips import cell_tip

S = 1_000_000_000
T0 = 19_000 * DAY_NS + 3_600 * S
P = 600_000  # best bid 60,000.0; best ask P + 1
LEFT = QtCore.Qt.MouseButton.LeftButton
PRESETS = (1, 5, 10, 50, 100)
ENTRY = EntryState(presets_lots=PRESETS, size_index=2, bracket="Scalp", brackets=("Scalp", "Runner"))


@pytest.fixture
def market(btcusdt: Instrument) -> MarketState:
    m = MarketState(btcusdt)
    m.load_snapshot(
        DepthSnapshot(T0, T0, 1, [(P - i, i + 1) for i in range(40)], [(P + 1 + i, i + 1) for i in range(40)])
    )
    return m


def working(order_id: int, side: Side, price: int, lots: int = 10, **kw) -> Order:
    kind = kw.pop("kind", OrderKind.LIMIT)
    return Order(order_id, side, kind, lots, price, status=OrderStatus.WORKING, **kw)


def make_view(qtbot, market: MarketState, paper: PaperSnapshot | None = None, entry: EntryState = ENTRY):
    view = LadderView()
    qtbot.addWidget(view)
    view.resize(700, 700)
    view.show()
    qtbot.waitExposed(view)
    view.set_hovered(False)
    view.set_market(market)
    view.refresh(Changed.ALL, T0)
    set_paper(view, paper or PaperSnapshot(), entry)
    return view


def set_paper(view: LadderView, paper: PaperSnapshot, entry: EntryState = ENTRY) -> bool:
    view.set_paper(paper, entry)
    return view.refresh(Changed.ACCOUNT, T0)


def centre(view: LadderView, price: int, column: str) -> QtCore.QPoint:
    rect = view.cell_rect(price, column)
    assert rect is not None, f"{column} at {price} not on screen"
    return rect.center()


def capture(view: LadderView) -> list[object]:
    sent: list[object] = []
    view.command_requested.connect(sent.append)
    return sent


def click(qtbot, view: LadderView, price: int, column: str) -> None:
    qtbot.mouseClick(view.canvas, LEFT, pos=centre(view, price, column))


def drag(qtbot, view: LadderView, points: list[QtCore.QPoint]) -> None:
    qtbot.mousePress(view.canvas, LEFT, pos=points[0])
    for pt in points[1:]:
        qtbot.mouseMove(view.canvas, pt)
    qtbot.mouseRelease(view.canvas, LEFT, pos=points[-1])


# -- click trading --------------------------------------------------------------------------------


def test_bid_click_buys_a_limit_and_ask_click_sells_a_limit_at_the_row_price(qtbot, market) -> None:
    view = make_view(qtbot, market)
    sent = capture(view)
    with qtbot.waitSignal(view.command_requested) as blocker:
        click(qtbot, view, P - 3, "bid")
    assert blocker.args == [PlaceOrder(Side.BUY, OrderKind.LIMIT, 10, P - 3, "Scalp")]
    click(qtbot, view, P + 4, "ask")
    click(qtbot, view, P, "bid")  # at the best bid: joins it
    click(qtbot, view, P + 1, "ask")  # at the best ask: joins it
    assert sent == [
        PlaceOrder(Side.BUY, OrderKind.LIMIT, 10, P - 3, "Scalp"),
        PlaceOrder(Side.SELL, OrderKind.LIMIT, 10, P + 4, "Scalp"),
        PlaceOrder(Side.BUY, OrderKind.LIMIT, 10, P, "Scalp"),
        PlaceOrder(Side.SELL, OrderKind.LIMIT, 10, P + 1, "Scalp"),
    ]


def test_clicks_on_the_far_side_of_the_market_become_stops(qtbot, market) -> None:
    view = make_view(qtbot, market, entry=EntryState(presets_lots=(1, 5, 10, 50, 100), size_index=0))
    sent = capture(view)
    click(qtbot, view, P + 1, "bid")  # at the best ask: a buy limit would just take it
    click(qtbot, view, P + 6, "bid")
    click(qtbot, view, P, "ask")  # at the best bid
    click(qtbot, view, P - 5, "ask")
    assert sent == [
        PlaceOrder(Side.BUY, OrderKind.STOP, 1, P + 1, None),
        PlaceOrder(Side.BUY, OrderKind.STOP, 1, P + 6, None),
        PlaceOrder(Side.SELL, OrderKind.STOP, 1, P, None),
        PlaceOrder(Side.SELL, OrderKind.STOP, 1, P - 5, None),
    ]


def test_tooltips_tell_the_stop_convention_the_orders_and_the_money_of_a_row(qtbot, market) -> None:
    paper = PaperSnapshot(
        version=1,
        orders=(working(1, Side.BUY, P - 3, queue_ahead_lots=1234),),
        position_lots=10,
        cost_tick_lots=10 * (P - 2),
        tick_value_quote=0.0001,  # BTCUSDT: 0.1 USDT a tick on 1 BTC = 0.0001 on a 0.001 lot
    )
    view = make_view(qtbot, market, paper)
    assert "buy STOP" in cell_tip(view, "bid", P + 3) and "60000.3" in cell_tip(view, "bid", P + 3)
    assert "sell STOP" in cell_tip(view, "ask", None)
    assert "Buy limit 0.010, 1.234 ahead in the queue" in cell_tip(view, "orders", P - 3)
    money = cell_tip(view, "position", P + 4)  # 6 ticks × 10 lots × 0.0001
    assert "+6.0 ticks a lot" in money and "+0.0060 USDT" in money
    pos = centre(view, P + 3, "bid")
    help_event = QtGui.QHelpEvent(QtCore.QEvent.Type.ToolTip, pos, view.canvas.mapToGlobal(pos))
    QtCore.QCoreApplication.sendEvent(view.canvas, help_event)  # what hovering sends
    assert "buy STOP" in QtWidgets.QToolTip.text()


def test_the_ladder_watches_the_account_and_a_quick_second_click_is_a_second_order(qtbot, market) -> None:
    assert LadderView.watches & Changed.ACCOUNT
    view = make_view(qtbot, market)
    sent = capture(view)
    pos = QtCore.QPointF(centre(view, P - 1, "bid"))
    qtbot.mouseClick(view.canvas, LEFT, pos=pos.toPoint())
    for kind in (QtCore.QEvent.Type.MouseButtonDblClick, QtCore.QEvent.Type.MouseButtonRelease):
        # Qt turns a quick second press into a double-click event (qtbot.mouseDClick sends it alone)
        event = QtGui.QMouseEvent(
            kind, pos, view.canvas.mapToGlobal(pos), LEFT, LEFT, QtCore.Qt.KeyboardModifier.NoModifier
        )
        QtCore.QCoreApplication.sendEvent(view.canvas, event)
    assert sent == [PlaceOrder(Side.BUY, OrderKind.LIMIT, 10, P - 1, "Scalp")] * 2


def test_a_click_on_a_grouped_row_trades_at_the_row_price(qtbot, market) -> None:
    view = make_view(qtbot, market)
    view.apply_settings({"group_ticks": 5})
    view.refresh(Changed.ALL, T0)
    sent = capture(view)
    click(qtbot, view, P - 10, "bid")
    click(qtbot, view, P + 10, "ask")
    assert sent == [
        PlaceOrder(Side.BUY, OrderKind.LIMIT, 10, P - 10, "Scalp"),
        PlaceOrder(Side.SELL, OrderKind.LIMIT, 10, P + 10, "Scalp"),
    ]


def test_a_click_on_own_orders_cancels_every_order_of_that_row(qtbot, market) -> None:
    paper = PaperSnapshot(
        version=1,
        orders=(working(7, Side.BUY, P - 2), working(8, Side.BUY, P - 2, 5), working(9, Side.BUY, P - 4)),
    )
    view = make_view(qtbot, market, paper)
    sent = capture(view)
    click(qtbot, view, P - 2, "orders")
    click(qtbot, view, P - 3, "orders")  # a row without orders: nothing
    assert sent == [CancelOrder(7), CancelOrder(8)]


def test_drag_moves_the_orders_to_the_release_row_and_draws_a_ghost_meanwhile(qtbot, market) -> None:
    paper = PaperSnapshot(version=1, orders=(working(7, Side.BUY, P - 2), working(8, Side.BUY, P - 2, 5)))
    view = make_view(qtbot, market, paper)
    sent = capture(view)
    start, mid, end = (centre(view, p, "orders") for p in (P - 2, P - 4, P - 6))
    qtbot.mousePress(view.canvas, LEFT, pos=start)
    qtbot.mouseMove(view.canvas, mid)
    assert view.canvas.ghost is not None and view.canvas.ghost[0] == P - 4
    assert view.model.hovered  # while the button is held the prices never move by themselves
    qtbot.mouseMove(view.canvas, end)
    assert view.canvas.ghost is not None and view.canvas.ghost[0] == P - 6
    view.paint_now()
    qtbot.mouseRelease(view.canvas, LEFT, pos=end)
    assert sent == [MoveOrder(7, P - 6), MoveOrder(8, P - 6)]
    assert view.canvas.ghost is None


def test_bracket_legs_are_dragged_the_same_way(qtbot, market) -> None:
    legs = (
        working(11, Side.SELL, P - 8, kind=OrderKind.STOP, role=OrderRole.STOP_LOSS, oco_id=3),
        working(12, Side.SELL, P + 12, role=OrderRole.TAKE_PROFIT, oco_id=3),
    )
    paper = PaperSnapshot(version=2, orders=legs, position_lots=10, cost_tick_lots=10 * P)
    view = make_view(qtbot, market, paper)
    sent = capture(view)
    drag(qtbot, view, [centre(view, P - 8, "orders"), centre(view, P - 5, "orders")])
    drag(qtbot, view, [centre(view, P + 12, "orders"), centre(view, P + 9, "orders")])
    assert sent == [MoveOrder(11, P - 5), MoveOrder(12, P + 9)]


def test_orders_that_fill_during_a_drag_are_not_moved(qtbot, market) -> None:
    paper = PaperSnapshot(version=1, orders=(working(7, Side.BUY, P - 2), working(8, Side.BUY, P - 2, 5)))
    view = make_view(qtbot, market, paper)
    sent = capture(view)
    qtbot.mousePress(view.canvas, LEFT, pos=centre(view, P - 2, "orders"))
    qtbot.mouseMove(view.canvas, centre(view, P - 5, "orders"))
    set_paper(view, PaperSnapshot(version=2, orders=(working(8, Side.BUY, P - 2, 5),)))  # 7 filled
    qtbot.mouseRelease(view.canvas, LEFT, pos=centre(view, P - 5, "orders"))
    assert sent == [MoveOrder(8, P - 5)]


def test_a_one_pixel_jitter_across_a_row_edge_is_still_a_click(qtbot, market) -> None:
    paper = PaperSnapshot(version=1, orders=(working(7, Side.BUY, P - 2),))
    view = make_view(qtbot, market, paper)
    sent = capture(view)
    rect = view.cell_rect(P - 2, "orders")
    assert rect is not None
    bottom = QtCore.QPoint(rect.center().x(), rect.bottom())
    below = bottom + QtCore.QPoint(1, 2)  # into the next row down
    assert view.canvas.row_at(below.y()).price_ticks == P - 3
    drag(qtbot, view, [bottom, below])
    assert sent == [CancelOrder(7)]
    assert view.canvas.ghost is None


def test_a_drag_released_on_its_own_row_or_off_the_rows_does_nothing(qtbot, market) -> None:
    paper = PaperSnapshot(version=1, orders=(working(7, Side.BUY, P - 2),))
    view = make_view(qtbot, market, paper)
    sent = capture(view)
    start, away = centre(view, P - 2, "orders"), centre(view, P - 5, "orders")
    drag(qtbot, view, [start, away, start])  # there and back: no move, and no cancel either
    header = QtCore.QPoint(start.x(), 5)
    drag(qtbot, view, [start, away, header])
    assert sent == []


# -- what the rows show ---------------------------------------------------------------------------


def test_orders_column_shows_quantity_queue_legs_and_pending(qtbot, market) -> None:
    orders = (
        working(1, Side.BUY, P - 3, 10, queue_ahead_lots=1234),
        working(2, Side.SELL, P + 4, 5, queue_ahead_lots=0),
        working(3, Side.SELL, P - 12, 10, kind=OrderKind.STOP, role=OrderRole.STOP_LOSS),
        working(4, Side.SELL, P + 20, 10, role=OrderRole.TAKE_PROFIT, queue_ahead_lots=2500),
        Order(5, Side.BUY, OrderKind.LIMIT, 1, P - 6),  # PENDING: still travelling
        working(6, Side.BUY, P + 9, 3, kind=OrderKind.STOP),
        Order(20, Side.BUY, OrderKind.MARKET, 4),  # a market order has no row
    )
    view = make_view(qtbot, market, PaperSnapshot(version=1, orders=orders))
    buy = view.orders_at(P - 3)
    assert buy is not None and [(g.side, g.text, g.queue_text) for g in buy.groups] == [
        (Side.BUY, "0.010", "q 1.234")
    ]
    assert view.orders_at(P + 4).groups[0].full_text == "0.005 q 0"
    assert view.orders_at(P - 12).text == "SL 0.010"
    assert view.orders_at(P + 20).text == "TP 0.010 q 2.5"
    pending = view.orders_at(P - 6).groups[0]
    assert pending.pending and pending.text == "0.001…" and pending.queue_text == ""
    assert view.orders_at(P + 9).text == "STP 0.003"
    assert view.orders_at(P - 4) is None
    assert len(view.orders.rows) == 6  # every priced order, on screen or not


def test_grouped_orders_sum_into_their_row_bids_down_asks_up(qtbot, market) -> None:
    orders = (
        working(1, Side.BUY, P - 4, 10, queue_ahead_lots=900),
        working(2, Side.BUY, P - 2, 5, queue_ahead_lots=300),
        working(3, Side.SELL, P + 1, 7),
        working(4, Side.SELL, P + 5, 2),
    )
    view = make_view(qtbot, market, PaperSnapshot(version=1, orders=orders))
    view.apply_settings({"group_ticks": 5})
    view.refresh(Changed.ALL, T0)
    bids = view.orders_at(P - 5)  # P-4 and P-2 round down to P-5
    assert bids is not None and bids.text == "0.015 q 0.3"  # the first in line is 0.3 behind
    assert bids.order_ids == (1, 2)
    asks = view.orders_at(P + 5)  # P+1 and P+5 round up to P+5
    assert asks is not None and asks.text == "0.009" and asks.order_ids == (3, 4)
    sent = capture(view)
    click(qtbot, view, P - 5, "orders")
    assert sent == [CancelOrder(1), CancelOrder(2)]


def test_position_column_marks_the_average_row_and_pnl_per_row(qtbot, market) -> None:
    long = PaperSnapshot(version=1, position_lots=10, cost_tick_lots=10 * (P - 2), last_price_ticks=P)
    view = make_view(qtbot, market, long)
    avg = view.position_at(P - 2)
    assert avg is not None and avg.is_avg and avg.text == "AVG"
    assert view.position_at(P + 4).text == "+6" and view.position_at(P + 4).pnl_ticks == 6
    assert view.position_at(P - 5).text == "-3"
    assert sum(1 for r in view.rows() if view.position_at(r.price_ticks).is_avg) == 1
    short = PaperSnapshot(version=2, position_lots=-4, cost_tick_lots=-4 * P - 2)  # avg P + 0.5
    set_paper(view, short)
    assert view.position_at(P + 1).is_avg  # a short's fractional average rounds up, like the asks
    assert view.position_at(P - 3).text == "+3.5"
    assert view.position_at(P + 5).text == "-4.5"
    assert set_paper(view, PaperSnapshot(version=3))  # flat: the column empties
    assert view.position_at(P) is None


def test_account_refresh_repaints_only_when_orders_or_position_changed(qtbot, market) -> None:
    paper = PaperSnapshot(version=1, orders=(working(1, Side.BUY, P - 3),), last_price_ticks=P)
    view = make_view(qtbot, market, paper)
    view.paint_now()
    assert not set_paper(view, paper)  # the same snapshot
    same_orders = PaperSnapshot(version=2, orders=paper.orders, last_price_ticks=P + 1)
    assert not set_paper(view, same_orders)  # a new mark price changes nothing on the rows
    queued = working(1, Side.BUY, P - 3, queue_ahead_lots=5)
    assert set_paper(view, PaperSnapshot(version=3, orders=(queued,)))
    assert view.orders_at(P - 3).text == "0.010 q 0.005"


def test_grab_shows_a_working_order_in_its_side_colour(qtbot, market) -> None:
    view = make_view(qtbot, market, PaperSnapshot(version=1, orders=(working(1, Side.SELL, P + 3),)))
    view.paint_now()
    image = view.canvas.grab().toImage()
    rect = view.cell_rect(P + 3, "orders")
    assert rect is not None
    pixel = QtGui.QColor(image.pixel(rect.left() + 6, rect.top() + 4))  # inside the badge, left of the text
    assert pixel.rgb() == palette.SELL.rgb()


# -- the entry bar --------------------------------------------------------------------------------


def test_entry_bar_buttons_send_market_and_flatten_actions_without_taking_focus(qtbot, market) -> None:
    view = make_view(qtbot, market)
    bar = view.entry_bar
    sent = capture(view)
    for button in (bar.buy, bar.sell, bar.flat):
        assert button.focusPolicy() == QtCore.Qt.FocusPolicy.NoFocus
        qtbot.mouseClick(button, LEFT)
    assert sent == [Action.BUY_MARKET, Action.SELL_MARKET, Action.FLATTEN]
    assert bar.sim.isVisible() and bar.sim.text() == "SIM"
    assert all(b.focusPolicy() == QtCore.Qt.FocusPolicy.NoFocus for b in bar.presets)
    assert bar.bracket.focusPolicy() == QtCore.Qt.FocusPolicy.NoFocus


def test_size_presets_show_quantities_select_and_follow_the_entry_state(qtbot, market) -> None:
    view = make_view(qtbot, market)
    bar = view.entry_bar
    assert [b.text() for b in bar.presets] == ["0.001", "0.005", "0.010", "0.050", "0.100"]
    assert [b.isChecked() for b in bar.presets] == [False, False, True, False, False]
    sent = capture(view)
    qtbot.mouseClick(bar.presets[4], LEFT)
    assert sent == [SelectSize(4)]
    assert bar.presets[2].isChecked()  # until the desk confirms, the bar shows what is in force
    set_paper(view, PaperSnapshot(), EntryState(presets_lots=(1, 5, 10, 50, 200), size_index=4))
    assert bar.presets[4].isChecked() and bar.presets[4].text() == "0.200"
    assert not bar.presets[2].isChecked()


def test_preset_edit_by_double_click_and_right_click(qtbot, market) -> None:
    view = make_view(qtbot, market)
    bar = view.entry_bar
    sent = capture(view)
    qtbot.mouseDClick(bar.presets[1], LEFT)
    assert bar.editor.isVisible() and bar.editor.text() == "0.005"
    bar.editor.clear()
    qtbot.keyClicks(bar.editor, "0.02")
    qtbot.keyClick(bar.editor, QtCore.Qt.Key.Key_Return)
    assert not bar.editor.isVisible()
    assert sent[-1] == EditPreset(1, 20)
    pos = bar.presets[3].rect().center()
    QtCore.QCoreApplication.sendEvent(
        bar.presets[3],
        QtGui.QContextMenuEvent(QtGui.QContextMenuEvent.Reason.Mouse, pos, bar.presets[3].mapToGlobal(pos)),
    )
    assert bar.editor.isVisible() and bar.editor.text() == "0.050"
    qtbot.keyClick(bar.editor, QtCore.Qt.Key.Key_Escape)
    assert not bar.editor.isVisible()
    assert not [s for s in sent if isinstance(s, EditPreset) and s.index == 3]


@pytest.mark.parametrize("text", ["0.0005", "abc", "0", "-1", ""])
def test_an_invalid_preset_is_reported_and_changes_nothing(qtbot, market, text: str) -> None:
    view = make_view(qtbot, market)
    bar = view.entry_bar
    sent = capture(view)
    bar.edit_preset(0)
    bar.editor.setText(text)
    qtbot.keyClick(bar.editor, QtCore.Qt.Key.Key_Return)
    assert sent == []
    assert bar.last_message.startswith("Size 1 not changed")
    assert bar.message.text() == bar.last_message
    assert bar.presets[0].text() == "0.001"


def test_bracket_combo_lists_templates_sends_the_choice_and_follows_the_entry(qtbot, market) -> None:
    view = make_view(qtbot, market)
    combo = view.entry_bar.bracket
    assert [combo.itemText(i) for i in range(combo.count())] == [NO_BRACKET, "Scalp", "Runner"]
    assert combo.currentText() == "Scalp"
    sent = capture(view)
    combo.activated.emit(2)  # what a pick in the popup emits
    combo.activated.emit(0)
    assert sent == [SelectBracket("Runner"), SelectBracket(None)]
    set_paper(view, PaperSnapshot(), EntryState(bracket="Runner", brackets=("Scalp", "Runner")))
    assert combo.currentText() == "Runner"
    set_paper(view, PaperSnapshot(), EntryState(bracket=None, brackets=("Scalp", "Runner")))
    assert combo.currentText() == NO_BRACKET


def test_position_summary_and_lock_indicator(qtbot, market) -> None:
    view = make_view(qtbot, market)
    bar = view.entry_bar
    assert bar.position.text() == "Flat" and not bar.lock.isVisible()
    paper = PaperSnapshot(
        version=1,
        position_lots=10,
        cost_tick_lots=10 * (P - 6) + 5,  # average 59999.45
        last_price_ticks=P,
        tick_value_quote=0.0001,
        risk=RiskStatus(locked_reason="daily loss"),
    )
    set_paper(view, paper)
    assert bar.position.text() == "+0.010 @ 59999.45  +5.5 t"
    assert bar.lock.isVisible() and bar.lock.text() == "LOCKED — daily loss"
    assert palette.HIGHLIGHT.name() in bar.lock.styleSheet()
    set_paper(view, PaperSnapshot(version=2, position_lots=-3, cost_tick_lots=-3 * P, last_price_ticks=P + 2))
    assert bar.position.text() == "-0.003 @ 60000.0  -2.0 t"
    assert not bar.lock.isVisible()
