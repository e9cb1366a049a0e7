"""The trade journal (SIM): every closed round trip, newest first, and the session's statistics.

This is the review screen: hold times, P&L in ticks, money and R per trade, and the numbers that
say whether the practice is working (win rate, expectancy, profit factor, drawdown). The view only
shows and asks: exporting writes a file, which is the window's job (`export_requested(path)`), and
a selected trade is announced (`trade_selected(trip_id)`) for the charts to jump to it.

Review (`review_requested(trip_id)`): the Review button, a double-click on a row, or the row's
context menu ask the window to replay that trade's recording from a little before its entry,
slowly, with the trade drawn on the charts and the ladder (app/ui/trade_review.py); the context
menu also clears a review (`review_cleared`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Signal

from app.core.market import Changed, MarketState
from app.core.paper.snapshot import TradeStats
from app.core.paper.trade_stats import trade_stats
from widgets.base import palette
from widgets.base.fmt import (
    Tone,
    hold_text,
    money_text,
    money_tone,
    pct_text,
    r_text,
    ratio_text,
    tone_of,
)
from widgets.base.info_panel import InfoLine, InfoPanel, InfoRow, style_button, style_table
from widgets.base.view import MarketView
from widgets.trades.model import TripsModel
from widgets.trades.trip_rows import TRADE_COLUMNS


def stats_lines(stats: TradeStats, unit: str) -> tuple[InfoLine, ...]:
    """The statistics strip, in drawing order."""
    s = stats
    pf = s.profit_factor
    win_loss = f"{money_text(s.avg_win_quote)} / {money_text(s.avg_loss_quote)}"
    return (
        InfoLine("trades", "Trades", f"{s.trades}  ({s.wins} W / {s.losses} L)"),
        InfoLine("win_rate", "Win rate", pct_text(s.win_rate)),
        InfoLine(
            "expectancy", "Expectancy", money_text(s.expectancy_quote, unit), money_tone(s.expectancy_quote)
        ),
        InfoLine(
            "expectancy_r",
            "Expectancy R",
            r_text(s.expectancy_r),
            tone_of(None if s.expectancy_r is None else round(s.expectancy_r, 2)),
        ),
        InfoLine(
            "profit_factor",
            "Profit factor",
            ratio_text(pf) if pf is not None else ("∞" if s.wins else "—"),
            Tone.NORMAL,
        ),
        InfoLine("avg_win_loss", "Avg win / loss", win_loss),
        InfoLine(
            "max_drawdown",
            "Max drawdown",
            money_text(-s.max_drawdown_quote, unit),
            money_tone(-s.max_drawdown_quote),
        ),
        InfoLine("avg_hold", "Avg hold", hold_text(s.avg_hold_ns)),
        InfoLine("net", "Net", money_text(s.net_quote, unit), money_tone(s.net_quote)),
        InfoLine("fees", "Fees", money_text(-s.fees_quote, unit), money_tone(-s.fees_quote)),
    )


class TradesView(MarketView):
    view_id = "trades"
    title = "Trades (SIM)"
    watches = Changed.ACCOUNT

    export_requested = Signal(str)  # a path the user chose: the window writes the CSV there
    trade_selected = Signal(int)  # trip_id of the trade the user selected
    review_requested = Signal(int)  # trip_id of the trade to replay from its entry, with its marks
    review_cleared = Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._stats = TradeStats()
        self._selected_id: int | None = None
        self.stats_panel = InfoPanel(self, min_cell_px=100)
        self.model = TripsModel(self)
        self.table = QtWidgets.QTableView(self)
        self.table.setModel(self.model)
        style_table(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        self._size_columns()
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.doubleClicked.connect(lambda index: self.review_row(index.row()))
        self.table.setContextMenuPolicy(QtCore.Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(
            lambda pos: self.row_menu(self.table.indexAt(pos).row()).exec(
                self.table.viewport().mapToGlobal(pos)
            )
        )
        self.sim_label = QtWidgets.QLabel("SIM")
        self.sim_label.setStyleSheet(
            f"color: {palette.HIGHLIGHT.name()}; border: 1px solid {palette.HIGHLIGHT.name()};"
            " border-radius: 2px; padding: 0 4px; font-weight: bold;"
        )
        self.count_label = QtWidgets.QLabel("")
        self.count_label.setStyleSheet(f"color: {palette.TEXT_DIM.name()};")
        self.export_button = QtWidgets.QPushButton("Export CSV…")
        style_button(self.export_button)
        self.export_button.setToolTip("Write every closed trade to a CSV file")
        self.export_button.clicked.connect(self._ask_export)
        self.review_button = QtWidgets.QPushButton("Review")
        style_button(self.review_button)
        self.review_button.setToolTip(
            "Replay the selected trade's recording from 10 s before its entry, slowly, with the trade drawn"
            " (or double-click a trade)"
        )
        self.review_button.setEnabled(False)
        self.review_button.clicked.connect(self._review_selected)
        bar = QtWidgets.QHBoxLayout()
        bar.setContentsMargins(8, 4, 8, 4)
        bar.setSpacing(10)
        bar.addWidget(self.sim_label)
        bar.addWidget(self.count_label)
        bar.addStretch(1)
        bar.addWidget(self.review_button)
        bar.addWidget(self.export_button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.stats_panel)
        layout.addWidget(self.table, 1)
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(pal.ColorRole.Window, palette.PANEL)
        self.setPalette(pal)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        self._show_trips()

    # -- MarketView ----------------------------------------------------------------------------

    def set_market(self, market: MarketState | None) -> None:
        super().set_market(market)
        self.model.set_instrument(market.instrument if market is not None else None)
        self._update_stats()

    def refresh(self, changed: int, now_ns: int) -> bool:
        if not changed & Changed.ACCOUNT:
            return False
        return self._show_trips()

    def settings(self) -> dict[str, Any]:
        return {}

    def apply_settings(self, data: Mapping[str, Any]) -> list[str]:
        return []

    # -- what is on screen ---------------------------------------------------------------------

    def rows(self) -> list[tuple[str, ...]]:
        """Every row's texts, newest first (a test accessor: it builds all texts)."""
        return [self.model.row_texts(i) for i in range(self.model.rowCount())]

    def stats(self) -> TradeStats:
        return self._stats

    def stat_lines(self) -> tuple[InfoLine, ...]:
        return tuple(cell for row in self.stats_panel.rows for cell in row.cells)

    def stat(self, key: str) -> InfoLine:
        for cell in self.stat_lines():
            if cell.key == key:
                return cell
        raise KeyError(key)

    def review_row(self, row: int) -> bool:
        """Ask for a review of the trade on `row` (0: the newest); False if there is no such row."""
        if not 0 <= row < self.model.rowCount():
            return False
        self.review_requested.emit(self.model.trip_at(row).trip_id)
        return True

    def row_menu(self, row: int) -> QtWidgets.QMenu:
        """The context menu of a row (-1: below the rows): review it, or clear the review."""
        menu = QtWidgets.QMenu(self)
        if 0 <= row < self.model.rowCount():
            trip_id = self.model.trip_at(row).trip_id
            menu.addAction(f"Review trade #{trip_id} on its recording", lambda: self.review_row(row))
        menu.addAction("Clear review", self.review_cleared.emit)
        return menu

    def _show_row_menu(self, pos: QtCore.QPoint) -> None:
        self.row_menu(self.table.indexAt(pos).row()).exec(self.table.viewport().mapToGlobal(pos))

    def _review_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.review_row(rows[0].row())

    def select_trip(self, trip_id: int) -> bool:
        """Select (and scroll to) a trade; False if it is not in the list."""
        trips = self.model.trips
        for i in range(len(trips) - 1, -1, -1):
            if trips[i].trip_id == trip_id:
                row = len(trips) - 1 - i
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))
                return True
        return False

    # -- internals -----------------------------------------------------------------------------

    def _show_trips(self) -> bool:
        if not self.model.set_trips(self.paper.trips):
            return False
        self._update_stats()
        return True

    def _update_stats(self) -> None:
        trips = self.model.trips
        self._stats = trade_stats(trips)
        inst = self.market.instrument if self.market is not None else None
        unit = (inst.quote_asset if inst is not None else "") or "USDT"
        self.stats_panel.set_rows([InfoRow(stats_lines(self._stats, unit))])
        n = len(trips)
        self.count_label.setText(f"{n} closed trade{'s' if n != 1 else ''}" if n else "no closed trades yet")
        self.export_button.setEnabled(n > 0)

    def _size_columns(self) -> None:
        fm = self.table.fontMetrics()
        samples = {
            "#": "99999",
            "Side": "Short",
            "Qty": "0.000",
            "Entry (UTC)": "00:00:00.000",
            "Exit (UTC)": "00:00:00.000",
            "Hold": "00m00s",
            "Entry avg": "000000.00",
            "Exit avg": "000000.00",
            "P&L t": "+000.0 t",
            "Net": "+00.0000",
            "Fees": "-0.0000",
            "R": "+0.00 R",
        }
        header = self.table.horizontalHeader()
        for i, name in enumerate(TRADE_COLUMNS):
            width = max(fm.horizontalAdvance(samples[name]), fm.horizontalAdvance(name)) + 18
            header.resizeSection(i, width)

    def _on_selection(self, *_: Any) -> None:
        rows = self.table.selectionModel().selectedRows()
        trip_id = self.model.trip_at(rows[0].row()).trip_id if rows else None
        self.review_button.setEnabled(trip_id is not None)
        if trip_id is not None and trip_id != self._selected_id:
            self.trade_selected.emit(trip_id)  # rows inserted above it move the selection: not a new one
        self._selected_id = trip_id

    def _ask_export(self) -> None:
        inst = self.market.instrument if self.market is not None else None
        name = f"scalpdesk-sim-trades-{inst.symbol if inst is not None else 'all'}.csv"
        path, _filter = QtWidgets.QFileDialog.getSaveFileName(
            self, "Export trades (CSV)", name, "CSV files (*.csv);;All files (*)"
        )
        if not path:
            return
        if "." not in path.rsplit("/", 1)[-1]:
            path += ".csv"
        self.export_requested.emit(path)
