"""Chart axes painted straight from their ticks, with each label laid out once.

pyqtgraph's AxisItem re-lays itself out whenever its range moves: it measures every label with
QFontMetrics, records the result into a QPicture and replays it (`generateDrawSpecs`). The
charts here move their range almost every frame (the footprint follows the price, the CVD the
clock), so that re-layout was the largest single spike of a frame (docs/BENCHMARKS.md, issue 11:
up to 2.8 ms an axis). This axis keeps pyqtgraph's layout role (its size in the PlotItem, the
link to the ViewBox, `tickValues`/`tickStrings` of the subclasses) and paints each frame with a
handful of lines and QStaticTexts cached per string, so a move costs a tick search and a few
blits.
"""

from __future__ import annotations

import math
from typing import Any

import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from widgets.base.cache import BoundedCache

_TICK_PX = 4
_TEXT_GAP_PX = 3
_MIN_GAP_PX = {True: 18.0, False: 60.0}  # between label centres: vertical axes, horizontal axes
_TEXTS = 1024


class PaintedAxis(pg.AxisItem):  # type: ignore[misc]
    """An AxisItem that paints its ticks and labels directly (see the module docstring).

    Subclasses choose the values (`tickValues`, pyqtgraph's signature, one level spaced for its
    labels) and their text (`tickStrings`); the grid items draw the lines across the chart.
    """

    def __init__(self, orientation: str, **kw: Any) -> None:
        super().__init__(orientation, **kw)
        self.enableAutoSIPrefix(False)
        self._texts: BoundedCache[str, tuple[QtGui.QStaticText, float, float]] = BoundedCache(_TEXTS)
        self._text_font: QtGui.QFont | None = None
        self._pens: tuple[QtGui.QPen, QtGui.QPen] | None = None
        self._labels_key: tuple[float, float, float] | None = None
        self._labels: list[tuple[float, str]] = []

    # -- pyqtgraph hooks -------------------------------------------------------------------------

    def setRange(self, mn: float, mx: float) -> None:
        if not (math.isfinite(mn) and math.isfinite(mx)):
            raise ValueError(f"Not setting range to [{mn}, {mx}]")
        self.range = [mn, mx]
        self.update()

    def setStyle(self, **kwds: Any) -> None:
        super().setStyle(**kwds)
        self._texts.clear()
        self._text_font = None
        self._labels_key = None

    def setPen(self, *args: Any, **kwargs: Any) -> None:
        super().setPen(*args, **kwargs)
        self._pens = None

    def setTextPen(self, *args: Any, **kwargs: Any) -> None:
        super().setTextPen(*args, **kwargs)
        self._pens = None

    def paint(self, p: QtGui.QPainter, *_: Any) -> None:
        view = self.linkedView()
        if view is None:
            return
        rect = self.mapRectFromParent(self.geometry())
        bounds = view.mapRectToItem(self, view.boundingRect())
        vertical = self.orientation in ("left", "right")
        lo, hi = self.range
        length = bounds.height() if vertical else bounds.width()
        if hi == lo or length <= 0:
            return
        key = (lo, hi, length)
        if key != self._labels_key:  # the same range paints the same labels (a repaint under a move)
            self._labels = self.labels(min(lo, hi), max(lo, hi), length, vertical)
            self._labels_key = key
        labels = self._labels
        if self._pens is None:
            self._pens = (self.pen(), self.textPen())
        line_pen, text_pen = self._pens
        if vertical:  # y up: the range's first value sits at the bottom of the view
            scale, origin = -bounds.height() / (hi - lo), bounds.bottom()
        else:
            scale, origin = bounds.width() / (hi - lo), bounds.left()
        font = self._font()
        p.setFont(font)
        p.setPen(line_pen)
        edge = {
            "right": rect.left(),
            "left": rect.right(),
            "bottom": rect.top(),
            "top": rect.bottom(),
        }[self.orientation]
        inward = 1.0 if self.orientation in ("right", "bottom") else -1.0
        if vertical:
            p.drawLine(QtCore.QLineF(edge, rect.top(), edge, rect.bottom()))
        else:
            p.drawLine(QtCore.QLineF(rect.left(), edge, rect.right(), edge))
        placed: list[tuple[float, QtGui.QStaticText, float, float]] = []
        for value, text in labels:
            pos = origin + (value - lo) * scale
            if vertical and not rect.top() <= pos <= rect.bottom():
                continue
            if not vertical and not rect.left() <= pos <= rect.right():
                continue
            if vertical:
                p.drawLine(QtCore.QLineF(edge, pos, edge + inward * _TICK_PX, pos))
            else:
                p.drawLine(QtCore.QLineF(pos, edge, pos, edge + inward * _TICK_PX))
            if text:
                st, w, h = self._static(text, font)
                placed.append((pos, st, w, h))
        p.setPen(text_pen)
        widest = 0.0
        for pos, st, w, h in placed:
            widest = max(widest, w)
            if vertical:
                x = edge + _TICK_PX + _TEXT_GAP_PX if inward > 0 else edge - _TICK_PX - _TEXT_GAP_PX - w
                y = min(max(pos - h / 2, rect.top()), rect.bottom() - h)
            else:
                x = min(max(pos - w / 2, rect.left()), rect.right() - w)
                y = edge + _TICK_PX + 1 if inward > 0 else edge - _TICK_PX - 1 - h
            p.drawStaticText(QtCore.QPointF(round(x), round(y)), st)
        if vertical and self.fixedWidth is None:
            self._fit_width(widest)

    # -- labels --------------------------------------------------------------------------------

    def labels(self, lo: float, hi: float, length_px: float, vertical: bool) -> list[tuple[float, str]]:
        """(value, text) of the labels between lo and hi on an axis `length_px` long."""
        levels = self.tickValues(lo, hi, length_px)
        if not levels:
            return []
        spacing, values = levels[0]  # every axis here gives one level, spaced for its labels
        values = [v for v in values if lo <= v <= hi]
        return list(zip(values, self.tickStrings(values, 1.0, spacing), strict=True))

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:  # noqa: N803
        """Round values (1, 2 or 5 × 10^k) at least a label's height apart: one level, cheap.

        pyqtgraph's own search (several levels, numpy `isclose` per level) cost more than the
        whole rest of the axis paint; the grid items read the same values.
        """
        return nice_ticks(minVal, maxVal, size, _MIN_GAP_PX[self.orientation in ("left", "right")] + 4)

    def _font(self) -> QtGui.QFont:
        if self._text_font is None:
            style_font = self.style.get("tickFont")
            self._text_font = QtGui.QFont(style_font) if style_font else QtGui.QFont()
        return self._text_font

    def _static(self, text: str, font: QtGui.QFont) -> tuple[QtGui.QStaticText, float, float]:
        entry = self._texts.get(text)
        if entry is None:
            st = QtGui.QStaticText(text)
            st.setTextFormat(QtCore.Qt.TextFormat.PlainText)
            st.prepare(QtGui.QTransform(), font)
            size = st.size()
            entry = self._texts.put(text, (st, size.width(), size.height()))
        return entry

    def _fit_width(self, text_px: float) -> None:
        """Grow to fit the widest label (and shrink back only by a margin, so widths don't flicker)."""
        need = math.ceil(text_px) + _TICK_PX + 2 * _TEXT_GAP_PX
        if need > self.width() or need < self.width() - 12:
            self.setMaximumWidth(need)
            self.setMinimumWidth(need)


def nice_ticks(lo: float, hi: float, length_px: float, min_gap_px: float) -> list[tuple[float, list[float]]]:
    """The values k·step in [lo, hi] for the smallest step of 1, 2 or 5 × 10^n that leaves
    `min_gap_px` between neighbours; pyqtgraph's `tickValues` shape (one level)."""
    if length_px <= 0 or not hi > lo:
        return []
    raw = (hi - lo) * min_gap_px / length_px
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= raw)
    first = math.ceil(lo / step)
    last = math.floor(hi / step)
    return [(step, [k * step for k in range(first, last + 1)])]


def unlink_hidden_axes(plot: pg.PlotItem) -> None:
    """A PlotItem keeps its hidden axes linked: each range move re-lays them out (pyqtgraph's
    SI-prefix label, an HTML text item) for nothing. Unlinked, they stay out of every frame."""
    for name in ("left", "right", "top", "bottom"):
        axis = plot.getAxis(name)
        if not axis.isVisible():
            axis.unlinkFromView()
