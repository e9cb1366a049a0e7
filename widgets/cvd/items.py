"""Drawing items of the CVD chart around the data: grid, divergence marks, pane headers, axes.

Marks and headers are drawn in device pixels (fixed-size triangles and text whatever the zoom),
all in one paint, never one item per mark. The data items are in widgets/cvd/plot_items.py.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from app.core.instrument import Instrument
from widgets.base import palette
from widgets.base.fmt import compact_qty
from widgets.base.painted_axis import PaintedAxis
from widgets.base.view_covering import ViewCoveringItem
from widgets.cvd.plot_items import cosmetic_pen as _pen


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


class _DeviceItem(ViewCoveringItem):
    """Covers its view and paints in device pixels (fixed-size marks and text at any zoom)."""

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
        self._header_tr: QtGui.QTransform | None = None  # item → device at the last paint
        self._header_box = (0.0, 0.0, 0.0, 0.0)  # device left, top, height, right of the header line
        self._font = QtGui.QFont()
        self._font.setPointSizeF(8.0)
        self._header_font = QtGui.QFont()
        self._header_font.setPointSizeF(8.5)
        self._metrics: tuple[QtGui.QFontMetricsF, QtGui.QFontMetricsF] | None = None  # made at first use
        self.setZValue(20)

    def _font_metrics(self) -> tuple[QtGui.QFontMetricsF, QtGui.QFontMetricsF]:
        """(marks font, header font) metrics: measuring with them is what a frame repeats."""
        if self._metrics is None:
            self._metrics = (QtGui.QFontMetricsF(self._font), QtGui.QFontMetricsF(self._header_font))
        return self._metrics

    def viewRangeChanged(self) -> None:
        self._header_tr = None  # the header's device position is unknown until the next paint
        super().viewRangeChanged()

    def set_marks(self, marks: Sequence[Mark], reset_x_s: Sequence[float], header: str) -> None:
        """Repaint the whole pane only if marks or resets changed; a new header repaints its line."""
        marks, reset_x_s = list(marks), list(reset_x_s)
        if marks != self.marks or reset_x_s != self.reset_x_s or self._header_tr is None:
            self.marks, self.reset_x_s, self.header = marks, reset_x_s, header
            self.update()
            return
        self.set_header(header)

    def set_header(self, header: str) -> None:
        """A new header repaints its line only (all of the pane while its place is unknown)."""
        if header == self.header:
            return
        if self._header_tr is None:
            self.header = header
            self.update()
            return
        self.header = header
        # the header's line to the pane's right edge: wider than the text, but no text to measure
        # (the items under it repaint with an exposed rect as wide as the pane either way)
        left, top, height, right = self._header_box
        box = QtCore.QRectF(left - 2, top - 2, right - left + 2, height + 4)
        inverse, ok = self._header_tr.inverted()
        if ok:
            self.update(inverse.mapRect(box))
        else:
            self.update()

    def _paint_device(
        self, p: QtGui.QPainter, tr: QtGui.QTransform, view: QtCore.QRectF, area: QtCore.QRectF
    ) -> None:
        x0, x1 = view.left(), view.right()
        p.setFont(self._font)
        metrics, hm = self._font_metrics()
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
            p.drawText(QtCore.QPointF(area.left() + 6, area.top() + hm.ascent() + 3), self.header)
            self._header_box = (area.left() + 6, area.top() + 3, hm.height(), area.right())
        self._header_tr = QtGui.QTransform(tr)


class CvdAxis(PaintedAxis):
    """Right axis in lots, labelled in base units (compact: 1.2K, -37.4)."""

    def __init__(self, instrument: Instrument | None = None, **kwargs: Any) -> None:
        super().__init__("right", **kwargs)
        self.instrument = instrument

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        inst = self.instrument
        if inst is None:
            return [f"{v:g}" for v in values]
        return [compact_qty(inst, round(v)) for v in values]


class TimeAxis(PaintedAxis):
    """Bottom axis in UTC seconds, labelled at the grid's round time steps (GridItem's lines)."""

    def __init__(self) -> None:
        super().__init__("bottom")

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:  # noqa: N803
        if size <= 0 or maxVal <= minVal:
            return []
        step = time_grid_step_s(maxVal - minVal, size)
        first = int(np.ceil(minVal / step))
        return [(step, [k * step for k in range(first, int(maxVal // step) + 1)])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        fmt = "%H:%M:%S" if spacing < 60 else "%H:%M" if spacing < 86400 else "%d %b"
        return [time.strftime(fmt, time.gmtime(v)) for v in values]


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
