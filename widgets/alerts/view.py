"""The alert log dock: the signals found so far, newest first, with a kind filter.

Columns: exchange time (HH:MM:SS.mmm, UTC), signal, side, price, strength, the detector's own line.
The view only shows and asks: a click on a row announces the signal (`jump_requested`), and the
window decides what going there means (a replay seeks to just before it; a live market centres the
charts on it: app/ui/signal_jump.py). Which kinds are shown is a view setting, saved with the layout.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Signal

from app.core.market import Changed, MarketState
from app.core.signals.kinds import SignalKind
from widgets.alerts.model import ALERT_COLUMNS, AlertsModel
from widgets.base import palette
from widgets.base.info_panel import style_button, style_table
from widgets.base.signal_style import KIND_STYLE
from widgets.base.view import MarketView

_SAMPLES = ("00:00:00.000", "Liquidation cascade", "▼ down", "000000.00", "1.00", "")


class AlertsView(MarketView):
    view_id = "alerts"
    title = "Signals"
    watches = Changed.SIGNALS

    jump_requested = Signal(object)  # the app.core.signals.kinds.Signal of the row clicked

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.shown_kinds: frozenset[SignalKind] = frozenset(SignalKind)
        self.model = AlertsModel(self)
        self.table = QtWidgets.QTableView(self)
        self.table.setModel(self.model)
        style_table(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        fm = self.table.fontMetrics()
        for i, (name, sample) in enumerate(zip(ALERT_COLUMNS, _SAMPLES, strict=True)):
            if sample:
                header.resizeSection(i, max(fm.horizontalAdvance(sample), fm.horizontalAdvance(name)) + 18)
        self.table.clicked.connect(self._on_click)
        self.count_label = QtWidgets.QLabel("")
        self.count_label.setStyleSheet(f"color: {palette.TEXT_DIM.name()};")
        self.filter_button = QtWidgets.QToolButton()
        self.filter_button.setText("Kinds ▾")
        self.filter_button.setToolTip("Which kinds of signal the log lists")
        self.filter_button.setPopupMode(QtWidgets.QToolButton.ToolButtonPopupMode.InstantPopup)
        style_button(self.filter_button)
        self.filter_menu = QtWidgets.QMenu(self)
        self.kind_actions: dict[SignalKind, Any] = {}
        for kind in SignalKind:
            action = self.filter_menu.addAction(KIND_STYLE[kind].name)
            action.setCheckable(True)
            action.setChecked(True)
            action.toggled.connect(lambda on, k=kind: self._toggle_kind(k, on))
            self.kind_actions[kind] = action
        self.filter_menu.addSeparator()
        self.filter_menu.addAction("Show every kind", lambda: self.show_kinds(frozenset(SignalKind)))
        self.filter_button.setMenu(self.filter_menu)
        bar = QtWidgets.QHBoxLayout()
        bar.setContentsMargins(8, 4, 8, 4)
        bar.setSpacing(10)
        bar.addWidget(self.count_label)
        bar.addStretch(1)
        bar.addWidget(self.filter_button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(pal.ColorRole.Window, palette.PANEL)
        self.setPalette(pal)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        self._update_count()

    # -- MarketView ----------------------------------------------------------------------------

    def set_market(self, market: MarketState | None) -> None:
        super().set_market(market)
        self.model.set_instrument(market.instrument if market is not None else None)

    def refresh(self, changed: int, now_ns: int) -> bool:
        if not self.model.update(self.signals, self.shown_kinds):
            return False
        self._update_count()
        return True

    def settings(self) -> dict[str, Any]:
        return {"hidden_kinds": sorted(k.value for k in set(SignalKind) - self.shown_kinds)}

    def apply_settings(self, data: Mapping[str, Any]) -> list[str]:
        problems: list[str] = []
        raw: object = data
        hidden: set[SignalKind] = set()
        if not isinstance(raw, Mapping):
            problems.append(f"settings {raw!r} are not an object, every kind shown")
        else:
            names = raw.get("hidden_kinds", [])
            by_value = {k.value: k for k in SignalKind}
            if not isinstance(names, list):
                problems.append(f"hidden_kinds: {names!r} is not a list, every kind shown")
                names = []
            for name in names:
                if name in by_value:
                    hidden.add(by_value[name])
                else:
                    problems.append(f"hidden_kinds: unknown signal kind {name!r} ignored")
        self.show_kinds(frozenset(SignalKind) - hidden, emit=False)
        return problems

    # -- public --------------------------------------------------------------------------------

    def show_kinds(self, kinds: frozenset[SignalKind], *, emit: bool = True) -> None:
        """List only these kinds (the filter menu, a layout)."""
        if kinds == self.shown_kinds:
            return
        self.shown_kinds = kinds
        for kind, action in self.kind_actions.items():
            action.blockSignals(True)
            action.setChecked(kind in kinds)
            action.blockSignals(False)
        self.filter_button.setText("Kinds ▾" if kinds == frozenset(SignalKind) else f"Kinds {len(kinds)}/9 ▾")
        self.refresh(Changed.SIGNALS, 0)
        if emit:
            self.settings_changed.emit()

    def rows(self) -> list[tuple[str, ...]]:
        """Every row's texts, newest first (a test accessor: it builds all texts)."""
        return [self.model.row_texts(i) for i in range(self.model.rowCount())]

    def click_row(self, row: int) -> None:
        """What a click on a row does (tests, and the keyboard-free way to the same)."""
        self.table.selectRow(row)
        self._on_click(self.model.index(row, 0))

    # -- internals -----------------------------------------------------------------------------

    def _toggle_kind(self, kind: SignalKind, on: bool) -> None:
        self.show_kinds(self.shown_kinds | {kind} if on else self.shown_kinds - {kind})

    def _on_click(self, index: QtCore.QModelIndex) -> None:
        if index.isValid():
            self.jump_requested.emit(self.model.signal_at(index.row()))

    def _update_count(self) -> None:
        n = self.model.rowCount()
        total = len(self.signals) if self.signals is not None else 0
        what = f"{n} signal{'s' if n != 1 else ''}" if n else "no signals yet"
        self.count_label.setText(what if n == total else f"{what} ({total - n} filtered out)")
