"""The open-orders table's cancel cell: a button drawn by the delegate, not a widget per row.

One QPushButton per row (an index widget, with its style sheet) was created on every change of
the order set and destroyed on the next: 16–19 ms in the frame after a hotkey (docs/BENCHMARKS.md,
issue 11). A painted cell costs nothing to create and draws in microseconds; the click comes in
through `editorEvent`, and the table never takes the keyboard either way.
"""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from widgets.account.order_rows import CANCEL_COLUMN
from widgets.base import palette
from widgets.base.info_panel import KeepColourDelegate

CANCEL_TEXT = "Cancel"
_MARGIN_PX = 2


class CancelCellDelegate(KeepColourDelegate):
    """Draws the cancel column as a flat button; a left click on it emits `cancel_clicked(row)`."""

    cancel_clicked = QtCore.Signal(int)

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._pressed_row = -1

    @staticmethod
    def button_rect(cell: QtCore.QRect) -> QtCore.QRect:
        """The button inside its cell (the same rect paints and takes the click)."""
        return cell.adjusted(_MARGIN_PX, _MARGIN_PX, -_MARGIN_PX, -_MARGIN_PX)

    def paint(
        self,
        painter: QtGui.QPainter,
        option: QtWidgets.QStyleOptionViewItem,
        index: QtCore.QModelIndex | QtCore.QPersistentModelIndex,
    ) -> None:
        if index.column() != CANCEL_COLUMN:
            super().paint(painter, option, index)
            return
        rect = self.button_rect(option.rect)  # type: ignore[attr-defined]
        hover = bool(option.state & QtWidgets.QStyle.StateFlag.State_MouseOver)  # type: ignore[attr-defined]
        pressed = index.row() == self._pressed_row
        fill = palette.GRID if pressed else palette.ROW_ALT if hover else palette.PANEL
        painter.save()
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QtGui.QPen(palette.GRID, 1))
        painter.setBrush(fill)
        painter.drawRoundedRect(QtCore.QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
        painter.setPen(palette.TEXT)
        painter.drawText(rect, QtCore.Qt.AlignmentFlag.AlignCenter, CANCEL_TEXT)
        painter.restore()

    def editorEvent(
        self,
        event: QtCore.QEvent,
        model: QtCore.QAbstractItemModel,
        option: QtWidgets.QStyleOptionViewItem,
        index: QtCore.QModelIndex | QtCore.QPersistentModelIndex,
    ) -> bool:
        if index.column() != CANCEL_COLUMN or not isinstance(event, QtGui.QMouseEvent):
            return super().editorEvent(event, model, option, index)
        if event.button() != QtCore.Qt.MouseButton.LeftButton:
            return False
        inside = self.button_rect(option.rect).contains(event.position().toPoint())  # type: ignore[attr-defined]
        kind = event.type()
        if kind == QtCore.QEvent.Type.MouseButtonPress and inside:
            self._pressed_row = index.row()
            return True
        if kind == QtCore.QEvent.Type.MouseButtonRelease:
            was = self._pressed_row
            self._pressed_row = -1
            if inside and was == index.row():
                self.cancel_clicked.emit(index.row())
            return True
        return kind == QtCore.QEvent.Type.MouseButtonDblClick and inside
