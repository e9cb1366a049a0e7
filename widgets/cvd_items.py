"""Drawing items of the CVD chart: candles, divergence marks and pane headers, and the axes.

Candles are one QGraphicsObject per pane that builds two numpy-made paths (wicks, bodies) for
the bars in view only, so a day of 1 s bars costs what is on screen, not what is held. Marks and
headers are drawn in device pixels (fixed-size triangles and text whatever the zoom), all in one
paint, never one item per mark.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from app.core.instrument import Instrument
from widgets import palette
from widgets.fmt import compact_qty

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

MIN_BODY_PX = 3.0  # narrower than this, a candle is drawn as its high-low line only


def _pen(color: QtGui.QColor, style: QtCore.Qt.PenStyle = QtCore.Qt.PenStyle.SolidLine) -> QtGui.QPen:
    pen = QtGui.QPen(color)
    pen.setWidth(1)
    pen.setCosmetic(True)  # width 1 whatever the zoom (wide pens are a slow raster path)
    pen.setStyle(style)
    return pen


class CandleItem(pg.GraphicsObject):  # type: ignore[misc]
    """OHLC candles at bar centres `x_s` (seconds), up in BUY colour, down in SELL colour."""

    def __init__(self) -> None:
        super().__init__()
        self._x = np.zeros(0)
        self._o = self._h = self._l = self._c = np.zeros(0, dtype=np.int64)
        self._width_s = 1.0
        self._bounds = QtCore.QRectF()
        self._up_pen, self._down_pen = _pen(palette.BUY), _pen(palette.SELL)
        self._up_brush, self._down_brush = QtGui.QBrush(palette.BUY), QtGui.QBrush(palette.SELL)

    def set_data(self, x_s: F64, width_s: float, ohlc: tuple[I64, I64, I64, I64]) -> None:
        """Bars at centres `x_s`; the int columns are kept as given and converted in view only."""
        o, h, low, c = ohlc
        self.prepareGeometryChange()
        self._x, self._width_s = x_s, width_s
        self._o, self._h, self._l, self._c = o, h, low, c
        if x_s.shape[0]:
            lo, hi = float(low.min()), float(h.max())
            half = width_s / 2
            self._bounds = QtCore.QRectF(
                float(x_s[0]) - half, lo, float(x_s[-1] - x_s[0]) + width_s, max(hi - lo, 1e-9)
            )
        else:
            self._bounds = QtCore.QRectF()
        self.update()

    def boundingRect(self) -> QtCore.QRectF:
        return self._bounds

    def visible_slice(self) -> slice:
        vb = self.getViewBox()
        if vb is None or not self._x.shape[0]:
            return slice(0, 0)
        (x0, x1), _ = vb.viewRange()
        half = self._width_s / 2
        i0 = int(np.searchsorted(self._x, x0 - half, side="left"))
        i1 = int(np.searchsorted(self._x, x1 + half, side="right"))
        return slice(i0, i1)

    def paint(self, p: QtGui.QPainter, *_args: Any) -> None:
        sl = self.visible_slice()
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


@dataclass(frozen=True, slots=True)
class Mark:
    """One divergence mark: where (data coordinates), which way, and the swing it compares with."""

    x_s: float
    y: float
    bearish: bool
    prev_x_s: float
    prev_y: float


TIME_STEPS_S = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400)
GRID_MIN_PX = 90.0


def time_grid_step_s(span_s: float, width_px: float) -> float:
    """The smallest round time step that leaves at least GRID_MIN_PX between vertical grid lines."""
    for step in TIME_STEPS_S:
        if width_px * step / max(span_s, 1e-9) >= GRID_MIN_PX:
            return float(step)
    return float(TIME_STEPS_S[-1] * np.ceil(span_s / width_px * GRID_MIN_PX / TIME_STEPS_S[-1]))


class _DeviceItem(pg.GraphicsObject):  # type: ignore[misc]
    """Covers its view and paints in device pixels (fixed-size marks and text at any zoom)."""

    def boundingRect(self) -> QtCore.QRectF:
        rect = self.viewRect()
        return QtCore.QRectF() if rect is None else rect

    def viewRangeChanged(self) -> None:
        self.prepareGeometryChange()
        super().viewRangeChanged()

    def paint(self, p: QtGui.QPainter, *_args: Any) -> None:
        view = self.viewRect()
        if view is None:
            return
        tr = p.transform()  # item → device, exactly what the painter would use
        p.save()
        try:
            p.resetTransform()
            top_left = tr.map(QtCore.QPointF(view.left(), view.bottom()))
            bottom_right = tr.map(QtCore.QPointF(view.right(), view.top()))
            self._paint_device(p, tr, view, QtCore.QRectF(top_left, bottom_right).normalized())
        finally:
            p.restore()

    def _paint_device(
        self, p: QtGui.QPainter, tr: QtGui.QTransform, view: QtCore.QRectF, area: QtCore.QRectF
    ) -> None:
        raise NotImplementedError


class GridItem(_DeviceItem):
    """Grid lines under the bars: round time steps across, the y axis' major ticks along."""

    def __init__(self, y_axis: pg.AxisItem) -> None:
        super().__init__()
        self.y_axis = y_axis
        self._grid_pen = _pen(palette.GRID)
        self._cache_key: tuple[float, ...] = ()
        self._lines: list[QtCore.QLineF] = []
        self.setZValue(-10)

    def _paint_device(
        self, p: QtGui.QPainter, tr: QtGui.QTransform, view: QtCore.QRectF, area: QtCore.QRectF
    ) -> None:
        """Grid at the axes' major ticks, one drawLines call.

        The axes' own grid costs ~2.5 ms a pane (a QPicture as large as the plot replayed every
        frame); these few opaque cosmetic lines cost ~0.05 ms, and are only recomputed when the
        view moves (the axis' tick search alone costs ~0.3 ms).
        """
        key = (view.left(), view.top(), view.width(), view.height(), area.left(), area.top(), area.width())
        key += (area.height(),)
        if key != self._cache_key:
            self._cache_key = key
            self._lines = self._grid_lines(tr, view, area)
        p.setPen(self._grid_pen)
        p.drawLines(self._lines)

    def _grid_lines(
        self, tr: QtGui.QTransform, view: QtCore.QRectF, area: QtCore.QRectF
    ) -> list[QtCore.QLineF]:
        y_axis = self.y_axis
        lines: list[QtCore.QLineF] = []
        step = time_grid_step_s(view.width(), area.width())
        value = np.ceil(view.left() / step) * step
        while value <= view.right():
            d = tr.map(QtCore.QPointF(value, view.top())).x()
            lines.append(QtCore.QLineF(d, area.top(), d, area.bottom()))
            value += step
        ys = y_axis.tickValues(view.top(), view.bottom(), max(area.height(), 1.0))
        for value in ys[0][1] if ys else []:
            d = tr.map(QtCore.QPointF(view.left(), value)).y()
            lines.append(QtCore.QLineF(area.left(), d, area.right(), d))
        return lines


