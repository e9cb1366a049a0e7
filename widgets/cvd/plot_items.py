"""The CVD chart's data items: candles and a line, repainting only the bars that changed.

A live frame changes only the open bar, so these items ask the scene to repaint the vertical
strip of the bars that changed (`set_data(..., changed_from=i)`), and paint only the bars in the
exposed rect: a frame costs the open bar, not the pane, and a day of 1 s bars costs what is on
screen. They cover their view (bounds = view rect), so new data never changes their geometry.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from widgets.base import palette
from widgets.base.view_covering import ViewCoveringItem

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

# (wicks, bodies or None) of the up candles and of the down candles of some bars, None where none
_CandlePaths = tuple[
    tuple[QtGui.QPainterPath, QtGui.QPainterPath | None] | None,
    tuple[QtGui.QPainterPath, QtGui.QPainterPath | None] | None,
]

MIN_BODY_PX = 3.0  # narrower than this, a candle is drawn as its high-low line only
EDGE_PX = 3.0  # cosmetic pens and antialias spill this far outside the geometry


def cosmetic_pen(color: QtGui.QColor, style: QtCore.Qt.PenStyle = QtCore.Qt.PenStyle.SolidLine) -> QtGui.QPen:
    pen = QtGui.QPen(color)
    pen.setWidth(1)
    pen.setCosmetic(True)  # width 1 whatever the zoom (wide pens are a slow raster path)
    pen.setStyle(style)
    return pen


class _BarsItem(ViewCoveringItem):
    """Bars at centres `x_s` (seconds) `width_s` wide; subclasses draw a slice of them."""

    LINKS_NEIGHBOURS = 0  # a line also draws the segments to the bars either side of a slice

    def __init__(self) -> None:
        super().__init__()
        self._x: F64 = np.zeros(0)
        self._width_s = 1.0
        self._drawn_extent: tuple[float, ...] | None = None  # the last bar's, at the last draw
        # paths of closed bars, by (what, first, end, …): built once, kept while those bars hold
        self._closed_paths: dict[tuple[Any, ...], Any] = {}
        self._pixel_size: tuple[float, float] | None = None  # data units of a device pixel, until a move
        self.setFlag(QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)

    def _extent(self, i: int) -> tuple[float, ...]:
        """Lowest and highest value drawn for bars i… (what a repaint of them must cover)."""
        raise NotImplementedError

    def _update_open_bar(self, old: tuple[float, ...], px: float, py: float) -> bool:
        """Repaint just what moved in the open bar (no new bar); False: repaint its strip."""
        return False

    def _set_x(self, x_s: F64, width_s: float, changed_from: int | None) -> None:
        """Take new bar centres; repaint from bar `changed_from` on (None: everything).

        0 is not "everything": with one bar so far (a fresh replay's first minute) bar 0 is the
        open bar, and repainting the whole pane for it made every frame of that minute a full one.

        The repaint covers the changed bars' x span and, in y, what they cover now and what the
        open bar covered at the last draw (its values were overwritten in place since).
        """
        same = x_s.shape[0] >= self._x.shape[0] and width_s == self._width_s
        self._x, self._width_s = x_s, width_s
        self._forget_paths(changed_from if same else None)
        n = x_s.shape[0]
        if not n:
            self._drawn_extent = None
            self.update()
            return
        old, self._drawn_extent = self._drawn_extent, self._extent(n - 1)
        if changed_from is None or not same or old is None:
            self.update()
            return
        px, py = self._pixel()
        if changed_from == n - 1 and self._update_open_bar(old, px, py):
            return
        i = max(0, min(changed_from, n - 1) - self.LINKS_NEIGHBOURS)
        lo, hi = self._extent(i)[:2]
        lo, hi = min(lo, old[0]), max(hi, old[1])
        left = float(x_s[i]) - width_s / 2 - EDGE_PX * px
        right = float(x_s[-1]) + width_s / 2 + EDGE_PX * px
        bottom, top = lo - EDGE_PX * py, hi + EDGE_PX * py
        self.update(QtCore.QRectF(left, bottom, right - left, top - bottom))

    def viewTransformChanged(self) -> None:
        self._pixel_size = None
        super().viewTransformChanged()

    def _pixel(self) -> tuple[float, float]:
        """(width, height) of a device pixel in data units: pyqtgraph inverts the device
        transform for each, so it is kept until the view's transform changes."""
        size = self._pixel_size
        if size is None:
            size = abs(self.pixelWidth() or 0.0), abs(self.pixelHeight() or 0.0)
            if size[0] and size[1]:
                self._pixel_size = size
        return size

    def _forget_paths(self, changed_from: int | None) -> None:
        """Drop the cached paths that hold a bar from `changed_from` on (None: all of them)."""
        paths = self._closed_paths
        if changed_from is None or len(paths) > 8:
            paths.clear()
            return
        for key in [k for k in paths if k[2] > changed_from]:
            del paths[key]

    def _closed(self, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
        """The paths for closed bars `key[1]:key[2]`, built on first use (the open bar is never in them)."""
        paths = self._closed_paths.get(key)
        if paths is None:
            paths = self._closed_paths[key] = build()
        return paths

    def _line_path(
        self, key: tuple[Any, ...], sl: slice, y_of: Callable[[int, int], F64]
    ) -> QtGui.QPainterPath:
        """The polyline through points `sl` (y from `y_of(i0, i1)`): the closed points' part kept,
        the open (last) point appended per paint; the very path one polyline through them makes."""
        n = self._x.shape[0]
        i0, i1 = sl.start, min(sl.stop, n)
        end = min(i1, n - 1)
        if end - i0 < 1:
            return pg.arrayToQPath(self._x[i0:i1], y_of(i0, i1))
        closed: QtGui.QPainterPath = self._closed((key, i0, end), lambda: self._polyline(i0, end, y_of))
        if i1 == end:
            return closed
        x_open, y_open = float(self._x[n - 1]), float(y_of(n - 1, n)[0])
        if not (math.isfinite(x_open) and math.isfinite(y_open)):  # dropped, as arrayToQPath does
            return pg.arrayToQPath(self._x[i0:i1], y_of(i0, i1))
        path = QtGui.QPainterPath(closed)
        path.lineTo(x_open, y_open)
        return path

    def _polyline(self, i0: int, i1: int, y_of: Callable[[int, int], F64]) -> QtGui.QPainterPath:
        if i1 - i0 >= 2:
            return pg.arrayToQPath(self._x[i0:i1], y_of(i0, i1))
        path = QtGui.QPainterPath()  # one point: where the open point's segment starts
        path.moveTo(float(self._x[i0]), float(y_of(i0, i1)[0]))
        return path

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
        self, x_s: F64, width_s: float, ohlc: tuple[I64, I64, I64, I64], changed_from: int | None = None
    ) -> None:
        """Bars at centres `x_s`; the int columns are kept as given and converted in view only."""
        self._o, self._h, self._l, self._c = ohlc
        self._set_x(x_s, width_s, changed_from)

    def _extent(self, i: int) -> tuple[float, ...]:
        """(low, high) of bars i…, and for the last bar its (open, close) too."""
        lo, hi = float(self._l[i:].min()), float(self._h[i:].max())
        if i != self._x.shape[0] - 1:
            return lo, hi
        return lo, hi, float(self._o[i]), float(self._c[i])

    def _update_open_bar(self, old: tuple[float, ...], px: float, py: float) -> bool:
        """The open candle's body moved from the old close to the new, its wicks grew: only that."""
        if len(old) != 4:
            return False
        new = self._extent(self._x.shape[0] - 1)
        o_lo, o_hi, o_open, o_close = old
        n_lo, n_hi, _, n_close = new
        x = float(self._x[-1])
        half = self._width_s * 0.35 + EDGE_PX * px
        body = [o_close, n_close]
        if (o_close >= o_open) != (n_close >= o_open):
            body.append(o_open)  # the candle changed colour: the whole body is repainted
        ys = [(min(body), max(body))]
        if n_hi != o_hi:
            ys.append((o_hi, n_hi))
        if n_lo != o_lo:
            ys.append((n_lo, o_lo))
        for y0, y1 in ys:
            if y0 == y1:
                continue
            bottom, top = min(y0, y1) - EDGE_PX * py, max(y0, y1) + EDGE_PX * py
            self.update(QtCore.QRectF(x - half, bottom, 2 * half, top - bottom))
        return True

    def paint(self, p: QtGui.QPainter, option: QtWidgets.QStyleOptionGraphicsItem, *_args: Any) -> None:
        """Up candles, then down ones: wicks, then bodies filled and outlined.

        The closed bars' paths are built once and drawn again each frame; only the open bar's
        are built per paint (bars never overlap, so drawing it apart changes no pixel).
        """
        sl = self._exposed_slice(option)
        n = self._x.shape[0]
        i0, i1 = sl.start, min(sl.stop, n)
        if i1 <= i0:
            return
        body = abs(p.transform().m11()) * self._width_s * 0.7 >= MIN_BODY_PX  # body wide enough to show
        end = min(i1, n - 1)
        parts: list[_CandlePaths] = []
        if end > i0:
            parts.append(self._closed(("candles", i0, end, body), lambda: self._candle_paths(i0, end, body)))
        if i1 == n:
            parts.append(self._open_candle_paths(n - 1, body))
        for side, pen, brush in ((0, self._up_pen, self._up_brush), (1, self._down_pen, self._down_brush)):
            drawn = [part[side] for part in parts if part[side] is not None]
            if not drawn:
                continue
            p.setPen(pen)
            for wicks, _bodies in drawn:
                p.drawPath(wicks)
            for _wicks, bodies in drawn:
                if bodies is not None:
                    p.fillPath(bodies, brush)
                    p.drawPath(bodies)  # outline: a doji (open == close) still shows as a line

    def _candle_paths(self, i0: int, i1: int, body: bool) -> _CandlePaths:
        """(wicks, bodies) of the up and of the down candles among bars i0:i1, None where none."""
        x = self._x[i0:i1]
        o, h, lo, c = (a[i0:i1].astype(np.float64) for a in (self._o, self._h, self._l, self._c))
        up = c >= o
        body_w = self._width_s * 0.7
        out: list[tuple[QtGui.QPainterPath, QtGui.QPainterPath | None] | None] = []
        for mask in (up, ~up):
            if not mask.any():
                out.append(None)
                continue
            xm, om, hm, lm, cm = x[mask], o[mask], h[mask], lo[mask], c[mask]
            wicks = pg.arrayToQPath(np.repeat(xm, 2), np.column_stack((lm, hm)).ravel(), connect="pairs")
            bodies = None
            if body:
                left, right = xm - body_w / 2, xm + body_w / 2
                lo_b, hi_b = np.minimum(om, cm), np.maximum(om, cm)
                xs = np.column_stack((left, right, right, left, left)).ravel()
                ys = np.column_stack((lo_b, lo_b, hi_b, hi_b, lo_b)).ravel()
                connect = np.tile(np.array([1, 1, 1, 1, 0], dtype=np.int32), xm.shape[0])
                bodies = pg.arrayToQPath(xs, ys, connect=connect)
            out.append((wicks, bodies))
        return out[0], out[1]

    def _open_candle_paths(self, i: int, body: bool) -> _CandlePaths:
        """`_candle_paths(i, i + 1, body)` for one bar, in plain floats (numpy costs more for one)."""
        x = float(self._x[i])
        o, h, lo, c = float(self._o[i]), float(self._h[i]), float(self._l[i]), float(self._c[i])
        wicks = QtGui.QPainterPath()
        wicks.moveTo(x, lo)
        wicks.lineTo(x, h)
        bodies = None
        if body:
            body_w = self._width_s * 0.7
            left, right = x - body_w / 2, x + body_w / 2
            lo_b, hi_b = min(o, c), max(o, c)
            bodies = QtGui.QPainterPath()
            bodies.moveTo(left, lo_b)
            for px, py in ((right, lo_b), (right, hi_b), (left, hi_b), (left, lo_b)):
                bodies.lineTo(px, py)
        return ((wicks, bodies), None) if c >= o else (None, (wicks, bodies))


class LineItem(_BarsItem):
    """A line through one value per bar (its close), drawn for the exposed bars only."""

    LINKS_NEIGHBOURS = 1

    def __init__(self, color: QtGui.QColor) -> None:
        super().__init__()
        self._y = np.zeros(0, dtype=np.int64)
        self._pen = cosmetic_pen(color)

    def set_data(self, x_s: F64, width_s: float, y: I64, changed_from: int | None = None) -> None:
        self._y = y
        self._set_x(x_s, width_s, changed_from)

    def _extent(self, i: int) -> tuple[float, ...]:
        tail = self._y[i:]
        return float(tail.min()), float(tail.max())

    def points(self) -> tuple[F64, F64]:
        return self._x.copy(), self._y.astype(np.float64)

    def paint(self, p: QtGui.QPainter, option: QtWidgets.QStyleOptionGraphicsItem, *_args: Any) -> None:
        sl = self._exposed_slice(option)
        if self._x[sl].shape[0] < 2:
            return
        p.setPen(self._pen)
        p.drawPath(self._line_path(("line",), sl, self._y_of))

    def _y_of(self, i0: int, i1: int) -> F64:
        return self._y[i0:i1].astype(np.float64)
