"""The DOM ladder view: price rows with bid/ask size, recent and session traded volume, pulling/stacking,
and the paper-trading side: own orders, the position's average price and P&L per row, click trading.

One `LadderCanvas` widget paints the whole grid (only the rows that changed each frame);
`LadderModel` decides which rows are on screen and what they say; `LadderOrders` indexes the
account's orders and position by row once per account change. The window binds a key to
`recenter()`. While the mouse is over the ladder its prices never move by themselves (mis-click
protection for click trading); the wheel scrolls by rows.

Click trading (left button, ladder_clicks.py): Bid column = buy, Ask column = sell, at the row's
price (LIMIT, or STOP on the far side of the market); Orders column: click cancels the row's orders,
drag moves them. `EntryBar` above the grid holds market buttons, sizes and the bracket choice.
Every intent leaves through `command_requested`; nothing here changes an order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets

from app.core.market import Changed, MarketState
from app.core.paper.commands import MoveOrder
from app.core.paper.entry import EntryState
from app.core.paper.snapshot import PaperSnapshot
from app.core.paper.trip_review import TripReview
from widgets.base.menus import add_setting
from widgets.base.signal_style import signal_tip
from widgets.base.trip_marks import MarkKind, ladder_tags, row_price_of
from widgets.base.view import MarketView
from widgets.ladder.clicks import Press, click_commands, move_commands
from widgets.ladder.columns import rows_for_height
from widgets.ladder.entry_bar import EntryBar
from widgets.ladder.model import LadderModel, LadderRow, LadderTotals
from widgets.ladder.orders import LadderOrders, PositionCell, RowOrders
from widgets.ladder.paint import LadderCanvas
from widgets.ladder.settings import LADDER_SETTINGS, LadderSettings
from widgets.ladder.signal_rows import RowSignal
from widgets.ladder.tips import cell_tip

_WHEEL_STEP = 120  # angleDelta units of one wheel notch
_ROWS_PER_NOTCH = 3


class LadderView(MarketView):
    """Settings keys: group_ticks, centering, recenter_ticks, recent_reset_s, show_recent_volume,
    show_session_volume, show_pull_stack (see LadderSettings for the defaults)."""

    view_id = "ladder"
    title = "DOM ladder"
    watches = Changed.ALL  # any market bit rebuilds the rows (model.update), ACCOUNT the orders

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = LadderModel()
        self.orders = LadderOrders()
        self.canvas = LadderCanvas(self.model, self.orders)
        self.canvas.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        self.entry_bar = EntryBar()
        self.entry_bar.intent.connect(self.command_requested.emit)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.entry_bar)
        layout.addWidget(self.canvas)
        self.canvas.installEventFilter(self)
        self.setMinimumWidth(200)
        self._now_ns = 0
        self._press: Press | None = None
        self._tags_group = 0  # the grouping the review tags were placed at

    # -- what is on screen (for tests and the window) -------------------------------------------

    def rows(self) -> tuple[LadderRow, ...]:
        """The visible rows, top (highest price) first, exactly as painted."""
        return self.model.rows

    def totals(self) -> LadderTotals:
        return self.model.totals

    def orders_at(self, price_ticks: int) -> RowOrders | None:
        """Own orders on the row at `price_ticks` as the Orders column shows them (None: no orders)."""
        return self.orders.orders_at(price_ticks)

    def position_at(self, price_ticks: int) -> PositionCell | None:
        """The Pos column at a row: "AVG" or the P&L per lot in ticks of closing there (None: flat)."""
        return self.orders.position_at(price_ticks)

    def trip_tags(self) -> dict[int, tuple[MarkKind, ...]]:
        """Row price -> the reviewed trip's marks on that row (entry, exit, stop, target)."""
        return dict(self.canvas.trip_tags)

    def cell_rect(self, price_ticks: int, column: str) -> QtCore.QRect | None:
        """Pixel rect, in `canvas` coordinates, of a column's ("bid", "orders", ...) cell at a row."""
        return self.canvas.cell_rect(price_ticks, column)

    def sizeHint(self) -> QtCore.QSize:
        """The width that shows every enabled column without clipping (the window sizes the dock to it)."""
        hint = self.canvas.sizeHint()
        return QtCore.QSize(hint.width(), hint.height() + self.entry_bar.sizeHint().height())

    # -- the contract ---------------------------------------------------------------------------

    def set_market(self, market: MarketState | None) -> None:
        super().set_market(market)
        self.model.set_market(market)
        self.entry_bar.set_instrument(None if market is None else market.instrument)
        self._now_ns = 0 if market is None or market.last_trade_ns is None else market.last_trade_ns
        self._end_press()
        self._show_now()

    def set_paper(self, snapshot: PaperSnapshot, entry: EntryState) -> None:
        super().set_paper(snapshot, entry)
        self.entry_bar.show_state(snapshot, entry)

    def set_trading(self, enabled: bool) -> None:
        self.entry_bar.setVisible(enabled)

    def set_review(self, review: TripReview | None) -> None:
        super().set_review(review)
        self._tag_trip()

    def _tag_trip(self) -> None:
        group = self.model.settings.group_ticks
        self.canvas.trip_tags = ladder_tags(self.review, row_price_of(group))
        self._tags_group = group
        self.canvas.update()

    def refresh(self, changed: int, now_ns: int) -> bool:
        self._now_ns = now_ns
        if self.review is not None and self._tags_group != self.model.settings.group_ticks:
            self._tag_trip()
        self._sync_size()
        # the account never changes the market rows: they only rebuild for the market's own bits
        dirty = self.model.update(changed & ~(Changed.ACCOUNT | Changed.SIGNALS), now_ns)
        if dirty:
            self.canvas.mark_changed()
        return self._sync_signals() | self._sync_orders() or dirty

    def signal_at(self, price_ticks: int) -> RowSignal | None:
        """The recent signal marked on the row at `price_ticks` (None: no marker there)."""
        return self.canvas.signal_rows.rows.get(price_ticks)

    def _sync_signals(self) -> bool:
        """Markers for the signals of the last minute (exchange time, as the signals): queue the
        rows whose marker appeared, faded or went."""
        now_ns = None if self.market is None else self.market.last_trade_ns
        prices = self.canvas.signal_rows.update(self.signals, now_ns, self.model.settings.group_ticks)
        if not prices:
            return False
        self.canvas.mark_prices(prices)
        return True

    def _sync_orders(self) -> bool:
        """Re-index the account's orders if it or the grid changed; queue their rows for repaint."""
        inst = None if self.market is None else self.market.instrument
        prices = self.orders.update(self.paper, self.model.settings.group_ticks, inst)
        if prices is not None and not prices:
            return False
        self.canvas.mark_prices(prices)
        return True

    # -- user actions ---------------------------------------------------------------------------

    def recenter(self) -> None:
        """Centre the inside market now (the window's re-centre hotkey)."""
        self.model.recenter()
        self._show_now()

    def clear_recent(self) -> None:
        """Restart recent traded volume and pulling/stacking from now."""
        self.model.clear_recent()
        self._show_now()

    def scroll_rows(self, rows: int) -> None:
        """Scroll up by `rows` (toward higher prices; negative: down); hold there until recenter()."""
        self.model.scroll(rows)
        self._show_now()

    def set_hovered(self, hovered: bool) -> None:
        self.model.set_hovered(hovered)
        self._show_now()

    def _show_now(self) -> None:
        """Rebuild the rows for a user action without waiting for the next market change."""
        self._sync_size()
        if self.model.market is not None:
            self.model.update(Changed.NONE, self._now_ns)
        self.canvas.mark_changed()
        self._sync_orders()

    def _sync_size(self) -> None:
        self.model.set_row_count(rows_for_height(self.canvas.height()))

    # -- click trading ----------------------------------------------------------------------------

    def _mouse(self, kind: QtCore.QEvent.Type, event: QtGui.QMouseEvent) -> bool:
        """Left press / move / release on the canvas: clicks place or cancel, drags move (ladder_clicks)."""
        pos = event.position()
        if kind in _PRESSES:  # a quick second click is a double-click event: still one more click
            if event.button() != QtCore.Qt.MouseButton.LeftButton:
                return False
            row = self.canvas.row_at(pos.y())
            column = self.canvas.column_at(pos.x())
            if row is None or column is None:
                return False
            if not self.model.hovered:
                self.set_hovered(True)  # a held button: the prices must not move under it
            own = self.orders.orders_at(row.price_ticks) if column == "orders" else None
            self._press = Press(pos.x(), pos.y(), column, row.price_ticks, own)
            return True
        press = self._press
        if press is None:
            return False
        if kind == QtCore.QEvent.Type.MouseMove:
            row = self.canvas.row_at(pos.y())
            old = press.target_ticks
            if press.follow(pos.x(), pos.y(), None if row is None else row.price_ticks, _drag_px()):
                self._show_ghost(press, old)
            return True
        left = event.button() == QtCore.Qt.MouseButton.LeftButton
        if kind == QtCore.QEvent.Type.MouseButtonRelease and left:
            self._end_press()
            if press.dragging:
                if press.own is not None and press.target_ticks is not None:
                    live = {o.order_id for o in self.paper.orders if o.is_open}  # filled meanwhile: gone
                    moves = move_commands(press.own, press.target_ticks)
                    self._emit([m for m in moves if isinstance(m, MoveOrder) and m.order_id in live])
            elif not press.moved_far(pos.x(), pos.y(), _drag_px()):
                self._click(press)
            return True
        return False

    def _click(self, press: Press) -> None:
        market = self.market
        if market is None:
            return
        book = market.book
        entry = self.entry
        self._emit(
            click_commands(
                press.column,
                press.price_ticks,
                own=self.orders.orders_at(press.price_ticks),
                best_bid_ticks=book.best_bid,
                best_ask_ticks=book.best_ask,
                size_lots=entry.size_lots,
                bracket=entry.bracket,
            )
        )

    def _emit(self, commands: list[Any]) -> None:
        for command in commands:
            self.command_requested.emit(command)

    def _show_ghost(self, press: Press, old_target: int | None) -> None:
        assert press.own is not None
        target = press.target_ticks
        self.canvas.ghost = None if target is None or target == press.price_ticks else (target, press.own)
        self.canvas.mark_prices(frozenset(p for p in (old_target, target) if p is not None))

    def _end_press(self) -> None:
        self._press = None
        if self.canvas.ghost is not None:
            target = self.canvas.ghost[0]
            self.canvas.ghost = None
            self.canvas.mark_prices(frozenset((target,)))

    def _tooltip(self, event: QtGui.QHelpEvent) -> bool:
        pos = QtCore.QPointF(event.pos())
        column = self.canvas.column_at(pos.x())
        if column is None:
            return False
        row = self.canvas.row_at(pos.y())
        mark = self.signal_at(row.price_ticks) if row is not None and column == "price" else None
        if mark is not None:
            inst = None if self.market is None else self.market.instrument
            more = f"\n(+{mark.count - 1} more on this row in the last minute)" if mark.count > 1 else ""
            text = signal_tip(mark.signal, inst) + more
        else:
            text = cell_tip(self, column, None if row is None else row.price_ticks)
        if not text:
            return False
        QtWidgets.QToolTip.showText(event.globalPos(), text, self.canvas)
        return True

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        kind = event.type()
        if kind in _MOUSE_EVENTS:
            assert isinstance(event, QtGui.QMouseEvent)
            return self._mouse(kind, event)
        if kind == QtCore.QEvent.Type.ToolTip:
            assert isinstance(event, QtGui.QHelpEvent)
            if self._tooltip(event):
                return True
        elif kind == QtCore.QEvent.Type.Enter:
            self.set_hovered(True)
        elif kind == QtCore.QEvent.Type.Leave:
            self.set_hovered(False)
        elif kind == QtCore.QEvent.Type.Wheel:
            assert isinstance(event, QtGui.QWheelEvent)
            notches = event.angleDelta().y() / _WHEEL_STEP
            self.scroll_rows(round(notches * _ROWS_PER_NOTCH))
            return True
        elif kind == QtCore.QEvent.Type.ContextMenu:
            assert isinstance(event, QtGui.QContextMenuEvent)
            self.build_menu().exec(event.globalPos())
            return True
        elif kind == QtCore.QEvent.Type.Resize:
            self._show_now()
        return super().eventFilter(watched, event)

    # -- settings -------------------------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        return LADDER_SETTINGS.to_dict(self.model.settings)

    def apply_settings(self, data: Mapping[str, Any]) -> list[str]:
        new, problems = LADDER_SETTINGS.from_dict(data)
        self._use(new)
        return problems

    def _use(self, new: LadderSettings) -> None:
        self.model.set_settings(new)
        self.canvas.relayout()
        self.updateGeometry()
        self._show_now()

    def _set_from_ui(self, **changes: Any) -> None:
        self._use(replace(self.model.settings, **changes))
        self.settings_changed.emit()

    def build_menu(self) -> QtWidgets.QMenu:
        """The context menu: every setting, plus re-centre and clear."""
        s = self.model.settings
        menu = QtWidgets.QMenu(self)
        menu.addAction("Re-centre", self.recenter)
        menu.addAction("Clear recent volume and P/S", self.clear_recent)
        menu.addSeparator()
        for key in ("group_ticks", "centering", "recenter_ticks", "recent_reset_s"):
            add_setting(menu, LADDER_SETTINGS, key, s, self._set_from_ui)
        menu.addSeparator()
        for key in ("show_recent_volume", "show_session_volume", "show_pull_stack"):
            add_setting(menu, LADDER_SETTINGS, key, s, self._set_from_ui)
        return menu


def _drag_px() -> int:
    """The platform's drag distance (10 px by default): less is a click, however the rows fall."""
    return max(4, QtWidgets.QApplication.startDragDistance())


_PRESSES = (QtCore.QEvent.Type.MouseButtonPress, QtCore.QEvent.Type.MouseButtonDblClick)
_MOUSE_EVENTS = (
    *_PRESSES,
    QtCore.QEvent.Type.MouseMove,
    QtCore.QEvent.Type.MouseButtonRelease,
)
