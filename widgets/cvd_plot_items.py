"""The CVD chart's data items: candles and a line, repainting only the bars that changed.

A live frame changes only the open bar, so these items ask the scene to repaint the vertical
strip of the bars that changed (`set_data(..., changed_from=i)`), and paint only the bars in the
exposed rect: a frame costs the open bar, not the pane, and a day of 1 s bars costs what is on
screen. They cover their view (bounds = view rect), so new data never changes their geometry.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from widgets import palette

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

MIN_BODY_PX = 3.0  # narrower than this, a candle is drawn as its high-low line only
EDGE_PX = 3.0  # cosmetic pens and antialias spill this far outside the geometry


def cosmetic_pen(color: QtGui.QColor, style: QtCore.Qt.PenStyle = QtCore.Qt.PenStyle.SolidLine) -> QtGui.QPen:
    pen = QtGui.QPen(color)
    pen.setWidth(1)
    pen.setCosmetic(True)  # width 1 whatever the zoom (wide pens are a slow raster path)
    pen.setStyle(style)
    return pen


class _BarsItem(pg.GraphicsObject):  # type: ignore[misc]
    """Bars at centres `x_s` (seconds) `width_s` wide; subclasses draw a slice of them."""

    LINKS_NEIGHBOURS = 0  # a line also draws the segments to the bars either side of a slice

    def __init__(self) -> None:
        super().__init__()
        self._x: F64 = np.zeros(0)
        self._width_s = 1.0
        self.setFlag(QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)

    def boundingRect(self) -> QtCore.QRectF:
        rect = self.viewRect()
        return QtCore.QRectF() if rect is None else rect

    def viewRangeChanged(self) -> None:
        self.prepareGeometryChange()
        super().viewRangeChanged()

    def _set_x(self, x_s: F64, width_s: float, changed_from: int) -> None:
        """Take new bar centres; repaint from bar `changed_from` on (0: everything)."""
        same = x_s.shape[0] >= self._x.shape[0] and width_s == self._width_s
        self._x, self._width_s = x_s, width_s
        n = x_s.shape[0]
        view = self.viewRect()
        if changed_from <= 0 or not same or view is None or not n:
            self.update()
            return
        i = max(0, min(changed_from, n - 1) - self.LINKS_NEIGHBOURS)
        px = self.pixelWidth() or 0.0
        left = float(x_s[i]) - width_s / 2 - EDGE_PX * px
        right = float(x_s[-1]) + width_s / 2 + EDGE_PX * px
        self.update(QtCore.QRectF(left, view.top(), right - left, view.height()))

    def _exposed_slice(self, option: QtWidgets.QStyleOptionGraphicsItem) -> slice:
        rect = option.exposedRect
        half = self._width_s / 2
        k = self.LINKS_NEIGHBOURS
        i0 = int(np.searchsorted(self._x, rect.left() - half, side="left")) - k
        i1 = int(np.searchsorted(self._x, rect.right() + half, side="right")) + k
        return slice(max(i0, 0), i1)


class CandleItem(_BarsItem):
    """OHLC candles, up in BUY colour, down in SELL colour."""

    def __init__(self) -> None:
        super().__init__()
        self._o = self._h = self._l = self._c = np.zeros(0, dtype=np.int64)
        self._up_pen, self._down_pen = cosmetic_pen(palette.BUY), cosmetic_pen(palette.SELL)
        self._up_brush, self._down_brush = QtGui.QBrush(palette.BUY), QtGui.QBrush(palette.SELL)

    def set_data(
        self, x_s: F64, width_s: float, ohlc: tuple[I64, I64, I64, I64], changed_from: int = 0
    ) -> None:
        """Bars at centres `x_s`; the int columns are kept as given and converted in view only."""
        self._o, self._h, self._l, self._c = ohlc
        self._set_x(x_s, width_s, changed_from)

    def paint(self, p: QtGui.QPainter, option: QtWidgets.QStyleOptionGraphicsItem, *_args: Any) -> None:
        sl = self._exposed_slice(option)
        x = self._x[sl]
        if not x.shape[0]:
            return
        o, h, lo, c = (a[sl].astype(np.float64) for a in (self._o, self._h, self._l, self._c))
        up = c >= o
        body_w = self._width_s * 0.7
        px_w = abs(p.transform().m11()) * body_w  # body width in device pixels
        for mask, pen, brush in ((up, self._up_pen, self._up_brush), (~up, self._down_pen, self._down_brush)):
            if not mask.any():
                continue
            xm, om, hm, lm, cm = x[mask], o[mask], h[mask], lo[mask], c[mask]
            p.setPen(pen)
            wicks = pg.arrayToQPath(np.repeat(xm, 2), np.column_stack((lm, hm)).ravel(), connect="pairs")
            p.drawPath(wicks)
            if px_w >= MIN_BODY_PX:
                left, right = xm - body_w / 2, xm + body_w / 2
                lo_b, hi_b = np.minimum(om, cm), np.maximum(om, cm)
                xs = np.column_stack((left, right, right, left, left)).ravel()
                ys = np.column_stack((lo_b, lo_b, hi_b, hi_b, lo_b)).ravel()
                connect = np.tile(np.array([1, 1, 1, 1, 0], dtype=np.int32), xm.shape[0])
                bodies = pg.arrayToQPath(xs, ys, connect=connect)
                p.fillPath(bodies, brush)
                p.drawPath(bodies)  # outline: a doji (open == close) still shows as a line


class LineItem(_BarsItem):
    """A line through one value per bar (its close), drawn for the exposed bars only."""

    LINKS_NEIGHBOURS = 1

    def __init__(self, color: QtGui.QColor) -> None:
        super().__init__()
        self._y = np.zeros(0, dtype=np.int64)
        self._pen = cosmetic_pen(color)

    def set_data(self, x_s: F64, width_s: float, y: I64, changed_from: int = 0) -> None:
        self._y = y
        self._set_x(x_s, width_s, changed_from)

    def points(self) -> tuple[F64, F64]:
        return self._x.copy(), self._y.astype(np.float64)

    def paint(self, p: QtGui.QPainter, option: QtWidgets.QStyleOptionGraphicsItem, *_args: Any) -> None:
        sl = self._exposed_slice(option)
        x = self._x[sl]
        if x.shape[0] < 2:
            return
        p.setPen(self._pen)
        p.drawPath(pg.arrayToQPath(x, self._y[sl].astype(np.float64)))