class MarksItem(_DeviceItem):
    """Divergence marks, session-reset labels and the pane header, drawn in device pixels.

    Bearish: a down triangle above the swing high with "bear", in SELL colour; bullish: an up
    triangle under the swing low with "bull", in BUY colour: shape and text differ, not colour
    alone. A dotted line joins the two swings that disagree.
    """

    TRIANGLE_PX = 5.0
    GAP_PX = 4.0

    def __init__(self) -> None:
        super().__init__()
        self.marks: list[Mark] = []
        self.reset_x_s: list[float] = []
        self.header = ""
        self._font = QtGui.QFont()
        self._font.setPointSizeF(8.0)
        self._header_font = QtGui.QFont()
        self._header_font.setPointSizeF(8.5)
        self.setZValue(20)

    def set_marks(self, marks: Sequence[Mark], reset_x_s: Sequence[float], header: str) -> None:
        self.marks = list(marks)
        self.reset_x_s = list(reset_x_s)
        self.header = header
        self.update()

    def _paint_device(
        self, p: QtGui.QPainter, tr: QtGui.QTransform, view: QtCore.QRectF, area: QtCore.QRectF
    ) -> None:
        x0, x1 = view.left(), view.right()
        p.setFont(self._font)
        metrics = QtGui.QFontMetricsF(self._font)
        # Session resets: a label at the top of each vertical line.
        p.setPen(palette.TEXT_DIM)
        for xs in self.reset_x_s:
            if x0 <= xs <= x1:
                pt = tr.map(QtCore.QPointF(xs, view.bottom()))
                w = metrics.horizontalAdvance("reset")
                x = pt.x() + 3 if pt.x() + 3 + w <= area.right() else pt.x() - 3 - w  # never clipped
                p.drawText(QtCore.QPointF(x, area.top() + 2 * metrics.height() + 2), "reset")
        t = self.TRIANGLE_PX
        for m in self.marks:
            if not (x0 <= m.x_s <= x1 or x0 <= m.prev_x_s <= x1):
                continue
            color = palette.SELL if m.bearish else palette.BUY
            a = tr.map(QtCore.QPointF(m.prev_x_s, m.prev_y))
            b = tr.map(QtCore.QPointF(m.x_s, m.y))
            p.setPen(_pen(color, QtCore.Qt.PenStyle.DotLine))
            p.drawLine(a, b)
            sign = -1.0 if m.bearish else 1.0  # device y grows downwards: bearish marks sit above
            tip_y = b.y() + sign * self.GAP_PX
            base_y = tip_y + sign * 2 * t
            tri = QtGui.QPolygonF(
                [
                    QtCore.QPointF(b.x(), tip_y),
                    QtCore.QPointF(b.x() - t, base_y),
                    QtCore.QPointF(b.x() + t, base_y),
                ]
            )
            p.setPen(_pen(color))
            p.setBrush(QtGui.QBrush(color))
            p.drawPolygon(tri)
            label = "bear" if m.bearish else "bull"
            w = metrics.horizontalAdvance(label)
            text_y = base_y - 3 if m.bearish else base_y + metrics.ascent() + 1
            p.drawText(QtCore.QPointF(b.x() - w / 2, text_y), label)
        if self.header:
            p.setFont(self._header_font)
            p.setPen(palette.TEXT)
            hm = QtGui.QFontMetricsF(self._header_font)
            p.drawText(QtCore.QPointF(area.left() + 6, area.top() + hm.ascent() + 3), self.header)


