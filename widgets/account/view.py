"""The paper account (SIM): position, P&L in ticks and money, session risk, open orders.

A scalper reads this between trades: am I flat, how many ticks is the open trade worth, how far
am I from the daily limits, and is anything still working. The unrealised P&L follows the last
trade every frame (the account snapshot changes only when the account does), so the view marks
the position to the market's newest print when it is newer than the snapshot.

Every order-changing click here is an intent (`command_requested`), never a change: the desk
journals and applies it, and a new snapshot comes back.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from PySide6 import QtCore, QtWidgets

from app.core.instrument import Instrument
from app.core.market import Changed, MarketState
from app.core.paper.actions import Action
from app.core.paper.commands import CancelOrder
from app.core.paper.entry import EntryState
from app.core.paper.snapshot import PaperSnapshot
from app.core.tape import TapeCursor
from widgets.account.cancel_cell import CancelCellDelegate
from widgets.account.order_rows import CANCEL_COLUMN, ORDER_COLUMNS, OrderRow, order_row
from widgets.account.orders import OrdersModel
from widgets.base import palette
from widgets.base.fmt import (
    Tone,
    avg_price_text,
    money_text,
    money_tone,
    qty_text,
    ticks_text,
    tone_of,
)
from widgets.base.info_panel import InfoLine, InfoPanel, InfoRow, style_button, style_table
from widgets.base.view import MarketView

MARK_INTERVAL_S = 0.1  # how often the open P&L follows the tape (wall time)


class AccountView(MarketView):
    view_id = "account"
    title = "Account (SIM)"
    watches = Changed.ACCOUNT | Changed.TAPE

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._paper_tape_total = 0  # tape.total when the snapshot arrived: newer prints re-mark
        self._tape_cursor = TapeCursor()  # the summary follows the last price
        self._marked_at = -MARK_INTERVAL_S
        self._mark_ticks: int | None = None
        self.panel = InfoPanel(self)
        self.orders_model = OrdersModel(self)
        self.orders_table = QtWidgets.QTableView(self)
        self.orders_table.setModel(self.orders_model)
        style_table(self.orders_table)
        self.cancel_cells = CancelCellDelegate(self.orders_table)
        self.cancel_cells.cancel_clicked.connect(self._cancel_row)
        self.orders_table.setItemDelegate(self.cancel_cells)
        self.orders_table.setMouseTracking(True)  # the painted button shows hover
        self.orders_table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.NoSelection)
        header = self.orders_table.horizontalHeader()
        # content columns are fitted by `_fit_columns` when rows change: ResizeToContents only
        # re-measures on a model reset, and the model now inserts and removes rows instead
        header.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(CANCEL_COLUMN - 1, QtWidgets.QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(CANCEL_COLUMN, QtWidgets.QHeaderView.ResizeMode.Fixed)
        header.resizeSection(CANCEL_COLUMN, 64)
        self._fitted: dict[int, int] = {}  # column -> the widest text width it was fitted to
        self.orders_title = QtWidgets.QLabel("Open orders")
        self.orders_title.setStyleSheet(f"color: {palette.TEXT_DIM.name()}; padding: 4px 8px 2px 8px;")
        self.cancel_all_button = QtWidgets.QPushButton("Cancel all")
        self.flatten_button = QtWidgets.QPushButton("Flatten")
        style_button(self.cancel_all_button)
        style_button(self.flatten_button, palette.HIGHLIGHT)
        self.cancel_all_button.setToolTip("Cancel every open order (Esc)")
        self.flatten_button.setToolTip("Cancel every order and close the position at market (Shift+Esc)")
        self.cancel_all_button.clicked.connect(lambda: self.command_requested.emit(Action.CANCEL_ALL))
        self.flatten_button.clicked.connect(lambda: self.command_requested.emit(Action.FLATTEN))

        buttons = QtWidgets.QHBoxLayout()
        buttons.setContentsMargins(8, 4, 8, 6)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_all_button)
        buttons.addWidget(self.flatten_button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.panel)
        layout.addWidget(self.orders_title)
        layout.addWidget(self.orders_table, 1)
        layout.addLayout(buttons)
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(pal.ColorRole.Window, palette.PANEL)
        self.setPalette(pal)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        self._rebuild_all()

    # -- MarketView ----------------------------------------------------------------------------

    def set_market(self, market: MarketState | None) -> None:
        super().set_market(market)
        self._paper_tape_total = market.tape.total if market is not None else 0
        self._tape_cursor.reset()
        self._rebuild_all()

    def set_paper(self, snapshot: PaperSnapshot, entry: EntryState) -> None:
        super().set_paper(snapshot, entry)
        self._paper_tape_total = self.market.tape.total if self.market is not None else 0

    def refresh(self, changed: int, now_ns: int) -> bool:
        due = False
        if changed & Changed.ACCOUNT:
            due = self._set_orders() or due
            self._tape_cursor.reset()  # the snapshot's own last price applies again
        if changed & Changed.ACCOUNT:
            due = self._update_summary() or due
        elif changed & Changed.TAPE:
            # only the mark moved: a P&L rewritten 60 times a second cannot be read, and the panel
            # costs ~2 ms a paint, so the last price and open P&L follow the tape every MARK_INTERVAL_S
            now = time.monotonic()
            if now - self._marked_at >= MARK_INTERVAL_S:
                self._marked_at = now
                due = self._update_summary() or due
        return due

    def settings(self) -> dict[str, Any]:
        return {}

    def apply_settings(self, data: Mapping[str, Any]) -> list[str]:
        return []  # nothing to set yet; unknown keys are ignored

    # -- what is on screen ---------------------------------------------------------------------

    def lines(self) -> tuple[InfoLine, ...]:
        """Every labelled value of the summary, in drawing order (SIM, lock, position, P&L, session)."""
        return tuple(cell for row in self.panel.rows for cell in row.cells)

    def line(self, key: str) -> InfoLine:
        for cell in self.lines():
            if cell.key == key:
                return cell
        raise KeyError(key)

    def order_rows(self) -> tuple[OrderRow, ...]:
        return self.orders_model.rows

    def cancel_rect(self, order_id: int) -> QtCore.QRect:
        """Where the painted cancel button of `order_id` is, in the table's viewport (for a click)."""
        row = next(i for i, r in enumerate(self.orders_model.rows) if r.order_id == order_id)
        cell = self.orders_table.visualRect(self.orders_model.index(row, CANCEL_COLUMN))
        return CancelCellDelegate.button_rect(cell)

    def mark_price_ticks(self) -> int | None:
        """The price the open position is marked at: the newest of the snapshot's and the tape's."""
        return self._mark_ticks

    # -- internals -----------------------------------------------------------------------------

    @property
    def _instrument(self) -> Instrument | None:
        return self.market.instrument if self.market is not None else None

    def _rebuild_all(self) -> None:
        self._set_orders()
        self._update_summary()

    def _current_mark(self) -> int | None:
        market = self.market
        snap = self.paper.last_price_ticks
        if market is None or market.tape.total == 0:
            return snap
        if snap is None or market.tape.total > self._paper_tape_total:
            return int(market.tape.last(1).price_ticks[-1])
        return snap

    def _set_orders(self) -> bool:
        inst = self._instrument
        rows = tuple(order_row(o, inst) for o in self.paper.orders if o.is_open)
        before = self.orders_model.rows
        self.orders_title.setText(f"Open orders ({len(rows)})" if rows else "Open orders: none")
        changed = self.orders_model.set_rows(rows)
        if rows != before:
            self._fit_columns()
        return changed or rows != before  # a new order set, or same orders with new texts

    def _fit_columns(self) -> None:
        """Widen the columns whose widest text grew (Qt's fit measures every cell: ~0.15 ms a
        column, most of what an order change cost; a text width here is a microsecond)."""
        table = self.orders_table
        metrics = table.fontMetrics()
        rows = self.orders_model.rows
        for column in range(CANCEL_COLUMN - 1):  # the status column stretches, the cancel one is fixed
            widest = max((metrics.horizontalAdvance(r.texts[column]) for r in rows), default=0)
            if widest > self._fitted.get(column, -1):  # grow only: columns that jump are misread
                self._fitted[column] = widest
                table.resizeColumnToContents(column)

    def _cancel_row(self, row: int) -> None:
        rows = self.orders_model.rows
        if 0 <= row < len(rows):
            self._cancel(rows[row].order_id)

    def _cancel(self, order_id: int) -> None:
        self.command_requested.emit(CancelOrder(order_id))

    def _update_summary(self) -> bool:
        market = self.market
        if market is not None and not self._tape_cursor.pending(market.tape):
            return False
        if market is None:
            self._tape_cursor.reset()
        else:
            self._tape_cursor.skip(market.tape)
        self._mark_ticks = self._current_mark()
        return self.panel.set_rows(self._rows())

    def _rows(self) -> list[InfoRow]:
        snap = self.paper
        inst = self._instrument
        unit = (inst.quote_asset if inst is not None else "") or "USDT"
        base = (inst.base_asset if inst is not None else "") or "lots"
        symbol = inst.symbol if inst is not None else ""
        mark = self._mark_ticks
        pos = snap.position_lots
        unreal_tl = mark * pos - snap.cost_tick_lots if pos and mark is not None else 0
        unreal_q = unreal_tl * snap.tick_value_quote
        unreal_ticks = unreal_tl / abs(pos) if pos else None
        net = snap.realised_quote + unreal_q - snap.fees_quote
        risk = snap.risk
        # the session's numbers were taken at the snapshot's mark: move them with the newer one
        session_net = risk.session_net_quote + (unreal_q - snap.unrealised_quote)
        drawdown = max(0.0, max(risk.session_peak_quote, session_net) - session_net)
        direction = "Long" if pos > 0 else "Short" if pos < 0 else "Flat"
        pos_text = f"{qty_text(inst, pos, signed=True)} {base} {direction}" if pos else "Flat"
        avg = avg_price_text(inst, snap.avg_price_ticks) if inst is not None else _raw(snap.avg_price_ticks)
        last = (inst.price_str(mark) if inst is not None else str(mark)) if mark is not None else "—"

        rows = [
            InfoRow(
                (InfoLine("sim", "SIM", f"simulated account · {symbol}".rstrip(" ·"), Tone.ALERT),),
                banner=True,
            )
        ]
        if risk.locked:
            reason = risk.locked_reason or ""
            rows.append(
                InfoRow(
                    (
                        InfoLine(
                            "lock", "RISK LOCKED:", f"{reason} · new risk blocked, Flatten works", Tone.ALERT
                        ),
                    ),
                    banner=True,
                )
            )
        rows.append(
            InfoRow(
                (
                    InfoLine(
                        "position",
                        "Position",
                        pos_text,
                        Tone.GAIN if pos > 0 else Tone.LOSS if pos < 0 else Tone.NORMAL,
                    ),
                    InfoLine("avg", "Avg price", avg, Tone.NORMAL if pos else Tone.DIM),
                    InfoLine("last", "Last", last),
                ),
                big=True,
            )
        )
        rows.append(
            InfoRow(
                (
                    InfoLine(
                        "unrealised_ticks",
                        "Open P&L / lot",
                        ticks_text(unreal_ticks) if pos else "—",
                        tone_of(None if unreal_ticks is None else round(unreal_ticks, 1)),
                    ),
                    InfoLine("unrealised", "Open P&L", money_text(unreal_q, unit), money_tone(unreal_q)),
                    InfoLine(
                        "realised",
                        "Realised",
                        money_text(snap.realised_quote, unit),
                        money_tone(snap.realised_quote),
                    ),
                    InfoLine(
                        "fees", "Fees", money_text(-snap.fees_quote, unit), money_tone(-snap.fees_quote)
                    ),
                    InfoLine("net", "Net", money_text(net, unit), money_tone(net)),
                ),
                big=False,
            )
        )
        rows.append(
            InfoRow(
                (
                    InfoLine(
                        "session_net", "Session net", money_text(session_net, unit), money_tone(session_net)
                    ),
                    InfoLine("drawdown", "Drawdown", money_text(-drawdown, unit), money_tone(-drawdown)),
                    InfoLine("trips", "Round trips", str(risk.trades)),
                    InfoLine(
                        "losing_streak",
                        "Losing streak",
                        str(risk.losing_streak),
                        Tone.LOSS if risk.losing_streak else Tone.NORMAL,
                    ),
                    InfoLine(
                        "risk",
                        "Risk",
                        "LOCKED" if risk.locked else "ok",
                        Tone.ALERT if risk.locked else Tone.DIM,
                    ),
                )
            )
        )
        return rows


def _raw(ticks: float | None) -> str:
    return "—" if ticks is None else f"{ticks:.1f}"


__all__ = ["ORDER_COLUMNS", "AccountView"]
