"""The account view's open-orders table: one row per open order, a cancel button on each.

The model keeps the rows of widgets.account.order_rows (plain texts built once per account
change), so `data()` only indexes them. A new order or a cancel inserts or removes its rows
rather than resetting the model: a reset makes the view forget and re-measure every row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6 import QtCore, QtGui

from app.core.events import Side
from app.core.paper.orders import OrderStatus
from widgets.account.order_rows import CANCEL_COLUMN, ORDER_COLUMNS, STATUS_TEXT, OrderRow
from widgets.base import palette


class OrdersModel(QtCore.QAbstractTableModel):
    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[OrderRow, ...] = ()

    @property
    def rows(self) -> tuple[OrderRow, ...]:
        return self._rows

    def set_rows(self, rows: Sequence[OrderRow]) -> bool:
        """New rows; True if the set of orders (ids, in order) changed.

        Orders keep their relative order (by id), so the change is a few removals and
        insertions; same ids with new texts (a fill, the queue moving) repaint the changed rows.
        """
        rows = tuple(rows)
        if rows == self._rows:
            return False
        new_ids = [r.order_id for r in rows]
        old_ids = [r.order_id for r in self._rows]
        if new_ids == old_ids:
            self._update_texts(rows)
            return False
        kept = set(new_ids) & set(old_ids)
        if [i for i in old_ids if i in kept] != [i for i in new_ids if i in kept]:
            self.beginResetModel()  # reordered: no cheaper edit says it
            self._rows = rows
            self.endResetModel()
            return True
        for at in range(len(old_ids) - 1, -1, -1):  # removals, from the bottom up
            if old_ids[at] not in kept:
                self.beginRemoveRows(QtCore.QModelIndex(), at, at)
                self._rows = self._rows[:at] + self._rows[at + 1 :]
                self.endRemoveRows()
        for at, row in enumerate(rows):  # insertions, top down: rows before `at` already match
            if row.order_id not in kept:
                self.beginInsertRows(QtCore.QModelIndex(), at, at)
                self._rows = (*self._rows[:at], row, *self._rows[at:])
                self.endInsertRows()
        self._update_texts(rows)
        return True

    def _update_texts(self, rows: tuple[OrderRow, ...]) -> None:
        old, self._rows = self._rows, rows
        for i, (a, b) in enumerate(zip(old, rows, strict=True)):
            if a != b:
                self.dataChanged.emit(self.index(i, 0), self.index(i, CANCEL_COLUMN - 1))

    def rowCount(self, parent: Any = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Any = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ORDER_COLUMNS)

    def data(self, index: Any, role: int = QtCore.Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == QtCore.Qt.ItemDataRole.DisplayRole:
            return row.texts[col] if col < CANCEL_COLUMN else None
        if role == QtCore.Qt.ItemDataRole.ToolTipRole and col == CANCEL_COLUMN:
            return f"Cancel order #{row.order_id}"
        if role == QtCore.Qt.ItemDataRole.ForegroundRole:
            if col == 0:
                return QtGui.QBrush(palette.BUY if row.side is Side.BUY else palette.SELL)
            if col == 7 and row.texts[7] == STATUS_TEXT[OrderStatus.PENDING]:
                return QtGui.QBrush(palette.TEXT_DIM)
            return QtGui.QBrush(palette.TEXT)
        if role == QtCore.Qt.ItemDataRole.TextAlignmentRole and col in (3, 4, 5, 6):
            return int(QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: QtCore.Qt.Orientation, role: int = QtCore.Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == QtCore.Qt.Orientation.Horizontal and role == QtCore.Qt.ItemDataRole.DisplayRole:
            return ORDER_COLUMNS[section]
        return None