class PriceAxis(pg.AxisItem):  # type: ignore[misc]
    """Right axis in ticks, labelled as the instrument's price text."""

    def __init__(self, instrument: Instrument | None = None, **kwargs: Any) -> None:
        super().__init__("right", **kwargs)
        self.instrument = instrument

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        inst = self.instrument
        if inst is None:
            return [f"{v:g}" for v in values]
        exponent = inst.tick_size.as_tuple().exponent
        decimals = max(0, -exponent) if isinstance(exponent, int) else 2
        return [f"{Decimal(round(v)) * inst.tick_size:,.{decimals}f}" for v in values]


class CvdAxis(pg.AxisItem):  # type: ignore[misc]
    """Right axis in lots, labelled in base units (compact: 1.2K, -37.4)."""

    def __init__(self, instrument: Instrument | None = None, **kwargs: Any) -> None:
        super().__init__("right", **kwargs)
        self.instrument = instrument

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        inst = self.instrument
        if inst is None:
            return [f"{v:g}" for v in values]
        return [compact_qty(inst, round(v)) for v in values]


def style_axis(axis: pg.AxisItem, width: int | None = None) -> None:
    axis.setPen(_pen(palette.GRID))
    axis.setTextPen(palette.TEXT_DIM)
    axis.setStyle(tickFont=_tick_font())
    if width is not None:
        axis.setWidth(width)


def _tick_font() -> QtGui.QFont:
    font = QtWidgets.QApplication.font()
    font.setPointSizeF(8.0)
    return font
