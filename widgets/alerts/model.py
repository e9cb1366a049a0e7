"""The alert log as a table model: the shared signal list, filtered by kind, newest first.

The list changes when signals are found (a few a minute), not per frame, and the model follows it
with inserted rows at the top and removed rows at the bottom (the oldest, pushed out by the
list's cap), so the selection and the scroll position survive a new alert; anything else (a new
session, a filter change) resets. Each row's texts are built once, when first shown.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from PySide6 import QtCore, QtGui

from app.core.instrument import Instrument
from app.core.signals.kinds import Signal, SignalKind
from app.core.signals.recent import RecentSignals
from widgets.base import palette
from widgets.base.signal_style import KIND_STYLE, SIDE_ARROW, SIDE_TEXT, time_text

ALERT_COLUMNS = ("Time", "Signal", "Side", "Price", "Strength", "Detail")
_RIGHT = (3, 4)


def alert_texts(sig: Signal, instrument: Instrument | None) -> tuple[str, ...]:
    price = instrument.price_str(sig.price_ticks) if instrument is not None else str(sig.price_ticks)
    return (
        time_text(sig.ts_ns),
        KIND_STYLE[sig.kind].name,
        f"{SIDE_ARROW[sig.side]} {SIDE_TEXT[sig.side]}",
        price,
        f"{sig.strength:.2f}",
        sig.detail,
    )


class AlertsModel(QtCore.QAbstractTableModel):
    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Signal] = []  # newest first
        self._texts: dict[int, tuple[str, ...]] = {}  # by id(signal): signals are immutable
        self._seen: tuple[int, int] | None = None  # (id of the list, version) shown
        self._shown: frozenset[SignalKind] = frozenset(SignalKind)
        self.instrument: Instrument | None = None

    @property
    def rows(self) -> list[Signal]:
        return self._rows

    def signal_at(self, row: int) -> Signal:
        return self._rows[row]

    def set_instrument(self, instrument: Instrument | None) -> None:
        if instrument != self.instrument:
            self.beginResetModel()
            self.instrument = instrument
            self._texts.clear()
            self.endResetModel()

    def update(self, signals: RecentSignals | None, shown: Collection[SignalKind]) -> bool:
        """Follow the list (and the kinds shown); True if the rows changed."""
        shown = frozenset(shown)
        key = (id(signals), signals.version if signals is not None else -1)
        if key == self._seen and shown == self._shown:
            return False
        filter_changed = shown != self._shown
        self._seen, self._shown = key, shown
        items = signals.items if signals is not None else []
        new = [s for s in reversed(items) if s.kind in shown]
        old = self._rows
        if not filter_changed and self._extends(old, new):
            return self._grow(old, new)
        self.beginResetModel()
        self._rows = new
        alive = {id(s) for s in new}
        self._texts = {k: v for k, v in self._texts.items() if k in alive}
        self.endResetModel()
        return True

    @staticmethod
    def _extends(old: list[Signal], new: list[Signal]) -> bool:
        """`new` is some new rows on top of `old`, less some of its oldest (the common case)."""
        if not old or not new:
            return False
        try:
            k = next(i for i, s in enumerate(new) if s is old[0])
        except StopIteration:
            return False
        rest = new[k:]
        return len(rest) <= len(old) and all(a is b for a, b in zip(rest, old, strict=False))

    def _grow(self, old: list[Signal], new: list[Signal]) -> bool:
        k = next(i for i, s in enumerate(new) if s is old[0])
        kept = len(new) - k
        if kept < len(old):
            self.beginRemoveRows(QtCore.QModelIndex(), kept, len(old) - 1)
            for s in old[kept:]:
                self._texts.pop(id(s), None)
            self._rows = old[:kept]
            self.endRemoveRows()
        if k:
            self.beginInsertRows(QtCore.QModelIndex(), 0, k - 1)
            self._rows = new
            self.endInsertRows()
        return bool(k) or kept < len(old)

    def row_texts(self, row: int) -> tuple[str, ...]:
        sig = self._rows[row]
        texts = self._texts.get(id(sig))
        if texts is None:
            texts = self._texts[id(sig)] = alert_texts(sig, self.instrument)
        return texts

    def rowCount(self, parent: Any = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Any = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ALERT_COLUMNS)

    def data(self, index: Any, role: int = QtCore.Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        col = index.column()
        if role == QtCore.Qt.ItemDataRole.DisplayRole:
            return self.row_texts(index.row())[col]
        if role == QtCore.Qt.ItemDataRole.ForegroundRole:
            sig = self._rows[index.row()]
            if col == 1:
                return QtGui.QBrush(KIND_STYLE[sig.kind].colour)
            if col == 2:
                return QtGui.QBrush(
                    palette.BUY if sig.side > 0 else palette.SELL if sig.side < 0 else palette.TEXT
                )
            return QtGui.QBrush(palette.TEXT_DIM if col in (0, 5) else palette.TEXT)
        if role == QtCore.Qt.ItemDataRole.TextAlignmentRole:
            h = QtCore.Qt.AlignmentFlag.AlignRight if col in _RIGHT else QtCore.Qt.AlignmentFlag.AlignLeft
            return int(h | QtCore.Qt.AlignmentFlag.AlignVCenter)
        if role == QtCore.Qt.ItemDataRole.ToolTipRole and col == 5:
            return self._rows[index.row()].detail
        return None

    def headerData(
        self, section: int, orientation: QtCore.Qt.Orientation, role: int = QtCore.Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != QtCore.Qt.Orientation.Horizontal:
            return None
        if role == QtCore.Qt.ItemDataRole.DisplayRole:
            return ALERT_COLUMNS[section]
        if role == QtCore.Qt.ItemDataRole.TextAlignmentRole and section in _RIGHT:
            return int(QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter)
        return None
